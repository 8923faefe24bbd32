// RMSE, PSNR, YCbCr PSNR, chroma PSNR, SSIM and colourfulness against values worked out by hand
// on tiny frames.

#include "metrics/imagemetrics.h"

#include "framefixtures.h"
#include "testmain.h"

#include <QTest>

#include <cmath>
#include <initializer_list>

using namespace tincture;
using namespace tincture::metrics;

namespace {

Frame rgbFrame(int w, int h, std::initializer_list<int> values)
{
    Frame f(w, h, PixelFormat::Rgb8);
    uint8_t *p = f.data();
    for (int v : values)
        *p++ = uint8_t(v);
    return f;
}

using tincture::test::filled;

} // namespace

class TestImageMetrics : public QObject
{
    Q_OBJECT

private slots:
    void rmseAndPsnrByHand()
    {
        // Differences 3, 4, 0, 0, 0, 0: MSE = 25 / 6, RMSE = 2.0412415, PSNR = 10·log10(15606).
        const Frame a = rgbFrame(2, 1, {0, 0, 0, 10, 20, 30});
        const Frame b = rgbFrame(2, 1, {3, 4, 0, 10, 20, 30});
        QVERIFY(qAbs(*rmse(a, b) - 2.0412415) < 1e-6);
        QVERIFY(qAbs(*psnr(a, b) - 41.9329160) < 1e-6);
        QVERIFY(qAbs(*psnr(b, a) - 41.9329160) < 1e-6); // symmetric
    }

    void unsignedDifferencesDoNotWrap()
    {
        // 0 − 255 must be −255, not 1 (uint8_t arithmetic would wrap).
        const Frame black = filled(1, 1, 0, 0, 0), white = filled(1, 1, 255, 255, 255);
        QCOMPARE(*rmse(black, white), 255.0);
        QCOMPARE(*psnr(black, white), 0.0);
        const auto y = psnrYCbCr(black, white);
        QCOMPARE(y->y, 0.0);        // Y 0 vs 255
        QVERIFY(std::isinf(y->cb)); // both 128
    }

    void identicalFramesAreInfinite()
    {
        const Frame a = rgbFrame(2, 1, {1, 2, 3, 4, 5, 6});
        QVERIFY(std::isinf(*psnr(a, a)));
        QCOMPARE(*rmse(a, a), 0.0);
    }

    void sixteenBitKeepsPrecision()
    {
        // 16-bit values 257·k are 8-bit k; 128 (16-bit) vs 0 is half an 8-bit step.
        Frame a(1, 1, PixelFormat::Rgb16), b(1, 1, PixelFormat::Rgb16);
        for (int c = 0; c < 3; ++c) {
            a.row16(0)[c] = uint16_t(257 * 10);
            b.row16(0)[c] = uint16_t(257 * 10 + 257 / 2); // 10.498…
        }
        QVERIFY(qAbs(*rmse(a, b) - 128.0 / 257.0) < 1e-12);
        // Grey and RGB mix: grey 40 is RGB (40, 40, 40).
        Frame g(1, 1, PixelFormat::Gray8);
        g.row(0)[0] = 40;
        QCOMPARE(*rmse(g, filled(1, 1, 40, 40, 43)), std::sqrt(9.0 / 3.0));
    }

    void psnrPerYCbCrChannel()
    {
        // Red → (76, 84, 255), black → (0, 128, 128): squared errors 5776, 1936, 16129.
        const auto v = psnrYCbCr(filled(1, 1, 255, 0, 0), filled(1, 1, 0, 0, 0));
        QVERIFY(v.hasValue());
        QVERIFY(qAbs(v->y - 10 * std::log10(65025.0 / 5776.0)) < 1e-9);
        QVERIFY(qAbs(v->cb - 10 * std::log10(65025.0 / 1936.0)) < 1e-9);
        QVERIFY(qAbs(v->cr - 10 * std::log10(65025.0 / 16129.0)) < 1e-9);
    }

