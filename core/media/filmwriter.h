#pragma once
// FilmWriter: writes a range of a source film's frames, coloured or as they are, to the output
// an OutputSpec describes, with the source's timing, colour tags and audio, and the
// provenance of the colour (container tag and sidecar JSON). Every film output goes through
// it: `transcode`, `colorize` and the studio's export.
//
// open() checks everything that can be checked before work starts (the output is no input and
// replaces nothing unasked, the format, the range, the free space) and creates the encoder.
// Frames are written in order, first … last; finish() renames the film and then the sidecar
// into place (a film written without provenance removes the sidecar of the film it replaces).
// A writer destroyed or aborted before finish() leaves nothing behind.
// One thread at a time.

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "media/outputspec.h"
#include "media/videosource.h"

#include <QByteArray>
#include <QStringList>

#include <memory>

namespace tincture {

struct TranscodeReport
{
    int64_t frames = 0;
    int audioStreams = 0;
    VideoCodec codec = VideoCodec::H264;
    QString notes;
};

class FilmWriter
{
public:
    // protectedInputs: other files the job reads (keyframes, hints, a project, a cache
    // folder); the output may replace none of them, nor the source. provenance: JSON, or empty
    // for none (no sidecar, no tag).
    static Result<std::unique_ptr<FilmWriter>> open(const OutputSpec &spec,
                                                    const VideoSource &source,
                                                    const QStringList &protectedInputs = {},
                                                    const QByteArray &provenance = {});
    ~FilmWriter();

    FrameIndex first() const;
    FrameIndex last() const;
    int64_t frameCount() const { return last() - first() + 1; }
    // The next frame in order (index first(), first() + 1, …), the source's size; its
    // timestamp is taken from the source.
    Result<void> write(FrameIndex index, const Frame &frame);
    Result<TranscodeReport> finish();
    void abort();

private:
    struct Impl;
    explicit FilmWriter(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace tincture
