// YIQ conversions and the luma-exact quantisation back to integer RGB.

#include "colour/colourspace.h"
#include "image/frame.h"
#include "testmain.h"

#include <QTest>

#include <random>

using namespace tincture;
using namespace tincture::colour;

class TestColourSpace : public QObject
{
    Q_OBJECT

private slots:
    void yiqRoundTrip();
    void greyHasNoChroma();
    void lumaMatchesFrameLuma();
    void quantiseKeepsLumaExact_data();
    void quantiseKeepsLumaExact();
};

void TestColourSpace::yiqRoundTrip()
{
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    for (int k = 0; k < 1000; ++k) {
        const float r = u(rng), g = u(rng), b = u(rng);
        const Yiq v = rgbToYiq(r, g, b);
        QVERIFY(std::abs(v.y - float(kLumaR * r + kLumaG * g + kLumaB * b)) < 1e-6f);
        const Rgb back = yiqToRgb(v.y, v.i, v.q);
        QVERIFY(std::abs(back.r - r) < 1e-5f);
        QVERIFY(std::abs(back.g - g) < 1e-5f);
        QVERIFY(std::abs(back.b - b) < 1e-5f);
    }
}

void TestColourSpace::greyHasNoChroma()
{
    const Yiq v = rgbToYiq(0.4f, 0.4f, 0.4f);
    QVERIFY(std::abs(v.i) < 1e-6f);
    QVERIFY(std::abs(v.q) < 1e-6f);
    const Rgb g = yiqToRgb(0.7f, 0.0f, 0.0f);
    QVERIFY(std::abs(g.r - 0.7f) < 1e-6f && std::abs(g.g - 0.7f) < 1e-6f &&
            std::abs(g.b - 0.7f) < 1e-6f);
}

void TestColourSpace::lumaMatchesFrameLuma()
{
    // lumaOf8/lumaOf16 must be the formula of Frame::luma(), or exactness means nothing.
    std::mt19937 rng(2);
    std::uniform_int_distribution<int> c8(0, 255), c16(0, 65535);
    Frame f8(64, 64, PixelFormat::Rgb8), f16(64, 64, PixelFormat::Rgb16);
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64 * 3; ++x) {
            f8.row(y)[x] = uint8_t(c8(rng));
            f16.row16(y)[x] = uint16_t(c16(rng));
        }
    const Frame l8 = f8.luma(), l16 = f16.luma();
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x) {
            const uint8_t *p = f8.constRow(y) + 3 * x;
            QCOMPARE(lumaOf8(p[0], p[1], p[2]), int(l8.constRow(y)[x]));
            const uint16_t *q = f16.constRow16(y) + 3 * x;
            QCOMPARE(lumaOf16(q[0], q[1], q[2]), int(l16.constRow16(y)[x]));
        }
}

void TestColourSpace::quantiseKeepsLumaExact_data()
{
    QTest::addColumn<bool>("sixteen");
    QTest::newRow("8-bit") << false;
    QTest::newRow("16-bit") << true;
}

void TestColourSpace::quantiseKeepsLumaExact()
{
    QFETCH(bool, sixteen);
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> chroma(-0.6f, 0.6f);
    const int max = sixteen ? 65535 : 255;
    std::uniform_int_distribution<int> target(0, max);
    int chromaKept = 0;
    const int n = 20000;
    for (int k = 0; k < n; ++k) {
        // Random, often out-of-gamut chroma: the hard case for exactness.
        const int t = k < 4 ? (k % 2 ? max : 0) : target(rng);
        const float i = chroma(rng) * 0.5f, q = chroma(rng) * 0.5f;
        const Rgb rgb = yiqToRgb(float(t) / max, i, q);
        int got;
        int c[3];
        if (sixteen) {
            uint16_t out[3];
            quantiseLumaExact16(rgb, t, out);
            got = lumaOf16(out[0], out[1], out[2]);
            std::copy(out, out + 3, c);
        } else {
            uint8_t out[3];
            quantiseLumaExact8(rgb, t, out);
            got = lumaOf8(out[0], out[1], out[2]);
            std::copy(out, out + 3, c);
        }
        QCOMPARE(got, t);
        // In gamut, the colour is the rounded one give or take a code.
        const bool inGamut =
            rgb.r >= 0 && rgb.r <= 1 && rgb.g >= 0 && rgb.g <= 1 && rgb.b >= 0 && rgb.b <= 1;
        if (inGamut && std::abs(c[0] - rgb.r * max) <= 1.6f &&
            std::abs(c[1] - rgb.g * max) <= 1.6f && std::abs(c[2] - rgb.b * max) <= 1.6f)
            ++chromaKept;
        else if (inGamut)
            QFAIL(qPrintable(QStringLiteral("in-gamut colour moved: %1 %2 %3 → %4 %5 %6")
                                 .arg(rgb.r * max)
                                 .arg(rgb.g * max)
                                 .arg(rgb.b * max)
                                 .arg(c[0])
                                 .arg(c[1])
                                 .arg(c[2])));
    }
    QVERIFY(chromaKept > n / 10);
}

TINCTURE_TEST_GUILESS_MAIN(TestColourSpace)
#include "tst_colourspace.moc"
