#pragma once
// Full-range BT.601 YCbCr (JPEG/JFIF) with the exact integer arithmetic of Pillow's
// Image.convert("YCbCr") and back, so scores match the reference Python scorer
// (../shared/PROTOCOLS.md §1) to the last bit. Pure functions; any thread may call them.

#include "foundation/result.h"
#include "image/frame.h"

#include <cstdint>

namespace tincture::metrics {

struct YCbCr8
{
    uint8_t y = 0, cb = 128, cr = 128;
};

struct Rgb8
{
    uint8_t r = 0, g = 0, b = 0;
};

// One pixel each way (6-bit fixed point tables, arithmetic shifts, clamping as Pillow does).
YCbCr8 rgbToYCbCr(uint8_t r, uint8_t g, uint8_t b);
Rgb8 yCbCrToRgb(uint8_t y, uint8_t cb, uint8_t cr);

// Takes the chroma (Cb, Cr) of `colour` and the luma Y of `truth`, both converted as above, and
// returns the RGB8 frame they make. Both frames are converted to 8-bit RGB first
// (Frame::converted: 16-bit scaled with rounding, grey replicated, alpha dropped); they must
// have the same size.
Result<Frame> chromaUnderLuma(const Frame &colour, const Frame &truth);

} // namespace tincture::metrics
