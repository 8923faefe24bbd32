// Shot detection: synthetic cuts, a fade and a flickering shot without cuts, and the bundled
// sample film (three shots of 60 frames: cuts at 60 and 120).

#include "propagation/shotdetection.h"

#include "media/imageio.h"
#include "media/videosource.h"
#include "testsupport.h"
#include "propagationfixtures.h"
#include "testmain.h"

#include <QDir>
#include <QTest>

#include <cmath>
#include <random>

using namespace tincture::propagation;

using namespace tincture;
using test::describeShots;

namespace {

// A textured grey scene (seeded blobs and stripes) panned by `shift` pixels, with brightness
// gain and offset applied (flicker, fades).
Frame scene(int seed, double shift, double gain = 1.0, double offset = 0.0, int w = 160, int h = 90)
{
    std::mt19937 rng{unsigned(seed)};
    std::uniform_real_distribution<double> u(0.0, 1.0);
    double fx[6], fy[6], ph[6];
    for (int k = 0; k < 6; ++k) {
        fx[k] = 0.02 + 0.15 * u(rng);
        fy[k] = 0.02 + 0.15 * u(rng);
        ph[k] = 6.28 * u(rng);
    }
    Frame f(w, h, PixelFormat::Gray8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            double v = 0.0;
            for (int k = 0; k < 6; ++k)
                v += std::sin((x + shift) * fx[k] + y * fy[k] + ph[k]);
            const double level = (128.0 + 20.0 * v) * gain + offset;
            f.row(y)[x] = uint8_t(std::clamp(std::lround(level), 0L, 255L));
        }
    return f;
}

} // namespace

class TestShotDetection : public QObject
{
    Q_OBJECT

private slots:
    void syntheticCuts()
    {
        // Three scenes with moderate panning: cuts at 25 and 52.
        ShotDetector detector;
        for (int i = 0; i < 80; ++i) {
            const int seed = i < 25 ? 1 : i < 52 ? 2 : 3;
            detector.add(scene(seed, i * 1.5));
        }
        const std::vector<Shot> shots = detector.finish();
        QCOMPARE(describeShots(shots), QStringLiteral("0–24, 25–51, 52–79"));
    }

    void fastPanIsNotACut()
    {
        ShotDetector detector;
        for (int i = 0; i < 60; ++i)
            detector.add(scene(4, i * 6.0)); // six pixels a frame, every frame
        QCOMPARE(describeShots(detector.finish()), QStringLiteral("0–59"));
    }

    void fadeIsNotACut()
    {
        // Fade out to near black over 20 frames, hold, fade back in: one shot.
        ShotDetector detector;
        for (int i = 0; i < 60; ++i) {
            const double gain = i < 20   ? 1.0 - i / 20.0
                                : i < 30 ? 0.0
                                         : std::min(1.0, (i - 30) / 20.0);
            detector.add(scene(5, i * 0.5, gain));
        }
        QCOMPARE(describeShots(detector.finish()), QStringLiteral("0–59"));
    }

    void flickerIsNotACut()
    {
        // Old-film flicker: brightness gain and offset jump randomly every frame.
        std::mt19937 rng(7);
        std::uniform_real_distribution<double> gain(0.6, 1.4), offset(-30.0, 30.0);
        ShotDetector detector;
        for (int i = 0; i < 80; ++i)
            detector.add(scene(6, i * 1.0, gain(rng), offset(rng)));
        QCOMPARE(describeShots(detector.finish()), QStringLiteral("0–79"));
        // … while a cut in the same flicker is still found.
        ShotDetector withCut;
        for (int i = 0; i < 80; ++i)
            withCut.add(scene(i < 40 ? 6 : 8, i * 1.0, gain(rng), offset(rng)));
        QCOMPARE(describeShots(withCut.finish()), QStringLiteral("0–39, 40–79"));
    }

    void emptyAndSingle()
    {
        ShotDetector none;
        QVERIFY(none.finish().empty());
        ShotDetector one;
        one.add(scene(1, 0));
        QCOMPARE(describeShots(one.finish()), QStringLiteral("0–0"));
    }

    void sampleFilm()
    {
        auto source = VideoSource::open(test::samplePath());
        QVERIFY2(source.hasValue(), source.hasValue() ? "" : qPrintable(source.error().message));
        int64_t lastDone = 0, total = 0;
        Feedback feedback([&](int64_t done, int64_t t) {
            lastDone = done;
            total = t;
        });
        auto shots = detectShots(**source, {}, feedback);
        QVERIFY(shots.hasValue());
        QCOMPARE(describeShots(*shots), QStringLiteral("0–59, 60–119, 120–179"));
        QCOMPARE(lastDone, int64_t(180));
        QCOMPARE(total, int64_t(180));
    }

    void cancel()
    {
        auto source = VideoSource::open(test::samplePath());
        QVERIFY(source.hasValue());
        Feedback feedback;
        feedback.cancel();
        auto shots = detectShots(**source, {}, feedback);
        QVERIFY(!shots.hasValue());
        QVERIFY(shots.error().isCancelled());
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestShotDetection)
#include "tst_shotdetection.moc"
