// Pieces of the multigrid hierarchy's construction (colour/multigrid.h) against plain
// reference versions written here: the row weights π (built as a wavefront over row bands)
// and the symmetric surrogate's coefficients (whole rows and the single ones the
// interpolation reads) against their definition; the interpolation weights against the
// per-cell version they were made by until session 13; level 0's operator in difference form.

#include "colour/internal/multigrid.h"
#include "testmain.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

using namespace tincture::colour::detail;

namespace {

// An IEEE half float's value (written out here, not by the instructions the kernels use).
float halfToFloat(uint16_t h)
{
    const int exponent = (h >> 10) & 31, mantissa = h & 1023;
    const float sign = (h & 0x8000) ? -1.0f : 1.0f;
    if (exponent == 0)
        return sign * std::ldexp(float(mantissa), -24);
    if (exponent == 31)
        return mantissa ? NAN : sign * INFINITY;
    return sign * std::ldexp(float(1024 + mantissa), exponent - 25);
}

// A level 0 like ScribbleSolver's: rows of random affinities (negative off the diagonal, none
// towards the padding, each row summing to zero with a diagonal of 1), random row scales Z, and
// a share of fixed (identity) rows.
Level makeLevel(int w, int h, unsigned seed, double fixedShare)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> weight(0.0f, 1.0f), scale(0.5f, 8.0f);
    std::bernoulli_distribution isFixed(fixedShare);
    Level L;
    L.resize(w, h);
    L.fixed.assign(L.cells(), 0);
    L.rowScale.assign(L.cells(), 0.0f);
    const size_t n = L.cells();
    const Offsets off(L.pw);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const size_t p = L.index(x, y);
            L.a[4 * n + p] = 1.0f;
            L.rowScale[p] = scale(rng);
            if (isFixed(rng)) {
                L.fixed[p] = 1;
                continue;
            }
            float u[9] = {}, sum = 0.0f;
            for (int k = 0; k < 9; ++k) {
                const int sx = x + k % 3 - 1, sy = y + k / 3 - 1;
                if (k == 4 || sx < 0 || sy < 0 || sx >= w || sy >= h)
                    continue;
                u[k] = weight(rng) * weight(rng); // some weak links, as at edges
                sum += u[k];
            }
            for (int k = 0; k < 9; ++k)
                if (k != 4 && sum > 0.0f)
                    L.a[size_t(k) * n + p] = -u[k] / sum;
        }
    return L;
}

// π as buildRowWeights defined it before session 10: kRowWeightSteps power steps over the
// whole plane, then scaled to the total of Z with a floor.
Plane referenceRowWeights(const Level &L)
{
    const size_t n = L.cells();
    const Offsets off(L.pw);
    Plane pi = L.rowScale, next(n, 0.0f);
    for (int step = 0; step < kRowWeightSteps; ++step) {
        for (int y = 0; y < L.h; ++y) {
            const size_t p0 = L.index(0, y);
            for (int x = 0; x < L.w; ++x) {
                float v = 0.0f;
                for (int k = 0; k < 9; ++k) {
                    if (k == 4)
                        continue;
                    const size_t r = size_t(ptrdiff_t(p0 + size_t(x)) + off.o[k]);
                    v -= pi[r] * L.a[size_t(8 - k) * n + r];
                }
                next[p0 + size_t(x)] = v;
            }
        }
        pi.swap(next);
    }
    double total = 0.0, scale = 0.0;
    for (size_t p = 0; p < n; ++p) {
        total += pi[p];
        scale += L.rowScale[p];
    }
    const float factor = total > 0.0 ? float(scale / total) : 1.0f;
    const float floor = float(1e-6 * scale / double(std::max(1, L.w * L.h)));
    for (int y = 0; y < L.h; ++y)
        for (int x = 0; x < L.w; ++x) {
            const size_t p = L.index(x, y);
            pi[p] = std::max(pi[p] * factor, floor);
        }
    return pi;
}

