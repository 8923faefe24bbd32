// measureVideo / summarise: per-frame flicker, colourfulness, PSNR and SSIM against values worked
// out by hand on tiny flat frames (no texture, so the flow is zero and the warp error is the
// plain squared difference); a moving texture for the flow; streaming order, errors, cancel.

#include "metrics/videometrics.h"

#include "framefixtures.h"
#include "testmain.h"

#include <QTest>

#include <cmath>

using namespace tincture;
using namespace tincture::metrics;
using tincture::test::filled;

namespace {

constexpr int kW = 16, kH = 12; // SSIM needs at least 11×11

FrameGetter listGetter(const std::vector<Frame> &frames, std::vector<int64_t> *calls = nullptr)
{
    return [frames, calls](int64_t i) -> Result<Frame> {
        if (calls)
            calls->push_back(i);
        if (i < 0 || i >= int64_t(frames.size()))
            return makeError(ErrorCode::OutOfRange, QStringLiteral("no frame %1").arg(i));
        return frames[size_t(i)];
    };
}

// A smooth textured frame moving dx pixels right, coloured by a fixed tint (or tint + jump).
Frame movingTexture(int w, int h, int dx, int redBoost)
{
    Frame f(w, h, PixelFormat::Rgb8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double u = x - dx;
            const double v = 110 + 50 * std::sin(u * 0.35) * std::cos(y * 0.27) +
                             30 * std::sin((u + 2 * y) * 0.11);
            f.row(y)[x * 3] = uint8_t(std::clamp(std::lround(v + 20 + redBoost), 0L, 255L));
            f.row(y)[x * 3 + 1] = uint8_t(std::lround(v));
            f.row(y)[x * 3 + 2] = uint8_t(std::lround(v - 20));
        }
    return f;
}

double psnrOf(double mse)
{
    return 20.0 * std::log10(255.0 / std::sqrt(mse));
}

// SSIM of two flat frames differing in red only: the structure terms are 1, the luminance
// term of red is (2ab + C1) / (a² + b² + C1); green and blue give 1.
double flatSsim(double a, double b)
{
    const double c1 = (0.01 * 255) * (0.01 * 255);
    return ((2 * a * b + c1) / (a * a + b * b + c1) + 2.0) / 3.0;
}

} // namespace

class TestVideoMetrics : public QObject
{
    Q_OBJECT

private slots:
    void flatFramesByHand()
    {
        // Result: grey, red-shifted, grey. Reference: a slightly red frame throughout.
        const Frame grey = filled(kW, kH, 100, 100, 100), red = filled(kW, kH, 151, 100, 100);
        const Frame ref = filled(kW, kH, 110, 100, 100);
        std::vector<int64_t> calls, refCalls;
        Feedback feedback;
        const auto m = measureVideo(3, listGetter({grey, red, grey}, &calls),
                                    listGetter({ref, ref, ref}, &refCalls), feedback);
        QVERIFY2(m.hasValue(), m ? "" : qPrintable(m.error().message));
        QCOMPARE(m->size(), size_t(3));
        QCOMPARE(calls, (std::vector<int64_t>{0, 1, 2})); // each frame once, in order
        QCOMPARE(refCalls, (std::vector<int64_t>{0, 1, 2}));
        QCOMPARE(feedback.fraction(), 1.0);

        // E_t: zero flow, red changes by 51/255 = 0.2 → 0.04 both ways; none after the last.
        QVERIFY(std::abs((*m)[0].flicker - 0.04) < 1e-9);
        QVERIFY(std::abs((*m)[1].flicker - 0.04) < 1e-9);
        QVERIFY(std::isnan((*m)[2].flicker));
        // Colourfulness of a flat (151, 100, 100): rg = 51, yb = 25.5, no spread.
        const double mRed = 0.3 * std::sqrt(51.0 * 51.0 + 25.5 * 25.5);
        QVERIFY(std::abs((*m)[0].colourfulness) < 1e-9);
        QVERIFY(std::abs((*m)[1].colourfulness - mRed) < 1e-6);
        // PSNR: only red differs, MSE = d² / 3.
        QVERIFY(std::abs((*m)[0].psnr - psnrOf(100.0 / 3)) < 1e-6);
        QVERIFY(std::abs((*m)[1].psnr - psnrOf(41.0 * 41.0 / 3)) < 1e-6);
        QVERIFY(std::abs((*m)[0].ssim - flatSsim(100, 110)) < 1e-6);
        QVERIFY(std::abs((*m)[1].ssim - flatSsim(151, 110)) < 1e-6);
        for (int i = 0; i < 3; ++i)
            QCOMPARE((*m)[size_t(i)].index, int64_t(i));

        const VideoMetricsSummary s = summarise(*m);
        QVERIFY(std::abs(s.meanFlicker - 0.04) < 1e-9);
        QVERIFY(std::abs(s.meanColourfulness - mRed / 3) < 1e-6);
        QVERIFY(std::abs(s.meanPsnr - (2 * psnrOf(100.0 / 3) + psnrOf(41.0 * 41.0 / 3)) / 3) <
                1e-6);
        QVERIFY(std::abs(s.meanSsim - (2 * flatSsim(100, 110) + flatSsim(151, 110)) / 3) < 1e-6);
    }

