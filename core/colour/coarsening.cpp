// Building the multigrid hierarchy (multigrid.h): level 0's symmetric surrogate, the
// operator-dependent interpolation and the Galerkin coarse operators. The cycle that uses them
// is in multigrid.cpp.

#include "colour/internal/multigrid.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace tincture::colour::detail {

namespace {

// Weighted mode: makes each row of a coarse operator a diagonally dominant M-matrix row (a positive
// off-diagonal coefficient joins the diagonal; the diagonal is at least the sum of the
// off-diagonal magnitudes), so Gauss–Seidel converges on it, and inverts the diagonal. Galerkin
// products of the weighted true operator (Pᵀ Π A P) are close to such rows but not always
// exactly so; the symmetric surrogate's products are, by construction.
void finishDiagonal(Level &L, Team &team)
{
    const size_t n = L.cells();
    L.invDiag.resize(n); // its frame is zero (Level::resize); every interior cell is set here
    team.slices(threadsFor(L, team), L.h, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y)
            for (int i = 0; i < L.w; ++i) {
                const size_t p = L.index(i, y);
                float &d = L.a[4 * n + p];
                if (L.weighted) { // (S's products, in symmetric mode, need no safeguard)
                    float off = 0.0f;
                    for (size_t k = 0; k < 9; ++k) {
                        if (k == 4)
                            continue;
                        float &c = L.a[k * n + p];
                        if (c > 0.0f) {
                            d += c;
                            c = 0.0f;
                        }
                        off -= c;
                    }
                    d = std::max(d, off);
                }
                if (d == 0.0f) { // nothing interpolates from this cell: identity row, zero
                    d = 1.0f;    // correction
                    for (int k = 0; k < 9; ++k)
                        if (k != 4)
                            L.a[size_t(k) * n + p] = 0.0f;
                }
                L.invDiag[p] = 1.0f / d;
            }
    });
}

// Galerkin coarse operator A_c = Pᵀ A P. Per fine cell p: the row of A P (at most 3×3 coarse
// cells, held densely from the coarse cell (px>>1)−1, (py>>1)−1), then added to the rows of
// A_c of p's parents. Fine row fy feeds coarse rows fy>>1 and (fy+1)>>1, so the fine rows
// are cut into 2·n bands and the even bands run at once, then the odd ones (no two threads
// ever add to the same coarse row).
//
// A cell's parity (OX, OY) fixes which of its interpolation slots can be non-zero (a coarse
// point has slot 0 only, a cell between two coarse cells on a row 0 and 1, on a column 0 and 2,
// a centre point all four) and where each neighbour's coarse cells fall in the 4×4 block, so
// each parity has its own fully unrolled kernel: the block stays in registers and the
// structural zeros are never multiplied. The sums are the same, in the same order, as adding
// every product (a structural zero adds nothing), so A_c is the same to the bit.
constexpr bool slotUsed(int ox, int oy, int slot)
{
    return slot == 0 || (slot == 1 && ox) || (slot == 2 && oy) || (slot == 3 && ox && oy);
}

template <int OX, int OY, int K>
[[gnu::always_inline]] inline void addNeighbour(const Level &F, size_t q, const float a[9],
                                                float ap[4][4])
{
    constexpr int dx = K % 3 - 1, dy = K / 3 - 1;
    constexpr int nx = (OX + dx) & 1, ny = (OY + dy) & 1;               // the neighbour's parity
    constexpr int jx = ((OX + dx) >> 1) + 1, jy = ((OY + dy) >> 1) + 1; // its block position
    const float ak = a[K];
    const float *ws = &F.interp[4 * q];
    ap[jy][jx] += ak * ws[0];
    if constexpr (slotUsed(nx, ny, 1))
        ap[jy][jx + 1] += ak * ws[1];
    if constexpr (slotUsed(nx, ny, 2))
        ap[jy + 1][jx] += ak * ws[2];
    if constexpr (slotUsed(nx, ny, 3))
        ap[jy + 1][jx + 1] += ak * ws[3];
}

template <int OX, int OY, int SI>
[[gnu::always_inline]] inline void addToParent(Level &C, size_t cn, int fx, int fy, float w,
                                               const float ap[4][4])
{
    if constexpr (slotUsed(OX, OY, SI)) {
        if (w == 0.0f)
            return;
        // Parent I = (fx/2 + (SI & 1), fy/2 + (SI >> 1)) sits at ap index (ox, oy), both
        // 1 or 2, so its whole 3×3 neighbourhood J − I ∈ −1…1 lies inside ap's 4×4.
        constexpr int ox = 1 + (SI & 1), oy = 1 + (SI >> 1);
        float *ca = &C.a[C.index((fx >> 1) + (SI & 1), (fy >> 1) + (SI >> 1))];
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx)
                ca[size_t((dy + 1) * 3 + dx + 1) * cn] += w * ap[oy + dy][ox + dx];
    }
}

