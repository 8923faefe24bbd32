#include "colour/internal/multigrid.h"
#include "colour/internal/vec8.h"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace tincture::colour::detail {

namespace {

constexpr int kCoarsestCells = 64;
constexpr int kCoarsestSweeps = 40;

// The hot row kernels below are compiled twice (TINCTURE_HOT_CLONES, multigrid.h): 8-wide
// vectors roughly halve their time where the CPU has them. The Gauss–Seidel sweep is in
// gaussseidel.cpp.

// One row of out = f − A x (Residual) or out = A x, both channels. In difference form
// (Difference, level 0) a row is applied as e_r x_r + Σ_{s≠r} a_rs (x_s − x_r) with e_r the
// row's intended sum (Level::differenceForm), so a constant is annihilated exactly where it
// should be, whatever the rounding of the stored coefficients.
template <bool Residual, bool Difference>
[[gnu::always_inline]] inline void
stencilRowImpl(int w, RowView v, const float *__restrict xI, const float *__restrict xQ,
               const float *__restrict fI, const float *__restrict fQ, float *__restrict oI,
               float *__restrict oQ)
{
    const size_t n = v.n;
    const ptrdiff_t pw = v.pw;
    const float *__restrict a = v.a;
    const uint8_t *__restrict fixed = v.fixed;
    int i = 0;
#ifdef TINCTURE_VEC8
    // GCC leaves the difference form's per-cell choice of e_r as a branch and the loop scalar
    // (the scalar loop is 16.7 % of a 1920×1080 solve's profile): eight cells at a time by hand,
    // the same operations in the same order as the scalar loop below.
    if constexpr (Difference) {
        const Vec8 one = Vec8{} + 1.0f, freeSum = Vec8{} + v.freeRowSum;
        for (; i + 8 <= w; i += 8) {
            const Vec8 a0 = load8(a + i), a1 = load8(a + n + i), a2 = load8(a + 2 * n + i),
                       a3 = load8(a + 3 * n + i), a5 = load8(a + 5 * n + i),
                       a6 = load8(a + 6 * n + i), a7 = load8(a + 7 * n + i),
                       a8 = load8(a + 8 * n + i);
            const Lanes8 isFixed =
                Lanes8{fixed[i],     fixed[i + 1], fixed[i + 2], fixed[i + 3],
                       fixed[i + 4], fixed[i + 5], fixed[i + 6], fixed[i + 7]} != 0;
            const Vec8 e = isFixed ? one : freeSum;
            const float *x = xI + i;
            Vec8 c = load8(x);
            Vec8 sI = e * c + a0 * (load8(x - pw - 1) - c) + a1 * (load8(x - pw) - c) +
                      a2 * (load8(x - pw + 1) - c) + a3 * (load8(x - 1) - c) +
                      a5 * (load8(x + 1) - c) + a6 * (load8(x + pw - 1) - c) +
                      a7 * (load8(x + pw) - c) + a8 * (load8(x + pw + 1) - c);
            x = xQ + i;
            c = load8(x);
            Vec8 sQ = e * c + a0 * (load8(x - pw - 1) - c) + a1 * (load8(x - pw) - c) +
                      a2 * (load8(x - pw + 1) - c) + a3 * (load8(x - 1) - c) +
                      a5 * (load8(x + 1) - c) + a6 * (load8(x + pw - 1) - c) +
                      a7 * (load8(x + pw) - c) + a8 * (load8(x + pw + 1) - c);
            if constexpr (Residual) {
                sI = load8(fI + i) - sI;
                sQ = load8(fQ + i) - sQ;
            }
            store8(oI + i, sI);
            store8(oQ + i, sQ);
        }
    }
#endif
    for (; i < w; ++i) {
        const float a0 = a[i], a1 = a[n + i], a2 = a[2 * n + i], a3 = a[3 * n + i],
                    a5 = a[5 * n + i], a6 = a[6 * n + i], a7 = a[7 * n + i], a8 = a[8 * n + i];
        float sI, sQ;
        if constexpr (Difference) {
            const float cI = xI[i], cQ = xQ[i];
            const float e = fixed[i] ? 1.0f : v.freeRowSum;
            sI = e * cI + a0 * (xI[i - pw - 1] - cI) + a1 * (xI[i - pw] - cI) +
                 a2 * (xI[i - pw + 1] - cI) + a3 * (xI[i - 1] - cI) + a5 * (xI[i + 1] - cI) +
                 a6 * (xI[i + pw - 1] - cI) + a7 * (xI[i + pw] - cI) + a8 * (xI[i + pw + 1] - cI);
            sQ = e * cQ + a0 * (xQ[i - pw - 1] - cQ) + a1 * (xQ[i - pw] - cQ) +
                 a2 * (xQ[i - pw + 1] - cQ) + a3 * (xQ[i - 1] - cQ) + a5 * (xQ[i + 1] - cQ) +
                 a6 * (xQ[i + pw - 1] - cQ) + a7 * (xQ[i + pw] - cQ) + a8 * (xQ[i + pw + 1] - cQ);
        } else {
            const float a4 = a[4 * n + i];
            sI = a0 * xI[i - pw - 1] + a1 * xI[i - pw] + a2 * xI[i - pw + 1] + a3 * xI[i - 1] +
                 a4 * xI[i] + a5 * xI[i + 1] + a6 * xI[i + pw - 1] + a7 * xI[i + pw] +
                 a8 * xI[i + pw + 1];
            sQ = a0 * xQ[i - pw - 1] + a1 * xQ[i - pw] + a2 * xQ[i - pw + 1] + a3 * xQ[i - 1] +
                 a4 * xQ[i] + a5 * xQ[i + 1] + a6 * xQ[i + pw - 1] + a7 * xQ[i + pw] +
                 a8 * xQ[i + pw + 1];
        }
        if constexpr (Residual) {
            oI[i] = fI[i] - sI;
            oQ[i] = fQ[i] - sQ;
        } else {
            oI[i] = sI;
            oQ[i] = sQ;
        }
    }
}

TINCTURE_HOT_CLONES
void stencilRow(int w, RowView v, const float *__restrict xI, const float *__restrict xQ,
                const float *__restrict fI, const float *__restrict fQ, float *__restrict oI,
                float *__restrict oQ)
{
    if (v.fixed) {
        if (fI)
            stencilRowImpl<true, true>(w, v, xI, xQ, fI, fQ, oI, oQ);
        else
            stencilRowImpl<false, true>(w, v, xI, xQ, fI, fQ, oI, oQ);
    } else if (fI) {
        stencilRowImpl<true, false>(w, v, xI, xQ, fI, fQ, oI, oQ);
    } else {
        stencilRowImpl<false, false>(w, v, xI, xQ, fI, fQ, oI, oQ);
    }
}

// sums[0..1] += Σ o·w and sums[2..3] += Σ o·o over one row of both channels, in double.
void rowSums(int w, const float *__restrict oI, const float *__restrict oQ,
             const float *__restrict wI, const float *__restrict wQ, double *sums)
{
    double a0 = 0.0, a1 = 0.0, b0 = 0.0, b1 = 0.0;
#pragma omp simd reduction(+ : a0, a1, b0, b1)
    for (int i = 0; i < w; ++i) {
        const double o0 = oI[i], o1 = oQ[i];
        a0 += o0 * double(wI[i]);
        a1 += o1 * double(wQ[i]);
        b0 += o0 * o0;
        b1 += o1 * o1;
    }
    sums[0] += a0;
    sums[1] += a1;
    sums[2] += b0;
    sums[3] += b1;
}

// Row y of level 0's operator for the residual and the product: in difference form where the
// level asks for it.
RowView operatorRow(const Level &L, int y)
{
    const size_t p0 = L.index(0, y);
    RowView v{L.a.data() + p0, nullptr, L.cells(), ptrdiff_t(L.pw)};
    if (L.differenceForm) {
        v.fixed = L.fixed.data() + p0;
        v.freeRowSum = L.freeRowSum;
    }
    return v;
}

// out = f − A x (residual, f given) or out = A x (apply, f null).
void stencil(const Level &L, const float *x, const float *f, float *out, Team &team)
{
    const size_t n = L.cells();
    team.slices(threadsFor(L, team), L.h, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const size_t p0 = L.index(0, y);
            stencilRow(L.w, operatorRow(L, y), x + p0, x + n + p0, f ? f + p0 : nullptr,
                       f ? f + n + p0 : nullptr, out + p0, out + n + p0);
        }
    });
}