    void chromaPsnrIgnoresLuma()
    {
        // Same (neutral) chroma, different luma: a perfect score, 20·log10(255 / 1e-27).
        const double perfect = 20 * std::log10(255.0 / 1e-27);
        QVERIFY(qAbs(*chromaPsnr(filled(2, 2, 50, 50, 50), filled(2, 2, 200, 200, 200)) - perfect) <
                1e-9);
        // Red chroma under a black truth gives (178, 0, 0) (see tst_ycbcr): RMSE = 178 / √3.
        const double v = *chromaPsnr(filled(1, 1, 255, 0, 0), filled(1, 1, 0, 0, 0));
        QVERIFY(qAbs(v - 20 * std::log10(255.0 / (178.0 / std::sqrt(3.0)))) < 1e-9);
    }

    void ssimOfConstantFrames()
    {
        // µx = 100, µy = 110, no variance: SSIM = (2·100·110 + C1) / (100² + 110² + C1).
        const double c1 = 2.55 * 2.55;
        const double expected = (22000 + c1) / (22100 + c1);
        const auto v = ssim(filled(12, 11, 100, 100, 100), filled(12, 11, 110, 110, 110));
        QVERIFY(v.hasValue());
        QVERIFY(qAbs(*v - expected) < 1e-9);
        QVERIFY(qAbs(*ssim(filled(11, 11, 7, 8, 9), filled(11, 11, 7, 8, 9)) - 1.0) < 1e-12);
    }

    void ssimOfCheckerboardAgainstItsInverse()
    {
        // 0/255 checkerboard vs its inverse: both means close to 127.5, variances equal, the
        // covariance is −variance, so SSIM is close to (C2 − 2σ²)/(2σ² + C2) < 0.
        Frame a(16, 16, PixelFormat::Rgb8), b(16, 16, PixelFormat::Rgb8);
        for (int y = 0; y < 16; ++y)
            for (int x = 0; x < 16; ++x)
                for (int c = 0; c < 3; ++c) {
                    a.row(y)[x * 3 + c] = ((x + y) % 2) ? 255 : 0;
                    b.row(y)[x * 3 + c] = ((x + y) % 2) ? 0 : 255;
                }
        const double v = *ssim(a, b);
        QVERIFY2(v < -0.99 && v > -1.0, qPrintable(QString::number(v)));
    }

    void ssimRejectsTinyFrames()
    {
        const auto v = ssim(filled(10, 20, 0, 0, 0), filled(10, 20, 0, 0, 0));
        QVERIFY(!v.hasValue());
        QCOMPARE(v.error().code, ErrorCode::InvalidArgument);
    }

    void colourfulnessByHand()
    {
        // Pixels red and blue: rg = 255, 0; yb = 127.5, −255. µ = (127.5, −63.75),
        // σ = (127.5, 191.25): M = √(127.5² + 191.25²) + 0.3·√(127.5² + 63.75²).
        const Frame f = rgbFrame(2, 1, {255, 0, 0, 0, 0, 255});
        const double signedM = std::hypot(127.5, 191.25) + 0.3 * std::hypot(127.5, 63.75);
        QVERIFY(qAbs(*colourfulness(f) - signedM) < 1e-9);
        // Absolute variant: |yb| = 127.5, 255 → µ 191.25, σ 63.75.
        const double absM = std::hypot(127.5, 63.75) + 0.3 * std::hypot(127.5, 191.25);
        QVERIFY(qAbs(*colourfulnessAbsolute(f) - absM) < 1e-9);
        QCOMPARE(*colourfulness(filled(3, 3, 90, 90, 90)), 0.0);
    }

    void sizeMismatchIsAnError()
    {
        const auto v = psnr(filled(2, 2, 0, 0, 0), filled(3, 2, 0, 0, 0));
        QVERIFY(!v.hasValue());
        QCOMPARE(v.error().code, ErrorCode::SizeMismatch);
        QVERIFY(!rmse(Frame(), Frame()).hasValue());
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestImageMetrics)
#include "tst_imagemetrics.moc"
