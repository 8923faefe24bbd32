// Gauss–Seidel on a level of the multigrid hierarchy (multigrid.h): the row kernels and the
// band-parallel sweep.

#include "colour/internal/multigrid.h"
#include "colour/internal/vec8.h"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace tincture::colour::detail {

namespace {

// The hot row kernels below are compiled twice (TINCTURE_HOT_CLONES, multigrid.h): 8-wide
// vectors roughly halve the smoothing time where the CPU has them.

// The part of a Gauss–Seidel row update that does not depend on the cell swept just before
// (the west neighbour going forward, the east going back): for every cell of the row at
// once, so it vectorises. t = (f − Σ_{k ≠ centre, dep} a_k x_k) / a_centre and
// c = a_dep / a_centre; the sweep then only runs x_i = t_i − c_i x_{i−1} along the row.
TINCTURE_HOT_CLONES
void gsPartialRow(int w, RowView v, bool forward, const float *__restrict xI,
                  const float *__restrict xQ, const float *__restrict fI,
                  const float *__restrict fQ, float *__restrict tI, float *__restrict tQ,
                  float *__restrict tc)
{
    const size_t n = v.n;
    const ptrdiff_t pw = v.pw;
    const float *__restrict a = v.a;
    const float *__restrict inv = v.invDiag;
    const float *__restrict aOther = a + (forward ? 5 : 3) * n;
    const float *__restrict aDep = a + (forward ? 3 : 5) * n;
    const ptrdiff_t oOther = forward ? 1 : -1;
    for (int i = 0; i < w; ++i) {
        const float a0 = a[i], a1 = a[n + i], a2 = a[2 * n + i], a6 = a[6 * n + i],
                    a7 = a[7 * n + i], a8 = a[8 * n + i], ao = aOther[i];
        const float sI = fI[i] - a0 * xI[i - pw - 1] - a1 * xI[i - pw] - a2 * xI[i - pw + 1] -
                         a6 * xI[i + pw - 1] - a7 * xI[i + pw] - a8 * xI[i + pw + 1] -
                         ao * xI[i + oOther];
        const float sQ = fQ[i] - a0 * xQ[i - pw - 1] - a1 * xQ[i - pw] - a2 * xQ[i - pw + 1] -
                         a6 * xQ[i + pw - 1] - a7 * xQ[i + pw] - a8 * xQ[i + pw + 1] -
                         ao * xQ[i + oOther];
        tI[i] = sI * inv[i];
        tQ[i] = sQ * inv[i];
        tc[i] = aDep[i] * inv[i];
    }
}

// The first forward sweep from x = 0 (what a V-cycle starts from): only the rows already swept
// in this sweep are non-zero, so the partial sum needs neither the east neighbour nor, except
// where a band-parallel sweep has already swept it, the row below; nor the row above where it
// has not been swept yet (the first row of an even band). The same numbers as filling x with
// zeros and sweeping, without the fill or the reads.
template <bool North, bool South>
[[gnu::always_inline]] inline void
gsPartialRowFromZeroImpl(int w, RowView v, const float *__restrict xI, const float *__restrict xQ,
                         const float *__restrict fI, const float *__restrict fQ,
                         float *__restrict tI, float *__restrict tQ, float *__restrict tc)
{
    const size_t n = v.n;
    const ptrdiff_t pw = v.pw;
    const float *__restrict a = v.a;
    const float *__restrict inv = v.invDiag;
    for (int i = 0; i < w; ++i) {
        float sI = fI[i], sQ = fQ[i];
        if constexpr (North) {
            const float a0 = a[i], a1 = a[n + i], a2 = a[2 * n + i];
            sI -= a0 * xI[i - pw - 1] + a1 * xI[i - pw] + a2 * xI[i - pw + 1];
            sQ -= a0 * xQ[i - pw - 1] + a1 * xQ[i - pw] + a2 * xQ[i - pw + 1];
        }
        if constexpr (South) {
            const float a6 = a[6 * n + i], a7 = a[7 * n + i], a8 = a[8 * n + i];
            sI -= a6 * xI[i + pw - 1] + a7 * xI[i + pw] + a8 * xI[i + pw + 1];
            sQ -= a6 * xQ[i + pw - 1] + a7 * xQ[i + pw] + a8 * xQ[i + pw + 1];
        }
        tI[i] = sI * inv[i];
        tQ[i] = sQ * inv[i];
        tc[i] = a[3 * n + i] * inv[i];
    }
}

// The choice of neighbours is made once a row, outside the loop: with the tests inside it the
// compiler does not vectorise the loop, and this partial sweep then costs more than a full one.
TINCTURE_HOT_CLONES
void gsPartialRowFromZero(int w, RowView v, bool north, bool south, const float *__restrict xI,
                          const float *__restrict xQ, const float *__restrict fI,
                          const float *__restrict fQ, float *__restrict tI, float *__restrict tQ,
                          float *__restrict tc)
{
    if (north && south)
        gsPartialRowFromZeroImpl<true, true>(w, v, xI, xQ, fI, fQ, tI, tQ, tc);
    else if (north)
        gsPartialRowFromZeroImpl<true, false>(w, v, xI, xQ, fI, fQ, tI, tQ, tc);
    else if (south)
        gsPartialRowFromZeroImpl<false, true>(w, v, xI, xQ, fI, fQ, tI, tQ, tc);
    else
        gsPartialRowFromZeroImpl<false, false>(w, v, xI, xQ, fI, fQ, tI, tQ, tc);
}

// The sweep's recurrence along a row, x_i = t_i − c_i x_{i−1} going forward (x_{i+1} going
// back), from the zero border.
//
// Where the CPU has AVX2 and FMA (x86-64-v3), eight cells a step: each cell's update is an
// affine map x ↦ T + K x of the cell before (T = t, K = −c); within a step of eight the maps
// are composed by a log-step scan (shifts of 1, 2 and 4 cells, Hillis and Steele), so every
// cell of the step is T_j + K_j p of the cell p before the step, and the next p is one
// multiply-add of this one. Copied out and timed on an 854-cell row (min of 200 × 100 rows,
// `-O3`), it costs 0.44 ns a cell forward and 0.40 back, where the scalar loops below cost
// 0.65–0.67 built for x86-64-v3 and 0.85 (four cells a step) or 0.97 (two) built for plain
// x86-64. Elsewhere the scan would be
// slower than the scalar loop (2.5 ns built for plain x86-64), so the loop stays: four cells
// a step, each from the cell before the step (p), x_{i+1} = V1 + k1 p, x_{i+2} = V2 − k2 p,
// x_{i+3} = V3 + k3 p with V_j = t_j − c_j V_{j−1} and k_j = c_j k_{j−1}.
template <bool Forward>
void recurrenceRowScalar(int w, const float *__restrict tI, const float *__restrict tQ,
                         const float *__restrict tc, float *__restrict xI, float *__restrict xQ)
{
    constexpr int s = Forward ? 1 : -1;
    int i = Forward ? 0 : w - 1;
    float pI = 0.0f, pQ = 0.0f; // the zero border
    for (int left = w; left >= 4; left -= 4, i += 4 * s) {
        const float c0 = tc[i], c1 = tc[i + s], c2 = tc[i + 2 * s], c3 = tc[i + 3 * s];
        const float k1 = c1 * c0, k2 = c2 * k1, k3 = c3 * k2;
        const float v1I = tI[i + s] - c1 * tI[i], v1Q = tQ[i + s] - c1 * tQ[i];
        const float v2I = tI[i + 2 * s] - c2 * v1I, v2Q = tQ[i + 2 * s] - c2 * v1Q;
        const float v3I = tI[i + 3 * s] - c3 * v2I, v3Q = tQ[i + 3 * s] - c3 * v2Q;
        xI[i] = tI[i] - c0 * pI;
        xQ[i] = tQ[i] - c0 * pQ;
        xI[i + s] = v1I + k1 * pI;
        xQ[i + s] = v1Q + k1 * pQ;
        xI[i + 2 * s] = v2I - k2 * pI;
        xQ[i + 2 * s] = v2Q - k2 * pQ;
        pI = v3I + k3 * pI;
        pQ = v3Q + k3 * pQ;
        xI[i + 3 * s] = pI;
        xQ[i + 3 * s] = pQ;
    }
    for (int left = w % 4; left > 0; --left, i += s) {
        pI = tI[i] - tc[i] * pI;
        pQ = tQ[i] - tc[i] * pQ;
        xI[i] = pI;
        xQ[i] = pQ;
    }
}

#ifdef TINCTURE_VEC8
#define TINCTURE_RECURRENCE_SCAN 1

// Lane j takes lane j − S of v going forward (j + S going back), and lane j of `outside`
// where that is past the step's end.
template <bool Forward, int S> constexpr int shiftLane(int j)
{
    if constexpr (Forward)
        return j >= S ? j - S : 8 + j;
    else
        return j + S < 8 ? j + S : 8 + j;
}

template <bool Forward, int S> [[gnu::always_inline]] inline Vec8 shifted(Vec8 v, Vec8 outside)
{
    constexpr Lanes8 lanes = {shiftLane<Forward, S>(0), shiftLane<Forward, S>(1),
                              shiftLane<Forward, S>(2), shiftLane<Forward, S>(3),
                              shiftLane<Forward, S>(4), shiftLane<Forward, S>(5),
                              shiftLane<Forward, S>(6), shiftLane<Forward, S>(7)};
    return __builtin_shuffle(v, outside, lanes);
}

template <bool Forward, int S>
[[gnu::always_inline]] inline void scanStep(Vec8 &tI, Vec8 &tQ, Vec8 &k)
{
    const Vec8 zero = {}, one = zero + 1.0f;
    tI += k * shifted<Forward, S>(tI, zero);
    tQ += k * shifted<Forward, S>(tQ, zero);
    k *= shifted<Forward, S>(k, one);
}

// One step of eight cells: the maps (T, K) composed by the scan, the cells stored from the
// cell before the step (p, in every lane), and p moved on to the step's last cell.
template <bool Forward>
[[gnu::always_inline]] inline void scanStore(Vec8 TI, Vec8 TQ, Vec8 K, float *xI, float *xQ,
                                             Vec8 &pI, Vec8 &pQ)
{
    constexpr int last = Forward ? 7 : 0; // the lane the next step starts from
    constexpr Lanes8 all = {last, last, last, last, last, last, last, last};
    scanStep<Forward, 1>(TI, TQ, K);
    scanStep<Forward, 2>(TI, TQ, K);
    scanStep<Forward, 4>(TI, TQ, K);
    store8(xI, TI + K * pI);
    store8(xQ, TQ + K * pQ);
    pI = __builtin_shuffle(TI, all) + __builtin_shuffle(K, all) * pI;
    pQ = __builtin_shuffle(TQ, all) + __builtin_shuffle(K, all) * pQ;
}

// The recurrence over `count` cells after (before, going back) a step of eight that left
// x = qI, qQ in the cell next to them: the scalar tail of the 8-cell kernels.
template <bool Forward>
[[gnu::always_inline]] inline void tailRecurrence(int count, const float *tI, const float *tQ,
                                                  const float *tc, float *xI, float *xQ, float qI,
                                                  float qQ)
{
    for (int k = 0; k < count; ++k) {
        const int i = Forward ? k : count - 1 - k;
        qI = tI[i] - tc[i] * qI;
        qQ = tQ[i] - tc[i] * qQ;
        xI[i] = qI;
        xQ[i] = qQ;
    }
}

template <bool Forward>
__attribute__((target("arch=x86-64-v3"))) void
recurrenceRowScan(int w, const float *__restrict tI, const float *__restrict tQ,
                  const float *__restrict tc, float *__restrict xI, float *__restrict xQ)
{
    Vec8 pI = {}, pQ = {}; // the zero border, in every lane
    const int steps = w / 8;
    for (int step = 0; step < steps; ++step) {
        const int i = Forward ? 8 * step : w - 8 * (step + 1);
        Vec8 TI = load8(tI + i), TQ = load8(tQ + i), K = -load8(tc + i);
        scanStore<Forward>(TI, TQ, K, xI + i, xQ + i, pI, pQ);
    }
    const int first = Forward ? 8 * steps : 0;
    tailRecurrence<Forward>(w - 8 * steps, tI + first, tQ + first, tc + first, xI + first,
                            xQ + first, pI[0], pQ[0]);
}

// A whole Gauss–Seidel row on x86-64-v3, eight cells a step: each step's partial sums (as
// gsPartialRow makes them) go straight into the scan, with no pass through scratch rows. The
// neighbour on the sweep's far side (east going forward, west going back) is read before the
// step's cells are written, so it is still the old value, as it must be.
template <bool Forward>
__attribute__((target("arch=x86-64-v3"))) void
gsRowFused(int w, RowView v, float *__restrict xI, float *__restrict xQ, const float *__restrict fI,
           const float *__restrict fQ)
{
    const size_t n = v.n;
    const ptrdiff_t pw = v.pw;
    const float *__restrict a = v.a;
    const float *__restrict inv = v.invDiag;
    const float *__restrict aOther = a + (Forward ? 5 : 3) * n;
    const float *__restrict aDep = a + (Forward ? 3 : 5) * n;
    constexpr ptrdiff_t oOther = Forward ? 1 : -1;
    Vec8 pI = {}, pQ = {}; // the zero border, in every lane
    const int steps = w / 8;
    for (int step = 0; step < steps; ++step) {
        const int i = Forward ? 8 * step : w - 8 * (step + 1);
        const Vec8 a0 = load8(a + i), a1 = load8(a + n + i), a2 = load8(a + 2 * n + i),
                   a6 = load8(a + 6 * n + i), a7 = load8(a + 7 * n + i), a8 = load8(a + 8 * n + i),
                   ao = load8(aOther + i), d = load8(inv + i);
        auto partial = [&](const float *x, const float *f) {
            return (load8(f + i) - a0 * load8(x + i - pw - 1) - a1 * load8(x + i - pw) -
                    a2 * load8(x + i - pw + 1) - a6 * load8(x + i + pw - 1) -
                    a7 * load8(x + i + pw) - a8 * load8(x + i + pw + 1) -
                    ao * load8(x + i + oOther)) *
                   d;
        };
        Vec8 TI = partial(xI, fI), TQ = partial(xQ, fQ), K = -(load8(aDep + i) * d);
        scanStore<Forward>(TI, TQ, K, xI + i, xQ + i, pI, pQ);
    }
    // The last (first, going back) w mod 8 cells: their partial sums as gsPartialRow makes
    // them, all read before any of them is written, then the recurrence from the step before.
    const int left = w - 8 * steps, first = Forward ? 8 * steps : 0;
    float tI[8], tQ[8], tc[8];
    gsPartialRow(left, RowView{a + first, inv + first, n, pw}, Forward, xI + first, xQ + first,
                 fI + first, fQ + first, tI, tQ, tc);
    tailRecurrence<Forward>(left, tI, tQ, tc, xI + first, xQ + first, pI[0], pQ[0]);
}

// One step's partial sums from level 0's half-precision coefficients (Level::sweepHalf):
// t = f·d − Σ c_k x_k over the neighbours that count, c_k = a_k·d already (d the inverse
// diagonal). FromZero: the sweep from x = 0, reading the row above only with North and the
// row below only with South, and never the neighbour ahead (see gsPartialRowFromZero).
template <bool Forward, bool FromZero, bool North, bool South>
[[gnu::always_inline]] __attribute__((target("arch=x86-64-v3"))) inline Vec8
halfPartial(const uint16_t *c, size_t n, ptrdiff_t pw, const float *x, const float *f, Vec8 d)
{
    constexpr ptrdiff_t oOther = Forward ? 1 : -1;
    Vec8 t = load8(f) * d;
    if constexpr (!FromZero || North)
        t -= loadHalf8(c) * load8(x - pw - 1) + loadHalf8(c + n) * load8(x - pw) +
             loadHalf8(c + 2 * n) * load8(x - pw + 1);
    if constexpr (!FromZero || South)
        t -= loadHalf8(c + 6 * n) * load8(x + pw - 1) + loadHalf8(c + 7 * n) * load8(x + pw) +
             loadHalf8(c + 8 * n) * load8(x + pw + 1);
    if constexpr (!FromZero)
        t -= loadHalf8(c + (Forward ? 5 : 3) * n) * load8(x + oOther);
    return t;
}

// The same for one cell (the row's last w mod 8).
template <bool Forward, bool FromZero, bool North, bool South>
[[gnu::always_inline]] __attribute__((target("arch=x86-64-v3"))) inline float
halfPartialCell(const uint16_t *c, size_t n, ptrdiff_t pw, const float *x, const float *f, float d)
{
    constexpr ptrdiff_t oOther = Forward ? 1 : -1;
    float t = f[0] * d;
    if constexpr (!FromZero || North)
        t -= halfAt(c) * x[-pw - 1] + halfAt(c + n) * x[-pw] + halfAt(c + 2 * n) * x[-pw + 1];
    if constexpr (!FromZero || South)
        t -= halfAt(c + 6 * n) * x[pw - 1] + halfAt(c + 7 * n) * x[pw] +
             halfAt(c + 8 * n) * x[pw + 1];
    if constexpr (!FromZero)
        t -= halfAt(c + (Forward ? 5 : 3) * n) * x[oOther];
    return t;
}

// A whole Gauss–Seidel row of level 0 from its half-precision coefficients, eight cells a
// step as gsRowFused (FromZero, North, South: see halfPartial).
template <bool Forward, bool FromZero, bool North, bool South>
__attribute__((target("arch=x86-64-v3"))) void
gsRowHalf(int w, const uint16_t *__restrict c, size_t n, ptrdiff_t pw, float *__restrict xI,
          float *__restrict xQ, const float *__restrict fI, const float *__restrict fQ)
{
    static_assert(Forward || !FromZero);
    const uint16_t *cDep = c + (Forward ? 3 : 5) * n;
    Vec8 pI = {}, pQ = {}; // the zero border, in every lane
    const int steps = w / 8;
    for (int step = 0; step < steps; ++step) {
        const int i = Forward ? 8 * step : w - 8 * (step + 1);
        const Vec8 d = loadHalf8(c + 4 * n + i), one = Vec8{} + 1.0f,
                   g = one + loadHalf8(c + 10 * n + i); // 1 / (corrected centre)
        const Vec8 TI =
            halfPartial<Forward, FromZero, North, South>(c + i, n, pw, xI + i, fI + i, d) * g;
        const Vec8 TQ =
            halfPartial<Forward, FromZero, North, South>(c + i, n, pw, xQ + i, fQ + i, d) * g;
        scanStore<Forward>(TI, TQ, -(loadHalf8(cDep + i) * g), xI + i, xQ + i, pI, pQ);
    }
    // The last (first, going back) w mod 8 cells: all their partial sums before any of them is
    // written, then the recurrence from the step before.
    const int left = w - 8 * steps, first = Forward ? 8 * steps : 0;
    float tI[8], tQ[8], tc[8];
    for (int j = 0; j < left; ++j) {
        const int i = first + j;
        const float d = halfAt(c + 4 * n + i), g = 1.0f + halfAt(c + 10 * n + i);
        tI[j] =
            halfPartialCell<Forward, FromZero, North, South>(c + i, n, pw, xI + i, fI + i, d) * g;
        tQ[j] =
            halfPartialCell<Forward, FromZero, North, South>(c + i, n, pw, xQ + i, fQ + i, d) * g;
        tc[j] = halfAt(cDep + i) * g;
    }
    tailRecurrence<Forward>(left, tI, tQ, tc, xI + first, xQ + first, pI[0], pQ[0]);
}

// (Initialised before main: the CPU's features are read first, which a constructor must do.)
const bool kRecurrenceScan = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("x86-64-v3") != 0;
}();
#endif