// Coarse row cy of C.f = Pᵀ v: coarse cell (cx, cy) gathers the fine cells 2cx−1 … 2cx+1 ×
// 2cy−1 … 2cy+1, whose values are vI[dy][2cx … 2cx+2] (I) and vQ[dy][…] (Q) for fine rows
// 2cy−1+dy, each laid out as a padded row (position 0 is x = −1). They all exist: the border
// cells (one past the last row or column) are padding with zero weights and values, so no
// bounds checks. A fine cell one row (column) before the coarse cell's own reaches it through
// its slot 2 (1); the others through slot 0.
TINCTURE_HOT_CLONES TINCTURE_NO_CONTRACT void
gatherRow(int cw, const float *__restrict w0, size_t row, const float *const vI[3],
          const float *const vQ[3], float *__restrict outI, float *__restrict outQ)
{
    for (int cx = 0; cx < cw; ++cx) {
        const size_t c = 2 * size_t(cx);
        float s0 = 0.0f, s1 = 0.0f;
        for (size_t dy = 0; dy < 3; ++dy) {
            const float *w = w0 + dy * row + 4 * c;
            const float *xi = vI[dy] + c, *xq = vQ[dy] + c;
            const size_t sy = dy == 0 ? 2 : 0;
            const float a0 = w[sy + 1], a1 = w[4 + sy], a2 = w[8 + sy];
            s0 += a0 * xi[0] + a1 * xi[1] + a2 * xi[2];
            s1 += a0 * xq[0] + a1 * xq[1] + a2 * xq[2];
        }
        outI[cx] = s0;
        outQ[cx] = s1;
    }
}

