// PSNR and SSIM cross-checked against FFmpeg's psnr and ssim filters on generated frames.
// FFmpeg's PSNR over RGB (gbrp) is the same definition, so it must agree to 1e-4 dB. Its SSIM
// uses 8×8 box windows on a 4-pixel grid instead of the 11×11 Gaussian window (PROTOCOLS §5),
// so only agreement within 0.03 is expected (measured: 0.026 apart at heavy noise, under 0.01
// otherwise) — still enough to catch a wrong constant, a missing mean or a channel mix-up. Skipped
// when the ffmpeg program is missing.

#include "metrics/imagemetrics.h"
#include "lab/scoringio.h"
#include "testsupport.h"
#include "testmain.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace tincture::lab;

using namespace tincture;
using namespace tincture::metrics;

namespace {

// Deterministic pseudo-random numbers (no dependence on the standard library's engines).
struct Lcg
{
    uint32_t state;
    int next(int range) // uniform in [0, range)
    {
        state = state * 1664525u + 1013904223u;
        return int((state >> 8) % uint32_t(range));
    }
};

Frame pattern(int w, int h, uint32_t seed)
{
    Lcg rng{seed};
    Frame f(w, h, PixelFormat::Rgb8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const int base[3] = {(x * 4) % 256, (y * 5) % 256, ((x + y) * 3) % 256};
            for (int c = 0; c < 3; ++c)
                f.row(y)[x * 3 + c] = uint8_t(std::clamp(base[c] + rng.next(61) - 30, 0, 255));
        }
    return f;
}

Frame noisy(const Frame &in, int amplitude, uint32_t seed)
{
    Lcg rng{seed};
    Frame out = in;
    uint8_t *p = out.data();
    for (size_t i = 0; i < out.byteSize(); ++i)
        p[i] = uint8_t(std::clamp(int(p[i]) + rng.next(2 * amplitude + 1) - amplitude, 0, 255));
    return out;
}

double ffmpegValue(const QString &filter, const QString &a, const QString &b, const QString &key)
{
    const auto r =
        test::runProcess(QStringLiteral("ffmpeg"),
                         {QStringLiteral("-hide_banner"), QStringLiteral("-nostats"),
                          QStringLiteral("-i"), a, QStringLiteral("-i"), b,
                          QStringLiteral("-lavfi"), QStringLiteral("[0:v][1:v]%1").arg(filter),
                          QStringLiteral("-f"), QStringLiteral("null"), QStringLiteral("-")});
    const QRegularExpression re(key + QStringLiteral(":([0-9.]+)"));
    const auto m = re.match(r.err);
    if (r.exitCode != 0 || !m.hasMatch()) {
        qWarning().noquote() << r.err;
        return std::nan("");
    }
    return m.captured(1).toDouble();
}

} // namespace

class TestFfmpegCrossCheck : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!test::haveProgram(QStringLiteral("ffmpeg")))
            QSKIP("ffmpeg is not installed");
    }

    void agreesWithFfmpeg_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("noise");
        QTest::newRow("64x48 light noise") << 64 << 48 << 4;
        QTest::newRow("64x48 heavy noise") << 64 << 48 << 30;
        QTest::newRow("97x53 medium noise") << 97 << 53 << 12;
    }
    void agreesWithFfmpeg()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, noise);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const Frame a = pattern(width, height, 7u + uint32_t(noise));
        const Frame b = noisy(a, noise, 99u);
        const QString pa = dir.filePath(QStringLiteral("a.png")),
                      pb = dir.filePath(QStringLiteral("b.png"));
        QVERIFY(writeScoringImage(pa, a).hasValue());
        QVERIFY(writeScoringImage(pb, b).hasValue());
        // What was written is what is compared.
        QCOMPARE(*psnr(*readScoringImage(pa), a), std::numeric_limits<double>::infinity());

        const double ourPsnr = *psnr(a, b);
        const double theirPsnr =
            ffmpegValue(QStringLiteral("psnr"), pa, pb, QStringLiteral("average"));
        QVERIFY2(std::abs(ourPsnr - theirPsnr) < 1e-4,
                 qPrintable(QStringLiteral("PSNR %1 vs ffmpeg %2").arg(ourPsnr).arg(theirPsnr)));

        const double ourSsim = *ssim(a, b);
        const double theirSsim = ffmpegValue(QStringLiteral("ssim"), pa, pb, QStringLiteral("All"));
        QVERIFY2(std::abs(ourSsim - theirSsim) < 0.03,
                 qPrintable(QStringLiteral("SSIM %1 vs ffmpeg %2").arg(ourSsim).arg(theirSsim)));
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestFfmpegCrossCheck)
#include "tst_ffmpegcrosscheck.moc"
