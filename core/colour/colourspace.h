#pragma once
// Colour-space helpers of the scribble solver: YIQ with BT.601 luma (the space of Levin,
// Lischinski & Weiss 2004, PROTOCOLS.md §6) and the luma-exact conversion back to integer RGB.
// Pure functions on plain values; any thread may call them.

#include <cstdint>

namespace tincture::colour {

// BT.601 luma weights, the same as Frame::luma() (which uses them in 16.16 fixed point).
inline constexpr double kLumaR = 0.299;
inline constexpr double kLumaG = 0.587;
inline constexpr double kLumaB = 0.114;

struct Yiq
{
    float y = 0, i = 0, q = 0;
};

struct Rgb
{
    float r = 0, g = 0, b = 0;
};

// RGB in [0, 1] → YIQ (Y in [0, 1], I ≈ ±0.596, Q ≈ ±0.523).
Yiq rgbToYiq(float r, float g, float b);
// The exact inverse of rgbToYiq (the 3×3 matrix is inverted in double precision).
Rgb yiqToRgb(float y, float i, float q);

// Luma of an integer RGB sample exactly as Frame::luma() computes it, for 8-bit
// (0..255) or 16-bit (0..65535) samples.
int lumaOf8(int r, int g, int b);
int lumaOf16(int r, int g, int b);

// Rounds rgb (in [0, 1]) to 8-bit (16-bit) samples whose lumaOf8 (lumaOf16) is exactly
// targetLuma. Rounding alone can move the luma by ±1; this then steps every channel that is
// not clipped by one code at a time towards the target, which keeps the chroma as close as
// the integer grid allows and always terminates (luma is monotone in each channel, and all
// channels at 0 or at full scale give luma 0 or full scale).
void quantiseLumaExact8(const Rgb &rgb, int targetLuma, uint8_t out[3]);
void quantiseLumaExact16(const Rgb &rgb, int targetLuma, uint16_t out[3]);

} // namespace tincture::colour