void gatherCoarseRow(const Level &F, Level &C, int cy, const float *const vI[3],
                     const float *const vQ[3])
{
    const size_t q = C.index(0, cy);
    gatherRow(C.w, &F.interp[4 * F.index(-1, 2 * cy - 1)], 4 * size_t(F.pw), vI, vQ, &C.f[q],
              &C.f[C.cells() + q]);
}

// C.f = Pᵀ v (full multigrid's right-hand sides: v is F.r or F.f).
void restrictVector(const Level &F, const Plane &v, Level &C, Team &team)
{
    const size_t fn = F.cells(), pw = size_t(F.pw);
    team.slices(threadsFor(F, team), C.h, [&](int cy0, int cy1) {
        for (int cy = cy0; cy < cy1; ++cy) {
            const float *vI[3], *vQ[3];
            for (size_t dy = 0; dy < 3; ++dy) {
                vI[dy] = &v[F.index(-1, 2 * cy - 1)] + dy * pw;
                vQ[dy] = vI[dy] + fn;
            }
            gatherCoarseRow(F, C, cy, vI, vQ);
        }
    });
}

// C.f = Pᵀ (ω ⊙ (F.f − A F.x)), the residual made and restricted in one pass (the V-cycle's
// restriction): each thread computes the three fine residual rows a coarse row gathers
// (2cy−1 … 2cy+1) into its scratch (6 rows of pw floats: a ring of three, I and Q) and
// restricts them at once, so no residual plane is written, scaled or read back. ω is the row
// weight of a scaled level 0 (Level::rowWeights; a fixed cell's does not matter, it has no
// interpolation weight) and 1 elsewhere.
void restrictResidual(const Level &F, Level &C, Team &team, float *scratch)
{
    const size_t fn = F.cells(), pw = size_t(F.pw);
    const float *weight = F.rowWeights();
    const int threads = threadsFor(F, team);
    team.run(threads, [&](int t) {
        const int cy0 = C.h * t / threads, cy1 = C.h * (t + 1) / threads;
        float *ring = scratch + size_t(t) * 6 * pw;
        auto slot = [&](int fy) { return ring + size_t(2 * ((fy + 3) % 3)) * pw; }; // I, then Q
        // Fine row fy's residual into its ring slot, as a padded row.
        auto fill = [&](int fy) {
            float *rI = slot(fy), *rQ = rI + pw;
            if (fy < 0 || fy >= F.h) {
                std::fill_n(rI, 2 * pw, 0.0f);
                return;
            }
            rI[0] = rQ[0] = rI[pw - 1] = rQ[pw - 1] = 0.0f;
            if (!F.sweepHalf.empty()) { // level 0, weighted already
                weightedResidualRowHalf(F, fy, rI + 1, rQ + 1);
                return;
            }
            const size_t p0 = F.index(0, fy);
            stencilRow(F.w, RowView{F.a.data() + p0, nullptr, fn, ptrdiff_t(pw)}, F.x.data() + p0,
                       F.x.data() + fn + p0, F.f.data() + p0, F.f.data() + fn + p0, rI + 1, rQ + 1);
            if (weight)
                for (int i = 0; i < F.w; ++i) {
                    rI[1 + i] *= weight[p0 + size_t(i)];
                    rQ[1 + i] *= weight[p0 + size_t(i)];
                }
        };
        if (cy0 < cy1)
            fill(2 * cy0 - 1);
        for (int cy = cy0; cy < cy1; ++cy) {
            fill(2 * cy);
            fill(2 * cy + 1);
            const float *vI[3], *vQ[3];
            for (int dy = 0; dy < 3; ++dy) {
                vI[dy] = slot(2 * cy - 1 + dy);
                vQ[dy] = vI[dy] + pw;
            }
            gatherCoarseRow(F, C, cy, vI, vQ);
        }
    });
}

