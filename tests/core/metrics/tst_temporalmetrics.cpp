// Warp error (occlusion mask, E_t) and CDC against values worked out by hand on tiny frames
// with hand-made flow fields; one Farneback sanity check on a shifted texture.

#include "metrics/temporalmetrics.h"

#include "framefixtures.h"
#include "testmain.h"

#include <QTest>

#include <cmath>

using namespace tincture;
using namespace tincture::metrics;

namespace {

FlowField uniformFlow(int w, int h, float u, float v)
{
    FlowField f;
    f.width = w;
    f.height = h;
    f.dx.assign(size_t(w) * size_t(h), u);
    f.dy.assign(size_t(w) * size_t(h), v);
    return f;
}

using tincture::test::filled;

// A smooth, textured grey image (so optical flow has something to track), shifted by dx.
Frame texture(int w, int h, int dx)
{
    Frame f(w, h, PixelFormat::Gray8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double u = x - dx;
            f.row(y)[x] = uint8_t(std::lround(127.5 + 60 * std::sin(u * 0.35) * std::cos(y * 0.27) +
                                              40 * std::sin((u + 2 * y) * 0.11)));
        }
    return f;
}

} // namespace

class TestTemporalMetrics : public QObject
{
    Q_OBJECT

private slots:
    void zeroFlowConstantChange()
    {
        // Nothing moves; O_{t+1} adds 51/255 = 0.2 to red: E = 0.2² = 0.04 at every pixel.
        const FlowField zero = uniformFlow(8, 6, 0, 0);
        const auto e = warpErrorWithFlow(filled(8, 6, 0, 0, 0), filled(8, 6, 51, 0, 0), zero, zero);
        QVERIFY(e.hasValue());
        QVERIFY(qAbs(*e - 0.04) < 1e-12);
    }

    void translationIsFollowed()
    {
        // Content moves one pixel right: O_{t+1}(x + 1) = O_t(x). The last column leaves the
        // frame (masked); everywhere else the warped frame matches exactly: E = 0.
        const int w = 6, h = 4;
        Frame a(w, h, PixelFormat::Rgb8), b(w, h, PixelFormat::Rgb8);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                for (int c = 0; c < 3; ++c) {
                    a.row(y)[x * 3 + c] = uint8_t((x * 37 + y * 11 + c * 5) % 256);
                    b.row(y)[x * 3 + c] = uint8_t(((x - 1) * 37 + y * 11 + c * 5 + 256) % 256);
                }
        const FlowField f = uniformFlow(w, h, 1, 0), bk = uniformFlow(w, h, -1, 0);
        const auto mask = validMask(f, bk);
        QVERIFY(mask.hasValue());
        int valid = 0;
        for (uint8_t m : *mask)
            valid += m;
        QCOMPARE(valid, (w - 1) * h);
        QCOMPARE((*mask)[size_t(w - 1)], uint8_t(0));
        QCOMPARE(*warpErrorWithFlow(a, b, f, bk), 0.0);

        // One valid pixel of O_t changed by 100 in green: E = (100/255)² / (valid pixels).
        Frame a2 = a;
        const int old = a.constRow(1)[2 * 3 + 1];
        a2.row(1)[2 * 3 + 1] = uint8_t(old < 128 ? old + 100 : old - 100);
        const double d = 100.0 / 255.0;
        QVERIFY(qAbs(*warpErrorWithFlow(a2, b, f, bk) - d * d / valid) < 1e-12);
    }

    void inconsistentFlowIsOccluded()
    {
        // Forward 3 px, backward 0: |f + b|² = 9 > 0.01·9 + 0.5 everywhere → all occluded, E = 0.
        const FlowField f = uniformFlow(8, 8, 3, 0), bk = uniformFlow(8, 8, 0, 0);
        const auto mask = validMask(f, bk);
        for (uint8_t m : *mask)
            QCOMPARE(m, uint8_t(0));
        QCOMPARE(*warpErrorWithFlow(filled(8, 8, 0, 0, 0), filled(8, 8, 9, 9, 9), f, bk), 0.0);
        // Just under the threshold: |f + b|² = 0.49 ≤ 0.01·(0.49 + 0) + 0.5 → valid.
        const FlowField small = uniformFlow(8, 8, 0.7f, 0), none = uniformFlow(8, 8, 0, 0);
        QCOMPARE((*validMask(small, none))[size_t(3 * 8 + 3)], uint8_t(1));
    }

