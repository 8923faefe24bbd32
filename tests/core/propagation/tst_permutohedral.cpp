// The permutohedral lattice against brute-force Gaussian filtering on small random point sets.

#include "propagation/internal/permutohedral.h"
#include "testmain.h"

#include <QTest>

#include <cmath>
#include <random>
#include <vector>

using namespace tincture::propagation;

using namespace tincture;

namespace {

struct PointSet
{
    int d = 0;
    std::vector<float> features; // n × d
    std::vector<float> values;   // n × 2: a smooth function of the position, and 1
    size_t count() const { return features.size() / size_t(d); }
};

PointSet randomPoints(int d, size_t n, float extent, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, extent);
    PointSet s;
    s.d = d;
    for (size_t i = 0; i < n; ++i) {
        float sum = 0.0f;
        for (int k = 0; k < d; ++k) {
            const float f = u(rng);
            s.features.push_back(f);
            sum += std::sin(f * 0.7f + float(k));
        }
        s.values.push_back(10.0f * sum);
        s.values.push_back(1.0f);
    }
    return s;
}

// Normalised Gaussian filter exp(−|Δf|² / (2σ²)) of `src`'s values at `dst`'s points.
std::vector<float> bruteForce(const PointSet &src, const PointSet &dst, float sigma)
{
    std::vector<float> out;
    for (size_t j = 0; j < dst.count(); ++j) {
        double num = 0.0, den = 0.0;
        for (size_t i = 0; i < src.count(); ++i) {
            double d2 = 0.0;
            for (int k = 0; k < src.d; ++k) {
                const double df = src.features[i * size_t(src.d) + size_t(k)] -
                                  dst.features[j * size_t(dst.d) + size_t(k)];
                d2 += df * df;
            }
            const double w = std::exp(-d2 / (2.0 * sigma * sigma));
            num += w * src.values[i * 2];
            den += w;
        }
        out.push_back(float(num / den));
    }
    return out;
}

std::vector<float> lattice(const PointSet &src, const PointSet &dst)
{
    PermutohedralLattice l(src.d, 2);
    const auto splatPoints = l.addPoints(src.features.data(), src.count());
    const auto slicePoints = l.addPoints(dst.features.data(), dst.count());
    l.splat(splatPoints, src.values.data());
    l.blur();
    std::vector<float> sliced(dst.count() * 2);
    l.slice(slicePoints, sliced.data());
    std::vector<float> out;
    for (size_t j = 0; j < dst.count(); ++j)
        out.push_back(sliced[j * 2 + 1] > 0.0f ? sliced[j * 2] / sliced[j * 2 + 1] : 0.0f);
    return out;
}

double rmsDiff(const std::vector<float> &a, const std::vector<float> &b)
{
    double s = 0.0;
    for (size_t i = 0; i < a.size(); ++i)
        s += double(a[i] - b[i]) * double(a[i] - b[i]);
    return std::sqrt(s / double(a.size()));
}

double rms(const std::vector<float> &a)
{
    double mean = 0.0, s = 0.0;
    for (float v : a)
        mean += v;
    mean /= double(a.size());
    for (float v : a)
        s += (v - mean) * (v - mean);
    return std::sqrt(s / double(a.size()));
}

} // namespace

class TestPermutohedral : public QObject
{
    Q_OBJECT

private slots:
    void matchesBruteForce_data()
    {
        QTest::addColumn<int>("dims");
        QTest::newRow("d=2") << 2;
        QTest::newRow("d=3") << 3;
        QTest::newRow("d=4") << 4;
    }

    // Splat at one random set, slice at another: the normalised result follows a true Gaussian
    // of σ = 1 (feature units) closely, and clearly better than σ = 0.5 or 2 would.
    void matchesBruteForce()
    {
        QFETCH(int, dims);
        const PointSet src = randomPoints(dims, 1500, 8.0f, 1);
        const PointSet dst = randomPoints(dims, 300, 8.0f, 2);
        const std::vector<float> got = lattice(src, dst);
        const std::vector<float> truth = bruteForce(src, dst, 1.0f);
        const double err = rmsDiff(got, truth);
        const double spread = rms(truth); // how much the filtered values vary at all
        const double errNarrow = rmsDiff(got, bruteForce(src, dst, 0.5f));
        const double errWide = rmsDiff(got, bruteForce(src, dst, 2.0f));
        qInfo("d=%d: rms error %.3f (σ=1), %.3f (σ=0.5), %.3f (σ=2), spread %.3f", dims, err,
              errNarrow, errWide, spread);
        QVERIFY2(err < 0.1 * spread, qPrintable(QString::number(err)));
        QVERIFY(err < errNarrow);
        QVERIFY(err < errWide);
    }