// F.x += P C.x. The two fine cells 2cx and 2cx + 1 of a row interpolate from the same four
// coarse cells (cx and cx + 1 on the coarse rows fy/2 and fy/2 + 1), so they are made together.
TINCTURE_HOT_CLONES TINCTURE_NO_CONTRACT void
prolongRow(int w, const float *__restrict wts, const float *__restrict c0,
           const float *__restrict c1, const float *__restrict d0, const float *__restrict d1,
           float *__restrict xI, float *__restrict xQ)
{
    const int pairs = w / 2;
    for (int cx = 0; cx < pairs; ++cx) {
        const float *e = wts + 8 * cx; // the even cell's four weights, then the odd cell's
        const float i00 = c0[cx], i01 = c0[cx + 1], i10 = c1[cx], i11 = c1[cx + 1];
        const float q00 = d0[cx], q01 = d0[cx + 1], q10 = d1[cx], q11 = d1[cx + 1];
        xI[2 * cx] += e[0] * i00 + e[1] * i01 + e[2] * i10 + e[3] * i11;
        xQ[2 * cx] += e[0] * q00 + e[1] * q01 + e[2] * q10 + e[3] * q11;
        xI[2 * cx + 1] += e[4] * i00 + e[5] * i01 + e[6] * i10 + e[7] * i11;
        xQ[2 * cx + 1] += e[4] * q00 + e[5] * q01 + e[6] * q10 + e[7] * q11;
    }
    if (w % 2) {
        const int cx = pairs;
        const float *e = wts + 8 * cx;
        xI[2 * cx] += e[0] * c0[cx] + e[1] * c0[cx + 1] + e[2] * c1[cx] + e[3] * c1[cx + 1];
        xQ[2 * cx] += e[0] * d0[cx] + e[1] * d0[cx + 1] + e[2] * d1[cx] + e[3] * d1[cx + 1];
    }
}

