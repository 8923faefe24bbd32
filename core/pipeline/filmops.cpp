#include "pipeline/filmops.h"

#include "media/imageio.h"
#include "ml/modelmanifest.h"
#include "ml/videocolorizer.h"
#include "propagation/propagationmethod.h"
#include "propagation/shotdetection.h"

#include <QDir>
#include <QFile>

#include <algorithm>
#include <limits>

using namespace tincture::propagation;

namespace tincture::pipeline {

namespace {

double meanGrey8(const Frame &map)
{
    double sum = 0.0;
    for (int y = 0; y < map.height(); ++y) {
        const uint8_t *row = map.constRow(y);
        for (int x = 0; x < map.width(); ++x)
            sum += row[x];
    }
    return sum / std::max(1.0, double(map.width()) * double(map.height()));
}

} // namespace

Result<QVector<QPair<FrameIndex, FrameIndex>>> detectShotSpans(const QString &mediaPath,
                                                               Feedback &feedback)
{
    Result<std::unique_ptr<VideoSource>> source = VideoSource::open(mediaPath);
    if (!source)
        return source.error();
    QVector<QPair<FrameIndex, FrameIndex>> spans;
    Result<std::vector<Shot>> shots = detectShots(**source, ShotDetectionParams{}, feedback);
    if (!shots)
        return shots.error();
    for (const Shot &s : *shots)
        spans.append({s.first, s.last});
    return spans;
}

Result<std::vector<metrics::FrameMetrics>>
measureFilm(const QString &mediaPath, FrameIndex first, FrameIndex last,
            const project::ResultCache &cache, const QString &referencePath, Feedback &feedback)
{
    // The cached run of frames from `first` (metrics need consecutive frames for flicker).
    FrameIndex end = first;
    while (end <= last && cache.hasFrame(end))
        ++end;
    if (end == first)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("frame %1 of %2 is not coloured yet: nothing to measure")
                             .arg(first)
                             .arg(mediaPath));
    metrics::FrameGetter result = [&cache, first](int64_t i) -> Result<Frame> {
        return readImage(cache.framePath(first + i));
    };
    std::unique_ptr<VideoSource> reference;
    metrics::FrameGetter referenceGetter;
    if (!referencePath.isEmpty()) {
        Result<std::unique_ptr<VideoSource>> r = VideoSource::open(referencePath);
        if (!r)
            return r.error();
        reference = std::move(*r);
        if (reference->frameCount() >= end) {
            VideoSource *ref = reference.get();
            referenceGetter = [ref, first](int64_t i) { return ref->frame(first + i); };
        } else {
            feedback.warn(QStringLiteral("the reference clip %1 is shorter than the film; no "
                                         "PSNR")
                              .arg(referencePath));
        }
    }
    Result<std::vector<metrics::FrameMetrics>> m =
        metrics::measureVideo(end - first, result, referenceGetter, feedback);
    if (!m)
        return m.error();
    for (metrics::FrameMetrics &f : *m) {
        f.index += first;
        const QString confidence = cache.confidencePath(f.index);
        if (!QFile::exists(confidence))
            continue;
        Result<Frame> map = readImage(confidence);
        if (!map || map->format() != PixelFormat::Gray8) {
            feedback.warn(QStringLiteral("%1: not a confidence map, left out")
                              .arg(QDir::toNativeSeparators(confidence)));
            continue;
        }
        f.confidence = meanGrey8(*map) / 255.0;
    }
    return m;
}

QStringList propagationMethods()
{
    return propagationMethodNames();
}

QString propagationMethodSummary(const QString &name)
{
    return propagationMethodDescription(name);
}

QString defaultPropagationMethod()
{
    return defaultPropagationMethodName();
}

QStringList colorizers()
{
    return ml::colorizerNames();
}

QString colorizerSummary(const QString &name)
{
    if (name == QLatin1String("pix2pix"))
        return QStringLiteral("the keyframe model (models/colorizer.json): proposes a keyframe's "
                              "colour, guided by the strokes painted on it");
    if (isVideoColorizer(name))
        return QStringLiteral("a video colouriser (models/%1.json): proposes a keyframe from the "
                              "frame alone (strokes are solved over it) and colours the per-frame "
                              "shots")
            .arg(name);
    return QStringLiteral("not installed");
}

Result<QString> colorizerManifest(const QString &name)
{
    return ml::colorizerManifest(name);
}

bool isVideoColorizer(const QString &name)
{
    Result<QString> path = ml::colorizerManifest(name);
    if (!path)
        return false;
    Result<ml::ModelManifest> manifest = ml::readManifest(*path);
    return manifest && ml::isVideoColorizerArchitecture(manifest->name);
}

bool hasVideoColorizer()
{
    const QStringList names = colorizers();
    return std::any_of(names.cbegin(), names.cend(), isVideoColorizer);
}

PropagationMethodOptions perFrameMethodOptions(const QString &colorizer)
{
    PropagationMethodOptions options;
    if (isVideoColorizer(colorizer))
        options.colorizerPath = *ml::colorizerManifest(colorizer);
    return options;
}

Result<FilmReport> colorizePerFrameIntoCache(FilmJob job, const project::ResultCache &cache,
                                             KeyframeService &keyframes, Feedback &feedback)
{
    if (job.shots.empty())
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("per-frame colouring needs the shots listed"));
    job.method = QStringLiteral("per-frame");
    job.keyframes.clear();
    return colorizeIntoCache(job, cache, keyframes, feedback);
}

Result<Frame> readFrame(const QString &mediaPath, FrameIndex frame)
{
    Result<std::unique_ptr<VideoSource>> source = VideoSource::open(mediaPath);
    if (!source)
        return source.error();
    return (*source)->frame(frame);
}

Result<void> forEachNthFrame(const QString &mediaPath, int step,
                             const std::function<void(FrameIndex, const Frame &)> &sink,
                             Feedback &feedback)
{
    Result<std::unique_ptr<VideoSource>> source = VideoSource::open(mediaPath);
    if (!source)
        return source.error();
    const int64_t n = (*source)->frameCount();
    step = std::max(1, step);
    for (FrameIndex f = 0; f < n; f += step) {
        if (feedback.isCancelled())
            return Error::cancelled();
        Result<Frame> frame = (*source)->frame(f);
        if (!frame)
            return frame.error();
        sink(f, *frame);
        feedback.reportProgress(f + 1, n);
    }
    feedback.reportProgress(n, n);
    return {};
}

} // namespace tincture::pipeline