template <bool Forward>
inline void recurrenceRow(int w, const float *tI, const float *tQ, const float *tc, float *xI,
                          float *xQ)
{
#ifdef TINCTURE_RECURRENCE_SCAN
    if (kRecurrenceScan) {
        recurrenceRowScan<Forward>(w, tI, tQ, tc, xI, xQ);
        return;
    }
#endif
    recurrenceRowScalar<Forward>(w, tI, tQ, tc, xI, xQ);
}

// Gauss–Seidel on one row, in either direction. Fixed cells have identity rows (ScribbleSolver
// zeroes their off-diagonal coefficients), so they need no branch: x = f there.
// scratch: 3·w floats. fromZero (forward only): see gsPartialRowFromZero; north and south say
// which neighbouring rows are already swept.
struct FromZero
{
    bool on = false, north = true, south = false;
};

template <bool Forward> inline void gsRow(Level &L, int y, float *scratch, FromZero z)
{
    const size_t n = L.cells();
    const size_t p0 = L.index(0, y);
    float *xI = L.x.data() + p0, *xQ = L.x.data() + n + p0;
    const int w = L.w;
#ifdef TINCTURE_RECURRENCE_SCAN
    if (!L.sweepHalf.empty()) { // (only ever built where kRecurrenceScan)
        const uint16_t *c = L.sweepHalf.data() + p0;
        const float *fI = L.f.data() + p0, *fQ = L.f.data() + n + p0;
        const ptrdiff_t pw = L.pw;
        if constexpr (Forward) {
            if (z.on) {
                const bool north = z.north && y > 0, south = z.south && y + 1 < L.h;
                if (north && south)
                    gsRowHalf<true, true, true, true>(w, c, n, pw, xI, xQ, fI, fQ);
                else if (north)
                    gsRowHalf<true, true, true, false>(w, c, n, pw, xI, xQ, fI, fQ);
                else if (south)
                    gsRowHalf<true, true, false, true>(w, c, n, pw, xI, xQ, fI, fQ);
                else
                    gsRowHalf<true, true, false, false>(w, c, n, pw, xI, xQ, fI, fQ);
                return;
            }
        }
        gsRowHalf<Forward, false, true, true>(w, c, n, pw, xI, xQ, fI, fQ);
        return;
    }
#endif
    float *tI = scratch, *tQ = scratch + w, *tc = scratch + 2 * w;
    const RowView view{L.a.data() + p0, L.invDiag.data() + p0, n, ptrdiff_t(L.pw)};
    if (Forward && z.on) {
        gsPartialRowFromZero(w, view, z.north && y > 0, z.south && y + 1 < L.h, xI, xQ,
                             L.f.data() + p0, L.f.data() + n + p0, tI, tQ, tc);
        xI[-1] = xQ[-1] = 0.0f; // (the padding is zero already; no stale value can leak in)
    } else {
#ifdef TINCTURE_RECURRENCE_SCAN
        if (kRecurrenceScan) {
            gsRowFused<Forward>(w, view, xI, xQ, L.f.data() + p0, L.f.data() + n + p0);
            return;
        }
#endif
        gsPartialRow(w, view, Forward, xI, xQ, L.f.data() + p0, L.f.data() + n + p0, tI, tQ, tc);
    }
    recurrenceRow<Forward>(w, tI, tQ, tc, xI, xQ);
}