    void motionBoundaryIsMasked()
    {
        // Forward flow 0 except column 4 (0.6 px down); backward flow 0 (|f + b|² = 0.36 passes).
        // Column 3 sees a difference of 0.6 to its right neighbour: 0.36 > 0.002 → boundary;
        // column 4 itself: |∇f|² = 0.36 > 0.01·0.36 + 0.002 → boundary; column 5: 0 → valid.
        FlowField f = uniformFlow(8, 4, 0, 0);
        for (int y = 0; y < 4; ++y)
            f.dy[size_t(y) * 8 + 4] = 0.6f;
        const auto mask = validMask(f, uniformFlow(8, 4, 0, 0));
        QCOMPARE((*mask)[size_t(8 + 3)], uint8_t(0));
        QCOMPARE((*mask)[size_t(8 + 4)], uint8_t(0));
        QCOMPARE((*mask)[size_t(8 + 5)], uint8_t(1));
        QCOMPARE((*mask)[size_t(8 + 2)], uint8_t(1));
    }

    void farnebackFindsAShift()
    {
        const Frame a = texture(96, 64, 0), b = texture(96, 64, 2);
        const auto flow = farnebackFlow(a, b);
        QVERIFY(flow.hasValue());
        QVERIFY2(qAbs(flow->u(48, 32) - 2.0f) < 0.25f,
                 qPrintable(QString::number(flow->u(48, 32))));
        QVERIFY(qAbs(flow->v(48, 32)) < 0.25f);
        // Outputs that move with the content have a far smaller warp error than static ones.
        const Frame oa = a.converted(PixelFormat::Rgb8), ob = b.converted(PixelFormat::Rgb8);
        const double moving = *warpError(a, b, oa, ob);
        const double stuck = *warpError(a, b, oa, oa);
        QVERIFY2(moving < 0.2 * stuck, qPrintable(QStringLiteral("%1 %2").arg(moving).arg(stuck)));
    }

    void jensenShannonByHand()
    {
        // p = (1, 0), q = (½, ½), m = (¾, ¼): ½·ln(4/3) + ½·(½·ln(2/3) + ½·ln 2) = 0.2157616.
        const double p[2] = {1.0, 0.0}, q[2] = {0.5, 0.5};
        QVERIFY(qAbs(CdcMeter::jensenShannon(p, q, 2) - 0.21576155) < 1e-7);
        QVERIFY(qAbs(CdcMeter::jensenShannon(p, p, 2)) < 1e-15);
    }

    void cdcByHand()
    {
        // Black then white: every channel's histograms are disjoint, JS = ln 2; only d = 1 exists.
        CdcMeter two;
        QVERIFY(two.add(filled(2, 2, 0, 0, 0)).hasValue());
        QVERIFY(!two.value().hasValue()); // one frame is not enough
        QVERIFY(two.add(filled(2, 2, 255, 255, 255)).hasValue());
        QVERIFY(qAbs(*two.value() - std::log(2.0)) < 1e-12);

        // Black, white, black, white, black: d = 1 pairs all differ (ln 2), d = 2 and d = 4
        // pairs are equal (0): CDC = ⅓·ln 2.
        CdcMeter five;
        for (int i = 0; i < 5; ++i)
            QVERIFY(
                five.add(i % 2 ? filled(3, 1, 255, 255, 255) : filled(3, 1, 0, 0, 0)).hasValue());
        QVERIFY(qAbs(*five.value() - std::log(2.0) / 3.0) < 1e-12);

        // Only the red channel changes (0 ↔ 255), three frames: d = 1 → ⅓·ln 2 per pair,
        // d = 2 → 0, no d = 4 pair: CDC = ½·(⅓·ln 2 + 0).
        CdcMeter three;
        QVERIFY(three.add(filled(1, 1, 0, 5, 5)).hasValue());
        QVERIFY(three.add(filled(1, 1, 255, 5, 5)).hasValue());
        QVERIFY(three.add(filled(1, 1, 0, 5, 5)).hasValue());
        QVERIFY(qAbs(*three.value() - std::log(2.0) / 6.0) < 1e-12);
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestTemporalMetrics)
#include "tst_temporalmetrics.moc"