// The interpolation weights as computeInterpolation defined them until session 13, cell by
// cell from Level::coarseningRow (multigrid.h says what it means).
Plane referenceInterpolation(const Level &F, bool hasFixed)
{
    Plane wts(4 * F.cells(), 0.0f);
    auto isFixed = [&](size_t q) { return hasFixed && F.fixed[q] != 0; };
    const Offsets off(F.pw);
    constexpr float barrier = 100.0f;
    for (int y = 0; y < F.h; ++y)
        for (int x = 0; x < F.w; ++x) {
            const size_t p = F.index(x, y);
            float *w = &wts[4 * p];
            const bool ox = x & 1, oy = y & 1;
            if ((ox && oy) || isFixed(p))
                continue; // centre points below; a fixed cell interpolates nothing
            if (!ox && !oy) {
                w[0] = 1.0f;
                continue;
            }
            float a[9];
            F.coarseningRow(p, a);
            float mine = 0.0f;
            for (int k = 0; k < 9; ++k)
                if (k != 4)
                    mine = std::max(mine, -a[k]);
            float diagonal = a[4];
            auto coef = [&](int k) {
                if (isFixed(size_t(ptrdiff_t(p) + off.o[k])))
                    return 0.0f;
                if (a[k] > 0.0f) {
                    diagonal += a[k];
                    return 0.0f;
                }
                return a[k];
            };
            auto via = [&](int k, int toCoarse, int own) {
                const float c = coef(k);
                if (c == 0.0f || -a[own] * barrier >= mine)
                    return c;
                float qa[9];
                F.coarseningRow(size_t(ptrdiff_t(p) + off.o[k]), qa);
                if (-qa[8 - k] > barrier * -qa[toCoarse]) {
                    diagonal += c;
                    return 0.0f;
                }
                return c;
            };
            float s0, s1;
            size_t c0, c1;
            if (ox) {
                s0 = -(via(0, 7, 3) + coef(3) + via(6, 1, 3));
                s1 = -(via(2, 7, 5) + coef(5) + via(8, 1, 5));
                const float column = coef(1) + coef(7);
                diagonal += column;
                c0 = p - 1;
                c1 = p + 1;
            } else {
                s0 = -(via(0, 5, 1) + coef(1) + via(2, 3, 1));
                s1 = -(via(6, 5, 7) + coef(7) + via(8, 3, 7));
                const float row = coef(3) + coef(5);
                diagonal += row;
                c0 = p - size_t(F.pw);
                c1 = p + size_t(F.pw);
            }
            const float den = std::max(diagonal, s0 + s1);
            w[0] = den > 0.0f && !isFixed(c0) ? s0 / den : 0.0f;
            w[ox ? 1 : 2] = den > 0.0f && !isFixed(c1) ? s1 / den : 0.0f;
        }
    for (int y = 1; y < F.h; y += 2)
        for (int x = 1; x < F.w; x += 2) {
            const size_t p = F.index(x, y);
            if (isFixed(p))
                continue;
            float a[9];
            F.coarseningRow(p, a);
            float *w = &wts[4 * p];
            const int corner[4] = {0, 2, 6, 8};
            for (int s = 0; s < 4; ++s)
                w[s] = isFixed(size_t(ptrdiff_t(p) + off.o[corner[s]])) ? 0.0f : -a[corner[s]];
            const float *n = &wts[4 * (p - size_t(F.pw))], *sth = &wts[4 * (p + size_t(F.pw))];
            const float *wst = &wts[4 * (p - 1)], *est = &wts[4 * (p + 1)];
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
    return wts;
}

} // namespace

class TestCoarsening : public QObject
{
    Q_OBJECT

private slots:
    void rowWeights_data()
    {
        QTest::addColumn<int>("w");
        QTest::addColumn<int>("h");
        QTest::addColumn<int>("threads");
        // Bands shorter than the ten steps' reach, bands of odd heights, one band.
        QTest::newRow("300x200, 2 threads") << 300 << 200 << 2;
        QTest::newRow("131x127, 3 threads") << 131 << 127 << 3;
        QTest::newRow("160x103, 7 threads") << 160 << 103 << 7;
        QTest::newRow("820x20, 4 threads (bands of 5 rows)") << 820 << 20 << 4;
        QTest::newRow("20x820, 3 threads") << 20 << 820 << 3;
        QTest::newRow("37x23, 1 thread") << 37 << 23 << 1;
        QTest::newRow("1x40, 2 threads") << 1 << 40 << 2;
    }

