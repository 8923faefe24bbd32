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

// Gauss–Seidel on one row, in either direction.
template <bool Fine> inline void gsRow(Level &L, const Offsets &off, int y, bool forward)
{
    float *x = L.x.data();
    const float *f = L.f.data();
    const size_t p0 = L.index(0, y);
    for (int i = 0; i < L.w; ++i) {
        const size_t p = p0 + size_t(forward ? i : L.w - 1 - i);
        if (Fine && L.fixed[p]) {
            x[2 * p] = f[2 * p];
            x[2 * p + 1] = f[2 * p + 1];
            continue;
        }
        const float *a = &L.a[9 * p];
        float s0 = f[2 * p], s1 = f[2 * p + 1];
        for (int k = 0; k < 9; ++k) {
            if (k == 4)
                continue;
            const size_t q = size_t(ptrdiff_t(p) + off.o[k]);
            s0 -= a[k] * x[2 * q];
            s1 -= a[k] * x[2 * q + 1];
        }
        x[2 * p] = s0 * L.invDiag[p];
        x[2 * p + 1] = s1 * L.invDiag[p];
    }
}

// Band-parallel Gauss–Seidel: 2·n bands of rows; the even bands are swept at once, then the
// odd ones. A band only reads the rows next to it, which belong to bands of the other parity,
// so the sweep is race-free and gives the same result every time (a fixed linear operator).
template <bool Fine> void gsSweep(Level &L, bool forward, int threads)
{
    const Offsets off(L.pw);
    int n = threadsFor(L, threads);
    if (L.h < 4 * n)
        n = 1;
    if (n == 1) {
        for (int i = 0; i < L.h; ++i)
            gsRow<Fine>(L, off, forward ? i : L.h - 1 - i, forward);
        return;
    }
    const int bands = 2 * n;
    for (int parity = 0; parity < 2; ++parity) {
#pragma omp parallel for num_threads(n) schedule(static, 1)
        for (int t = 0; t < n; ++t) {
            const int b = 2 * t + parity;
            const int y0 = L.h * b / bands, y1 = L.h * (b + 1) / bands;
            for (int i = 0; i < y1 - y0; ++i)
                gsRow<Fine>(L, off, forward ? y0 + i : y1 - 1 - i, forward);
        }
    }
}