template <int OX, int OY>
[[gnu::always_inline]] inline void galerkinCell(const Level &F, Level &C, const Offsets &off,
                                                int fx, int fy)
{
    const size_t p = F.index(fx, fy);
    const float *wp = &F.interp[4 * p];
    if (wp[0] == 0.0f && wp[1] == 0.0f && wp[2] == 0.0f && wp[3] == 0.0f)
        return;
    float a[9];
    F.galerkinRow(p, a);
    float ap[4][4] = {};
    [&]<int... K>(std::integer_sequence<int, K...>)
    {
        (addNeighbour<OX, OY, K>(F, size_t(ptrdiff_t(p) + off.o[K]), a, ap), ...);
    }
    (std::make_integer_sequence<int, 9>{});
    const size_t cn = C.cells();
    addToParent<OX, OY, 0>(C, cn, fx, fy, wp[0], ap);
    addToParent<OX, OY, 1>(C, cn, fx, fy, wp[1], ap);
    addToParent<OX, OY, 2>(C, cn, fx, fy, wp[2], ap);
    addToParent<OX, OY, 3>(C, cn, fx, fy, wp[3], ap);
}

template <int OY> void galerkinFineRow(const Level &F, Level &C, const Offsets &off, int fy)
{
    int fx = 0;
    for (; fx + 1 < F.w; fx += 2) {
        galerkinCell<0, OY>(F, C, off, fx, fy);
        galerkinCell<1, OY>(F, C, off, fx + 1, fy);
    }
    if (fx < F.w)
        galerkinCell<0, OY>(F, C, off, fx, fy);
}

void galerkinFineRow(const Level &F, Level &C, const Offsets &off, int fy)
{
    if (fy & 1)
        galerkinFineRow<1>(F, C, off, fy);
    else
        galerkinFineRow<0>(F, C, off, fy);
}

void galerkin(const Level &F, Level &C, Team &team)
{
    zeroFloats(C.a.data(), C.a.size(), team);
    const Offsets off(F.pw);
    int n = threadsFor(F, team);
    if (F.h < 8 * n)
        n = 1;
    if (n == 1) {
        for (int fy = 0; fy < F.h; ++fy)
            galerkinFineRow(F, C, off, fy);
    } else {
        const int bands = 2 * n;
        for (int parity = 0; parity < 2; ++parity) {
            team.run(n, [&](int t) {
                const int b = 2 * t + parity;
                // Even band starts, so a band's first row only feeds its own first coarse row.
                const int y0 = (F.h * b / bands) & ~1, y1 = (F.h * (b + 1) / bands) & ~1;
                for (int fy = y0; fy < (b == bands - 1 ? F.h : y1); ++fy)
                    galerkinFineRow(F, C, off, fy);
            });
        }
    }
    finishDiagonal(C, team);
}

} // namespace

// π ≈ the stationary measure of the random walk W = D⁻¹U that Levin's free rows describe
// (πᵀ W = πᵀ), by power steps π ← Wᵀπ from Z (which it would be, were the affinities
// symmetric). A few steps settle π within each neighbourhood, which is all the restriction and
// the first Galerkin product use; the global balance would take the walk's mixing time. The
// total is kept at Σ Z, and π at least 1e-6 of its mean, so no free row drops out.
namespace {

// One row of a power step: out = −Σ_j from_j · w_j over the eight neighbours, in that order
// and without contraction, so the vector clone gives the same floats as plain scalar code.
TINCTURE_HOT_CLONES TINCTURE_NO_CONTRACT void
powerStepRow(int width, const float *const from[8], const float *const w[8], float *__restrict out)
{
    const float *f0 = from[0], *f1 = from[1], *f2 = from[2], *f3 = from[3], *f4 = from[4],
                *f5 = from[5], *f6 = from[6], *f7 = from[7];
    const float *c0 = w[0], *c1 = w[1], *c2 = w[2], *c3 = w[3], *c4 = w[4], *c5 = w[5], *c6 = w[6],
                *c7 = w[7];
#pragma GCC ivdep
    for (int x = 0; x < width; ++x) {
        float o = 0.0f;
        o -= f0[x] * c0[x];
        o -= f1[x] * c1[x];
        o -= f2[x] * c2[x];
        o -= f3[x] * c3[x];
        o -= f4[x] * c4[x];
        o -= f5[x] * c5[x];
        o -= f6[x] * c6[x];
        o -= f7[x] * c7[x];
        out[x] = o;
    }
}

} // namespace