void prolongCorrection(Level &F, const Level &C, Team &team)
{
    const size_t fn = F.cells(), cn = C.cells();
    team.slices(threadsFor(F, team), F.h, [&](int fy0, int fy1) {
        for (int fy = fy0; fy < fy1; ++fy) {
            const size_t p = F.index(0, fy), q = C.index(0, fy >> 1);
            const float *c0 = &C.x[q], *c1 = c0 + C.pw;
            prolongRow(F.w, &F.interp[4 * p], c0, c1, c0 + cn, c1 + cn, &F.x[p], &F.x[fn + p]);
        }
    });
}

// out = v ⊙ ω on both channels of a level-0 vector (ω: restrictionWeight): full multigrid's
// right-hand side at the scale of the operator level 1 is made from, before it is restricted
// (the V-cycle weights its residual rows as it makes them: restrictResidual). out's frame is
// left as it is (zero).
void scaleRows(const Level &L, const Plane &v, Plane &out, Team &team)
{
    const size_t n = L.cells();
    team.slices(threadsFor(L, team), L.h, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y)
            for (int x = 0; x < L.w; ++x) {
                const size_t p = L.index(x, y);
                const float z = L.restrictionWeight(p);
                out[p] = v[p] * z;
                out[n + p] = v[n + p] * z;
            }
    });
}

} // namespace

namespace {

// body(b, e) on consecutive slices [b, e) of [0, n), on every thread of `team` from 2 · 2¹⁸
// floats up (below, the fork costs more than it saves).
template <class Body> void floatSlices(size_t n, Team &team, Body &&body)
{
    constexpr size_t kSlice = size_t(1) << 18;
    team.slices(n >= 2 * kSlice ? team.size() : 1, int((n + kSlice - 1) / kSlice),
                [&](int s0, int s1) {
                    const size_t b = size_t(s0) * kSlice, e = std::min(n, size_t(s1) * kSlice);
                    if (e > b)
                        body(b, e);
                });
}

} // namespace

void zeroFloats(float *p, size_t n, Team &team)
{
    floatSlices(n, team,
                [&](size_t b, size_t e) { std::memset(p + b, 0, (e - b) * sizeof(float)); });
}

void copyFloats(Plane &to, const Plane &from, Team &team)
{
    to.resize(from.size());
    floatSlices(from.size(), team, [&](size_t b, size_t e) {
        std::memcpy(to.data() + b, from.data() + b, (e - b) * sizeof(float));
    });
}

void zeroFrames(float *p, size_t planes, int pw, int ph)
{
    const size_t row = size_t(pw), cells = row * size_t(ph);
    for (size_t k = 0; k < planes; ++k) {
        float *plane = p + k * cells;
        std::fill_n(plane, row, 0.0f);
        for (size_t y = 1; y + 1 < size_t(ph); ++y) {
            plane[y * row] = 0.0f;
            plane[y * row + row - 1] = 0.0f;
        }
        std::fill_n(plane + cells - row, row, 0.0f);
    }
}

void zeroTopAndBottom(float *p, size_t planes, int pw, int ph)
{
    const size_t row = size_t(pw), cells = row * size_t(ph);
    for (size_t k = 0; k < planes; ++k) {
        std::fill_n(p + k * cells, row, 0.0f);
        std::fill_n(p + k * cells + cells - row, row, 0.0f);
    }
}

