// The studio's film operations on the bundled sample: propagate a shot into the result cache
// from a true-colour keyframe, export it (with the cache's colour), measure it against the
// colour reference, detect the shots.

#include "media/imageio.h"
#include "metrics/imagemetrics.h"
#include "project/filmops.h"
#include "testsupport.h"
#include "testmain.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace tincture;
using namespace tincture::project;

namespace {
QString referencePath()
{
    return test::sourceDir() + QStringLiteral("/resources/samples/sample_colour.mp4");
}
} // namespace

class TestFilmOps : public QObject
{
    Q_OBJECT
private slots:
    void propagateExportMeasure()
    {
        QTemporaryDir dir;
        const ResultCache cache(dir.filePath(QStringLiteral("cache")));
        // Shot 2 starts at frame 60; colour its first 16 frames from frame 60's true colour.
        const FrameIndex first = 60, last = 75;
        Result<Frame> truth = readFrame(referencePath(), first);
        QVERIFY(truth);
        const QString keyPath = dir.filePath(QStringLiteral("key.png"));
        QVERIFY(writeImage(keyPath, *truth));

        PropagateShotRequest req;
        req.mediaPath = test::samplePath();
        req.first = first;
        req.last = last;
        req.keyframes = {{first, keyPath}};
        req.method = defaultMethod();
        req.cache = cache;
        int64_t reports = 0;
        Feedback fb([&](int64_t, int64_t) { ++reports; });
        Result<void> ok = propagateShot(req, fb);
        QVERIFY2(ok, ok ? "" : qPrintable(describe(ok.error())));
        QVERIFY(reports >= last - first + 1); // per-frame progress
        for (FrameIndex f = first; f <= last; ++f)
            QVERIFY(cache.hasFrame(f));
        QVERIFY(!cache.hasFrame(first - 1));
        QVERIFY(!cache.hasFrame(last + 1));

        // Propagated colour beats grey against the truth, a few frames on.
        Result<Frame> propagated = readImage(cache.framePath(first + 8));
        Result<Frame> truth8 = readFrame(referencePath(), first + 8);
        Result<Frame> grey8 = readFrame(test::samplePath(), first + 8);
        QVERIFY(propagated && truth8 && grey8);
        const double pColour = *metrics::chromaPsnr(*propagated, *truth8);
        const double pGrey = *metrics::chromaPsnr(grey8->converted(PixelFormat::Rgb8), *truth8);
        qInfo("frame %d: propagated %.2f dB, grey %.2f dB", int(first + 8), pColour, pGrey);
        QVERIFY(pColour > pGrey + 1.0);

        // Export the range losslessly and check the frames are the cached colour.
        const QString out = dir.filePath(QStringLiteral("out.mkv"));
        ExportRequest ex;
        ex.mediaPath = test::samplePath();
        ex.output = out;
        ex.first = first;
        ex.last = last + 2; // two frames not coloured: they go out grey, with a warning
        ex.cache = cache;
        Feedback efb;
        Result<TranscodeReport> report = exportFilm(ex, efb);
        QVERIFY2(report, report ? "" : qPrintable(describe(report.error())));
        QCOMPARE(report->frames, int64_t(last + 2 - first + 1));
        QCOMPARE(efb.warnings().size(), 1);
        QVERIFY(efb.warnings().front().startsWith(QLatin1String("2 of 18")));
        Result<Frame> back = readFrame(out, 8);
        QVERIFY(back);
        QVERIFY(*metrics::psnr(*back, *propagated) > 40.0); // FFV1 in YUV: near lossless

        // Metrics over the cached run, against the reference.
        Feedback mfb;
        auto m = measureFilm(test::samplePath(), first, last + 5, cache, referencePath(), mfb);
        QVERIFY2(m, m ? "" : qPrintable(describe(m.error())));
        QCOMPARE(int(m->size()), int(last - first + 1)); // stops at the first uncached frame
        QCOMPARE(m->front().index, int64_t(first));
        QVERIFY(std::isfinite(m->at(3).psnr));
        QVERIFY(m->at(3).psnr > 20.0);
        QVERIFY(std::isfinite(m->at(3).flicker));
        QVERIFY(m->at(3).colourfulness > 0.0);
        Feedback nfb;
        QVERIFY(!measureFilm(test::samplePath(), 0, 10, cache, {}, nfb));
    }

    void propagateNeedsAKeyframe()
    {
        QTemporaryDir dir;
        PropagateShotRequest req;
        req.mediaPath = test::samplePath();
        req.first = 0;
        req.last = 10;
        req.cache = ResultCache(dir.path());
        Feedback fb;
        Result<void> r = propagateShot(req, fb);
        QVERIFY(!r);
        QVERIFY(r.error().message.contains(QLatin1String("keyframe")));
    }

    void detectsTheSampleShots()
    {
        Feedback fb;
        auto spans = detectShotSpans(test::samplePath(), fb);
        QVERIFY(spans);
        if (spans->size() == 1 && !fb.warnings().isEmpty())
            QSKIP("shot detection is not in this build");
        QCOMPARE(spans->size(), 3);
        QCOMPARE(spans->at(1).first, FrameIndex(60));
        QCOMPARE(spans->at(2).first, FrameIndex(120));
        QCOMPARE(spans->at(2).second, FrameIndex(179));
    }

    void thumbnailsVisitEveryNthFrame()
    {
        QVector<FrameIndex> seen;
        Feedback fb;
        QVERIFY(forEachNthFrame(
            test::samplePath(), 45,
            [&](FrameIndex f, const Frame &frame) {
                QCOMPARE(frame.width(), 640);
                seen.append(f);
            },
            fb));
        QCOMPARE(seen, (QVector<FrameIndex>{0, 45, 90, 135}));
    }

private:
    static QString defaultMethod() { return QStringLiteral("flow"); }
};

TINCTURE_TEST_MAIN(TestFilmOps)
#include "tst_filmops.moc"
