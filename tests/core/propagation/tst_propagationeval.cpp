// The propagation protocol on a tiny synthetic dataset written to a temporary folder:
// dataset walking, per-sequence means, the results mode, JSON, and the protocol's grey.

#include "metrics/imagemetrics.h"
#include "lab/scoringio.h"
#include "lab/evaluation.h"
#include "testmain.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace tincture::propagation;
using namespace tincture::lab;

using namespace tincture;

namespace {

Frame pattern(int w, int h, double shift, int hue)
{
    Frame f(w, h, PixelFormat::Rgb8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double u = x - shift;
            const double a = std::sin(u * 0.3 + hue) * std::cos(y * 0.2);
            f.row(y)[x * 3] = uint8_t(std::lround(128 + 90 * a));
            f.row(y)[x * 3 + 1] = uint8_t(std::lround(128 + 50 * std::cos(u * 0.15 + hue)));
            f.row(y)[x * 3 + 2] = uint8_t(std::lround(128 - 80 * a));
        }
    return f;
}

// DIR/<name>/0000i.png: "static" (4 identical frames), "moving" (5 frames, 1 px per frame),
// and an empty folder.
void writeDataset(const QString &root)
{
    QDir(root).mkpath(QStringLiteral("static"));
    QDir(root).mkpath(QStringLiteral("moving"));
    QDir(root).mkpath(QStringLiteral("empty"));
    for (int i = 0; i < 4; ++i)
        QVERIFY(lab::writeScoringImage(
                    QStringLiteral("%1/static/%2.png").arg(root).arg(i, 5, 10, QLatin1Char('0')),
                    pattern(40, 30, 0, 1))
                    .hasValue());
    for (int i = 0; i < 5; ++i)
        QVERIFY(lab::writeScoringImage(
                    QStringLiteral("%1/moving/%2.png").arg(root).arg(i, 5, 10, QLatin1Char('0')),
                    pattern(40, 30, i, 0))
                    .hasValue());
}

} // namespace

class TestPropagationEval : public QObject
{
    Q_OBJECT

private slots:
    void protocolGreyRoundsAsOpenCv()
    {
        // Y = (4899·R + 9617·G + 1868·B + 2^13) >> 14: red 76, green 150, blue 29.
        Frame f(3, 1, PixelFormat::Rgb8);
        uint8_t *p = f.data();
        p[0] = 255;
        p[4] = 255;
        p[8] = 255;
        const Frame g = protocolGrey(f);
        QCOMPARE(g.format(), PixelFormat::Gray8);
        QCOMPARE(int(g.constRow(0)[0]), 76);
        QCOMPARE(int(g.constRow(0)[1]), 150);
        QCOMPARE(int(g.constRow(0)[2]), 29);
    }

    void listsSequences()
    {
        QTemporaryDir dir;
        writeDataset(dir.path());
        Feedback feedback;
        auto seqs = listEvalSequences(dir.path(), 0, feedback);
        QVERIFY(seqs.hasValue());
        QCOMPARE(int(seqs->size()), 2);
        QCOMPARE((*seqs)[0].name, QStringLiteral("moving"));
        QCOMPARE((*seqs)[0].framePaths.size(), 5);
        QVERIFY((*seqs)[0].framePaths[0].endsWith(QStringLiteral("moving/00000.png")));
        QCOMPARE(feedback.warnings().size(), 1); // "empty" left out
        Feedback f2;
        QCOMPARE((*listEvalSequences(dir.path(), 3, f2))[0].framePaths.size(), 3);

        Feedback f3;
        QCOMPARE(listEvalSequences(dir.filePath(QStringLiteral("nope")), 0, f3).error().code,
                 ErrorCode::FileNotFound);
        QTemporaryDir empty;
        QCOMPARE(listEvalSequences(empty.path(), 0, f3).error().code, ErrorCode::FileEmpty);
    }

