// Level 0's half-precision copy of its operator (multigrid.h, Level::sweepHalf) and the
// restriction's residual rows made from it. The sweeps that read it are in gaussseidel.cpp.

#include "colour/multigrid.h"
#include "colour/vec8.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace tincture::colour::detail {

#ifdef TINCTURE_VEC8
namespace {

// Cells b … e − 1 of one plane of sweepHalf: src · scale, or scale alone (src null), rounded.
__attribute__((target("arch=x86-64-v3"))) void halfRange(const float *src, const float *scale,
                                                         uint16_t *out, size_t b, size_t e)
{
    size_t p = b;
    for (; p + 8 <= e; p += 8)
        storeHalf8(out + p, src ? load8(src + p) * load8(scale + p) : load8(scale + p));
    for (; p < e; ++p)
        out[p] = toHalf(src ? src[p] * scale[p] : scale[p]);
}

// One row of ω ⊙ (f − Ã x) for both channels, Ã the operator sweepHalf holds: with c_k the
// stored a_k / a_centre, d = 1 / a_centre, u = 1 + δ the corrected centre and s = ω · a_centre,
// a row's residual is a_centre (f d − u x − Σ c_k x_k), weighted s (f d − u x − Σ c_k x_k).
__attribute__((target("arch=x86-64-v3"))) void
residualRowHalf(int w, const uint16_t *__restrict c, size_t n, ptrdiff_t pw,
                const float *__restrict xI, const float *__restrict xQ, const float *__restrict fI,
                const float *__restrict fQ, float *__restrict oI, float *__restrict oQ)
{
    int i = 0;
    for (; i + 8 <= w; i += 8) {
        const Vec8 c0 = loadHalf8(c + i), c1 = loadHalf8(c + n + i), c2 = loadHalf8(c + 2 * n + i),
                   c3 = loadHalf8(c + 3 * n + i), d = loadHalf8(c + 4 * n + i),
                   c5 = loadHalf8(c + 5 * n + i), c6 = loadHalf8(c + 6 * n + i),
                   c7 = loadHalf8(c + 7 * n + i), c8 = loadHalf8(c + 8 * n + i),
                   s = loadHalf8(c + 9 * n + i), u = loadHalf8(c + 10 * n + i) + 1.0f;
        const float *x = xI + i;
        Vec8 t = load8(fI + i) * d - u * load8(x) - c0 * load8(x - pw - 1) - c1 * load8(x - pw) -
                 c2 * load8(x - pw + 1) - c3 * load8(x - 1) - c5 * load8(x + 1) -
                 c6 * load8(x + pw - 1) - c7 * load8(x + pw) - c8 * load8(x + pw + 1);
        store8(oI + i, t * s);
        x = xQ + i;
        t = load8(fQ + i) * d - u * load8(x) - c0 * load8(x - pw - 1) - c1 * load8(x - pw) -
            c2 * load8(x - pw + 1) - c3 * load8(x - 1) - c5 * load8(x + 1) -
            c6 * load8(x + pw - 1) - c7 * load8(x + pw) - c8 * load8(x + pw + 1);
        store8(oQ + i, t * s);
    }
    for (; i < w; ++i) {
        const float d = halfAt(c + 4 * n + i), s = halfAt(c + 9 * n + i),
                    u = halfAt(c + 10 * n + i) + 1.0f;
        for (int ch = 0; ch < 2; ++ch) {
            const float *x = (ch ? xQ : xI) + i;
            float t = (ch ? fQ : fI)[i] * d - u * x[0];
            for (size_t k = 0; k < 9; ++k)
                if (k != 4)
                    t -=
                        halfAt(c + k * n + i) * x[ptrdiff_t(k / 3 - 1) * pw + ptrdiff_t(k % 3) - 1];
            (ch ? oQ : oI)[i] = t * s;
        }
    }
}

// Slot 10 of sweepHalf for cells b … e − 1 (see buildSweepCoefficients).
__attribute__((target("arch=x86-64-v3"))) void centreCorrections(Level &L, size_t b, size_t e)
{
    const size_t n = L.cells();
    uint16_t *delta = L.sweepHalf.data() + 10 * n;
    for (size_t p = b; p < e; ++p) {
        double rowSum = 0.0, rounded = 0.0;
        for (size_t k = 0; k < 9; ++k) {
            rowSum += double(L.a[k * n + p]);
            if (k != 4)
                rounded += double(halfToFloat(L.sweepHalf[k * n + p]));
        }
        const double d = double(L.invDiag[p]);
        const double intended = L.differenceForm && !L.fixed.empty()
                                    ? (L.fixed[p] ? 1.0 : double(L.freeRowSum)) * d
                                    : rowSum * d;
        delta[p] = toHalf(d == 0.0 ? 0.0f : float(intended - 1.0 - rounded));
    }
}

} // namespace
#endif

