#include "metrics/videometrics.h"

#include "metrics/imagemetrics.h"
#include "metrics/temporalmetrics.h"

#include <cmath>

namespace tincture::metrics {

namespace {

Result<Frame> fetch(const FrameGetter &get, int64_t index, const char *what, int width, int height)
{
    Result<Frame> frame = get(index);
    if (!frame)
        return frame.error();
    if (frame->isNull())
        return makeError(
            ErrorCode::InvalidArgument,
            QStringLiteral("frame %1 of the %2 is empty").arg(index).arg(QLatin1String(what)));
    if (width > 0 && (frame->width() != width || frame->height() != height))
        return makeError(ErrorCode::SizeMismatch,
                         QStringLiteral("frame %1 of the %2 is %3×%4, but frame 0 of the result "
                                        "is %5×%6")
                             .arg(index)
                             .arg(QLatin1String(what))
                             .arg(frame->width())
                             .arg(frame->height())
                             .arg(width)
                             .arg(height));
    return frame;
}

Error atFrame(const Error &error, int64_t index)
{
    return makeError(error.code, QStringLiteral("frame %1: %2").arg(index).arg(error.message),
                     error.detail);
}

// Mean of the values that are not NaN (+inf stays +inf); NaN when there are none.
template <typename Get> double meanOf(const std::vector<FrameMetrics> &frames, Get get)
{
    double sum = 0.0;
    int64_t n = 0;
    for (const FrameMetrics &f : frames) {
        const double v = get(f);
        if (std::isnan(v))
            continue;
        sum += v;
        ++n;
    }
    return n > 0 ? sum / double(n) : std::numeric_limits<double>::quiet_NaN();
}

} // namespace

Result<std::vector<FrameMetrics>> measureVideo(int64_t frameCount, const FrameGetter &result,
                                               const FrameGetter &reference, Feedback &feedback)
{
    if (frameCount < 1)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("video metrics: no frames to measure"));
    if (!result)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("video metrics: no result frames given"));
    std::vector<FrameMetrics> out;
    out.reserve(size_t(frameCount));
    Frame previous;     // result frame t − 1
    Frame previousGrey; // its luma, for the flow
    int width = 0, height = 0;
    for (int64_t t = 0; t < frameCount; ++t) {
        if (feedback.isCancelled())
            return Error::cancelled();
        Result<Frame> frame = fetch(result, t, "result", width, height);
        if (!frame)
            return frame.error();
        if (t == 0) {
            width = frame->width();
            height = frame->height();
        }
        FrameMetrics m;
        m.index = t;
        const Result<double> colourful = colourfulness(*frame);
        if (!colourful)
            return atFrame(colourful.error(), t);
        m.colourfulness = *colourful;
        if (reference) {
            const Result<Frame> truth = fetch(reference, t, "reference", width, height);
            if (!truth)
                return truth.error();
            const Result<double> p = psnr(*frame, *truth);
            if (!p)
                return atFrame(p.error(), t);
            const Result<double> s = ssim(*frame, *truth);
            if (!s)
                return atFrame(s.error(), t);
            m.psnr = *p;
            m.ssim = *s;
        }
        const Frame grey = frame->luma();
        if (t > 0) {
            const Result<double> e = warpError(previousGrey, grey, previous, *frame);
            if (!e)
                return atFrame(e.error(), t - 1);
            out.back().flicker = *e;
        }
        previous = *frame;
        previousGrey = grey;
        out.push_back(m);
        feedback.reportProgress(t + 1, frameCount);
    }
    return out;
}

VideoMetricsSummary summarise(const std::vector<FrameMetrics> &frames)
{
    VideoMetricsSummary s;
    s.meanFlicker = meanOf(frames, [](const FrameMetrics &f) { return f.flicker; });
    s.meanColourfulness = meanOf(frames, [](const FrameMetrics &f) { return f.colourfulness; });
    s.meanPsnr = meanOf(frames, [](const FrameMetrics &f) { return f.psnr; });
    s.meanSsim = meanOf(frames, [](const FrameMetrics &f) { return f.ssim; });
    return s;
}

} // namespace tincture::metrics
