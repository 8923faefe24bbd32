#include "metrics/imagemetrics.h"

#include "metrics/internal/metricsutil.h"
#include "metrics/ycbcr.h"

#include <array>
#include <cmath>
#include <limits>
#include <vector>

namespace tincture::metrics {

namespace {

// One channel as doubles on the 0–255 scale.
using Plane = std::vector<double>;

// The three RGB planes of a frame, 16-bit samples divided by 257 (no rounding to 8 bits).
std::array<Plane, 3> rgbPlanes(const Frame &frame)
{
    const bool sixteen = frame.bitDepth() == 16;
    const Frame rgb = frame.converted(sixteen ? PixelFormat::Rgb16 : PixelFormat::Rgb8);
    const size_t n = size_t(rgb.width()) * size_t(rgb.height());
    std::array<Plane, 3> planes;
    for (Plane &p : planes)
        p.resize(n);
    size_t k = 0;
    for (int y = 0; y < rgb.height(); ++y) {
        for (int x = 0; x < rgb.width(); ++x, ++k) {
            for (int c = 0; c < 3; ++c) {
                const size_t i = size_t(x) * 3 + size_t(c);
                planes[size_t(c)][k] =
                    sixteen ? double(rgb.constRow16(y)[i]) / 257.0 : double(rgb.constRow(y)[i]);
            }
        }
    }
    return planes;
}

double psnrFromMse(double mse)
{
    if (mse <= 0.0)
        return std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(255.0 * 255.0 / mse);
}

double meanSquaredDifference(const Frame &a, const Frame &b)
{
    const auto pa = rgbPlanes(a), pb = rgbPlanes(b);
    double sum = 0.0;
    size_t count = 0;
    for (size_t c = 0; c < 3; ++c) {
        for (size_t i = 0; i < pa[c].size(); ++i) {
            const double d = pa[c][i] - pb[c][i]; // doubles: no unsigned wrap-around
            sum += d * d;
        }
        count += pa[c].size();
    }
    return sum / double(count);
}

// 11-tap Gaussian, σ 1.5, normalised to sum 1.
std::array<double, 11> gaussianWindow()
{
    std::array<double, 11> w{};
    double sum = 0.0;
    for (int i = 0; i < 11; ++i) {
        const double d = i - 5;
        w[size_t(i)] = std::exp(-d * d / (2.0 * 1.5 * 1.5));
        sum += w[size_t(i)];
    }
    for (double &v : w)
        v /= sum;
    return w;
}

// Separable "valid" Gaussian filter: (w − 10) × (h − 10) output.
Plane filterValid(const Plane &in, int w, int h, const std::array<double, 11> &g)
{
    const int ow = w - 10, oh = h - 10;
    Plane horizontal(size_t(ow) * size_t(h));
    for (int y = 0; y < h; ++y) {
        const double *row = in.data() + size_t(y) * size_t(w);
        for (int x = 0; x < ow; ++x) {
            double s = 0.0;
            for (int k = 0; k < 11; ++k)
                s += g[size_t(k)] * row[x + k];
            horizontal[size_t(y) * size_t(ow) + size_t(x)] = s;
        }
    }
    Plane out(size_t(ow) * size_t(oh));
    for (int y = 0; y < oh; ++y) {
        for (int x = 0; x < ow; ++x) {
            double s = 0.0;
            for (int k = 0; k < 11; ++k)
                s += g[size_t(k)] * horizontal[size_t(y + k) * size_t(ow) + size_t(x)];
            out[size_t(y) * size_t(ow) + size_t(x)] = s;
        }
    }
    return out;
}

double ssimPlane(const Plane &x, const Plane &y, int w, int h)
{
    static const auto g = gaussianWindow();
    const size_t n = x.size();
    Plane xx(n), yy(n), xy(n);
    for (size_t i = 0; i < n; ++i) {
        xx[i] = x[i] * x[i];
        yy[i] = y[i] * y[i];
        xy[i] = x[i] * y[i];
    }
    const Plane mx = filterValid(x, w, h, g), my = filterValid(y, w, h, g);
    const Plane sxx = filterValid(xx, w, h, g), syy = filterValid(yy, w, h, g),
                sxy = filterValid(xy, w, h, g);
    constexpr double c1 = (0.01 * 255) * (0.01 * 255), c2 = (0.03 * 255) * (0.03 * 255);
    double sum = 0.0;
    for (size_t i = 0; i < mx.size(); ++i) {
        const double vx = sxx[i] - mx[i] * mx[i], vy = syy[i] - my[i] * my[i],
                     cxy = sxy[i] - mx[i] * my[i];
        sum += ((2 * mx[i] * my[i] + c1) * (2 * cxy + c2)) /
               ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2));
    }
    return sum / double(mx.size());
}

