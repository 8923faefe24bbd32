#pragma once
// Internal to tincture_colour: Levin's affinities (PROTOCOLS.md §6) for the scribble solver's
// level-0 rows: the vectorised kernel for interior rows and the general one for any pixel.

#include "colour/internal/multigrid.h"

#include <vector>

namespace tincture::colour::detail {

// An interior row (every pixel has all 8 neighbours) of pixels x0 … x1 − 1, from the luma rows
// above, at and below it: one coefficient plane per off-centre slot (−w_rs, slots 0–3 and 5–8
// in order) and each pixel's unnormalised affinity sum Z in sums.
void interiorAffinityRow(int x0, int x1, const float *__restrict up, const float *__restrict mid,
                         const float *__restrict down, float *const *__restrict planes,
                         float *__restrict sums);

// Pixel (x, y)'s row of −w_rs from the luma plane (width × height), 0 off the image and at the
// centre; all zero for a 1×1 image (no neighbours: the row stays the identity). Returns Z.
float lumaRow(const std::vector<float> &luma, int width, int height, int x, int y, float row[9]);

} // namespace tincture::colour::detail
