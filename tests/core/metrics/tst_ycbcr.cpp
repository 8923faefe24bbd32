// Pillow-exact full-range BT.601 YCbCr (metrics/ycbcr.h), values worked out by hand from
// Pillow's 6-bit tables: T[i] = (int)(coefficient · i · 64 + 0.5), then >> 6 (floor).

#include "metrics/ycbcr.h"
#include "testmain.h"

#include <QTest>

using namespace tincture;
using namespace tincture::metrics;

class TestYCbCr : public QObject
{
    Q_OBJECT

private slots:
    void forward_data()
    {
        QTest::addColumn<int>("r");
        QTest::addColumn<int>("g");
        QTest::addColumn<int>("b");
        QTest::addColumn<int>("y");
        QTest::addColumn<int>("cb");
        QTest::addColumn<int>("cr");
        // Y = 4880 >> 6 = 76; Cb = (−2753 >> 6) + 128 = −44 + 128; Cr = (8160 >> 6) + 128.
        QTest::newRow("red") << 255 << 0 << 0 << 76 << 84 << 255;
        // Y = 9580 >> 6 = 149; Cb = (−5405 >> 6) + 128 = −85 + 128; Cr = (−6832 >> 6) + 128.
        QTest::newRow("green") << 0 << 255 << 0 << 149 << 43 << 21;
        // Y = 1860 >> 6 = 29; Cb = (8160 >> 6) + 128 = 255; Cr = (−1326 >> 6) + 128 = −21 + 128.
        QTest::newRow("blue") << 0 << 0 << 255 << 29 << 255 << 107;
        QTest::newRow("mid grey") << 128 << 128 << 128 << 128 << 128 << 128;
        QTest::newRow("black") << 0 << 0 << 0 << 0 << 128 << 128;
    }
    void forward()
    {
        QFETCH(int, r);
        QFETCH(int, g);
        QFETCH(int, b);
        QFETCH(int, y);
        QFETCH(int, cb);
        QFETCH(int, cr);
        const YCbCr8 v = rgbToYCbCr(uint8_t(r), uint8_t(g), uint8_t(b));
        QCOMPARE(int(v.y), y);
        QCOMPARE(int(v.cb), cb);
        QCOMPARE(int(v.cr), cr);
    }

    void backward_data()
    {
        QTest::addColumn<int>("y");
        QTest::addColumn<int>("cb");
        QTest::addColumn<int>("cr");
        QTest::addColumn<int>("r");
        QTest::addColumn<int>("g");
        QTest::addColumn<int>("b");
        // R = 76 + (R_Cr[255] = 11395) >> 6 = 76 + 178 = 254;
        // G = 76 + (G_Cb[84] + G_Cr[255] = 969 − 5804) >> 6 = 76 − 76 = 0;
        // B = 76 + (B_Cb[84] = −4989) >> 6 = 76 − 78 → clamped to 0.
        QTest::newRow("red back") << 76 << 84 << 255 << 254 << 0 << 0;
        // Y 0, Cb 0, Cr 0: R = 0 + (−11484 >> 6 = −180) → 0; G = (2819 + 5850) >> 6 = 135;
        // B = −14515 >> 6 = −227 → 0.
        QTest::newRow("zero") << 0 << 0 << 0 << 0 << 135 << 0;
        QTest::newRow("white, neutral") << 255 << 128 << 128 << 255 << 255 << 255;
    }
    void backward()
    {
        QFETCH(int, y);
        QFETCH(int, cb);
        QFETCH(int, cr);
        QFETCH(int, r);
        QFETCH(int, g);
        QFETCH(int, b);
        const Rgb8 v = yCbCrToRgb(uint8_t(y), uint8_t(cb), uint8_t(cr));
        QCOMPARE(int(v.r), r);
        QCOMPARE(int(v.g), g);
        QCOMPARE(int(v.b), b);
    }

    void chromaUnderLumaKeepsTruthLuma()
    {
        // Result: pure red (Cb 84, Cr 255); truth: black (Y 0). Y 0 with that chroma gives
        // R = 0 + 178, G = 0 + ((969 − 5804) >> 6) → clamp 0, B = 0 + (−78) → 0.
        Frame result(1, 1, PixelFormat::Rgb8);
        result.row(0)[0] = 255;
        Frame truth(1, 1, PixelFormat::Rgb8);
        auto out = chromaUnderLuma(result, truth);
        QVERIFY(out.hasValue());
        QCOMPARE(int(out->constRow(0)[0]), 178);
        QCOMPARE(int(out->constRow(0)[1]), 0);
        QCOMPARE(int(out->constRow(0)[2]), 0);
    }

    void chromaUnderLumaRejectsSizeMismatch()
    {
        auto out = chromaUnderLuma(Frame(2, 2, PixelFormat::Rgb8), Frame(2, 3, PixelFormat::Rgb8));
        QVERIFY(!out.hasValue());
        QCOMPARE(out.error().code, ErrorCode::SizeMismatch);
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestYCbCr)
#include "tst_ycbcr.moc"