void buildRowWeights(Level &L, Team &team)
{
    const size_t n = L.cells(), pw = size_t(L.pw);
    const Offsets off(L.pw);
    constexpr int S = kRowWeightSteps;
    Plane pi(n);
    zeroFloats(pi.data(), n, team);
    const std::vector<float> zeros(pw, 0.0f);
    // The steps run as a wavefront down each thread's band of rows (step s on row y as soon as
    // step s − 1 has rows y − 1…y + 1), each step keeping its last three rows, so the nine
    // coefficient planes are read from memory once, not once a step: at 1920×1080 ten
    // separate passes take about 60 ms. A band also computes the S − s rows beyond each of its
    // ends that its step s needs (rows its neighbours compute too). Every row of every step is
    // the same sum in the same order as a step over the whole plane would make it.
    const int threads = threadsFor(L, team);
    team.run(threads, [&](int t) {
        const int y0 = L.h * t / threads, y1 = L.h * (t + 1) / threads;
        std::vector<float> ring(size_t(S - 1) * 3 * pw, 0.0f);
        // The padded row y of step s (s = 0: the row scales Z), zeros outside the image.
        auto row = [&](int s, int y) -> const float * {
            if (y < 0 || y >= L.h)
                return zeros.data();
            if (s == 0)
                return L.rowScale.data() + size_t(y + 1) * pw;
            return ring.data() + (size_t(s - 1) * 3 + size_t(y % 3)) * pw;
        };
        for (int Y = std::max(0, y0 - S + 1) + 1; Y < y1 + S; ++Y)
            for (int s = 1; s <= S; ++s) {
                const int y = Y - s;
                if (y < std::max(0, y0 - (S - s)) || y >= std::min(L.h, y1 + (S - s)))
                    continue;
                // next_y = Σ_k π_r w_rs over the neighbours r = s + o_k, w_rs in slot 8 − k of r.
                float *out = (s == S ? pi.data() + size_t(y + 1) * pw
                                     : ring.data() + (size_t(s - 1) * 3 + size_t(y % 3)) * pw) +
                             1;
                const size_t p0 = L.index(0, y);
                const float *from[8], *w[8];
                for (int k = 0, j = 0; k < 9; ++k) {
                    if (k == 4)
                        continue;
                    from[j] = row(s - 1, y + k / 3 - 1) + 1 + (k % 3 - 1);
                    w[j++] = L.a.data() + size_t(8 - k) * n + size_t(ptrdiff_t(p0) + off.o[k]);
                }
                powerStepRow(L.w, from, w, out);
            }
    });
    // Σ π and Σ Z over the interior (the padding is zero in both), a row a time on every
    // thread, the rows' sums added in row order.
    std::vector<double> rowTotals(size_t(2 * L.h));
    team.slices(threads, L.h, [&](int ya, int yb) {
        for (int y = ya; y < yb; ++y) {
            const size_t p0 = L.index(0, y);
            double total = 0.0, scale = 0.0;
            for (int x = 0; x < L.w; ++x) {
                total += pi[p0 + size_t(x)];
                scale += L.rowScale[p0 + size_t(x)];
            }
            rowTotals[size_t(2 * y)] = total;
            rowTotals[size_t(2 * y + 1)] = scale;
        }
    });
    double total = 0.0, scale = 0.0;
    for (int y = 0; y < L.h; ++y) {
        total += rowTotals[size_t(2 * y)];
        scale += rowTotals[size_t(2 * y + 1)];
    }
    const float factor = total > 0.0 ? float(scale / total) : 1.0f;
    const float floor = float(1e-6 * scale / double(std::max(1, L.w * L.h)));
    team.slices(threads, L.h, [&](int ya, int yb) {
        for (int y = ya; y < yb; ++y)
            for (int x = 0; x < L.w; ++x) {
                const size_t p = L.index(x, y);
                pi[p] = std::max(pi[p] * factor, floor);
            }
    });
    L.rowWeight = std::move(pi);
}

// The surrogate S of level 0 (see the header comment): conductance c_pq = (u_pq + u_qp) / 2
// from the unnormalised affinities u_pq = Z_p w_pq, −c_pq off the diagonal and Σ_q c_pq + λ Z_p
// on it; a fixed neighbour q is a Dirichlet cell (c_pq = u_pq); fixed rows stay the identity.
// S is not stored: as 9 planes it would take 15 MB at 854×480 and 75 MB at 1920×1080.
namespace {

// S's conductance between free cell p and its neighbour q = p + o_k, from u_pq = Z_p w_pq ≠ 0:
// (u_pq + u_qp) / 2, or u_pq where q is fixed (a Dirichlet cell).
inline float conductance(const Level &L, size_t q, int k, float upq)
{
    return L.fixed[q] ? upq : 0.5f * (upq - L.a[size_t(8 - k) * L.cells() + q] * L.rowScale[q]);
}

} // namespace

void Level::surrogateRow(size_t p, float out[9]) const
{
    const size_t n = cells();
    for (int k = 0; k < 9; ++k)
        out[k] = 0.0f;
    if (fixed[p]) {
        out[4] = 1.0f;
        return;
    }
    const float zp = rowScale[p];
    float diagonal = (a[4 * n + p] - 1.0f) * zp; // λ Z_p
    const Offsets off(pw);
    for (int k = 0; k < 9; ++k) {
        const float upq = -a[size_t(k) * n + p] * zp;
        if (k == 4 || upq == 0.0f)
            continue;
        const float c = conductance(*this, size_t(ptrdiff_t(p) + off.o[k]), k, upq);
        out[k] = -c;
        diagonal += c;
    }
    out[4] = diagonal;
}

void coarsen(Level &F, Level &C, bool fineHasFixed, Team &team)
{
    C.weighted = F.weighted;
    computeInterpolation(F, fineHasFixed, team);
    galerkin(F, C, team);
}

} // namespace tincture::colour::detail
