#include "metrics/temporalmetrics.h"

#include "metrics/internal/metricsutil.h"

#include <opencv2/core.hpp>
#include <opencv2/video/tracking.hpp>

#include <algorithm>
#include <cmath>

namespace tincture::metrics {

namespace {

Frame toGray8(const Frame &frame)
{
    return frame.luma().converted(PixelFormat::Gray8);
}

bool sameSize(const FlowField &a, const FlowField &b)
{
    return a.width == b.width && a.height == b.height;
}

bool isValid(const FlowField &f)
{
    const size_t n = size_t(std::max(f.width, 0)) * size_t(std::max(f.height, 0));
    return f.width > 0 && f.height > 0 && f.dx.size() == n && f.dy.size() == n;
}

// Bilinear sample of a plane at (x, y), which must lie inside [0, w−1] × [0, h−1].
template <typename Get> double bilinear(double x, double y, int w, int h, Get get)
{
    const int x0 = std::clamp(int(std::floor(x)), 0, w - 1);
    const int y0 = std::clamp(int(std::floor(y)), 0, h - 1);
    const int x1 = std::min(x0 + 1, w - 1), y1 = std::min(y0 + 1, h - 1);
    const double ax = x - x0, ay = y - y0;
    return (1 - ay) * ((1 - ax) * get(x0, y0) + ax * get(x1, y0)) +
           ay * ((1 - ax) * get(x0, y1) + ax * get(x1, y1));
}

bool inside(double x, double y, int w, int h)
{
    return x >= 0.0 && y >= 0.0 && x <= double(w - 1) && y <= double(h - 1);
}

} // namespace

Result<FlowField> farnebackFlow(const Frame &from, const Frame &to, const FarnebackParams &params)
{
    if (auto r = checkPair(from, to, "optical flow"); !r)
        return r.error();
    const Frame a = toGray8(from), b = toGray8(to);
    try {
        const cv::Mat ma(a.height(), a.width(), CV_8UC1, const_cast<uint8_t *>(a.constData()));
        const cv::Mat mb(b.height(), b.width(), CV_8UC1, const_cast<uint8_t *>(b.constData()));
        cv::Mat flow;
        cv::calcOpticalFlowFarneback(ma, mb, flow, params.pyrScale, params.levels, params.winSize,
                                     params.iterations, params.polyN, params.polySigma, 0);
        FlowField out;
        out.width = a.width();
        out.height = a.height();
        out.dx.resize(size_t(out.width) * size_t(out.height));
        out.dy.resize(out.dx.size());
        for (int y = 0; y < out.height; ++y) {
            const cv::Vec2f *row = flow.ptr<cv::Vec2f>(y);
            for (int x = 0; x < out.width; ++x) {
                out.dx[size_t(y) * size_t(out.width) + size_t(x)] = row[x][0];
                out.dy[size_t(y) * size_t(out.width) + size_t(x)] = row[x][1];
            }
        }
        return out;
    } catch (const cv::Exception &e) {
        return makeError(ErrorCode::Internal, QStringLiteral("optical flow failed"),
                         QString::fromStdString(e.what()));
    }
}

Result<std::vector<uint8_t>> validMask(const FlowField &forward, const FlowField &backward)
{
    if (!isValid(forward) || !isValid(backward) || !sameSize(forward, backward))
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("warp error: flow fields are empty or differ in size"));
    const int w = forward.width, h = forward.height;
    std::vector<uint8_t> mask(size_t(w) * size_t(h), 0);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const double fu = forward.u(x, y), fv = forward.v(x, y);
            const double px = x + fu, py = y + fv;
            if (!inside(px, py, w, h))
                continue; // leaves the frame: nothing to compare with
            const double bu =
                bilinear(px, py, w, h, [&](int i, int j) { return backward.u(i, j); });
            const double bv =
                bilinear(px, py, w, h, [&](int i, int j) { return backward.v(i, j); });
            const double su = fu + bu, sv = fv + bv;
            const double fMag = fu * fu + fv * fv;
            if (su * su + sv * sv > 0.01 * (fMag + bu * bu + bv * bv) + 0.5)
                continue;
            // Forward differences, zero on the last column and row (as Lai et al.'s code).
            double grad = 0.0;
            if (x + 1 < w) {
                const double du = fu - forward.u(x + 1, y), dv = fv - forward.v(x + 1, y);
                grad += du * du + dv * dv;
            }
            if (y + 1 < h) {
                const double du = fu - forward.u(x, y + 1), dv = fv - forward.v(x, y + 1);
                grad += du * du + dv * dv;
            }
            if (grad > 0.01 * fMag + 0.002)
                continue;
            mask[size_t(y) * size_t(w) + size_t(x)] = 1;
        }
    }
    return mask;
}