Result<double> colourfulnessImpl(const Frame &frame, bool absolute)
{
    if (auto r = checkFrame(frame, "colourfulness"); !r)
        return r.error();
    const auto p = rgbPlanes(frame);
    const size_t n = p[0].size();
    std::vector<double> rg(n), yb(n);
    double mrg = 0.0, myb = 0.0;
    for (size_t i = 0; i < n; ++i) {
        rg[i] = p[0][i] - p[1][i];
        yb[i] = 0.5 * (p[0][i] + p[1][i]) - p[2][i];
        if (absolute) {
            rg[i] = std::abs(rg[i]);
            yb[i] = std::abs(yb[i]);
        }
        mrg += rg[i];
        myb += yb[i];
    }
    mrg /= double(n);
    myb /= double(n);
    double vrg = 0.0, vyb = 0.0; // two passes: no cancellation in E[x²] − E[x]²
    for (size_t i = 0; i < n; ++i) {
        vrg += (rg[i] - mrg) * (rg[i] - mrg);
        vyb += (yb[i] - myb) * (yb[i] - myb);
    }
    vrg /= double(n);
    vyb /= double(n);
    return std::sqrt(vrg + vyb) + 0.3 * std::sqrt(mrg * mrg + myb * myb);
}

} // namespace

Result<double> rmse(const Frame &a, const Frame &b)
{
    if (auto r = checkPair(a, b, "RMSE"); !r)
        return r.error();
    return std::sqrt(meanSquaredDifference(a, b));
}

Result<double> psnr(const Frame &a, const Frame &b)
{
    if (auto r = checkPair(a, b, "PSNR"); !r)
        return r.error();
    return psnrFromMse(meanSquaredDifference(a, b));
}

Result<YCbCrPsnr> psnrYCbCr(const Frame &a, const Frame &b)
{
    if (auto r = checkPair(a, b, "YCbCr PSNR"); !r)
        return r.error();
    const Frame ra = toRgb8(a), rb = toRgb8(b);
    double sum[3] = {0.0, 0.0, 0.0};
    for (int y = 0; y < ra.height(); ++y) {
        const uint8_t *pa = ra.constRow(y), *pb = rb.constRow(y);
        for (int x = 0; x < ra.width(); ++x) {
            const size_t i = size_t(x) * 3;
            const YCbCr8 ya = rgbToYCbCr(pa[i], pa[i + 1], pa[i + 2]);
            const YCbCr8 yb = rgbToYCbCr(pb[i], pb[i + 1], pb[i + 2]);
            // Widen before subtracting: uint8_t − uint8_t must never wrap.
            const int d[3] = {int(ya.y) - int(yb.y), int(ya.cb) - int(yb.cb),
                              int(ya.cr) - int(yb.cr)};
            for (int c = 0; c < 3; ++c)
                sum[c] += double(d[c]) * double(d[c]);
        }
    }
    const double n = double(ra.width()) * double(ra.height());
    return YCbCrPsnr{psnrFromMse(sum[0] / n), psnrFromMse(sum[1] / n), psnrFromMse(sum[2] / n)};
}

Result<double> chromaPsnr(const Frame &result, const Frame &truth)
{
    auto combined = chromaUnderLuma(result, truth);
    if (!combined)
        return combined.error();
    const Frame t = toRgb8(truth);
    const double e = std::sqrt(meanSquaredDifference(*combined, t));
    return 20.0 * std::log10(255.0 / (e + 1e-27));
}

Result<double> ssim(const Frame &a, const Frame &b)
{
    if (auto r = checkPair(a, b, "SSIM"); !r)
        return r.error();
    if (a.width() < 11 || a.height() < 11)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("SSIM: frames must be at least 11×11 pixels (got %1×%2)")
                             .arg(a.width())
                             .arg(a.height()));
    const auto pa = rgbPlanes(a), pb = rgbPlanes(b);
    double sum = 0.0;
    for (size_t c = 0; c < 3; ++c)
        sum += ssimPlane(pa[c], pb[c], a.width(), a.height());
    return sum / 3.0;
}

Result<double> colourfulness(const Frame &frame)
{
    return colourfulnessImpl(frame, false);
}

Result<double> colourfulnessAbsolute(const Frame &frame)
{
    return colourfulnessImpl(frame, true);
}

} // namespace tincture::metrics