bool buildSweepCoefficients(Level &L, Team &team)
{
#ifdef TINCTURE_VEC8
    const size_t n = L.cells();
    // The restriction's row scale ω · a_centre (slot 9), ω the row's restriction weight; and
    // whether every value fits half precision's range with its full precision: a diagonal of
    // at most kMaxCentre (its inverse a normal half float; a prior weight λ above it, as in
    // "the prior everywhere" with λ = 1e5, does not) and scales below kMaxScale.
    constexpr float kMaxCentre = 4096.0f, kMaxScale = 32768.0f;
    Plane scale(n);
    constexpr size_t kSlice = size_t(1) << 16;
    const int slices = int((n + kSlice - 1) / kSlice), threads = threadsFor(L, team);
    std::vector<PartialSums> largest(static_cast<size_t>(threads));
    team.run(threads, [&](int t) {
        const int s0 = int(int64_t(slices) * t / threads),
                  s1 = int(int64_t(slices) * (t + 1) / threads);
        float centre = 0.0f, most = 0.0f;
        for (size_t p = size_t(s0) * kSlice, e = std::min(n, size_t(s1) * kSlice); p < e; ++p) {
            scale[p] = L.restrictionWeight(p) * L.a[4 * n + p];
            centre = std::max(centre, std::abs(L.a[4 * n + p]));
            most = std::max(most, std::abs(scale[p]));
        }
        largest[size_t(t)].s[0] = centre;
        largest[size_t(t)].s[1] = most;
    });
    for (const PartialSums &part : largest)
        if (!(part.s[0] <= kMaxCentre && part.s[1] < kMaxScale)) {
            L.sweepHalf.clear();
            return false;
        }
    L.sweepHalf.resize(11 * n);
    team.slices(threads, slices, [&](int s0, int s1) {
        const size_t b = size_t(s0) * kSlice, e = std::min(n, size_t(s1) * kSlice);
        for (size_t k = 0; k < 9; ++k)
            halfRange(k == 4 ? nullptr : L.a.data() + k * n, L.invDiag.data(),
                      L.sweepHalf.data() + k * n, b, e);
        halfRange(nullptr, scale.data(), L.sweepHalf.data() + 9 * n, b, e);
        // The centre's correction δ (slot 10): the normalised row's intended sum R (e_r d in
        // difference form, else A's own row sum times d) less 1 and the rounded off-diagonal
        // coefficients, so that the rounded row still sums to R. Without it the rounding
        // (about 1e-4 a row) weighed against the 5e-4 that ties a region to the far side of a
        // sharp edge, and full multigrid ended 1–10 dB further from the solution.
        centreCorrections(L, b, e);
    });
    return true;
#else
    (void)L;
    (void)team;
    return false;
#endif
}

void weightedResidualRowHalf(const Level &L, int y, float *rI, float *rQ)
{
#ifdef TINCTURE_VEC8
    const size_t n = L.cells(), p0 = L.index(0, y);
    residualRowHalf(L.w, L.sweepHalf.data() + p0, n, L.pw, L.x.data() + p0, L.x.data() + n + p0,
                    L.f.data() + p0, L.f.data() + n + p0, rI, rQ);
#else
    (void)L;
    (void)y;
    (void)rI;
    (void)rQ;
#endif
}

} // namespace tincture::colour::detail