Result<double> warpErrorWithFlow(const Frame &outputT, const Frame &outputT1,
                                 const FlowField &forward, const FlowField &backward)
{
    if (auto r = checkPair(outputT, outputT1, "warp error"); !r)
        return r.error();
    if (forward.width != outputT.width() || forward.height != outputT.height())
        return makeError(ErrorCode::SizeMismatch,
                         QStringLiteral("warp error: flow and frames differ in size"));
    auto mask = validMask(forward, backward);
    if (!mask)
        return mask.error();
    const int w = outputT.width(), h = outputT.height();
    const Frame a = outputT.converted(PixelFormat::Rgb16),
                b = outputT1.converted(PixelFormat::Rgb16);
    double sum = 0.0;
    int64_t count = 0;
    for (int y = 0; y < h; ++y) {
        const uint16_t *ra = a.constRow16(y);
        for (int x = 0; x < w; ++x) {
            if (!(*mask)[size_t(y) * size_t(w) + size_t(x)])
                continue;
            ++count;
            const double px = x + forward.u(x, y), py = y + forward.v(x, y);
            for (int c = 0; c < 3; ++c) {
                const double warped = bilinear(px, py, w, h, [&](int i, int j) {
                    return double(b.constRow16(j)[size_t(i) * 3 + size_t(c)]);
                });
                const double d = (warped - double(ra[size_t(x) * 3 + size_t(c)])) / 65535.0;
                sum += d * d;
            }
        }
    }
    return count > 0 ? sum / double(count) : 0.0;
}

Result<double> warpError(const Frame &greyT, const Frame &greyT1, const Frame &outputT,
                         const Frame &outputT1, const FarnebackParams &params)
{
    auto forward = farnebackFlow(greyT, greyT1, params);
    if (!forward)
        return forward.error();
    auto backward = farnebackFlow(greyT1, greyT, params);
    if (!backward)
        return backward.error();
    return warpErrorWithFlow(outputT, outputT1, *forward, *backward);
}

double CdcMeter::jensenShannon(const double *p, const double *q, int bins)
{
    double js = 0.0;
    for (int i = 0; i < bins; ++i) {
        const double m = 0.5 * (p[i] + q[i]);
        if (p[i] > 0.0)
            js += 0.5 * p[i] * std::log(p[i] / m);
        if (q[i] > 0.0)
            js += 0.5 * q[i] * std::log(q[i] / m);
    }
    return js;
}

Result<void> CdcMeter::add(const Frame &frame)
{
    if (auto r = checkFrame(frame, "CDC"); !r)
        return r;
    const Frame rgb = toRgb8(frame);
    Histogram hist{};
    for (int y = 0; y < rgb.height(); ++y) {
        const uint8_t *row = rgb.constRow(y);
        for (int x = 0; x < rgb.width(); ++x)
            for (int c = 0; c < 3; ++c)
                hist[size_t(c) * 256 + row[size_t(x) * 3 + size_t(c)]] += 1.0;
    }
    const double n = double(rgb.width()) * double(rgb.height());
    for (double &v : hist)
        v /= n;
    // m_recent holds frames i−1, i−2, … (newest last): pair with distance 1, 2 and 4.
    constexpr int kDistances[3] = {1, 2, 4};
    for (int k = 0; k < 3; ++k) {
        const int d = kDistances[k];
        if (int(m_recent.size()) < d)
            continue;
        const Histogram &old = m_recent[m_recent.size() - size_t(d)];
        double js = 0.0;
        for (int c = 0; c < 3; ++c)
            js += jensenShannon(old.data() + c * 256, hist.data() + c * 256, 256);
        m_sum[size_t(k)] += js / 3.0;
        ++m_pairs[size_t(k)];
    }
    m_recent.push_back(hist);
    if (m_recent.size() > 4)
        m_recent.pop_front();
    ++m_frames;
    return {};
}

Result<double> CdcMeter::value() const
{
    if (m_frames < 2)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("CDC needs at least two frames (got %1)").arg(m_frames));
    double total = 0.0;
    int used = 0;
    for (int k = 0; k < 3; ++k) {
        if (m_pairs[size_t(k)] == 0)
            continue;
        total += m_sum[size_t(k)] / double(m_pairs[size_t(k)]);
        ++used;
    }
    return total / double(used);
}

} // namespace tincture::metrics
