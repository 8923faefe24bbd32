// Training the keyframe model on a tiny generated photo set: packing, checkpoints, exact
// resuming after an interruption, validation CSV, and bad datasets.

#include "media/imageio.h"
#include "lab/dataset.h"
#include "ml/trainer.h"
#include "testsupport.h"
#include "testmain.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <random>

using namespace tincture::lab;

using namespace tincture;
using namespace tincture::ml;

class TestTrainer : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_packed;

    TrainOptions tinyOptions(const QString &out, int iterations) const
    {
        TrainOptions o;
        o.datasetPath = QFile::encodeName(m_packed).toStdString();
        o.valPath = o.datasetPath;
        o.outDir = QFile::encodeName(out).toStdString();
        o.threads = 1;
        o.cropSize = 32;
        o.iterations = iterations;
        o.batch = 2;
        o.baseWidth = 4;
        o.discWidth = 4;
        o.depth = 3;
        o.validateEvery = 2;
        o.checkpointEvery = 1;
        return o;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString photos = m_dir.filePath(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(photos));
        std::mt19937 rng(42);
        for (int i = 0; i < 6; ++i) {
            Frame f(48 + 8 * i, 40, PixelFormat::Rgb8); // non-square: centre-cropped
            const int r = int(rng() % 256), g = int(rng() % 256), b = int(rng() % 256);
            for (int y = 0; y < f.height(); ++y)
                for (int x = 0; x < f.width(); ++x) {
                    uint8_t *p = f.row(y) + 3 * x;
                    const bool sky = y < f.height() / 2;
                    p[0] = uint8_t(sky ? 80 : r);
                    p[1] = uint8_t(sky ? 140 : g);
                    p[2] = uint8_t(sky ? 230 : (b + x) % 256);
                }
            QVERIFY(writeImage(QStringLiteral("%1/p%2.png").arg(photos).arg(i), f));
        }
        // A grey photograph and a broken file are skipped with warnings.
        Frame grey(40, 40, PixelFormat::Rgb8);
        QVERIFY(writeImage(photos + QStringLiteral("/grey.png"), grey));
        QFile broken(photos + QStringLiteral("/broken.jpg"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("not a jpeg");
        broken.close();

        m_packed = m_dir.filePath(QStringLiteral("train.tcds"));
        Feedback feedback;
        auto report = packDataset(photos, m_packed, 32, feedback);
        QVERIFY2(report, report ? "" : qPrintable(report.error().message));
        QCOMPARE(report->packed, 6);
        QCOMPARE(report->skipped, 2);
        QCOMPARE(feedback.warnings().size(), qsizetype(2));
        QCOMPARE(QFileInfo(m_packed).size(), qint64(8 + 16 + 6 * 32 * 32 * 3));
    }

    void packingRefusesEmptyFolders()
    {
        const QString empty = m_dir.filePath(QStringLiteral("empty"));
        QVERIFY(QDir().mkpath(empty));
        Feedback feedback;
        auto report = packDataset(empty, m_dir.filePath(QStringLiteral("x.tcds")), 32, feedback);
        QVERIFY(!report);
        QVERIFY(report.error().message.contains(empty));
        QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("x.tcds"))));
    }

    // With and without hint inputs (simulated user points drawn from the iteration's seed).
    void resumingContinuesExactly_data()
    {
        QTest::addColumn<int>("hints");
        QTest::newRow("grey only") << 0;
        QTest::newRow("hint channels") << 3;
    }

    void resumingContinuesExactly()
    {
        QFETCH(int, hints);
        auto options = [&](const QString &out) {
            TrainOptions o = tinyOptions(out, 4);
            o.hintChannels = hints;
            return o;
        };
        // Uninterrupted: 4 iterations.
        const QString straight = m_dir.filePath(QStringLiteral("straight%1").arg(hints));
        QVERIFY(QDir().mkpath(straight));
        auto nop = [](const std::string &) {};
        auto all = trainColorizer(
            options(straight), [](const TrainProgress &) { return true; }, nop);
        QVERIFY2(all.ok, all.error.c_str());
        QCOMPARE(all.iterations, 4);
        QVERIFY(all.last.validated);
        QVERIFY(all.last.valPsnr > 5.0 && all.last.valPsnr < 100.0);
        QCOMPARE(std::isfinite(all.last.valPsnr10Points), hints > 0);
        if (hints > 0)
            QVERIFY(all.last.valPsnr10Points > 5.0 && all.last.valPsnr10Points < 100.0);

        // Interrupted after 3 (the progress callback says stop), then resumed to 4.
        const QString split = m_dir.filePath(QStringLiteral("split%1").arg(hints));
        QVERIFY(QDir().mkpath(split));
        auto first = trainColorizer(
            options(split), [](const TrainProgress &p) { return p.iteration < 3; }, nop);
        QVERIFY(first.cancelled);
        QCOMPARE(first.iterations, 3);
        const QString checkpoint = split + QStringLiteral("/checkpoint.pt");
        QVERIFY(QFileInfo::exists(checkpoint));
        TrainOptions resume = tinyOptions(split, 4);
        resume.resumePath = QFile::encodeName(checkpoint).toStdString();
        resume.baseWidth = 99; // the checkpoint's architecture wins (its hint channels too)
        auto rest = trainColorizer(
            resume, [](const TrainProgress &) { return true; }, nop);
        QVERIFY2(rest.ok, rest.error.c_str());
        QCOMPARE(rest.iterations, 4);

        const QByteArray a = test::fileBytes(straight + QStringLiteral("/generator.safetensors"));
        const QByteArray b = test::fileBytes(split + QStringLiteral("/generator.safetensors"));
        QVERIFY(!a.isEmpty());
        QCOMPARE(a.size(), b.size());
        QVERIFY2(a == b, "the resumed run's weights differ from the uninterrupted run's");

        // The CSV has one row per validation (iterations 2 and 4) after its header.
        const QList<QByteArray> rows =
            test::fileBytes(split + QStringLiteral("/validation.csv")).trimmed().split('\n');
        QCOMPARE(rows.size(), 3);
        QVERIFY(rows[0].startsWith("iteration,val_psnr_db"));
        QVERIFY(rows[2].startsWith("4,"));
    }

    void exportsTheMovingAverage()
    {
        // The moving average never feeds back into training, so with and without it the trained
        // nets are the same; only the exported weights differ (and say so in their metadata).
        auto nop = [](const std::string &) {};
        auto run = [&](const char *name, double decay) {
            const QString out = m_dir.filePath(QString::fromLatin1(name));
            if (!QDir().mkpath(out))
                return QByteArray();
            TrainOptions o = tinyOptions(out, 4);
            o.emaDecay = decay;
            const auto r = trainColorizer(
                o, [](const TrainProgress &) { return true; }, nop);
            return r.ok ? test::fileBytes(out + QStringLiteral("/generator.safetensors"))
                        : QByteArray();
        };
        const QByteArray live = run("live", 0.0), averaged = run("averaged", 0.5);
        QVERIFY(!live.isEmpty() && !averaged.isEmpty());
        QVERIFY(live != averaged);
        QVERIFY(!live.contains("ema_decay"));
        QVERIFY(averaged.contains("\"ema_decay\":\"0.5"));
        QCOMPARE(run("live-again", 0.0), live); // deterministic: the difference is the average
    }

    void badInputs()
    {
        auto nop = [](const std::string &) {};
        auto yes = [](const TrainProgress &) { return true; };
        const QString out = m_dir.filePath(QStringLiteral("bad"));
        QVERIFY(QDir().mkpath(out));
        TrainOptions o = tinyOptions(out, 1);
        o.datasetPath =
            QFile::encodeName(m_dir.filePath(QStringLiteral("nosuch.tcds"))).toStdString();
        auto missing = trainColorizer(o, yes, nop);
        QVERIFY(!missing.ok && !missing.cancelled);
        QVERIFY(missing.error.find("nosuch.tcds") != std::string::npos);

        const QString truncated = m_dir.filePath(QStringLiteral("truncated.tcds"));
        QFile::copy(m_packed, truncated);
        QFile t(truncated);
        QVERIFY(t.resize(1000));
        o = tinyOptions(out, 1);
        o.datasetPath = QFile::encodeName(truncated).toStdString();
        auto cut = trainColorizer(o, yes, nop);
        QVERIFY(!cut.ok);
        QVERIFY(cut.error.find("truncated") != std::string::npos);

        o = tinyOptions(out, 1);
        o.cropSize = 20; // not a multiple of 2^3
        auto crop = trainColorizer(o, yes, nop);
        QVERIFY(!crop.ok);
        QVERIFY(crop.error.find("multiple") != std::string::npos);
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
