// The LibTorch lattice (ml::LatticeFilter, the GPU path of VPN's bilateral stage) against the
// C++ PermutohedralLattice: the same splat–blur–slice on the CPU device, to float rounding.

#include "ml/latticefilter.h"
#include "propagation/internal/permutohedral.h"
#include "testmain.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace tincture::propagation;

using namespace tincture;

namespace {

struct Set
{
    std::vector<float> features, values;
    size_t count = 0;
};

// n points with features in [0, extent)^d and vd values (a smooth function, then 1).
Set randomSet(int d, int vd, size_t n, float extent, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, extent);
    Set s;
    s.count = n;
    for (size_t i = 0; i < n; ++i) {
        float sum = 0.0f;
        for (int k = 0; k < d; ++k) {
            const float f = u(rng);
            s.features.push_back(f);
            sum += std::sin(0.9f * f + float(k));
        }
        for (int c = 0; c + 1 < vd; ++c)
            s.values.push_back(50.0f * sum + float(c));
        s.values.push_back(1.0f);
    }
    return s;
}

std::vector<float> cpuLattice(int d, int vd, const std::vector<Set> &splat, const Set &query)
{
    PermutohedralLattice lattice(d, vd);
    for (const Set &s : splat) {
        const auto pts = lattice.addPoints(s.features.data(), s.count);
        lattice.splat(pts, s.values.data());
    }
    const auto here = lattice.addPoints(query.features.data(), query.count);
    lattice.blur();
    std::vector<float> out(query.count * size_t(vd));
    lattice.slice(here, out.data());
    return out;
}

} // namespace

class TestLatticeFilter : public QObject
{
    Q_OBJECT

private slots:
    void matchesCpuLattice_data()
    {
        QTest::addColumn<int>("d");
        QTest::addColumn<int>("vd");
        QTest::addColumn<float>("extent");
        QTest::newRow("d1") << 1 << 2 << 30.0f;
        QTest::newRow("d2") << 2 << 3 << 12.0f;
        QTest::newRow("d3") << 3 << 2 << 8.0f;
        QTest::newRow("d4 (x, y, Y, t)") << 4 << 3 << 6.0f;
        QTest::newRow("d4 negative") << 4 << 3 << -6.0f;
    }

    void matchesCpuLattice()
    {
        QFETCH(int, d);
        QFETCH(int, vd);
        QFETCH(float, extent);
        // Two splatted sets (a keyframe and a previous frame) and query points, some of them
        // far from every splatted point (their vertices carry nothing).
        const std::vector<Set> splat{randomSet(d, vd, 700, extent, 1),
                                     randomSet(d, vd, 500, extent, 2)};
        const Set query = randomSet(d, vd, 900, extent * 1.3f, 3);
        const std::vector<float> want = cpuLattice(d, vd, splat, query);

        auto filter = ml::LatticeFilter::create(d, vd, QStringLiteral("cpu"));
        QVERIFY2(filter.hasValue(), qPrintable(filter ? QString() : filter.error().message));
        QVERIFY(!(*filter)->onGpu());
        std::vector<ml::LatticePointSet> sets;
        for (const Set &s : splat)
            sets.push_back({s.features.data(), s.values.data(), s.count});
        std::vector<float> got(want.size(), -1.0f);
        const auto r = (*filter)->filter(sets, query.features.data(), query.count, got.data());
        QVERIFY2(r.hasValue(), qPrintable(r ? QString() : r.error().message));

        float scale = 0.0f, worst = 0.0f;
        size_t empty = 0;
        for (size_t i = 0; i < want.size(); ++i)
            scale = std::max(scale, std::abs(want[i]));
        for (size_t i = 0; i < want.size(); ++i)
            worst = std::max(worst, std::abs(got[i] - want[i]));
        for (size_t p = 0; p < query.count; ++p)
            empty += want[p * size_t(vd) + size_t(vd - 1)] == 0.0f ? 1 : 0;
        QVERIFY(scale > 0.0f);
        QVERIFY2(worst <= 1e-4f * scale,
                 qPrintable(QStringLiteral("max difference %1 of %2").arg(worst).arg(scale)));
        // The normalised filter (what the methods use) agrees too.
        for (size_t p = 0; p < query.count; ++p) {
            const float wh = want[p * size_t(vd) + size_t(vd - 1)];
            const float gh = got[p * size_t(vd) + size_t(vd - 1)];
            if (wh < 1e-3f * scale)
                continue;
            const float wv = want[p * size_t(vd)] / wh, gv = got[p * size_t(vd)] / gh;
            QVERIFY2(std::abs(wv - gv) <= 1e-3f * (1.0f + std::abs(wv)),
                     qPrintable(QStringLiteral("point %1: %2 against %3").arg(p).arg(gv).arg(wv)));
        }
        Q_UNUSED(empty);
    }

    void queryOnly()
    {
        // Nothing splatted: every sliced value is 0.
        const Set query = randomSet(3, 2, 50, 5.0f, 4);
        auto filter = ml::LatticeFilter::create(3, 2, QStringLiteral("cpu"));
        QVERIFY(filter.hasValue());
        std::vector<float> got(100, -1.0f);
        QVERIFY((*filter)->filter({}, query.features.data(), query.count, got.data()).hasValue());
        QVERIFY(std::all_of(got.begin(), got.end(), [](float v) { return v == 0.0f; }));
    }

    void badArguments()
    {
        QVERIFY(!ml::LatticeFilter::create(0, 2, QStringLiteral("cpu")).hasValue());
        QVERIFY(!ml::LatticeFilter::create(5, 2, QStringLiteral("cpu")).hasValue());
        QVERIFY(!ml::LatticeFilter::create(3, 0, QStringLiteral("cpu")).hasValue());
        auto filter = ml::LatticeFilter::create(4, 1, QStringLiteral("cpu"));
        QVERIFY(filter.hasValue());
        // Coordinates beyond the packed keys' range are refused, not wrapped.
        const std::vector<float> huge{2900.0f, 2900.0f, 2900.0f, 2900.0f}, one{1.0f};
        float out = 0.0f;
        const auto r = (*filter)->filter({{huge.data(), one.data(), 1}}, huge.data(), 1, &out);
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, ErrorCode::OutOfRange);
    }

    void cudaWithoutGpu()
    {
        auto filter = ml::LatticeFilter::create(4, 3, QStringLiteral("auto"));
        QVERIFY(filter.hasValue());
        if ((*filter)->onGpu())
            QSKIP("a GPU is present: the no-GPU error cannot be checked here");
        auto cuda = ml::LatticeFilter::create(4, 3, QStringLiteral("cuda"));
        QVERIFY(!cuda.hasValue());
        QVERIFY(cuda.error().message.contains(QStringLiteral("CUDA")));
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestLatticeFilter)
#include "tst_latticefilter.moc"
