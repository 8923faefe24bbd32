// Level 0's half-precision copy of its operator (multigrid.h, Level::sweepHalf) and the
// restriction's residual rows made from it. The sweeps that read it are in gaussseidel.cpp.

#include "colour/internal/multigrid.h"
#include "colour/internal/vec8.h"

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
// stored a_k / a_centre, d = 1 / a_centre, u = 1 / (1 + ε) the corrected centre and
// s = ω · a_centre, a row's residual is a_centre (f d − u x − Σ c_k x_k), weighted
// s (f d − u x − Σ c_k x_k).
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
                   s = loadHalf8(c + 9 * n + i), eps = loadHalf8(c + 10 * n + i),
                   u = 1.0f - eps + eps * eps; // 1 / (1 + ε) to within ε³
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
                    eps = halfAt(c + 10 * n + i), u = 1.0f - eps + eps * eps;
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

// Slot 10 of sweepHalf for one cell (see buildSweepCoefficients).
__attribute__((target("arch=x86-64-v3"))) uint16_t centreCorrection(const Level &L, size_t p,
                                                                    bool difference)
{
    const size_t n = L.cells();
    const uint16_t *c = L.sweepHalf.data();
    float rounded = 0.0f, rowSum = 0.0f;
    for (size_t k = 0; k < 9; ++k) {
        rowSum += L.a[k * n + p];
        if (k != 4)
            rounded += halfAt(c + k * n + p);
    }
    const float d = L.invDiag[p];
    const float intended = (difference ? (L.fixed[p] ? 1.0f : L.freeRowSum) : rowSum) * d;
    const float u = intended - rounded; // the corrected centre
    return toHalf(d == 0.0f || u == 0.0f ? 0.0f : 1.0f / u - 1.0f);
}

// The same for cells b … e − 1, eight at a time in difference form (level 0 of the solver).
__attribute__((target("arch=x86-64-v3"))) void centreCorrections(Level &L, size_t b, size_t e)
{
    const size_t n = L.cells();
    const uint16_t *c = L.sweepHalf.data();
    uint16_t *eps = L.sweepHalf.data() + 10 * n;
    const bool difference = L.differenceForm && !L.fixed.empty();
    size_t p = b;
    if (difference) {
        const Vec8 lambda = Vec8{} + L.freeRowSum, ones = Vec8{} + 1.0f;
        for (; p + 8 <= e; p += 8) {
            Vec8 rounded = loadHalf8(c + p) + loadHalf8(c + n + p) + loadHalf8(c + 2 * n + p) +
                           loadHalf8(c + 3 * n + p) + loadHalf8(c + 5 * n + p) +
                           loadHalf8(c + 6 * n + p) + loadHalf8(c + 7 * n + p) +
                           loadHalf8(c + 8 * n + p);
            Vec8 sum = lambda;
            for (int j = 0; j < 8; ++j)
                if (L.fixed[p + size_t(j)])
                    sum[j] = 1.0f;
            const Vec8 d = load8(L.invDiag.data() + p), u = sum * d - rounded;
            Vec8 g = ones / u - ones;
            for (int j = 0; j < 8; ++j)
                if (d[j] == 0.0f || u[j] == 0.0f)
                    g[j] = 0.0f;
            storeHalf8(eps + p, g);
        }
    }
    for (; p < e; ++p)
        eps[p] = centreCorrection(L, p, difference);
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
        // The centre's correction (slot 10): the normalised row's centre becomes u = R − Σ c_k,
        // R its intended sum (e_r d in difference form, else A's own row sum times d) and c_k
        // the rounded off-diagonal coefficients, so that the rounded row still sums to R; it is
        // stored as ε = 1 / u − 1, what the sweep multiplies by. Without it the rounding
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
