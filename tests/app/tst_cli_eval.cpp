// tincture-cli eval: the propagation protocol end to end on a tiny synthetic dataset, its table,
// JSON and exit codes (0 ok, 1 bad input, 2 usage).

#include "metrics/scoringio.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace tincture;
using tincture::test::runCli;

namespace {

Frame pattern(int w, int h, double shift)
{
    Frame f(w, h, PixelFormat::Rgb8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double a = std::sin((x - shift) * 0.3) * std::cos(y * 0.2);
            f.row(y)[x * 3] = uint8_t(std::lround(128 + 90 * a));
            f.row(y)[x * 3 + 1] = uint8_t(std::lround(128 + 40 * std::cos((x - shift) * 0.1)));
            f.row(y)[x * 3 + 2] = uint8_t(std::lround(128 - 80 * a));
        }
    return f;
}

// DIR/alpha (3 frames) and DIR/beta (4 frames), content moving 1 px per frame.
bool writeDataset(const QString &root)
{
    for (const auto &[name, n] : {std::pair{QStringLiteral("alpha"), 3}, std::pair{QStringLiteral("beta"), 4}}) {
        if (!QDir(root).mkpath(name))
            return false;
        for (int i = 0; i < n; ++i)
            if (!metrics::writeScoringImage(
                     QStringLiteral("%1/%2/%3.png").arg(root, name).arg(i, 5, 10, QLatin1Char('0')),
                     pattern(36, 28, i))
                     .hasValue())
                return false;
    }
    return true;
}

} // namespace

class TestCliEval : public QObject
{
    Q_OBJECT

private slots:
    void propagationTableAndJson()
    {
        QTemporaryDir data, out;
        QVERIFY(writeDataset(data.path()));
        const QString json = out.filePath(QStringLiteral("scores.json"));
        const auto r = runCli({QStringLiteral("eval"), QStringLiteral("propagation"),
                               QStringLiteral("--data"), data.path(), QStringLiteral("--method"),
                               QStringLiteral("flow"), QStringLiteral("--json"), json,
                               QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QStringLiteral("alpha")));
        QVERIFY(r.out.contains(QStringLiteral("beta")));
        const auto m = QRegularExpression(QStringLiteral("mean PSNR over 2 sequences.*: ([0-9.]+) dB"))
                           .match(r.out);
        QVERIFY2(m.hasMatch(), qPrintable(r.out));

        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        const double mean = o.value(QStringLiteral("mean_psnr")).toDouble();
        QVERIFY(mean > 10 && mean < 100);
        QVERIFY(std::abs(mean - m.captured(1).toDouble()) < 0.0005); // the table rounds to 3
        const QJsonObject per = o.value(QStringLiteral("per_sequence")).toObject();
        QCOMPARE(per.size(), 2);
        QVERIFY(std::abs((per.value(QStringLiteral("alpha")).toDouble()
                          + per.value(QStringLiteral("beta")).toDouble()) / 2 - mean) < 1e-9);
        QCOMPARE(o.value(QStringLiteral("frames_per_sequence")).toObject().value(QStringLiteral("beta")).toInt(), 4);
        QCOMPARE(o.value(QStringLiteral("method")).toString(), QStringLiteral("flow"));
    }

    void savedFramesRescoreIdentically()
    {
        QTemporaryDir data, saved, out;
        QVERIFY(writeDataset(data.path()));
        const QString a = out.filePath(QStringLiteral("a.json")), b = out.filePath(QStringLiteral("b.json"));
        auto r = runCli({QStringLiteral("eval"), QStringLiteral("propagation"), QStringLiteral("--data"),
                         data.path(), QStringLiteral("--method"), QStringLiteral("copy0"),
                         QStringLiteral("--frames"), QStringLiteral("2"), QStringLiteral("--save"),
                         saved.path(), QStringLiteral("--json"), a, QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(saved.filePath(QStringLiteral("beta/00001.png"))));
        QVERIFY(!QFile::exists(saved.filePath(QStringLiteral("beta/00002.png")))); // --frames 2
        r = runCli({QStringLiteral("eval"), QStringLiteral("propagation"), QStringLiteral("--data"),
                    data.path(), QStringLiteral("--results"), saved.path(), QStringLiteral("--frames"),
                    QStringLiteral("2"), QStringLiteral("--json"), b, QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile fa(a), fb(b);
        QVERIFY(fa.open(QIODevice::ReadOnly) && fb.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(fb.readAll()).object().value(QStringLiteral("mean_psnr")).toDouble(),
                 QJsonDocument::fromJson(fa.readAll()).object().value(QStringLiteral("mean_psnr")).toDouble());
        // All frames asked for, but only two saved: a missing result frame is bad input.
        r = runCli({QStringLiteral("eval"), QStringLiteral("propagation"), QStringLiteral("--data"),
                    data.path(), QStringLiteral("--results"), saved.path(), QStringLiteral("--quiet")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QStringLiteral("missing result frame")));
    }

    void exitCodes_data()
    {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<bool>("useData"); // --data the dataset (else a missing/empty folder)
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing dir") << QStringList{QStringLiteral("--data"), QStringLiteral("MISSING")}
                                     << false << 1 << QStringLiteral("no such folder");
        QTest::newRow("empty dir") << QStringList{QStringLiteral("--data"), QStringLiteral("EMPTY")}
                                   << false << 1 << QStringLiteral("no sequences");
        QTest::newRow("bad method") << QStringList{QStringLiteral("--method"), QStringLiteral("magic")}
                                    << true << 2 << QStringLiteral("unknown method 'magic'");
        QTest::newRow("bad frames") << QStringList{QStringLiteral("--frames"), QStringLiteral("0")}
                                    << true << 2 << QStringLiteral("--frames");
        QTest::newRow("no data") << QStringList{} << false << 2 << QStringLiteral("--data");
        QTest::newRow("results and method")
            << QStringList{QStringLiteral("--results"), QStringLiteral("x"), QStringLiteral("--method"),
                           QStringLiteral("flow")}
            << true << 2 << QStringLiteral("cannot be combined");
    }
    void exitCodes()
    {
        QFETCH(QStringList, extra);
        QFETCH(bool, useData);
        QFETCH(int, code);
        QFETCH(QString, message);
        QTemporaryDir data, empty;
        QVERIFY(writeDataset(data.path()));
        QStringList args = {QStringLiteral("eval"), QStringLiteral("propagation"), QStringLiteral("--quiet")};
        if (useData)
            args << QStringLiteral("--data") << data.path();
        for (QString a : extra) {
            if (a == QLatin1String("MISSING"))
                a = data.filePath(QStringLiteral("not-there"));
            else if (a == QLatin1String("EMPTY"))
                a = empty.path();
            args << a;
        }
        const auto r = runCli(args);
        QCOMPARE(r.exitCode, code);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void otherTargetsAreNotYetAvailable()
    {
        for (const QString &target : {QStringLiteral("images"), QStringLiteral("video")}) {
            const auto r = runCli({QStringLiteral("eval"), target, QStringLiteral("--data"), QStringLiteral("x")});
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains(QStringLiteral("not yet available")), qPrintable(r.err));
        }
        const auto r = runCli({QStringLiteral("eval"), QStringLiteral("colours")});
        QCOMPARE(r.exitCode, 2);
        const auto help = runCli({QStringLiteral("eval"), QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains(QStringLiteral("propagation")));
    }
};

QTEST_GUILESS_MAIN(TestCliEval)
#include "tst_cli_eval.moc"
