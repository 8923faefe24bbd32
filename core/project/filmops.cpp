#include "project/filmops.h"

#include "propagation/videoshotsource.h"

#include "media/imageio.h"
#include "propagation/propagationmethod.h"

#include "propagation/shotdetection.h"

#include <QFile>

namespace tincture::project {

namespace {

// Writes each propagated frame to the cache under its film frame index. (Progress is the
// method's to report: PropagationMethod reports frames done per frame.)
class CacheSink : public FrameSink
{
public:
    CacheSink(const ResultCache &cache, FrameIndex first, Feedback &feedback)
        : m_cache(cache), m_first(first), m_feedback(feedback)
    {
    }
    Result<void> put(int index, const Frame &colour) override
    {
        if (m_feedback.isCancelled())
            return Error::cancelled();
        return writeImage(m_cache.framePath(m_first + index), colour, Existing::Replace);
    }

private:
    const ResultCache &m_cache;
    FrameIndex m_first;
    Feedback &m_feedback;
};

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

Result<void> propagateShot(const PropagateShotRequest &request, Feedback &feedback)
{
    if (request.keyframes.empty())
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("frames %1–%2: the shot has no accepted keyframe")
                             .arg(request.first)
                             .arg(request.last));
    if (!request.cache.ensureExists())
        return makeError(
            ErrorCode::WriteFailed,
            QStringLiteral("cannot create the cache folder %1").arg(request.cache.dir()));
    Result<std::unique_ptr<VideoSource>> source = VideoSource::open(request.mediaPath);
    if (!source)
        return source.error();
    if (request.first < 0 || request.last < request.first ||
        request.last >= (*source)->frameCount())
        return makeError(ErrorCode::OutOfRange,
                         QStringLiteral("frames %1–%2 are not all in %3 (%4 frames)")
                             .arg(request.first)
                             .arg(request.last)
                             .arg(request.mediaPath)
                             .arg((*source)->frameCount()));
    std::vector<Keyframe> keys;
    for (const auto &[frame, path] : request.keyframes) {
        Result<Frame> colour = readImage(path);
        if (!colour)
            return colour.error();
        keys.push_back(Keyframe{int(frame - request.first), colour->converted(PixelFormat::Rgb8)});
    }
    Result<std::unique_ptr<PropagationMethod>> method = createPropagationMethod(
        request.method.isEmpty() ? defaultPropagationMethodName() : request.method);
    if (!method)
        return method.error();
    VideoShotSource grey(**source, request.first, request.last);
    CacheSink sink(request.cache, request.first, feedback);
    feedback.reportProgress(0, grey.frameCount());
    return (*method)->propagate(grey, keys, sink, feedback);
}

Result<TranscodeReport> exportFilm(const ExportRequest &request, Feedback &feedback)
{
    TranscodeRequest t;
    t.input = request.mediaPath;
    t.output = request.output;
    t.codec = request.codec;
    t.first = request.first;
    t.last = request.last;
    t.withAudio = request.withAudio;
    t.existing = request.existing;
    t.protectedInputs = request.protectedInputs;
    t.protectedInputs << request.cache.dir();
    int64_t greyFrames = 0;
    const ResultCache cache = request.cache;
    t.process = [&cache, &greyFrames](const Frame &frame) -> Result<Frame> {
        const QString path = cache.framePath(frame.index);
        if (!QFile::exists(path)) {
            ++greyFrames;
            return frame;
        }
        Result<Frame> colour = readImage(path);
        if (!colour)
            return colour.error();
        if (colour->width() != frame.width() || colour->height() != frame.height())
            return makeError(ErrorCode::SizeMismatch,
                             QStringLiteral("the cached colour of frame %1 (%2) is %3×%4, the "
                                            "film is %5×%6")
                                 .arg(frame.index)
                                 .arg(path)
                                 .arg(colour->width())
                                 .arg(colour->height())
                                 .arg(frame.width())
                                 .arg(frame.height()));
        Frame out = colour->converted(frame.format());
        out.index = frame.index;
        out.pts = frame.pts;
        out.timeBase = frame.timeBase;
        return out;
    };
    Result<TranscodeReport> report = transcode(t, feedback);
    if (report && greyFrames > 0)
        feedback.warn(QStringLiteral("%1 of %2 frames were not coloured yet and went out grey")
                          .arg(greyFrames)
                          .arg(report->frames));
    return report;
}

Result<std::vector<metrics::FrameMetrics>> measureFilm(const QString &mediaPath, FrameIndex first,
                                                       FrameIndex last, const ResultCache &cache,
                                                       const QString &referencePath,
                                                       Feedback &feedback)
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
    for (metrics::FrameMetrics &f : *m)
        f.index += first;
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

} // namespace tincture::project