    void scoresPerSequenceThenOverSequences()
    {
        QTemporaryDir dir, saved;
        writeDataset(dir.path());
        Feedback feedback;
        PropagationEvalOptions options;
        options.dataDir = dir.path();
        options.method = QStringLiteral("copy0");
        options.saveDir = saved.path();
        auto report = evaluatePropagation(options, feedback);
        QVERIFY2(report.hasValue(), report.hasValue() ? "" : qPrintable(report.error().message));
        QCOMPARE(int(report->sequences.size()), 2);
        QCOMPARE(report->framesScored, int64_t(9));
        QCOMPARE(feedback.fraction(), 1.0);
        const SequenceScore &moving = report->sequences[0], &still = report->sequences[1];
        QCOMPARE(int(moving.framePsnr.size()), 5);
        // Identical frames: every frame scores like frame 0.
        for (double v : still.framePsnr)
            QCOMPARE(v, still.framePsnr[0]);
        // Moving content loses colour accuracy under copy0 as it drifts away.
        QVERIFY(moving.framePsnr[4] < moving.framePsnr[1]);
        double sum = 0;
        for (double v : moving.framePsnr)
            sum += v;
        QVERIFY(std::abs(moving.meanPsnr - sum / 5) < 1e-9);
        QVERIFY(std::abs(report->meanPsnr - (moving.meanPsnr + still.meanPsnr) / 2) < 1e-9);

        // The frame scores are chromaPsnr of the saved outputs against the truth.
        const Frame out3 =
            *lab::readScoringImage(saved.filePath(QStringLiteral("moving/00003.png")));
        const Frame truth3 =
            *lab::readScoringImage(dir.filePath(QStringLiteral("moving/00003.png")));
        QCOMPARE(*metrics::chromaPsnr(out3, truth3), moving.framePsnr[3]);

        // Scoring the saved outputs in results mode gives the same table.
        PropagationEvalOptions again;
        again.dataDir = dir.path();
        again.resultsDir = saved.path();
        auto rescored = evaluatePropagation(again, feedback);
        QVERIFY(rescored.hasValue());
        QCOMPARE(rescored->meanPsnr, report->meanPsnr);

        // --frames 2: only frames 0 and 1 count.
        PropagationEvalOptions two = options;
        two.saveDir.clear();
        two.maxFrames = 2;
        auto short2 = evaluatePropagation(two, feedback);
        QCOMPARE(int(short2->sequences[0].framePsnr.size()), 2);
        QCOMPARE(short2->sequences[0].framePsnr[1], moving.framePsnr[1]);

        // JSON: mean and per-sequence means.
        const QJsonObject json = QJsonDocument::fromJson(evalReportJson(*report)).object();
        QCOMPARE(json.value(QStringLiteral("mean_psnr")).toDouble(), report->meanPsnr);
        QCOMPARE(json.value(QStringLiteral("per_sequence"))
                     .toObject()
                     .value(QStringLiteral("moving"))
                     .toDouble(),
                 moving.meanPsnr);
        QCOMPARE(json.value(QStringLiteral("sequences")).toInt(), 2);
        QVERIFY(evalReportTable(*report).contains(QStringLiteral("moving")));
    }

    void flowBeatsCopyBeatsGrey()
    {
        QTemporaryDir dir;
        writeDataset(dir.path());
        double mean[3] = {};
        int k = 0;
        for (const char *method : {"grey", "copy0", "flow"}) {
            Feedback feedback;
            PropagationEvalOptions options;
            options.dataDir = dir.path();
            options.method = QString::fromLatin1(method);
            mean[k++] = evaluatePropagation(options, feedback)->sequences[0].meanPsnr; // moving
        }
        QVERIFY2(mean[0] < mean[1] && mean[1] < mean[2],
                 qPrintable(QStringLiteral("%1 %2 %3").arg(mean[0]).arg(mean[1]).arg(mean[2])));
    }

    void resultsErrors()
    {
        QTemporaryDir dir, results;
        writeDataset(dir.path());
        Feedback feedback;
        PropagationEvalOptions options;
        options.dataDir = dir.path();
        options.resultsDir = results.path();
        QCOMPARE(evaluatePropagation(options, feedback).error().code, ErrorCode::FileNotFound);
        // A result of the wrong size.
        QDir(results.path()).mkpath(QStringLiteral("moving"));
        QVERIFY(lab::writeScoringImage(results.filePath(QStringLiteral("moving/00000.png")),
                                       pattern(20, 30, 0, 0))
                    .hasValue());
        QCOMPARE(evaluatePropagation(options, feedback).error().code, ErrorCode::SizeMismatch);
        options.resultsDir.clear();
        options.method = QStringLiteral("nope");
        QCOMPARE(evaluatePropagation(options, feedback).error().code, ErrorCode::InvalidArgument);
    }

    void cancels()
    {
        QTemporaryDir dir;
        writeDataset(dir.path());
        Feedback feedback;
        feedback.cancel();
        PropagationEvalOptions options;
        options.dataDir = dir.path();
        QVERIFY(evaluatePropagation(options, feedback).error().isCancelled());
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestPropagationEval)
#include "tst_propagationeval.moc"
