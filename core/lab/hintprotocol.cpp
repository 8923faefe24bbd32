#include "lab/hintprotocol.h"

#include "propagation/workingresolution.h"

#include <random>

namespace tincture::lab {

Frame protocolSquare(const Frame &photo, int side)
{
    const Frame rgb = photo.converted(PixelFormat::Rgb8);
    const int s = std::min(rgb.width(), rgb.height());
    const int x0 = (rgb.width() - s) / 2, y0 = (rgb.height() - s) / 2;
    Frame square(s, s, PixelFormat::Rgb8);
    for (int y = 0; y < s; ++y)
        std::copy(rgb.constRow(y0 + y) + 3 * x0, rgb.constRow(y0 + y) + 3 * (x0 + s),
                  square.row(y));
    return propagation::resizedArea(square, QSize(side, side));
}

uint64_t protocolSeed(const QString &name, int points)
{
    uint64_t h = 1469598103934665603ull;
    const QByteArray bytes = name.toUtf8() + '#' + QByteArray::number(points);
    for (char c : bytes) {
        h ^= uint8_t(c);
        h *= 1099511628211ull;
    }
    return h;
}

Frame protocolHints(const Frame &truth, int points, uint64_t seed, int patch)
{
    const Frame rgb = truth.converted(PixelFormat::Rgb8);
    const int w = rgb.width(), h = rgb.height();
    Frame hints(w, h, PixelFormat::Rgba8);
    if (w < patch || h < patch)
        return hints;
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> px(0, w - patch), py(0, h - patch);
    for (int k = 0; k < points; ++k) {
        const int x0 = px(rng), y0 = py(rng);
        int sum[3] = {0, 0, 0};
        for (int y = y0; y < y0 + patch; ++y)
            for (int x = x0; x < x0 + patch; ++x)
                for (int c = 0; c < 3; ++c)
                    sum[c] += rgb.constRow(y)[3 * x + c];
        const int n = patch * patch;
        for (int y = y0; y < y0 + patch; ++y)
            for (int x = x0; x < x0 + patch; ++x) {
                uint8_t *o = hints.row(y) + 4 * x;
                for (int c = 0; c < 3; ++c)
                    o[c] = uint8_t((sum[c] + n / 2) / n);
                o[3] = 255;
            }
    }
    return hints;
}

} // namespace tincture::lab
