#include "media/transcode.h"

#include "foundation/outputguard.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <sys/statvfs.h>
#include <unistd.h>

namespace tincture {

EncodeSettings encodeSettingsFor(const MediaInfo &source, VideoCodec codec)
{
    EncodeSettings s;
    s.codec = codec;
    s.fps = source.fps;
    s.timeBase = source.timeBase;
    s.sampleAspect = source.sampleAspect;
    s.colour = source.colour;
    if (source.audioStreams > 0 && source.container != QLatin1String("image-sequence"))
        s.audioSource = source.path;
    return s;
}

int64_t estimatedOutputBytes(VideoCodec codec, int width, int height, int64_t frames)
{
    double bytesPerPixel = 0.8; // the 16-bit PNG and TIFF sequences
    switch (codec) {
    case VideoCodec::H264:
        bytesPerPixel = 0.01;
        break;
    case VideoCodec::Ffv1:
        bytesPerPixel = 0.7;
        break;
    case VideoCodec::ProRes:
        bytesPerPixel = 0.6;
        break;
    case VideoCodec::PngSequence:
    case VideoCodec::TiffSequence:
        break;
    }
    return int64_t(bytesPerPixel * double(width) * double(height)
                   * double(std::max<int64_t>(frames, 0)));
}

Result<void> checkOutputSpace(const QString &output, VideoCodec codec, int width, int height,
                              int64_t frames)
{
    const QString folder = QFileInfo(output).absolutePath();
    struct statvfs fs;
    // A folder that cannot be written, or a file system without a size (/proc), is the
    // writer's to report.
    if (::statvfs(QFile::encodeName(folder).constData(), &fs) != 0 || fs.f_blocks == 0
        || ::access(QFile::encodeName(folder).constData(), W_OK) != 0)
        return {};
    const int64_t available = int64_t(fs.f_bavail) * int64_t(fs.f_frsize);
    const int64_t needed = estimatedOutputBytes(codec, width, height, frames);
    if (available >= needed)
        return {};
    const auto mb = [](int64_t bytes) { return QString::number(double(bytes) / 1e6, 'f', 1); };
    return makeError(ErrorCode::WriteFailed,
                     QStringLiteral("%1: not enough space: %2 frames in %3 need about %4 MB, "
                                    "and %5 has %6 MB free")
                         .arg(output)
                         .arg(frames)
                         .arg(codecName(codec), mb(needed), folder, mb(available)));
}

Result<TranscodeReport> transcode(const TranscodeRequest &request, Feedback &feedback)
{
    if (Result<void> ok = checkOutput(request.output, QStringList{request.input}
                                                          + request.protectedInputs,
                                      request.existing);
        !ok)
        return ok.error();
    std::optional<VideoCodec> codec = request.codec ? request.codec : codecForPath(request.output);
    if (!codec)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("%1: cannot tell the format from the extension; give "
                                        "--codec h264|ffv1|prores|png|tiff")
                             .arg(request.output));
    // Frames stream through once, in order: a decoded-frame cache would only hold memory.
    SourceOptions sourceOptions = request.source;
    sourceOptions.cacheBytes = 0;
    Result<std::unique_ptr<VideoSource>> opened = VideoSource::open(request.input, sourceOptions);
    if (!opened)
        return opened.error();
    VideoSource &source = **opened;
    const MediaInfo &info = source.info();
    const FrameIndex first = std::max<FrameIndex>(0, request.first);
    const FrameIndex last = request.last < 0 ? info.frames - 1 : std::min(request.last, info.frames - 1);
    if (first > last)
        return makeError(ErrorCode::OutOfRange,
                         QStringLiteral("%1: the range %2–%3 holds no frames (the film has %4)")
                             .arg(request.input)
                             .arg(request.first)
                             .arg(request.last)
                             .arg(info.frames));

    if (Result<void> ok = checkOutputSpace(request.output, *codec, info.width, info.height,
                                           last - first + 1);
        !ok)
        return ok.error();

    EncodeSettings settings = encodeSettingsFor(info, *codec);
    settings.h264Crf = request.h264Crf;
    settings.existing = request.existing;
    if (!request.withAudio)
        settings.audioSource.clear();
    settings.sourceStartSeconds = source.frameTimeSeconds(first);
    // The output starts at 0: shift the timestamps by the first frame's.
    Result<Frame> firstFrame = source.frame(first);
    if (!firstFrame)
        return firstFrame.error();
    const int64_t ptsOffset = firstFrame->pts;

    Result<std::unique_ptr<VideoEncoder>> created =
        VideoEncoder::create(request.output, info.width, info.height, settings);
    if (!created)
        return created.error();
    VideoEncoder &encoder = **created;
    const int64_t total = last - first + 1;
    for (FrameIndex i = first; i <= last; ++i) {
        if (feedback.isCancelled()) {
            encoder.abort();
            return Error::cancelled();
        }
        Result<Frame> frame = i == first ? firstFrame : source.frame(i);
        if (!frame) {
            encoder.abort();
            return frame.error();
        }
        Frame out = *frame;
        if (request.process) {
            Result<Frame> processed = request.process(out);
            if (!processed) {
                encoder.abort();
                return processed.error();
            }
            out = *processed;
        }
        out.pts = frame->pts - ptsOffset;
        if (Result<void> ok = encoder.write(out); !ok) {
            encoder.abort();
            return ok.error();
        }
        feedback.reportProgress(i - first + 1, total);
    }
    if (feedback.isCancelled()) {
        encoder.abort();
        return Error::cancelled();
    }
    if (Result<void> ok = encoder.finish(); !ok)
        return ok.error();
    TranscodeReport report;
    report.frames = total;
    report.audioStreams = encoder.audioStreamsWritten();
    report.codec = *codec;
    report.notes = encoder.notes();
    return report;
}

} // namespace tincture