    // The wavefront makes every row of every step as the plain version does: the same floats.
    void rowWeights()
    {
        QFETCH(int, w);
        QFETCH(int, h);
        QFETCH(int, threads);
        Level L = makeLevel(w, h, unsigned(w * 1000 + h), 0.0);
        const Plane expected = referenceRowWeights(L);
        Team team(threads);
        buildRowWeights(L, team);
        QCOMPARE(L.rowWeight.size(), expected.size());
        // The same float sums in the same order, so they agree to rounding (a tolerance only in
        // case a compiler contracts them into FMAs differently); a band-edge slip (a halo row
        // one step short, or stale) is off by far more.
        size_t differing = 0;
        for (size_t p = 0; p < expected.size(); ++p)
            differing += std::abs(L.rowWeight[p] - expected[p]) > 1e-5f * std::abs(expected[p]);
        QCOMPARE(differing, size_t(0));
        // And it is a measure: positive on every cell.
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                QVERIFY(L.rowWeight[L.index(x, y)] > 0.0f);
    }

    void interpolationMatchesPerCellDefinition_data()
    {
        QTest::addColumn<int>("w");
        QTest::addColumn<int>("h");
        QTest::addColumn<int>("threads");
        QTest::addColumn<bool>("scaled");
        // Even and odd sizes, bands of a few rows, a row or a column alone, one band.
        QTest::newRow("300x201 scaled, 2 threads") << 300 << 201 << 2 << true;
        QTest::newRow("301x200 scaled, 3 threads") << 301 << 200 << 3 << true;
        QTest::newRow("41x29 scaled, 7 threads") << 41 << 29 << 7 << true;
        QTest::newRow("1x40 scaled, 2 threads") << 1 << 40 << 2 << true;
        QTest::newRow("40x1 scaled, 1 thread") << 40 << 1 << 1 << true;
        QTest::newRow("2x2 scaled, 1 thread") << 2 << 2 << 1 << true;
        QTest::newRow("300x201 unscaled, 2 threads") << 300 << 201 << 2 << false;
        QTest::newRow("57x34 unscaled, 3 threads") << 57 << 34 << 3 << false;
    }

