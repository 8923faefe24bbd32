#pragma once
// Tiny frames for tests (header-only; needs tincture::media).

#include "image/frame.h"

namespace tincture::test {

// A w×h RGB frame of one colour.
inline Frame filled(int w, int h, int r, int g, int b)
{
    Frame f(w, h, PixelFormat::Rgb8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            f.row(y)[x * 3] = uint8_t(r);
            f.row(y)[x * 3 + 1] = uint8_t(g);
            f.row(y)[x * 3 + 2] = uint8_t(b);
        }
    return f;
}

} // namespace tincture::test