void Level::resize(int width, int height, Team *team, bool operatorWritten)
{
    w = width;
    h = height;
    pw = w + 2;
    ph = h + 2;
    a.resize(9 * cells()); // new floats are unset (RecycledAllocator)
    if (operatorWritten)
        zeroTopAndBottom(a.data(), 9, pw, ph);
    else if (team)
        zeroFloats(a.data(), a.size(), *team);
    else
        std::fill(a.begin(), a.end(), 0.0f);
    invDiag.resize(cells());
    zeroFrames(invDiag.data(), 1, pw, ph);
    // Every cycle writes x's and f's interiors before it reads them (its sweeps start from
    // zero; full multigrid zeroes x and copies or restricts f): only their frames.
    for (Plane *v : {&x, &f}) {
        v->resize(2 * cells());
        zeroFrames(v->data(), 2, pw, ph);
    }
    r.clear(); // only full multigrid uses it, on level 0
}

void Hierarchy::build(Team &workers)
{
    team = &workers;
    const int threads = team->size();
    assert(!levels.empty());
    Level &L0 = levels[0];
    L0.invDiag.resize(L0.cells()); // its frame is zero (Level::resize); the interior:
    team->slices(threadsFor(L0, *team), L0.h, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y)
            for (int i = 0; i < L0.w; ++i) {
                const size_t p = L0.index(i, y);
                L0.invDiag[p] = 1.0f / L0.a[4 * L0.cells() + p];
            }
    });
    if (halfSweeps && halfSweepsAvailable())
        buildSweepCoefficients(L0, *team);
    else
        L0.sweepHalf.clear();
    // Coarser levels keep their storage from the last build when the size is the same (a
    // re-solve after a stroke rebuilds the hierarchy without touching the allocator).
    size_t l = 0;
    while (levels[l].w * levels[l].h > kCoarsestCells) {
        const int cw = (levels[l].w + 1) / 2, ch = (levels[l].h + 1) / 2;
        if (levels.size() <= l + 1)
            levels.emplace_back();
        if (levels[l + 1].w != cw || levels[l + 1].h != ch)
            levels[l + 1].resize(cw, ch, team, true); // the Galerkin product zeroes a
        coarsen(levels[l], levels[l + 1], l == 0, *team);
        ++l;
    }
    levels.resize(l + 1);
    scratch.assign(size_t(threads) * 6 * size_t(levels[0].pw), 0.0f);
}

void Hierarchy::vcycle(size_t l, bool fromZero)
{
    Level &L = levels[l];
    if (l + 1 == levels.size()) {
        for (int i = 0; i < kCoarsestSweeps; ++i) {
            gsSweep(L, true, *team, scratch.data(), fromZero && i == 0);
            gsSweep(L, false, *team, scratch.data());
        }
        return;
    }
    assert(preSmooth > 0 || !fromZero);
    for (int i = 0; i < preSmooth; ++i) // forward, backward, …
        gsSweep(L, i % 2 == 0, *team, scratch.data(), fromZero && i == 0);
    Level &C = levels[l + 1];
    restrictResidual(L, C, *team, scratch.data());
    vcycle(l + 1, true);
    prolongCorrection(L, C, *team);
    for (int i = 0; i < postSmooth; ++i) // the mirror image: backward, forward, …
        gsSweep(L, i % 2 == 1, *team, scratch.data());
}

void Hierarchy::precondition(Plane &v, Plane &z)
{
    // The cycle reads level 0's right-hand side and writes its solution: lend it v and z
    // instead of copying (both keep a zero border, as every level vector does).
    Level &L0 = levels[0];
    assert(v.size() == L0.f.size() && z.size() == L0.x.size());
    L0.f.swap(v);
    L0.x.swap(z);
    vcycle(0, true);
    L0.x.swap(z);
    L0.f.swap(v);
}