    // computeInterpolation makes each row's coarsening rows at once and the centre points as
    // soon as their neighbours are done (interpolation.cpp); its weights must be the per-cell
    // definition's floats. Random rows with weak links (barriers), fixed cells, a prior, and on
    // the unscaled level some positive coefficients (the safeguards' path).
    void interpolationMatchesPerCellDefinition()
    {
        QFETCH(int, w);
        QFETCH(int, h);
        QFETCH(int, threads);
        QFETCH(bool, scaled);
        Level L = makeLevel(w, h, unsigned(w * 7 + h), 0.1);
        const size_t n = L.cells();
        std::mt19937 rng(3);
        std::uniform_real_distribution<float> u(0.0f, 1.0f);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const size_t p = L.index(x, y);
                if (L.fixed[p])
                    continue;
                L.a[4 * n + p] = 1.25f; // a prior weight λ = 0.25
                if (!scaled && u(rng) < 0.05f)
                    L.a[size_t(u(rng) < 0.5f ? 1 : 6) * n + p] = 0.01f; // (may point outside)
            }
        if (!scaled)
            L.rowScale.clear();
        QCOMPARE(L.scaled(), scaled);
        for (bool hasFixed : {true, false}) {
            const Plane expected = referenceInterpolation(L, hasFixed);
            Team team(threads);
            computeInterpolation(L, hasFixed, team);
            QCOMPARE(L.interp.size(), expected.size());
            size_t differing = 0, nonZero = 0;
            for (size_t i = 0; i < expected.size(); ++i) {
                differing += L.interp[i] != expected[i];
                nonZero += expected[i] != 0.0f;
            }
            QCOMPARE(differing, size_t(0));
            QVERIFY(nonZero >= size_t(w * h) / 2); // (not all zero)
        }
    }

    // The surrogate S of a scaled level 0 against its definition (multigrid.h), written here in
    // double: conductance c_pq = (u_pq + u_qp) / 2 between free cells with u_pq = Z_p w_pq,
    // u_pq towards a fixed neighbour, −c_pq off the diagonal and Σ_q c_pq + λ Z_p on it; a
    // fixed row is the identity. And on an unscaled level, coarseningRow is the operator's own
    // row.
    void surrogateMatchesDefinition()
    {
        const double lambda = 0.25;
        Level L = makeLevel(41, 29, 5u, 0.15);
        const size_t n = L.cells();
        for (size_t p = 0; p < n; ++p)
            if (L.rowScale[p] > 0.0f && !L.fixed[p])
                L.a[4 * n + p] = float(1.0 + lambda);
        QVERIFY(L.scaled());
        const Offsets off(L.pw);
        for (int y = 0; y < L.h; ++y)
            for (int x = 0; x < L.w; ++x) {
                const size_t p = L.index(x, y);
                float row[9];
                L.surrogateRow(p, row);
                double diagonal = L.fixed[p] ? 1.0 : lambda * L.rowScale[p];
                for (int k = 0; k < 9; ++k) {
                    if (k == 4)
                        continue;
                    const size_t q = size_t(ptrdiff_t(p) + off.o[k]);
                    double expected = 0.0;
                    if (!L.fixed[p]) {
                        const double upq = -double(L.a[size_t(k) * n + p]) * L.rowScale[p];
                        const double uqp = -double(L.a[size_t(8 - k) * n + q]) * L.rowScale[q];
                        const double c = L.fixed[q] ? upq : 0.5 * (upq + uqp);
                        expected = -c;
                        diagonal += c;
                    }
                    QVERIFY(std::abs(row[k] - expected) <= 1e-6 * (1.0 + std::abs(expected)));
                }
                QVERIFY(std::abs(row[4] - diagonal) <= 1e-5 * (1.0 + std::abs(diagonal)));
            }

        L.rowScale.clear(); // an unscaled level: the coefficients themselves
        QVERIFY(!L.scaled());
        for (size_t p = 0; p < n; ++p) {
            float row[9];
            L.coarseningRow(p, row);
            for (size_t k = 0; k < 9; ++k)
                QCOMPARE(row[k], L.a[k * n + p]);
        }
    }

    // Level 0's operator in difference form (Level::differenceForm): a constant is annihilated
    // exactly on every free row of Levin's system (λ = 0) and kept on every fixed row, for every
    // constant, where the plain form leaves its rows' rounding behind.
    void differenceFormAnnihilatesConstants()
    {
        Team team(2);
        Hierarchy h;
        h.levels.push_back(makeLevel(157, 93, 9u, 0.1));
        h.team = &team;
        Level &L = h.levels[0];
        const size_t n = L.cells();
        Plane x(2 * n, 0.0f), out(2 * n, 0.0f);
        size_t plainMisses = 0;
        for (const float c : {0.37f, -0.2913f, 1.0f / 3.0f}) {
            for (int y = 0; y < L.h; ++y)
                for (int i = 0; i < L.w; ++i) {
                    x[L.index(i, y)] = c;
                    x[n + L.index(i, y)] = -c;
                }
            L.differenceForm = false;
            h.apply(x.data(), out.data());
            for (int y = 0; y < L.h; ++y)
                for (int i = 0; i < L.w; ++i)
                    plainMisses += !L.fixed[L.index(i, y)] && out[L.index(i, y)] != 0.0f;
            L.differenceForm = true;
            L.freeRowSum = 0.0f;
            h.apply(x.data(), out.data());
            for (int y = 0; y < L.h; ++y)
                for (int i = 0; i < L.w; ++i) {
                    const size_t p = L.index(i, y);
                    // (Exact: QCOMPARE's fuzzy float test would take 1e-9 for 0.)
                    QVERIFY(out[p] == (L.fixed[p] ? c : 0.0f));
                    QVERIFY(out[n + p] == (L.fixed[p] ? -c : 0.0f));
                }
        }
        // (What the difference form is for: the stored rows do not sum to zero exactly.)
        QVERIFY(plainMisses > 0);
    }

    // Level 0's half-precision sweep coefficients (Level::sweepHalf): each is a_k / a_centre
    // (slot 4: the inverse diagonal; slot 9: the restriction's row weight times a_centre) to
    // within half precision, the rows with slot 10's correction sum as A's do, and a
    // Gauss–Seidel sweep from
    // them (every kind: forward, backward, from zero; two threads, so both bands' edges) lands
    // close to the single-precision sweep from the same start.
    void halfSweepCoefficients()
    {
        if (!halfSweepsAvailable())
            QSKIP("this CPU has no x86-64-v3 (the single-precision sweeps run)");
        Team team(2);
        Level L = makeLevel(157, 93, 5u, 0.1);
        const size_t n = L.cells();
        // Rows scaled (Gauss–Seidel does not change), so that the diagonal is not 1.
        std::mt19937 scales(4);
        std::uniform_real_distribution<float> scale(0.5f, 2.0f);
        L.invDiag.assign(n, 0.0f);
        for (int y = 0; y < L.h; ++y)
            for (int i = 0; i < L.w; ++i) {
                const size_t p = L.index(i, y);
                const float s = scale(scales);
                for (size_t k = 0; k < 9; ++k)
                    L.a[k * n + p] *= s;
                L.invDiag[p] = 1.0f / L.a[4 * n + p];
            }
        QVERIFY(buildSweepCoefficients(L, team));
        QCOMPARE(L.sweepHalf.size(), 11 * n);
        for (int y = 0; y < L.h; ++y)
            for (int i = 0; i < L.w; ++i)
                for (size_t k = 0; k < 10; ++k) {
                    const size_t p = L.index(i, y);
                    const float want = k == 4   ? L.invDiag[p]
                                       : k == 9 ? L.restrictionWeight(p) * L.a[4 * n + p]
                                                : L.a[k * n + p] * L.invDiag[p];
                    const float got = halfToFloat(L.sweepHalf[k * n + p]);
                    QVERIFY2(std::abs(got - want) <= std::abs(want) * 0x1p-11f + 0x1p-24f,
                             qPrintable(QStringLiteral("(%1, %2) slot %3: %4 for %5")
                                            .arg(i)
                                            .arg(y)
                                            .arg(k)
                                            .arg(got)
                                            .arg(want)));
                }
        // The rounded normalised rows, with the centre's correction (slot 10), still sum to
        // what A's rows do (zero here on the free rows, one on the fixed ones).
        for (int y = 0; y < L.h; ++y)
            for (int i = 0; i < L.w; ++i) {
                const size_t p = L.index(i, y);
                double rounded = 1.0 / (1.0 + double(halfToFloat(L.sweepHalf[10 * n + p]))),
                       exact = 0.0;
                for (size_t k = 0; k < 9; ++k) {
                    exact += double(L.a[k * n + p]) * L.invDiag[p];
                    if (k != 4)
                        rounded += double(halfToFloat(L.sweepHalf[k * n + p]));
                }
                QVERIFY2(std::abs(rounded - exact) < 2.5e-7, // (δ to within half its ulp)
                         qPrintable(QStringLiteral("(%1, %2): %3 for %4")
                                        .arg(i)
                                        .arg(y)
                                        .arg(rounded)
                                        .arg(exact)));
            }
        std::mt19937 rng(2);
        std::uniform_real_distribution<float> u(-1.0f, 1.0f);
        for (int y = 0; y < L.h; ++y)
            for (int i = 0; i < L.w; ++i)
                for (size_t c = 0; c < 2; ++c) {
                    L.x[c * n + L.index(i, y)] = u(rng);
                    L.f[c * n + L.index(i, y)] = u(rng);
                }
        const Plane start = L.x;
        const HalfPlane half = L.sweepHalf;
        {
            // A diagonal half precision would not hold with its precision (λ = 1e5): none.
            Level big = L;
            big.a[4 * n + big.index(3, 4)] = 1e5f;
            big.invDiag[big.index(3, 4)] = 1e-5f;
            QVERIFY(!buildSweepCoefficients(big, team));
            QVERIFY(big.sweepHalf.empty());
        }
        std::vector<float> scratch(2 * 6 * size_t(L.pw));
        for (const auto &[forward, fromZero] :
             {std::pair{true, false}, std::pair{false, false}, std::pair{true, true}}) {
            Plane out[2];
            for (int h = 0; h < 2; ++h) {
                L.x = start;
                if (h)
                    L.sweepHalf = half;
                else
                    L.sweepHalf.clear();
                gsSweep(L, forward, team, scratch.data(), fromZero);
                out[h] = L.x;
            }
            double se = 0.0, ss = 0.0;
            for (size_t p = 0; p < 2 * n; ++p) {
                se += double(out[1][p] - out[0][p]) * (out[1][p] - out[0][p]);
                ss += double(out[0][p]) * out[0][p];
            }
            QVERIFY(ss > 0.0);
            QVERIFY2(std::sqrt(se / ss) < 1e-3, qPrintable(QString::number(std::sqrt(se / ss))));
            QVERIFY(se > 0.0); // (the half path did run)
        }
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestCoarsening)
#include "tst_coarsening.moc"
