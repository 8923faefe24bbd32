// The operator-dependent interpolation of the multigrid hierarchy (multigrid.h): each fine
// cell's weights from the next coarser level, made from the level's coarsening rows
// (Level::coarseningRow: the symmetric surrogate S on a scaled level 0, the operator itself
// above it).
//
// Each thread makes the coarsening rows of three image rows at a time in a ring, S by a vector
// kernel over a whole row, and the centre points of an odd row are made as soon as the rows on
// either side have their edge points, so each row of S is made once. Why: computed a cell at a
// time, with the neighbours' entries its barrier test reads, the weights take 32 ms of the
// hierarchy's 68 at 1920×1080. The weights are the per-cell definition's floats (the same sums
// in the same order; tst_coarsening compares them with it).

#include "colour/internal/multigrid.h"
#include "colour/internal/vec8.h"

#include <algorithm>
#include <vector>

namespace tincture::colour::detail {

namespace {

// An off-diagonal coefficient this many times weaker than another counts as a barrier (a sharp
// edge: Levin's weights put about 5e-4 of a row across one whatever its contrast).
constexpr float kBarrier = 100.0f;

// The largest off-diagonal coupling −a_k of a row.
inline float strongest(const float a[9])
{
    float m = 0.0f;
    for (int k = 0; k < 9; ++k)
        if (k != 4)
            m = std::max(m, -a[k]);
    return m;
}

// Row y of the surrogate S (Level::surrogateRow, the same operations in the same order) for
// the w cells from p0 (a, Z, fixed advanced to p0; a's planes n apart), into 9 planes of
// `stride` floats from out (coefficient k of cell x at out[k·stride + x]). A fixed cell's row is
// the identity.
TINCTURE_HOT_CLONES TINCTURE_NO_CONTRACT void
surrogateRowKernel(int w, size_t n, ptrdiff_t pw, const float *__restrict a,
                   const float *__restrict z, const uint8_t *__restrict fixed,
                   float *__restrict out, size_t stride)
{
    float *__restrict d = out + 4 * stride;
    const float *__restrict a4 = a + 4 * n;
    for (int x = 0; x < w; ++x)
        d[x] = (a4[x] - 1.0f) * z[x]; // λ Z_p
    for (int k = 0; k < 9; ++k) {
        if (k == 4)
            continue;
        const ptrdiff_t o = ptrdiff_t(k / 3 - 1) * pw + (k % 3 - 1);
        const float *__restrict ak = a + size_t(k) * n;
        const float *__restrict aq = a + size_t(8 - k) * n + o;
        const float *__restrict zq = z + o;
        const uint8_t *__restrict fq = fixed + o;
        float *__restrict sk = out + size_t(k) * stride;
        int x = 0;
#ifdef TINCTURE_VEC8
        // (GCC leaves the scalar loop's selects as branches.)
        const Vec8 zero{};
        for (; x + 8 <= w; x += 8) {
            const Vec8 upq = -load8(ak + x) * load8(z + x);
            const Vec8 both = 0.5f * (upq - load8(aq + x) * load8(zq + x));
            const Lanes8 fixedQ = Lanes8{fq[x],     fq[x + 1], fq[x + 2], fq[x + 3],
                                         fq[x + 4], fq[x + 5], fq[x + 6], fq[x + 7]} != 0;
            const Vec8 c = fixedQ ? upq : both;
            const Lanes8 none = upq == zero;
            store8(sk + x, none ? zero : -c);
            store8(d + x, load8(d + x) + (none ? zero : c));
        }
#endif
        for (; x < w; ++x) {
            const float upq = -ak[x] * z[x];
            // The conductance: u_pq towards a fixed cell, (u_pq + u_qp) / 2 between free ones.
            const float c = fq[x] ? upq : 0.5f * (upq - aq[x] * zq[x]);
            const bool none = upq == 0.0f;
            sk[x] = none ? 0.0f : -c;
            d[x] += none ? 0.0f : c;
        }
    }
    for (int x = 0; x < w; ++x)
        if (fixed[x]) {
            for (size_t k = 0; k < 9; ++k)
                out[k * stride + size_t(x)] = 0.0f;
            d[x] = 1.0f;
        }
}

// The coarsening rows of one image row: coefficient k of cell x at k[k][x + 1] (position 0 is
// the padding cell x = −1).
struct Rows
{
    const float *k[9];
    float at(int kk, int x) const { return k[kk][x + 1]; }
};

// Each thread's view of the coarsening rows: a level's own planes where it is not scaled, a
// ring of three rows of S made on demand where it is, zeros outside the image.
class RowSource
{
public:
    explicit RowSource(const Level &F) : m_F(F), m_stride(size_t(F.pw)), m_zeros(m_stride, 0.0f)
    {
        if (F.scaled())
            m_ring.assign(3 * 9 * m_stride, 0.0f); // padding cells stay zero
    }
    Rows rows(int y)
    {
        Rows r;
        if (y < 0 || y >= m_F.h) {
            for (const float *&k : r.k)
                k = m_zeros.data();
            return r;
        }
        const size_t row0 = m_F.index(-1, y);
        if (!m_F.scaled()) {
            for (size_t k = 0; k < 9; ++k)
                r.k[k] = m_F.a.data() + k * m_F.cells() + row0;
            return r;
        }
        const size_t slot = size_t(y % 3);
        float *base = m_ring.data() + slot * 9 * m_stride;
        if (m_made[slot] != y) {
            const size_t p0 = row0 + 1;
            surrogateRowKernel(m_F.w, m_F.cells(), ptrdiff_t(m_F.pw), m_F.a.data() + p0,
                               m_F.rowScale.data() + p0, m_F.fixed.data() + p0, base + 1, m_stride);
            m_made[slot] = y;
        }
        for (size_t k = 0; k < 9; ++k)
            r.k[k] = base + k * m_stride;
        return r;
    }

private:
    const Level &m_F;
    size_t m_stride;
    std::vector<float> m_zeros, m_ring;
    int m_made[3] = {-1, -1, -1};
};

// The weights of the coarse and edge points of row y (R: the coarsening rows of rows y − 1, y,
// y + 1) into out (4 per padded cell, position 0 the padding cell x = −1; every one written).
// A centre point's four are left for centreRow.
void edgeRow(const Level &F, bool hasFixed, int y, const Rows R[3], float *out)
{
    const size_t row0 = F.index(-1, y);
    const uint8_t *fixedRow = hasFixed ? F.fixed.data() + row0 : nullptr; // position 0: x = −1
    const ptrdiff_t pw = F.pw;
    // Fixed: the cell at column x (−1…w) on row y + dy (−1…1).
    auto isFixed = [&](int dy, int x) { return fixedRow && fixedRow[dy * pw + x + 1] != 0; };
    std::fill_n(out, 4, 0.0f);
    std::fill_n(out + 4 * size_t(F.w + 1), 4, 0.0f);
    const bool oy = y & 1;
    for (int x = 0; x < F.w; ++x) {
        float *w = out + 4 * size_t(x + 1);
        const bool ox = x & 1;
        if (ox && oy && !isFixed(0, x))
            continue; // a centre point: centreRow
        w[0] = w[1] = w[2] = w[3] = 0.0f;
        if (isFixed(0, x))
            continue;
        if (!ox && !oy) {
            w[0] = 1.0f;
            continue;
        }
        float a[9];
        for (int k = 0; k < 9; ++k)
            a[k] = R[1].at(k, x);
        const float mine = strongest(a);
        float diagonal = a[4];
        // a_k, or 0 towards a fixed neighbour; a positive one joins the diagonal.
        auto coef = [&](int k) {
            if (isFixed(k / 3 - 1, x + k % 3 - 1))
                return 0.0f;
            if (a[k] > 0.0f) {
                diagonal += a[k];
                return 0.0f;
            }
            return a[k];
        };
        // A diagonal neighbour q counts towards the coarse cell c beside it (through q's slot
        // `toCoarse`), unless that is a barrier: q much more strongly tied to this cell than to
        // c, and this cell itself only weakly tied to c (its slot `own`). Then q's error is
        // taken to be this cell's: its coefficient joins the diagonal. Without this the
        // collapsed stencil leaks a share of the far side of an edge into this cell.
        auto via = [&](int k, int toCoarse, int own) {
            const float c = coef(k);
            if (c == 0.0f || -a[own] * kBarrier >= mine)
                return c;
            const Rows &q = R[k / 3];
            const int qx = x + k % 3 - 1;
            if (-q.at(8 - k, qx) > kBarrier * -q.at(toCoarse, qx)) {
                diagonal += c;
                return 0.0f;
            }
            return c;
        };
        float s0, s1;
        bool fixed0, fixed1;
        if (ox) { // between coarse cells west and east: collapse the columns
            s0 = -(via(0, 7, 3) + coef(3) + via(6, 1, 3));
            s1 = -(via(2, 7, 5) + coef(5) + via(8, 1, 5));
            const float column = coef(1) + coef(7); // this cell's own column
            diagonal += column;
            fixed0 = isFixed(0, x - 1);
            fixed1 = isFixed(0, x + 1);
        } else { // between coarse cells north and south: collapse the rows
            s0 = -(via(0, 5, 1) + coef(1) + via(2, 3, 1));
            s1 = -(via(6, 5, 7) + coef(7) + via(8, 3, 7));
            const float row = coef(3) + coef(5); // this cell's own row
            diagonal += row;
            fixed0 = isFixed(-1, x);
            fixed1 = isFixed(1, x);
        }
        const float den = std::max(diagonal, s0 + s1);
        const int slot1 = ox ? 1 : 2;
        w[0] = den > 0.0f && !fixed0 ? s0 / den : 0.0f;
        w[slot1] = den > 0.0f && !fixed1 ? s1 / den : 0.0f;
    }
}

// The centre points of odd row y: their own row R, with the four edge neighbours already
// interpolated (north, this row and south: 4 weights per padded cell from position 0, x = −1).
void centreRow(const Level &F, bool hasFixed, int y, const Rows &R, const float *north, float *here,
               const float *south)
{
    const size_t row0 = F.index(-1, y);
    const uint8_t *fixedRow = hasFixed ? F.fixed.data() + row0 : nullptr;
    const ptrdiff_t pw = F.pw;
    auto isFixed = [&](int dy, int x) { return fixedRow && fixedRow[dy * pw + x + 1] != 0; };
    for (int x = 1; x < F.w; x += 2) {
        if (isFixed(0, x))
            continue;
        float a[9];
        for (int k = 0; k < 9; ++k)
            a[k] = R.at(k, x);
        float *w = here + 4 * size_t(x + 1);
        // Corners NW, NE, SW, SE are the coarse cells of slots 0..3 themselves.
        const int corner[4] = {0, 2, 6, 8};
        for (int s = 0; s < 4; ++s) {
            const int k = corner[s];
            w[s] = isFixed(k / 3 - 1, x + k % 3 - 1) ? 0.0f : -a[k];
        }
        // Edge neighbours N (slots 0, 1 of its own), W (0, 2), E (0, 2), S (0, 1).
        const float *n = north + 4 * size_t(x + 1), *sth = south + 4 * size_t(x + 1);
        const float *wst = here + 4 * size_t(x), *est = here + 4 * size_t(x + 2);
        w[0] -= a[1] * n[0] + a[3] * wst[0];
        w[1] -= a[1] * n[1] + a[5] * est[0];
        w[2] -= a[7] * sth[0] + a[3] * wst[2];
        w[3] -= a[7] * sth[1] + a[5] * est[2];
        float diagonal = a[4], sum = 0.0f;
        for (int k = 0; k < 9; ++k)
            if (k != 4 && a[k] > 0.0f)
                diagonal += a[k];
        for (int s = 0; s < 4; ++s) {
            w[s] = std::max(w[s], 0.0f);
            sum += w[s];
        }
        const float den = std::max(diagonal, sum);
        for (int s = 0; s < 4; ++s)
            w[s] = den > 0.0f ? w[s] / den : 0.0f;
    }
}

} // namespace

// The interpolation weights of F from its coarser level (see the header comment), from the
// coarsening rows (Level::coarseningRow). A fixed fine cell (level 0) interpolates nothing,
// and coarse cells sitting on fixed fine cells get no weight: the error is zero there.
// Safeguards for Galerkin rows that are not M-matrix rows: positive off-diagonal coefficients
// join the diagonal, and the weights of a cell are non-negative and sum to at most 1.
void computeInterpolation(Level &F, bool fineHasFixed, Team &team)
{
    // Every weight is written below (the padding's zero; a cell's unused slots zero too).
    F.interp.resize(4 * F.cells());
    const size_t paddedRow = 4 * size_t(F.pw);
    std::fill_n(F.interp.data(), paddedRow, 0.0f);
    std::fill_n(F.interp.data() + F.interp.size() - paddedRow, paddedRow, 0.0f);
    auto weights = [&](int y) { return F.interp.data() + 4 * F.index(-1, y); };
    // Each thread takes a band of rows starting on an even row. Row y's edge points, then the
    // centre points of row y − 1 (odd), whose neighbours north and south are then made; the
    // band's last odd row needs the next band's first row, whose edge points it makes for
    // itself (into `after`, not into F.interp, which that band writes).
    const int threads = threadsFor(F, team);
    team.run(threads, [&](int t) {
        const int y0 = (F.h * t / threads) & ~1;
        const int y1 = t + 1 == threads ? F.h : (F.h * (t + 1) / threads) & ~1;
        if (y0 >= y1)
            return;
        RowSource source(F);
        std::vector<float> after;
        for (int y = y0; y <= y1; ++y) {
            const Rows R[3] = {source.rows(y - 1), source.rows(y), source.rows(y + 1)};
            float *edges = weights(y);
            if (y == y1) {
                if (y == F.h) { // below the image: the zero padding row
                    edges = nullptr;
                } else {
                    after.resize(paddedRow);
                    edges = after.data();
                }
            }
            if (edges)
                edgeRow(F, fineHasFixed, y, R, edges);
            if ((y & 1) == 0 && y > y0)
                centreRow(F, fineHasFixed, y - 1, R[0], weights(y - 2), weights(y - 1),
                          edges ? edges : weights(F.h));
        }
    });
}

} // namespace tincture::colour::detail
