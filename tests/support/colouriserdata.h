#pragma once
// Tiny training data and frames for the video colourisers' tests (tst_recurrentbins,
// tst_globallocal, tst_cnnlstm); header-only.

#include "image/frame.h"

#include <QByteArray>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace tincture::test {

// Packed photographs (trainer.h's format), side × side, whose colour follows their luma —
// bright: blue (60, 120, 230), dark: red (200, 40, 30) — in a pattern of frequencies fx, fy
// shifted per photograph.
inline QByteArray lumaColouredPhotographs(int count, int side, double fx, double fy)
{
    QByteArray bytes("TCDSET01", 8);
    const uint32_t header[4] = {uint32_t(count), uint32_t(side), uint32_t(side), 3};
    bytes.append(reinterpret_cast<const char *>(header), sizeof header);
    for (int n = 0; n < count; ++n)
        for (int y = 0; y < side; ++y)
            for (int x = 0; x < side; ++x) {
                const bool bright = std::sin(x * fx + n) * std::cos(y * fy - n) > 0;
                const char px[3] = {char(bright ? 60 : 200), char(bright ? 120 : 40),
                                    char(bright ? 230 : 30)};
                bytes.append(px, 3);
            }
    return bytes;
}

// A clip pixel's two looks: {Y, Cb, Cr} where the pattern is bright and where it is dark.
struct ClipColours
{
    uint8_t bright[3], dark[3];
};
// The photographs' blue and red, in BT.601 full-range Y, Cb, Cr.
inline constexpr ClipColours kPhotographColours{{115, 193, 89}, {87, 96, 209}};
// Two other colours (a bright yellow-green, a dark blue).
inline constexpr ClipColours kOtherColours{{180, 170, 100}, {60, 90, 170}};

// Packed clips (vpntrainer.h's format: grey, two unused bytes, Cb, Cr) of a pattern moving 1 px
// right a frame: frame t shows at x what frame t − 1 shows at x − 1.
inline QByteArray movingClips(int count, int frames, int side, const ClipColours &colours)
{
    QByteArray bytes("TCVPNC01", 8);
    const uint32_t header[5] = {uint32_t(count), uint32_t(frames), uint32_t(side), uint32_t(side),
                                5};
    bytes.append(reinterpret_cast<const char *>(header), sizeof header);
    for (int c = 0; c < count; ++c)
        for (int t = 0; t < frames; ++t)
            for (int y = 0; y < side; ++y)
                for (int x = 0; x < side; ++x) {
                    const bool bright = std::sin((x - t) * 0.4 + c) * std::cos(y * 0.3) > 0;
                    const uint8_t *v = bright ? colours.bright : colours.dark;
                    const uint8_t px[5] = {v[0], 0, 0, v[1], v[2]};
                    bytes.append(reinterpret_cast<const char *>(px), 5);
                }
    return bytes;
}

inline bool samePixels(const Frame &a, const Frame &b)
{
    return a.width() == b.width() && a.height() == b.height() && a.format() == b.format() &&
           std::equal(a.constData(), a.constData() + a.byteSize(), b.constData());
}

// A grey frame with a texture, shifted `shift` px to the left.
inline Frame texturedGrey(int w, int h, int shift)
{
    Frame f(w, h, PixelFormat::Gray8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            f.row(y)[x] = uint8_t(128 + 100 * std::sin((x + shift) * 0.3) * std::cos(y * 0.2));
    return f;
}

} // namespace tincture::test
