#include "colour/colourspace.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace tincture::colour {

namespace {

using Mat3 = std::array<std::array<double, 3>, 3>;

// NTSC YIQ with the BT.601 luma row (FCC 1953 primaries, as in most references).
constexpr Mat3 kRgbToYiq = {
    {{kLumaR, kLumaG, kLumaB}, {0.595716, -0.274453, -0.321263}, {0.211456, -0.522591, 0.311135}}};

Mat3 inverse(const Mat3 &m)
{
    const double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
                       m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                       m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    Mat3 r{};
    r[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det;
    r[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det;
    r[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det;
    r[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / det;
    r[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det;
    r[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det;
    r[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / det;
    r[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det;
    r[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det;
    return r;
}

const Mat3 &yiqToRgbMatrix()
{
    static const Mat3 m = inverse(kRgbToYiq);
    return m;
}

template <int Max, typename T>
void quantiseExact(const Rgb &rgb, int target, T out[3], int (*luma)(int, int, int))
{
    target = std::clamp(target, 0, Max);
    // Out-of-gamut colours lose luma when clipped; hand the deficit to the channels that can
    // still move (at most three rounds, one per channel that clips), so the integer search
    // below only fixes rounding.
    double v[3] = {rgb.r, rgb.g, rgb.b};
    const double w[3] = {kLumaR, kLumaG, kLumaB};
    const double wanted = double(target) / Max;
    for (int round = 0; round < 4; ++round) {
        for (double &x : v)
            x = std::clamp(x, 0.0, 1.0);
        const double d = wanted - (w[0] * v[0] + w[1] * v[1] + w[2] * v[2]);
        if (std::abs(d) < 1e-9)
            break;
        double free = 0;
        for (int k = 0; k < 3; ++k)
            if (d > 0 ? v[k] < 1.0 : v[k] > 0.0)
                free += w[k];
        if (free <= 0)
            break;
        for (int k = 0; k < 3; ++k)
            if (d > 0 ? v[k] < 1.0 : v[k] > 0.0)
                v[k] += d / free;
    }
    int c[3];
    for (int k = 0; k < 3; ++k)
        c[k] = int(std::lround(std::clamp(v[k], 0.0, 1.0) * Max));
    // Each pass moves every unclipped channel one code; the weights sum to one, so the luma
    // moves by at most one code per pass and cannot overshoot.
    for (int y = luma(c[0], c[1], c[2]); y != target; y = luma(c[0], c[1], c[2])) {
        const int step = y < target ? 1 : -1;
        for (int &code : c)
            code = std::clamp(code + step, 0, Max);
    }
    for (int k = 0; k < 3; ++k)
        out[k] = T(c[k]);
}

} // namespace

Yiq rgbToYiq(float r, float g, float b)
{
    const Mat3 &m = kRgbToYiq;
    return {float(m[0][0] * r + m[0][1] * g + m[0][2] * b),
            float(m[1][0] * r + m[1][1] * g + m[1][2] * b),
            float(m[2][0] * r + m[2][1] * g + m[2][2] * b)};
}

Rgb yiqToRgb(float y, float i, float q)
{
    const Mat3 &m = yiqToRgbMatrix();
    return {float(m[0][0] * y + m[0][1] * i + m[0][2] * q),
            float(m[1][0] * y + m[1][1] * i + m[1][2] * q),
            float(m[2][0] * y + m[2][1] * i + m[2][2] * q)};
}

int lumaOf16(int r, int g, int b)
{
    return int((uint64_t(19595) * uint64_t(r) + uint64_t(38470) * uint64_t(g) +
                uint64_t(7471) * uint64_t(b) + 32768) >>
               16);
}

int lumaOf8(int r, int g, int b)
{
    const int y16 = lumaOf16(r * 257, g * 257, b * 257);
    return std::min(255, (y16 + 128) / 257);
}

void quantiseLumaExact8(const Rgb &rgb, int targetLuma, uint8_t out[3])
{
    quantiseExact<255>(rgb, targetLuma, out, &lumaOf8);
}

void quantiseLumaExact16(const Rgb &rgb, int targetLuma, uint16_t out[3])
{
    quantiseExact<65535>(rgb, targetLuma, out, &lumaOf16);
}

} // namespace tincture::colour
