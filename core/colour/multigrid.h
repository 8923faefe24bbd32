#pragma once
// Internal to tincture_colour: the multigrid hierarchy behind ScribbleSolver.
// Grids are padded by one zero cell on each side so 3×3 stencils need no bounds checks.
// Vectors hold both chroma channels interleaved (I, Q per cell). Level 0 may mark cells as
// fixed (identity rows: scribbles and kept pixels); they are excluded from the coarse levels
// (2×2 aggregation, Galerkin coarse operators A_c = Pᵀ A P with P zero on fixed cells).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tincture::colour::detail {

struct Level
{
    int w = 0, h = 0, pw = 0, ph = 0;
    std::vector<float> a;       // 9 coefficients per padded cell, k = (dy+1)·3 + (dx+1)
    std::vector<float> invDiag; // per padded cell
    std::vector<uint8_t> fixed; // level 0 only: identity rows
    std::vector<float> x, f, r; // 2 floats per padded cell

    void resize(int width, int height);
    size_t cells() const { return size_t(pw) * size_t(ph); }
    size_t index(int cx, int cy) const { return size_t(cy + 1) * size_t(pw) + size_t(cx + 1); }
};

class Hierarchy
{
public:
    // Level 0 must be resized and filled (a, fixed) by the caller; builds invDiag of level 0
    // and every coarser level.
    void build(int threads);
    // z = M v: one V-cycle on A z = v from z = 0 (a fixed linear operator, as BiCGSTAB needs).
    void precondition(const float *v, float *z);
    // out = A in on level 0.
    void apply(const float *in, float *out) const;

    std::vector<Level> levels;
    int threads = 1;
    // Measured on 854×480 with 5 % scribbled (docs/BENCHMARKS.md): two sweeps each side and
    // an over-correction of 1.8 (piecewise-constant interpolation under-corrects by about 2
    // on diffusion-like operators) cut the iterations of the plain 1/1/1.0 cycle from 30 to 19 at
    // 1e-5 (a W-cycle did not help: the limit is the piecewise-constant interpolation).
    int preSmooth = 2;
    int postSmooth = 2;
    float correctionScale = 1.8f;

private:
    void vcycle(size_t l);
};

} // namespace tincture::colour::detail