void Hierarchy::fullMultigrid(Plane &v, Plane &z)
{
    // As precondition(): v is lent as level 0's right-hand side and z as its solution (no
    // copies; at 1920×1080 each would be 16 MB on one thread).
    Level &L0 = levels[0];
    assert(v.size() == L0.f.size() && z.size() == L0.x.size());
    L0.f.swap(v);
    L0.x.swap(z);
    if (L0.scaled()) { // the right-hand side at the surrogate's scale
        if (L0.r.size() != L0.f.size()) {
            L0.r.resize(L0.f.size());
            zeroFrames(L0.r.data(), 2, L0.pw, L0.ph);
        }
        scaleRows(L0, L0.f, L0.r, *team);
    }
    for (size_t l = 0; l + 1 < levels.size(); ++l)
        restrictVector(levels[l], l == 0 && L0.scaled() ? L0.r : levels[l].f, levels[l + 1], *team);
    vcycle(levels.size() - 1, true);
    for (size_t l = levels.size() - 1; l-- > 0;) {
        // vcycle(l + 1) overwrote the coarser right-hand sides, not this level's.
        zeroFloats(levels[l].x.data(), levels[l].x.size(), *team);
        prolongCorrection(levels[l], levels[l + 1], *team);
        vcycle(l, false);
    }
    L0.x.swap(z);
    L0.f.swap(v);
}

void Hierarchy::apply(const float *in, float *out) const
{
    stencil(levels[0], in, nullptr, out, *team);
}

namespace {

// rowBody(y, sums) on every row of L, in row bands on `team`, each thread adding into its own
// four sums (from zero); their totals, added in thread order (the same sums every time).
template <class RowBody>
std::array<double, 4> rowReduce(const Level &L, Team &team, RowBody &&rowBody)
{
    const int threads = threadsFor(L, team);
    std::vector<PartialSums> parts(static_cast<size_t>(threads));
    team.run(threads, [&](int t) {
        const int y0 = L.h * t / threads, y1 = L.h * (t + 1) / threads;
        for (int y = y0; y < y1; ++y)
            rowBody(y, parts[size_t(t)].s);
    });
    std::array<double, 4> total{};
    for (const PartialSums &part : parts)
        for (size_t k = 0; k < 4; ++k)
            total[k] += part.s[k];
    return total;
}

} // namespace

Hierarchy::ApplySums Hierarchy::applyWithSums(const float *in, const float *with, float *out) const
{
    const Level &L = levels[0];
    const size_t n = L.cells();
    const auto sums = rowReduce(L, *team, [&](int y, double *s) {
        const size_t p0 = L.index(0, y);
        stencilRow(L.w, operatorRow(L, y), in + p0, in + n + p0, nullptr, nullptr, out + p0,
                   out + n + p0);
        rowSums(L.w, out + p0, out + n + p0, with + p0, with + n + p0, s);
    });
    return {{sums[0], sums[1]}, {sums[2], sums[3]}};
}

void Hierarchy::residual(const float *x, const float *b, float *r) const
{
    stencil(levels[0], x, b, r, *team);
}

std::array<double, 2> Hierarchy::residualWithNorms(const float *x, const float *b, float *r) const
{
    const Level &L = levels[0];
    const size_t n = L.cells();
    const auto sums = rowReduce(L, *team, [&](int y, double *s) {
        const size_t p0 = L.index(0, y);
        stencilRow(L.w, operatorRow(L, y), x + p0, x + n + p0, b + p0, b + n + p0, r + p0,
                   r + n + p0);
        // The row's sums as dot2 (vectorops.cpp) makes them: the same floats as a separate
        // dot2 pass.
        const float *rI = r + p0, *rQ = r + n + p0;
        double r0 = 0.0, r1 = 0.0;
#pragma omp simd reduction(+ : r0, r1)
        for (int i = 0; i < L.w; ++i) {
            r0 += double(rI[i]) * double(rI[i]);
            r1 += double(rQ[i]) * double(rQ[i]);
        }
        s[0] += r0;
        s[1] += r1;
    });
    return {sums[0], sums[1]};
}

} // namespace tincture::colour::detail