inline void gsRow(Level &L, int y, bool forward, float *scratch, FromZero z = {})
{
    if (forward)
        gsRow<true>(L, y, scratch, z);
    else
        gsRow<false>(L, y, scratch, z);
}

// Band-parallel Gauss–Seidel: 2·n bands of rows; the even bands are swept at once, then the
// odd ones. A band only reads the rows next to it, which belong to bands of the other parity,
// so the sweep is race-free and gives the same result every time (a fixed linear operator).
// Thread t sweeps bands 2t and 2t + 1, and its odd band only needs its own even band and the
// next thread's swept (the previous thread's odd band waits in turn for its even band), so
// one run with a hand-off between neighbours does what a run per parity would, without the
// barrier in between: the same sweep to the bit.
// fromZero: a forward sweep that treats x as zero (it is not read, nor need it be zeroed).
} // namespace

bool halfSweepsAvailable()
{
#ifdef TINCTURE_RECURRENCE_SCAN
    return kRecurrenceScan;
#else
    return false;
#endif
}

void gsSweep(Level &L, bool forward, Team &team, float *scratch, bool fromZero)
{
    assert(forward || !fromZero);
    int n = threadsFor(L, team);
    if (L.h < 4 * n)
        n = 1;
    if (n == 1) {
        for (int i = 0; i < L.h; ++i)
            gsRow(L, forward ? i : L.h - 1 - i, forward, scratch, {fromZero, true, false});
        return;
    }
    const int bands = 2 * n;
    team.run(n, [&](int t) {
        float *mine = scratch + size_t(t) * 3 * size_t(L.w);
        for (int parity = 0; parity < 2; ++parity) {
            if (parity == 1 && t + 1 < n)
                team.awaitSignal(t + 1);
            const int b = 2 * t + parity;
            const int y0 = L.h * b / bands, y1 = L.h * (b + 1) / bands;
            for (int i = 0; i < y1 - y0; ++i) {
                const int y = forward ? y0 + i : y1 - 1 - i;
                // From zero, the rows of the other parity are swept before the odd bands and
                // after the even ones.
                const FromZero z{fromZero, y > y0 || parity == 1, y == y1 - 1 && parity == 1};
                gsRow(L, y, forward, mine, z);
            }
            if (parity == 0)
                team.signal(t);
        }
    });
}

} // namespace tincture::colour::detail
