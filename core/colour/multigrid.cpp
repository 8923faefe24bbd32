#include "colour/multigrid.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#ifdef _OPENMP
#include <omp.h>
#else
inline int omp_get_thread_num()
{
    return 0;
}
inline int omp_get_num_threads()
{
    return 1;
}
#endif

namespace tincture::colour::detail {

namespace {

// Below this many cells a level is swept by one thread: the fork costs more than it saves.
constexpr int kParallelCells = 16384;
constexpr int kCoarsestCells = 64;
constexpr int kCoarsestSweeps = 40;

int threadsFor(const Level &L, int threads)
{
    return L.w * L.h >= kParallelCells ? threads : 1;
}

struct Offsets
{
    ptrdiff_t o[9];
    explicit Offsets(int pw)
    {
        for (int k = 0; k < 9; ++k)
            o[k] = ptrdiff_t(k / 3 - 1) * pw + (k % 3 - 1);
    }
};

// Gauss–Seidel on one row, in either direction. Fixed cells have identity rows (ScribbleSolver
// zeroes their off-diagonal coefficients), so they need no branch: x = f there. The only
// value a cell needs from the cell swept just before it is that neighbour's x; its term is
// added last, pre-scaled by the inverse diagonal, so the dependency chain from cell to cell
// is one multiply and one subtraction instead of the whole sum.
template <bool Forward> inline void gsRow(Level &L, const Offsets &off, int y)
{
    float *x = L.x.data();
    const float *f = L.f.data();
    const ptrdiff_t p0 = ptrdiff_t(L.index(0, y));
    const ptrdiff_t o0 = off.o[0], o1 = off.o[1], o2 = off.o[2], o6 = off.o[6], o7 = off.o[7],
                    o8 = off.o[8];
    // The other neighbour on this row: not yet swept (east going forward, west going back).
    constexpr int kDep = Forward ? 3 : 5, kOther = Forward ? 5 : 3;
    const ptrdiff_t oDep = Forward ? -1 : 1, oOther = -oDep;
    for (int i = 0; i < L.w; ++i) {
        const ptrdiff_t p = p0 + (Forward ? i : L.w - 1 - i);
        const float *a = &L.a[9 * size_t(p)];
        const float *xp = x + 2 * p;
        const float inv = L.invDiag[size_t(p)];
        const float s0 = f[2 * p] - a[0] * xp[2 * o0] - a[1] * xp[2 * o1] - a[2] * xp[2 * o2]
            - a[6] * xp[2 * o6] - a[7] * xp[2 * o7] - a[8] * xp[2 * o8]
            - a[kOther] * xp[2 * oOther];
        const float s1 = f[2 * p + 1] - a[0] * xp[2 * o0 + 1] - a[1] * xp[2 * o1 + 1]
            - a[2] * xp[2 * o2 + 1] - a[6] * xp[2 * o6 + 1] - a[7] * xp[2 * o7 + 1]
            - a[8] * xp[2 * o8 + 1] - a[kOther] * xp[2 * oOther + 1];
        const float c = a[kDep] * inv;
        x[2 * p] = s0 * inv - c * xp[2 * oDep];
        x[2 * p + 1] = s1 * inv - c * xp[2 * oDep + 1];
    }
}

inline void gsRow(Level &L, const Offsets &off, int y, bool forward)
{
    if (forward)
        gsRow<true>(L, off, y);
    else
        gsRow<false>(L, off, y);
}

// Band-parallel Gauss–Seidel: 2·n bands of rows; the even bands are swept at once, then the
// odd ones. A band only reads the rows next to it, which belong to bands of the other parity,
// so the sweep is race-free and gives the same result every time (a fixed linear operator).
void gsSweep(Level &L, bool forward, int threads)
{
    const Offsets off(L.pw);
    int n = threadsFor(L, threads);
    if (L.h < 4 * n)
        n = 1;
    if (n == 1) {
        for (int i = 0; i < L.h; ++i)
            gsRow(L, off, forward ? i : L.h - 1 - i, forward);
        return;
    }
    const int bands = 2 * n;
    for (int parity = 0; parity < 2; ++parity) {
#pragma omp parallel for num_threads(n) schedule(static, 1)
        for (int t = 0; t < n; ++t) {
            const int b = 2 * t + parity;
            const int y0 = L.h * b / bands, y1 = L.h * (b + 1) / bands;
            for (int i = 0; i < y1 - y0; ++i)
                gsRow(L, off, forward ? y0 + i : y1 - 1 - i, forward);
        }
    }
}

// out = f − A x (residual) or out = A x (apply).
template <bool Residual>
void stencil(const Level &L, const float *x, const float *f, float *out, int threads)
{
    const Offsets off(L.pw);
#pragma omp parallel for num_threads(threadsFor(L, threads)) schedule(static)
    for (int y = 0; y < L.h; ++y) {
        const ptrdiff_t p0 = ptrdiff_t(L.index(0, y));
        for (int i = 0; i < L.w; ++i) {
            const ptrdiff_t p = p0 + i;
            const float *a = &L.a[9 * size_t(p)];
            float s0 = 0.0f, s1 = 0.0f;
            for (int k = 0; k < 9; ++k) {
                const ptrdiff_t q = p + off.o[k];
                s0 += a[k] * x[2 * q];
                s1 += a[k] * x[2 * q + 1];
            }
            if (Residual) {
                out[2 * p] = f[2 * p] - s0;
                out[2 * p + 1] = f[2 * p + 1] - s1;
            } else {
                out[2 * p] = s0;
                out[2 * p + 1] = s1;
            }
        }
    }
}

void finishDiagonal(Level &L)
{
    L.invDiag.assign(L.cells(), 0.0f);
    for (int y = 0; y < L.h; ++y)
        for (int i = 0; i < L.w; ++i) {
            const size_t p = L.index(i, y);
            float &d = L.a[9 * p + 4];
            if (d == 0.0f) { // nothing interpolates from this cell: identity row, zero correction
                d = 1.0f;
                std::fill_n(&L.a[9 * p], 4, 0.0f);
                std::fill_n(&L.a[9 * p + 5], 4, 0.0f);
            }
            L.invDiag[p] = 1.0f / d;
        }
}

// Divides, falling back to 0 where the denominator vanishes (a cell with no coupling along
// the interpolation direction gets no coarse correction; the smoother handles it).
inline float ratio(float num, float den)
{
    return std::abs(den) > 1e-12f ? num / den : 0.0f;
}

// The interpolation weights of F from its coarser level (see the header comment). A fixed
// fine cell (level 0) interpolates nothing, and coarse cells sitting on fixed fine cells get
// no weight: the error is zero there.
void computeInterpolation(Level &F, bool fineHasFixed, int threads)
{
    F.interp.assign(4 * F.cells(), 0.0f);
    auto isFixed = [&](size_t q) { return fineHasFixed && F.fixed[q] != 0; };
    const Offsets off(F.pw);
    // Coarse points and edge points first (edge points read only the stencil).
#pragma omp parallel for num_threads(threadsFor(F, threads)) schedule(static)
    for (int y = 0; y < F.h; ++y) {
        for (int x = 0; x < F.w; ++x) {
            const size_t p = F.index(x, y);
            if (isFixed(p))
                continue;
            float *w = &F.interp[4 * p];
            const float *a = &F.a[9 * p];
            auto coef = [&](int k) { // a_k, or 0 towards a fixed neighbour
                return isFixed(size_t(ptrdiff_t(p) + off.o[k])) ? 0.0f : a[k];
            };
            const bool ox = x & 1, oy = y & 1;
            if (!ox && !oy) {
                w[0] = 1.0f;
            } else if (ox && !oy) { // between coarse cells west and east: collapse the columns
                const float aw = coef(0) + coef(3) + coef(6), ae = coef(2) + coef(5) + coef(8);
                const float ac = a[4] + coef(1) + coef(7);
                w[0] = isFixed(size_t(ptrdiff_t(p) - 1)) ? 0.0f : ratio(-aw, ac);
                w[1] = isFixed(size_t(ptrdiff_t(p) + 1)) ? 0.0f : ratio(-ae, ac);
            } else if (!ox && oy) { // between coarse cells north and south: collapse the rows
                const float an = coef(0) + coef(1) + coef(2), as = coef(6) + coef(7) + coef(8);
                const float ac = a[4] + coef(3) + coef(5);
                w[0] = isFixed(size_t(ptrdiff_t(p) - F.pw)) ? 0.0f : ratio(-an, ac);
                w[2] = isFixed(size_t(ptrdiff_t(p) + F.pw)) ? 0.0f : ratio(-as, ac);
            }
        }
    }
    // Centre points: their own row, with the four edge neighbours already interpolated.
#pragma omp parallel for num_threads(threadsFor(F, threads)) schedule(static)
    for (int y = 1; y < F.h; y += 2) {
        for (int x = 1; x < F.w; x += 2) {
            const size_t p = F.index(x, y);
            if (isFixed(p))
                continue;
            const float *a = &F.a[9 * p];
            float *w = &F.interp[4 * p];
            // Corners NW, NE, SW, SE are the coarse cells of slots 0..3 themselves.
            const int corner[4] = {0, 2, 6, 8};
            for (int s = 0; s < 4; ++s) {
                const size_t q = size_t(ptrdiff_t(p) + off.o[corner[s]]);
                w[s] = isFixed(q) ? 0.0f : -a[corner[s]];
            }
            // Edge neighbours N (slots 0, 1 of its own), W (0, 2), E (0, 2), S (0, 1).
            const float *n = &F.interp[4 * (p - size_t(F.pw))];
            const float *sth = &F.interp[4 * (p + size_t(F.pw))];
            const float *wst = &F.interp[4 * (p - 1)];
            const float *est = &F.interp[4 * (p + 1)];
            w[0] -= a[1] * n[0] + a[3] * wst[0];
            w[1] -= a[1] * n[1] + a[5] * est[0];
            w[2] -= a[7] * sth[0] + a[3] * wst[2];
            w[3] -= a[7] * sth[1] + a[5] * est[2];
            for (int s = 0; s < 4; ++s)
                w[s] = ratio(w[s], a[4]);
        }
    }
}

// Galerkin coarse operator A_c = Pᵀ A P. Per fine cell p: the row of A P (at most 3×3 coarse
// cells, held densely from the coarse cell (px>>1)−1, (py>>1)−1), then added to the rows of
// A_c of p's parents. Fine row fy feeds coarse rows fy>>1 and (fy+1)>>1, so the fine rows
// are cut into 2·n bands and the even bands run at once, then the odd ones (no two threads
// ever add to the same coarse row).
void galerkinRow(const Level &F, Level &C, const Offsets &off, int fy)
{
    for (int fx = 0; fx < F.w; ++fx) {
        const size_t p = F.index(fx, fy);
        const float *wp = &F.interp[4 * p];
        if (wp[0] == 0.0f && wp[1] == 0.0f && wp[2] == 0.0f && wp[3] == 0.0f)
            continue;
        const float *a = &F.a[9 * p];
        const int bx = (fx >> 1) - 1, by = (fy >> 1) - 1;
        float ap[4][4] = {};
        for (int k = 0; k < 9; ++k) {
            const float ak = a[k];
            if (ak == 0.0f)
                continue;
            const int sx = fx + k % 3 - 1, sy = fy + k / 3 - 1;
            const float *ws = &F.interp[4 * size_t(ptrdiff_t(p) + off.o[k])];
            const int jx = (sx >> 1) - bx, jy = (sy >> 1) - by; // 0..2 (slots may add 1)
            ap[jy][jx] += ak * ws[0];
            ap[jy][jx + 1] += ak * ws[1];
            ap[jy + 1][jx] += ak * ws[2];
            ap[jy + 1][jx + 1] += ak * ws[3];
        }
        for (int si = 0; si < 4; ++si) {
            const float w = wp[si];
            if (w == 0.0f)
                continue;
            const int ix = (fx >> 1) + (si & 1), iy = (fy >> 1) + (si >> 1);
            float *ca = &C.a[9 * C.index(ix, iy)];
            // A_c(I, J) for J − I in −1..1: ap index J − base = (J − I) + (I − base).
            const int ox = ix - bx, oy = iy - by; // 1 or 2
            for (int dy = -1; dy <= 1; ++dy) {
                const int ry = oy + dy;
                if (ry < 0 || ry > 3)
                    continue;
                for (int dx = -1; dx <= 1; ++dx) {
                    const int rx = ox + dx;
                    if (rx < 0 || rx > 3)
                        continue;
                    ca[(dy + 1) * 3 + dx + 1] += w * ap[ry][rx];
                }
            }
        }
    }
}

void galerkin(const Level &F, Level &C, int threads)
{
    std::fill(C.a.begin(), C.a.end(), 0.0f);
    const Offsets off(F.pw);
    int n = threadsFor(F, threads);
    if (F.h < 8 * n)
        n = 1;
    if (n == 1) {
        for (int fy = 0; fy < F.h; ++fy)
            galerkinRow(F, C, off, fy);
    } else {
        const int bands = 2 * n;
        for (int parity = 0; parity < 2; ++parity) {
#pragma omp parallel for num_threads(n) schedule(static, 1)
            for (int t = 0; t < n; ++t) {
                const int b = 2 * t + parity;
                // Even band starts, so a band's first row only feeds its own first coarse row.
                const int y0 = (F.h * b / bands) & ~1, y1 = (F.h * (b + 1) / bands) & ~1;
                for (int fy = y0; fy < (b == bands - 1 ? F.h : y1); ++fy)
                    galerkinRow(F, C, off, fy);
            }
        }
    }
    finishDiagonal(C);
}

// C.f = Pᵀ v (v: F.r or F.f): coarse cell (cx, cy) gathers the fine cells 2cx−1 … 2cx+1 × 2cy−1 … 2cy+1.
void restrictVector(const Level &F, const std::vector<float> &v, Level &C, int threads)
{
    std::fill(C.x.begin(), C.x.end(), 0.0f);
#pragma omp parallel for num_threads(threadsFor(F, threads)) schedule(static)
    for (int cy = 0; cy < C.h; ++cy) {
        for (int cx = 0; cx < C.w; ++cx) {
            float s0 = 0.0f, s1 = 0.0f;
            for (int fy = std::max(0, 2 * cy - 1); fy <= std::min(2 * cy + 1, F.h - 1); ++fy)
                for (int fx = std::max(0, 2 * cx - 1); fx <= std::min(2 * cx + 1, F.w - 1);
                     ++fx) {
                    const size_t p = F.index(fx, fy);
                    const float w = F.interp[4 * p + 2 * (cy - (fy >> 1)) + (cx - (fx >> 1))];
                    s0 += w * v[2 * p];
                    s1 += w * v[2 * p + 1];
                }
            const size_t q = C.index(cx, cy);
            C.f[2 * q] = s0;
            C.f[2 * q + 1] = s1;
        }
    }
}

// F.x += P C.x.
void prolongCorrection(Level &F, const Level &C, int threads)
{
#pragma omp parallel for num_threads(threadsFor(F, threads)) schedule(static)
    for (int fy = 0; fy < F.h; ++fy) {
        for (int fx = 0; fx < F.w; ++fx) {
            const size_t p = F.index(fx, fy);
            const float *w = &F.interp[4 * p];
            const size_t q = C.index(fx >> 1, fy >> 1);
            const float *c0 = &C.x[2 * q], *c1 = &C.x[2 * (q + size_t(C.pw))];
            F.x[2 * p] += w[0] * c0[0] + w[1] * c0[2] + w[2] * c1[0] + w[3] * c1[2];
            F.x[2 * p + 1] += w[0] * c0[1] + w[1] * c0[3] + w[2] * c1[1] + w[3] * c1[3];
        }
    }
}

} // namespace

void Level::resize(int width, int height)
{
    w = width;
    h = height;
    pw = w + 2;
    ph = h + 2;
    a.assign(9 * cells(), 0.0f);
    invDiag.assign(cells(), 0.0f);
    x.assign(2 * cells(), 0.0f);
    f.assign(2 * cells(), 0.0f);
    r.assign(2 * cells(), 0.0f);
}

void Hierarchy::build(int threadCount)
{
    threads = std::max(1, threadCount);
    assert(!levels.empty());
    Level &L0 = levels[0];
    L0.invDiag.assign(L0.cells(), 0.0f);
    for (int y = 0; y < L0.h; ++y)
        for (int i = 0; i < L0.w; ++i) {
            const size_t p = L0.index(i, y);
            L0.invDiag[p] = 1.0f / L0.a[9 * p + 4];
        }
    // Coarser levels keep their storage from the last build when the size is the same (a
    // re-solve after a stroke rebuilds the hierarchy without touching the allocator).
    size_t l = 0;
    while (levels[l].w * levels[l].h > kCoarsestCells) {
        const int cw = (levels[l].w + 1) / 2, ch = (levels[l].h + 1) / 2;
        if (levels.size() <= l + 1)
            levels.emplace_back();
        if (levels[l + 1].w != cw || levels[l + 1].h != ch)
            levels[l + 1].resize(cw, ch);
        computeInterpolation(levels[l], l == 0, threads);
        galerkin(levels[l], levels[l + 1], threads);
        ++l;
    }
    levels.resize(l + 1);
}

void Hierarchy::vcycle(size_t l)
{
    Level &L = levels[l];
    if (l + 1 == levels.size()) {
        for (int i = 0; i < kCoarsestSweeps; ++i) {
            gsSweep(L, true, threads);
            gsSweep(L, false, threads);
        }
        return;
    }
    for (int i = 0; i < preSmooth; ++i) // forward, backward, …
        gsSweep(L, i % 2 == 0, threads);
    stencil<true>(L, L.x.data(), L.f.data(), L.r.data(), threads);
    Level &C = levels[l + 1];
    restrictVector(L, L.r, C, threads);
    vcycle(l + 1);
    prolongCorrection(L, C, threads);
    for (int i = 0; i < postSmooth; ++i) // the mirror image: backward, forward, …
        gsSweep(L, i % 2 == 1, threads);
}

void Hierarchy::precondition(const float *v, float *z)
{
    Level &L0 = levels[0];
    std::memcpy(L0.f.data(), v, L0.f.size() * sizeof(float));
    std::fill(L0.x.begin(), L0.x.end(), 0.0f);
    vcycle(0);
    std::memcpy(z, L0.x.data(), L0.x.size() * sizeof(float));
}

void Hierarchy::fullMultigrid(const float *v, float *z)
{
    Level &L0 = levels[0];
    std::memcpy(L0.f.data(), v, L0.f.size() * sizeof(float));
    for (size_t l = 0; l + 1 < levels.size(); ++l)
        restrictVector(levels[l], levels[l].f, levels[l + 1], threads);
    std::fill(levels.back().x.begin(), levels.back().x.end(), 0.0f);
    vcycle(levels.size() - 1);
    for (size_t l = levels.size() - 1; l-- > 0;) {
        // vcycle(l + 1) overwrote the coarser right-hand sides, not this level's.
        std::fill(levels[l].x.begin(), levels[l].x.end(), 0.0f);
        prolongCorrection(levels[l], levels[l + 1], threads);
        vcycle(l);
    }
    std::memcpy(z, L0.x.data(), L0.x.size() * sizeof(float));
}

void Hierarchy::apply(const float *in, float *out) const
{
    stencil<false>(levels[0], in, nullptr, out, threads);
}

} // namespace tincture::colour::detail
