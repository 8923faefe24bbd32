#include "colour/affinities.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

namespace tincture::colour::detail {

namespace {

// e^t for t ≤ 0 to within 3e-7 relative (e^−87 below −87, where the weights it makes are
// negligible anyway): 2^(t·log2 e) split into an integer power, set in the exponent bits, and a
// degree-6 Taylor polynomial of 2^f on |f| ≤ 0.5. No branch and no libm call, so the affinity
// loop vectorises; a fraction of std::exp's cost (the affinities' 8 exponentials per pixel
// were a large part of setLuma).
inline float expNonPositive(float t)
{
    t = std::max(t, -87.0f);
    const float u = t * 1.44269504089f;
    // Round to nearest by the 1.5·2^23 trick (|u| < 2^22): SSE2 has no vector rounding.
    const float i = (u + 12582912.0f) - 12582912.0f;
    const float f = (u - i) * 0.69314718056f; // e^f with |f| ≤ ln 2 / 2
    const float e =
        1.0f +
        f * (1.0f +
             f * (0.5f + f * (1.0f / 6 + f * (1.0f / 24 + f * (1.0f / 120 + f * (1.0f / 720))))));
    const uint32_t bits = uint32_t(int32_t(i) + 127) << 23; // i ≥ −126: a normal power of two
    return e * std::bit_cast<float>(bits);
}

// The normalised affinities w_rs of one pixel (PROTOCOLS.md §6) to its n neighbours v (3×3
// window), from its luma yr. Inlined into both callers: with n = 8 known the interior loop
// vectorises.
template <int N>
[[gnu::always_inline]] inline float affinityWeights(float yr, const float *v, int n, float *w)
{
    const int count = N > 0 ? N : n;
    const float lnOnePercent = -4.60517019f; // ln 0.01
    float mean = yr;
    for (int j = 0; j < count; ++j)
        mean += v[j];
    mean /= float(count + 1);
    float var = (yr - mean) * (yr - mean);
    float mgv = 1e30f;
    for (int j = 0; j < count; ++j) {
        var += (v[j] - mean) * (v[j] - mean);
        mgv = std::min(mgv, (v[j] - yr) * (v[j] - yr));
    }
    var /= float(count + 1);
    float csig = std::max(0.6f * var, -mgv / lnOnePercent);
    csig = std::max(csig, 2e-6f);
    const float inv = -1.0f / csig;
    float sum = 0.0f;
    for (int j = 0; j < count; ++j) {
        w[j] = expNonPositive((v[j] - yr) * (v[j] - yr) * inv);
        sum += w[j];
    }
    const float norm = 1.0f / sum;
    for (int j = 0; j < count; ++j)
        w[j] *= norm;
    return sum;
}

} // namespace

TINCTURE_HOT_CLONES
void interiorAffinityRow(int x0, int x1, const float *__restrict up, const float *__restrict mid,
                         const float *__restrict down, float *const *__restrict planes,
                         float *__restrict sums)
{
    for (int x = x0; x < x1; ++x) {
        const float v[8] = {up[x - 1],  up[x],       up[x + 1], mid[x - 1],
                            mid[x + 1], down[x - 1], down[x],   down[x + 1]};
        float w[8];
        sums[x] = affinityWeights<8>(mid[x], v, 8, w);
        for (int j = 0; j < 8; ++j)
            planes[j][x] = -w[j];
    }
}

float lumaRow(const std::vector<float> &luma, int width, int height, int x, int y, float row[9])
{
    std::array<float, 8> v{};
    std::array<int, 8> k{};
    int n = 0;
    for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
            const int sx = x + dx, sy = y + dy;
            if ((dx == 0 && dy == 0) || sx < 0 || sy < 0 || sx >= width || sy >= height)
                continue;
            v[size_t(n)] = luma[size_t(sy) * size_t(width) + size_t(sx)];
            k[size_t(n)] = (dy + 1) * 3 + dx + 1;
            ++n;
        }
    std::fill(row, row + 9, 0.0f);
    if (n == 0)
        return 0.0f;
    float w[8];
    const float sum =
        affinityWeights<0>(luma[size_t(y) * size_t(width) + size_t(x)], v.data(), n, w);
    for (int j = 0; j < n; ++j)
        row[k[size_t(j)]] = -w[j];
    return sum;
}

} // namespace tincture::colour::detail
