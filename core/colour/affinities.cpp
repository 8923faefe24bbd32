#include "colour/internal/affinities.h"

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
// loop vectorises; a fraction of std::exp's cost (with std::exp, the affinities' 8
// exponentials per pixel are a large part of setLuma).
inline float expNonPositive(float t)
{
    t = t < -87.0f ? -87.0f : t; // std::max(t, −87), written as a select so that it vectorises
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

// std::min and std::max, written as the selects they are so that they vectorise.
[[gnu::always_inline]] inline float lesser(float a, float b)
{
    return b < a ? b : a;
}
[[gnu::always_inline]] inline float greater(float a, float b)
{
    return a < b ? b : a;
}

// Levin's σ_r (PROTOCOLS.md §6) from the window's variance and the smallest squared luma
// difference to a neighbour, negated and inverted: the factor of the squared differences in
// the exponent.
[[gnu::always_inline]] inline float negInverseSigma(float var, float minSquaredDiff)
{
    const float lnOnePercent = -4.60517019f; // ln 0.01
    return -1.0f / greater(greater(0.6f * var, -minSquaredDiff / lnOnePercent), 2e-6f);
}

// The normalised affinities w_rs of one pixel to its n neighbours v (3×3 window, n ≤ 8), from
// its luma yr: the border pixels' version (lumaRow). Returns their unnormalised sum Z.
float affinityWeights(float yr, const float *v, int n, float *w)
{
    float mean = yr;
    for (int j = 0; j < n; ++j)
        mean += v[j];
    mean /= float(n + 1);
    float var = (yr - mean) * (yr - mean);
    float mgv = 1e30f;
    for (int j = 0; j < n; ++j) {
        var += (v[j] - mean) * (v[j] - mean);
        mgv = lesser(mgv, (v[j] - yr) * (v[j] - yr));
    }
    var /= float(n + 1);
    const float inv = negInverseSigma(var, mgv);
    float sum = 0.0f;
    for (int j = 0; j < n; ++j) {
        w[j] = expNonPositive((v[j] - yr) * (v[j] - yr) * inv);
        sum += w[j];
    }
    const float norm = 1.0f / sum;
    for (int j = 0; j < n; ++j)
        w[j] *= norm;
    return sum;
}

// affinityWeights for an interior pixel, the same operations in the same order, written out
// as straight-line code that the compiler vectorises across pixels (through the arrays and
// loops it does not: written as a loop over the neighbours it compiles to scalar code). Each
// plane is its own restrict pointer; through the array of plane pointers the stores might
// alias.
TINCTURE_HOT_CLONES
void affinityKernel(int x0, int x1, const float *__restrict up, const float *__restrict mid,
                    const float *__restrict down, float *__restrict o0, float *__restrict o1,
                    float *__restrict o2, float *__restrict o3, float *__restrict o5,
                    float *__restrict o6, float *__restrict o7, float *__restrict o8,
                    float *__restrict sums)
{
    for (int x = x0; x < x1; ++x) {
        const float yr = mid[x];
        const float v0 = up[x - 1], v1 = up[x], v2 = up[x + 1], v3 = mid[x - 1], v4 = mid[x + 1],
                    v5 = down[x - 1], v6 = down[x], v7 = down[x + 1];
        const float mean = (yr + v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7) / 9.0f;
        auto sq = [](float d) { return d * d; };
        const float var =
            (sq(yr - mean) + sq(v0 - mean) + sq(v1 - mean) + sq(v2 - mean) + sq(v3 - mean) +
             sq(v4 - mean) + sq(v5 - mean) + sq(v6 - mean) + sq(v7 - mean)) /
            9.0f;
        const float d0 = sq(v0 - yr), d1 = sq(v1 - yr), d2 = sq(v2 - yr), d3 = sq(v3 - yr),
                    d4 = sq(v4 - yr), d5 = sq(v5 - yr), d6 = sq(v6 - yr), d7 = sq(v7 - yr);
        float mgv = lesser(1e30f, d0);
        mgv = lesser(lesser(lesser(mgv, d1), d2), d3);
        mgv = lesser(lesser(lesser(lesser(mgv, d4), d5), d6), d7);
        const float inv = negInverseSigma(var, mgv);
        const float w0 = expNonPositive(d0 * inv), w1 = expNonPositive(d1 * inv),
                    w2 = expNonPositive(d2 * inv), w3 = expNonPositive(d3 * inv),
                    w4 = expNonPositive(d4 * inv), w5 = expNonPositive(d5 * inv),
                    w6 = expNonPositive(d6 * inv), w7 = expNonPositive(d7 * inv);
        const float sum = w0 + w1 + w2 + w3 + w4 + w5 + w6 + w7;
        const float norm = 1.0f / sum;
        sums[x] = sum;
        o0[x] = -(w0 * norm);
        o1[x] = -(w1 * norm);
        o2[x] = -(w2 * norm);
        o3[x] = -(w3 * norm);
        o5[x] = -(w4 * norm);
        o6[x] = -(w5 * norm);
        o7[x] = -(w6 * norm);
        o8[x] = -(w7 * norm);
    }
}

} // namespace

void interiorAffinityRow(int x0, int x1, const float *__restrict up, const float *__restrict mid,
                         const float *__restrict down, float *const *__restrict planes,
                         float *__restrict sums)
{
    affinityKernel(x0, x1, up, mid, down, planes[0], planes[1], planes[2], planes[3], planes[4],
                   planes[5], planes[6], planes[7], sums);
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
    const float sum = affinityWeights(luma[size_t(y) * size_t(width) + size_t(x)], v.data(), n, w);
    for (int j = 0; j < n; ++j)
        row[k[size_t(j)]] = -w[j];
    return sum;
}

} // namespace tincture::colour::detail
