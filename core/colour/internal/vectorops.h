#pragma once
// Internal to tincture_colour: the Krylov solver's vector operations on level-0 vectors (two
// channel planes, I then Q, each with the level's zero border). Each is one pass over its
// vectors; the fused ones compute the sums BiCGSTAB needs next in the same pass as the update,
// since at 1920×1080 a pass over a vector pair costs a few milliseconds and an iteration made
// twelve of them. Sums are per channel, accumulated in double, and reduced in a fixed order:
// the same sums every time for a given number of threads.

#include "colour/internal/multigrid.h"

#include <array>
#include <cstddef>

namespace tincture::colour::detail {

using Sums2 = std::array<double, 2>;

// Σ a·b per channel over the interior cells.
Sums2 dot2(const Level &L, const float *a, const float *b, Team &team);

// out = a + α·b per channel (n floats: both planes, borders included; they stay zero).
void axpy2(float *out, const float *a, const Sums2 &alpha, const float *b, size_t n, Team &team);

// x += α·y + ω·z per channel (BiCGSTAB's two updates of x in one pass; the same floats as
// two axpy2 calls).
void axpyPair2(float *x, const Sums2 &alpha, const float *y, const Sums2 &omega, const float *z,
               size_t n, Team &team);

// out = a + α·b per channel, and in the same pass Σ out·out and, where w is given, Σ out·w.
struct UpdateSums
{
    Sums2 self{}, with{};
};
UpdateSums axpyWithSums2(float *out, const float *a, const Sums2 &alpha, const float *b,
                         const float *w, size_t n, Team &team);

// BiCGSTAB's new direction p = r + β·(p − ω·v) per channel, in one pass.
void direction2(float *p, const float *r, const Sums2 &beta, const Sums2 &omega, const float *v,
                size_t n, Team &team);

} // namespace tincture::colour::detail