    void noReferenceNoScores()
    {
        Feedback feedback;
        const Frame a = filled(kW, kH, 30, 60, 90);
        const auto m = measureVideo(2, listGetter({a, a}), FrameGetter(), feedback);
        QVERIFY(m.hasValue());
        QCOMPARE((*m)[0].flicker, 0.0);
        QVERIFY(std::isnan((*m)[0].psnr) && std::isnan((*m)[1].ssim));
        const VideoMetricsSummary s = summarise(*m);
        QVERIFY(std::isnan(s.meanPsnr) && std::isnan(s.meanSsim));
        QCOMPARE(s.meanFlicker, 0.0);

        // One frame: nothing to compare it with.
        const auto one = measureVideo(1, listGetter({a}), FrameGetter(), feedback);
        QVERIFY(one.hasValue());
        QVERIFY(std::isnan(summarise(*one).meanFlicker));
        QVERIFY(std::isnan(summarise({}).meanColourfulness));
    }

    void identicalReferenceIsInfinite()
    {
        Feedback feedback;
        const Frame a = filled(kW, kH, 30, 60, 90);
        const auto m = measureVideo(1, listGetter({a}), listGetter({a}), feedback);
        QVERIFY(m.hasValue());
        QVERIFY(std::isinf((*m)[0].psnr));
        QVERIFY(std::abs((*m)[0].ssim - 1.0) < 1e-12);
        QVERIFY(std::isinf(summarise(*m).meanPsnr));
    }

    void motionIsFollowed()
    {
        // A texture moving 1 px per frame with steady colour flickers far less than the same
        // motion with the red channel jumping by 40 every other frame (E ≈ (40/255)² = 0.0246
        // where the pixels are not clipped).
        Feedback feedback;
        const int w = 64, h = 48;
        std::vector<Frame> steady, jumpy;
        for (int t = 0; t < 4; ++t) {
            steady.push_back(movingTexture(w, h, t, 0));
            jumpy.push_back(movingTexture(w, h, t, t % 2 ? 40 : 0));
        }
        const auto a = measureVideo(4, listGetter(steady), FrameGetter(), feedback);
        const auto b = measureVideo(4, listGetter(jumpy), FrameGetter(), feedback);
        QVERIFY(a.hasValue() && b.hasValue());
        const double sa = summarise(*a).meanFlicker, sb = summarise(*b).meanFlicker;
        QVERIFY2(sa < 0.002, qPrintable(QString::number(sa)));
        QVERIFY2(sb > 0.015 && sb < 0.03, qPrintable(QString::number(sb)));
    }

    void sizeChangeIsAnError()
    {
        Feedback feedback;
        const Frame a = filled(kW, kH, 10, 20, 30), small = filled(kW - 2, kH, 10, 20, 30);
        auto m = measureVideo(3, listGetter({a, a, small}), FrameGetter(), feedback);
        QVERIFY(!m.hasValue());
        QCOMPARE(m.error().code, ErrorCode::SizeMismatch);
        QVERIFY2(m.error().message.contains(QStringLiteral("frame 2 of the result is 14×12")),
                 qPrintable(m.error().message));

        m = measureVideo(2, listGetter({a, a}), listGetter({a, small}), feedback);
        QVERIFY(!m.hasValue());
        QCOMPARE(m.error().code, ErrorCode::SizeMismatch);
        QVERIFY(m.error().message.contains(QLatin1String("frame 1 of the reference")));

        // A getter's own error comes back unchanged (e.g. the reference is shorter).
        m = measureVideo(3, listGetter({a, a, a}), listGetter({a, a}), feedback);
        QVERIFY(!m.hasValue());
        QCOMPARE(m.error().code, ErrorCode::OutOfRange);

        m = measureVideo(0, listGetter({a}), FrameGetter(), feedback);
        QVERIFY(!m.hasValue());
    }

    void cancelStops()
    {
        Feedback feedback;
        feedback.cancel();
        std::vector<int64_t> calls;
        const Frame a = filled(kW, kH, 10, 20, 30);
        const auto m = measureVideo(2, listGetter({a, a}, &calls), FrameGetter(), feedback);
        QVERIFY(!m.hasValue());
        QVERIFY(m.error().isCancelled());
        QVERIFY(calls.empty());
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestVideoMetrics)
#include "tst_videometrics.moc"
