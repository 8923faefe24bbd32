#include "metrics/ycbcr.h"

#include "metrics/internal/metricsutil.h"

#include <algorithm>
#include <array>

namespace tincture::metrics {

namespace {

constexpr int kScale = 6; // bits, as Pillow's ConvertYCbCr.c

// Pillow's tables are the coefficient times the sample times 64, plus 0.5, truncated toward
// zero (C's int conversion), which for negative products is not round-to-nearest. Generating
// them the same way reproduces its tables exactly (checked over all 2^24 inputs each way).
using Table = std::array<int, 256>;

Table makeTable(double coefficient, int offset)
{
    Table t{};
    for (int i = 0; i < 256; ++i)
        t[size_t(i)] = int(coefficient * double(i - offset) * 64.0 + 0.5);
    return t;
}

struct Tables
{
    Table yR = makeTable(0.299, 0), yG = makeTable(0.587, 0), yB = makeTable(0.114, 0);
    Table cbR = makeTable(-0.16874, 0), cbG = makeTable(-0.33126, 0), cbB = makeTable(0.5, 0);
    Table crG = makeTable(-0.41869, 0), crB = makeTable(-0.08131, 0);
    Table rCr = makeTable(1.402, 128), gCb = makeTable(-0.34414, 128),
          gCr = makeTable(-0.71414, 128), bCb = makeTable(1.772, 128);
};

const Tables &tables()
{
    static const Tables t;
    return t;
}

inline uint8_t clampByte(int v)
{
    return uint8_t(std::clamp(v, 0, 255));
}

} // namespace

YCbCr8 rgbToYCbCr(uint8_t r, uint8_t g, uint8_t b)
{
    const Tables &t = tables();
    // >> on a negative int is an arithmetic shift (floor) with GCC/Clang, as in Pillow.
    const int y = (t.yR[r] + t.yG[g] + t.yB[b]) >> kScale;
    const int cb = ((t.cbR[r] + t.cbG[g] + t.cbB[b]) >> kScale) + 128;
    const int cr = ((t.cbB[r] + t.crG[g] + t.crB[b]) >> kScale) + 128; // Cr_R is Cb_B
    return {clampByte(y), clampByte(cb), clampByte(cr)};
}

Rgb8 yCbCrToRgb(uint8_t y, uint8_t cb, uint8_t cr)
{
    const Tables &t = tables();
    const int r = int(y) + (t.rCr[cr] >> kScale);
    const int g = int(y) + ((t.gCb[cb] + t.gCr[cr]) >> kScale);
    const int b = int(y) + (t.bCb[cb] >> kScale);
    return {clampByte(r), clampByte(g), clampByte(b)};
}

Result<Frame> chromaUnderLuma(const Frame &colour, const Frame &truth)
{
    if (auto check = checkPair(colour, truth, "chroma under luma"); !check)
        return check.error();
    const Frame c = toRgb8(colour), t = toRgb8(truth);
    Frame out(t.width(), t.height(), PixelFormat::Rgb8);
    for (int y = 0; y < t.height(); ++y) {
        const uint8_t *cr = c.constRow(y);
        const uint8_t *tr = t.constRow(y);
        uint8_t *o = out.row(y);
        for (int x = 0; x < t.width(); ++x) {
            const size_t i = size_t(x) * 3;
            const YCbCr8 a = rgbToYCbCr(cr[i], cr[i + 1], cr[i + 2]);
            const YCbCr8 b = rgbToYCbCr(tr[i], tr[i + 1], tr[i + 2]);
            const Rgb8 rgb = yCbCrToRgb(b.y, a.cb, a.cr);
            o[i] = rgb.r;
            o[i + 1] = rgb.g;
            o[i + 2] = rgb.b;
        }
    }
    return out;
}

} // namespace tincture::metrics
