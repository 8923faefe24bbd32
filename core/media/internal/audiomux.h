#pragma once
// AudioMux: carries a source file's audio streams into an output being muxed, interleaved
// with the video as it is written. Each stream is copied unchanged where the output container
// accepts its codec, otherwise decoded and re-encoded to AAC. Private to core/media.

extern "C" {
#include <libavformat/avformat.h>
}

#include "foundation/result.h"

#include <QString>

#include <memory>

namespace tincture {

class AudioMux
{
public:
    // Adds the output streams (call before avformat_write_header). sourceStartSeconds is the
    // source time that maps to output time 0; audio before it is dropped.
    static Result<std::unique_ptr<AudioMux>>
    create(AVFormatContext *output, const QString &sourcePath, double sourceStartSeconds);
    ~AudioMux();

    int streamCount() const;
    // Writes audio up to output time untilSeconds.
    Result<void> pump(double untilSeconds);
    // Writes the rest of the audio up to endSeconds (the video's end) and flushes encoders.
    Result<void> finish(double endSeconds);

private:
    struct Impl;
    explicit AudioMux(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace tincture
