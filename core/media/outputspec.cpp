#include "media/outputspec.h"

#include "foundation/outputguard.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <sys/statvfs.h>
#include <unistd.h>

namespace tincture {

Result<VideoCodec> outputCodec(const OutputSpec &spec)
{
    if (spec.codec)
        return *spec.codec;
    if (std::optional<VideoCodec> codec = codecForPath(spec.path))
        return *codec;
    return makeError(ErrorCode::InvalidArgument,
                     QStringLiteral("%1: cannot tell the format from the extension; give "
                                    "--codec h264|ffv1|prores|prores4444|png|tiff")
                         .arg(spec.path));
}

EncodeSettings encodeSettingsFor(const OutputSpec &spec, VideoCodec codec, const MediaInfo &source)
{
    EncodeSettings s;
    s.codec = codec;
    s.h264Crf = spec.h264Crf;
    s.existing = spec.existing;
    s.fps = source.fps;
    s.timeBase = source.timeBase;
    s.sampleAspect = source.sampleAspect;
    s.colour = source.colour;
    s.bitDepth = source.bitDepth > 8 ? 16 : 8;
    if (spec.withAudio && source.audioStreams > 0 &&
        source.container != QLatin1String("image-sequence"))
        s.audioSource = source.path;
    return s;
}

QString provenanceSidecarPath(const QString &output)
{
    QString base = output;
    while (base.size() > 1 && base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return base + QStringLiteral(".provenance.json");
}

Result<void> checkFilmOutput(const OutputSpec &spec, const QStringList &inputs)
{
    if (Result<void> ok = checkOutput(spec.path, inputs, spec.existing); !ok)
        return ok;
    const QString sidecar = provenanceSidecarPath(spec.path);
    if (spec.existing == Existing::Refuse && pathIsTaken(sidecar))
        return makeError(ErrorCode::OutputExists,
                         QStringLiteral("%1: already exists and would be replaced").arg(sidecar));
    return {};
}

Result<std::pair<FrameIndex, FrameIndex>> outputRange(const OutputSpec &spec, int64_t frames,
                                                      const QString &film)
{
    const FrameIndex first = std::max<FrameIndex>(0, spec.first);
    const FrameIndex last =
        spec.last < 0 ? frames - 1 : std::min<FrameIndex>(spec.last, frames - 1);
    if (first > last)
        return makeError(ErrorCode::OutOfRange,
                         QStringLiteral("%1: the range %2–%3 holds no frames (the film has %4)")
                             .arg(film)
                             .arg(spec.first)
                             .arg(spec.last)
                             .arg(frames));
    return std::pair{first, last};
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
    case VideoCodec::ProRes4444:
        bytesPerPixel = 0.8;
        break;
    case VideoCodec::PngSequence:
    case VideoCodec::TiffSequence:
        break;
    }
    return int64_t(bytesPerPixel * double(width) * double(height) *
                   double(std::max<int64_t>(frames, 0)));
}

Result<void> checkOutputSpace(const QString &output, VideoCodec codec, int width, int height,
                              int64_t frames)
{
    const QString folder = QFileInfo(output).absolutePath();
    struct statvfs fs;
    // A folder that cannot be written, or a file system without a size (/proc), is the
    // writer's to report.
    if (::statvfs(QFile::encodeName(folder).constData(), &fs) != 0 || fs.f_blocks == 0 ||
        ::access(QFile::encodeName(folder).constData(), W_OK) != 0)
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

} // namespace tincture