// out = f − A x (residual) or out = A x (apply), level 0 or a coarse level.
template <bool Fine, bool Residual>
void stencil(const Level &L, const float *x, const float *f, float *out, int threads)
{
    const Offsets off(L.pw);
#pragma omp parallel for num_threads(threadsFor(L, threads)) schedule(static)
    for (int y = 0; y < L.h; ++y) {
        const size_t p0 = L.index(0, y);
        for (int i = 0; i < L.w; ++i) {
            const size_t p = p0 + size_t(i);
            float s0, s1;
            if (Fine && L.fixed[p]) {
                s0 = x[2 * p];
                s1 = x[2 * p + 1];
            } else {
                const float *a = &L.a[9 * p];
                s0 = 0.0f;
                s1 = 0.0f;
                for (int k = 0; k < 9; ++k) {
                    const size_t q = size_t(ptrdiff_t(p) + off.o[k]);
                    s0 += a[k] * x[2 * q];
                    s1 += a[k] * x[2 * q + 1];
                }
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
            if (d == 0.0f) { // an aggregate of fixed cells only: identity row, zero correction
                d = 1.0f;
                std::fill_n(&L.a[9 * p], 4, 0.0f);
                std::fill_n(&L.a[9 * p + 5], 4, 0.0f);
            }
            L.invDiag[p] = 1.0f / d;
        }
}

// Galerkin coarse operator with 2×2 aggregation: A_c(I, J) = Σ_{r∈I} Σ_{s∈J} A_rs over cells
// that are not fixed. A 9-point stencil stays a 9-point stencil.
void galerkin(const Level &F, Level &C, bool fineHasFixed, int threads)
{
    std::fill(C.a.begin(), C.a.end(), 0.0f);
    const Offsets off(F.pw);
#pragma omp parallel for num_threads(threadsFor(F, threads)) schedule(static)
    for (int cy = 0; cy < C.h; ++cy) {
        for (int fy = 2 * cy; fy < std::min(2 * cy + 2, F.h); ++fy) {
            for (int fx = 0; fx < F.w; ++fx) {
                const size_t p = F.index(fx, fy);
                if (fineHasFixed && F.fixed[p])
                    continue;
                const int cx = fx >> 1;
                float *ca = &C.a[9 * C.index(cx, cy)];
                const float *a = &F.a[9 * p];
                for (int k = 0; k < 9; ++k) {
                    if (a[k] == 0.0f)
                        continue;
                    const int sx = fx + k % 3 - 1, sy = fy + k / 3 - 1;
                    if (sx < 0 || sy < 0 || sx >= F.w || sy >= F.h)
                        continue;
                    if (fineHasFixed && F.fixed[size_t(ptrdiff_t(p) + off.o[k])])
                        continue;
                    const int dx = (sx >> 1) - cx, dy = (sy >> 1) - cy;
                    ca[(dy + 1) * 3 + (dx + 1)] += a[k];
                }
            }
        }
    }
    finishDiagonal(C);
}

void restrictResidual(const Level &F, Level &C, bool fineHasFixed, int threads)
{
    std::fill(C.x.begin(), C.x.end(), 0.0f);
#pragma omp parallel for num_threads(threadsFor(F, threads)) schedule(static)
    for (int cy = 0; cy < C.h; ++cy) {
        for (int cx = 0; cx < C.w; ++cx) {
            float s0 = 0.0f, s1 = 0.0f;
            for (int fy = 2 * cy; fy < std::min(2 * cy + 2, F.h); ++fy)
                for (int fx = 2 * cx; fx < std::min(2 * cx + 2, F.w); ++fx) {
                    const size_t p = F.index(fx, fy);
                    if (fineHasFixed && F.fixed[p])
                        continue;
                    s0 += F.r[2 * p];
                    s1 += F.r[2 * p + 1];
                }
            const size_t q = C.index(cx, cy);
            C.f[2 * q] = s0;
            C.f[2 * q + 1] = s1;
        }
    }
}

void prolongCorrection(Level &F, const Level &C, bool fineHasFixed, float scale, int threads)
{
#pragma omp parallel for num_threads(threadsFor(F, threads)) schedule(static)
    for (int fy = 0; fy < F.h; ++fy) {
        for (int fx = 0; fx < F.w; ++fx) {
            const size_t p = F.index(fx, fy);
            if (fineHasFixed && F.fixed[p])
                continue;
            const size_t q = C.index(fx >> 1, fy >> 1);
            F.x[2 * p] += scale * C.x[2 * q];
            F.x[2 * p + 1] += scale * C.x[2 * q + 1];
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
    levels.resize(1);
    Level &L0 = levels[0];
    L0.invDiag.assign(L0.cells(), 0.0f);
    for (int y = 0; y < L0.h; ++y)
        for (int i = 0; i < L0.w; ++i) {
            const size_t p = L0.index(i, y);
            L0.invDiag[p] = L0.fixed[p] ? 1.0f : 1.0f / L0.a[9 * p + 4];
        }
    while (levels.back().w * levels.back().h > kCoarsestCells) {
        const Level &F = levels.back();
        Level C;
        C.resize((F.w + 1) / 2, (F.h + 1) / 2);
        levels.push_back(std::move(C));
        galerkin(levels[levels.size() - 2], levels.back(), levels.size() == 2, threads);
    }
}

void Hierarchy::vcycle(size_t l)
{
    Level &L = levels[l];
    const bool fine = l == 0;
    if (l + 1 == levels.size()) {
        for (int i = 0; i < kCoarsestSweeps; ++i) {
            if (fine) {
                gsSweep<true>(L, true, threads);
                gsSweep<true>(L, false, threads);
            } else {
                gsSweep<false>(L, true, threads);
                gsSweep<false>(L, false, threads);
            }
        }
        return;
    }
    for (int i = 0; i < preSmooth; ++i)
        fine ? gsSweep<true>(L, true, threads) : gsSweep<false>(L, true, threads);
    if (fine)
        stencil<true, true>(L, L.x.data(), L.f.data(), L.r.data(), threads);
    else
        stencil<false, true>(L, L.x.data(), L.f.data(), L.r.data(), threads);
    Level &C = levels[l + 1];
    restrictResidual(L, C, fine, threads);
    vcycle(l + 1);
    prolongCorrection(L, C, fine, correctionScale, threads);
    for (int i = 0; i < postSmooth; ++i)
        fine ? gsSweep<true>(L, false, threads) : gsSweep<false>(L, false, threads);
}

void Hierarchy::precondition(const float *v, float *z)
{
    Level &L0 = levels[0];
    std::memcpy(L0.f.data(), v, L0.f.size() * sizeof(float));
    std::fill(L0.x.begin(), L0.x.end(), 0.0f);
    vcycle(0);
    std::memcpy(z, L0.x.data(), L0.x.size() * sizeof(float));
}

void Hierarchy::apply(const float *in, float *out) const
{
    stencil<true, false>(levels[0], in, nullptr, out, threads);
}

} // namespace tincture::colour::detail