    // A constant signal stays constant (normalisation), and the lattice is linear.
    void constantAndLinear()
    {
        const PointSet src = randomPoints(3, 800, 6.0f, 3);
        PermutohedralLattice l(3, 2);
        const auto p = l.addPoints(src.features.data(), src.count());
        std::vector<float> values;
        for (size_t i = 0; i < src.count(); ++i) {
            values.push_back(42.0f);
            values.push_back(1.0f);
        }
        l.splat(p, values.data());
        l.blur();
        std::vector<float> out(src.count() * 2);
        l.slice(p, out.data());
        for (size_t i = 0; i < src.count(); ++i)
            QVERIFY(std::abs(out[i * 2] / out[i * 2 + 1] - 42.0f) < 1e-3f);
        // Splatting twice the weights gives twice the raw result.
        std::vector<float> twice(src.count(), 2.0f), out2(src.count() * 2);
        l.clearValues();
        l.splat(p, values.data(), twice.data());
        l.blur();
        l.slice(p, out2.data());
        for (size_t i = 0; i < out.size(); ++i)
            QVERIFY(std::abs(out2[i] - 2.0f * out[i]) <= 1e-4f * std::abs(out2[i]) + 1e-6f);
    }

    // A set splatted once and added to another lattice (splatted()/addSplatted(), bnnflow's
    // keyframe anchor) filters as if its points were splatted into that lattice directly,
    // including vertices only that set touches.
    void splattedSetMatchesDirectSplat()
    {
        const PointSet a = randomPoints(3, 600, 6.0f, 11);
        const PointSet b = randomPoints(3, 300, 9.0f, 12); // reaches beyond a's vertices
        const PointSet at = randomPoints(3, 400, 9.0f, 13);
        std::vector<float> weights(b.count(), 0.3f);

        PermutohedralLattice direct(3, 2);
        const auto pa = direct.addPoints(a.features.data(), a.count());
        const auto pb = direct.addPoints(b.features.data(), b.count());
        const auto pAt = direct.addPoints(at.features.data(), at.count());
        direct.splat(pa, a.values.data());
        direct.splat(pb, b.values.data(), weights.data());
        direct.blur();
        std::vector<float> want(at.count() * 2);
        direct.slice(pAt, want.data());

        PermutohedralLattice once(3, 2);
        once.splat(once.addPoints(b.features.data(), b.count()), b.values.data(), weights.data());
        const PermutohedralLattice::Splatted bSplat = once.splatted();
        QCOMPARE(bSplat.keys.size(), once.vertexCount());

        PermutohedralLattice combined(3, 2);
        const auto qa = combined.addPoints(a.features.data(), a.count());
        const auto qAt = combined.addPoints(at.features.data(), at.count());
        combined.splat(qa, a.values.data());
        const size_t before = combined.vertexCount();
        combined.addSplatted(bSplat);
        QVERIFY(combined.vertexCount() > before); // b added vertices of its own
        QCOMPARE(combined.vertexCount(), direct.vertexCount());
        combined.blur();
        std::vector<float> got(at.count() * 2);
        combined.slice(qAt, got.data());
        for (size_t i = 0; i < got.size(); ++i)
            QVERIFY2(std::abs(got[i] - want[i]) <= 1e-4f * std::abs(want[i]) + 1e-6f,
                     qPrintable(QStringLiteral("%1: %2 vs %3").arg(i).arg(got[i]).arg(want[i])));
    }

    // Points far apart in any feature do not mix.
    void farPointsDoNotMix()
    {
        const float f[] = {0, 0, 0, 0, 0, 40};
        const float v[] = {10, 1, 90, 1};
        PermutohedralLattice l(3, 2);
        const auto p = l.addPoints(f, 2);
        l.splat(p, v);
        l.blur();
        float out[4];
        l.slice(p, out);
        QCOMPARE(std::lround(out[0] / out[1]), 10L);
        QCOMPARE(std::lround(out[2] / out[3]), 90L);
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestPermutohedral)
#include "tst_permutohedral.moc"
