#pragma once
// transcode(): read a source frame by frame and encode it, with the source's audio, into a
// delivery file, a master or an image sequence. The plain decode → encode path of the CLI's
// `transcode` and the building block of every export. Memory stays bounded: frames stream
// through one at a time.

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "media/videoencoder.h"
#include "media/videosource.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace tincture {

// Encoder settings that keep a source's timing, aspect, colour tags and audio.
EncodeSettings encodeSettingsFor(const MediaInfo &source, VideoCodec codec);

struct TranscodeRequest
{
    QString input;
    QString output;
    std::optional<VideoCodec> codec; // default: from the output's extension
    int h264Crf = 16;
    bool withAudio = true;
    FrameIndex first = 0; // inclusive range of source frames
    FrameIndex last = -1; // -1: to the end
    SourceOptions source;
    Existing existing = Existing::Refuse; // what to do with a file already under `output`
    // Other files the job reads (keyframes, hints, a project): the output may replace none.
    QStringList protectedInputs;
    // Optional per-frame processing between decode and encode (e.g. colourisation).
    std::function<Result<Frame>(const Frame &)> process;
};

struct TranscodeReport
{
    int64_t frames = 0;
    int audioStreams = 0;
    VideoCodec codec = VideoCodec::H264;
    QString notes;
};

Result<TranscodeReport> transcode(const TranscodeRequest &request, Feedback &feedback);

// A low estimate of what `frames` frames of width × height take in `codec` (bytes per pixel
// measured on smooth footage, which compresses best: H.264 at CRF 16 0.01, FFV1 0.7, ProRes
// 422 HQ 0.6, 16-bit PNG/TIFF 0.8), and a refusal (WriteFailed, naming the output and both
// sizes) when the output's volume has less free space than that. A film that fits the
// estimate can still fill the disk midway; the encoder then fails cleanly.
int64_t estimatedOutputBytes(VideoCodec codec, int width, int height, int64_t frames);
Result<void> checkOutputSpace(const QString &output, VideoCodec codec, int width, int height,
                              int64_t frames);

} // namespace tincture
