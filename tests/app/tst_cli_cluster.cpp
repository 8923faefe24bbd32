// A film as shot tasks through tincture-cli, as a scheduler's array tasks run it: `plan`,
// `render-shot` per shot, `assemble`, `status`. The assembled film has the same frames and
// provenance as `colorize` with the same options (on the bundled sample, and with a range that
// cuts through shots, a given keyframe image and scribbles); plans are deterministic; a
// finished part is kept unless --force; a render or assembly killed at any moment leaves
// nothing that counts as finished and a rerun completes the film; bad plans, changed inputs,
// another plan's parts folder and missing or damaged parts are refused with exit 1, nothing
// written under the output name.

#include "media/imageio.h"
#include "media/videosource.h"
#include "pipeline/provenance.h"
#include "testmain.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace tincture;
using namespace tincture::test;

namespace {

QString ok(const ProcessResult &r)
{
    return QStringLiteral("exit %1: %2").arg(r.exitCode).arg(r.err);
}

// Every decoded frame's pixel hash, or an empty list when the film cannot be read.
QStringList frameHashes(const QString &path)
{
    auto film = VideoSource::open(path);
    if (!film)
        return {};
    QStringList hashes;
    for (FrameIndex i = 0; i < (*film)->frameCount(); ++i) {
        Result<Frame> f = (*film)->frame(i);
        if (!f)
            return {};
        hashes << pipeline::pixelSha256(*f);
    }
    return hashes;
}

QJsonObject provenanceOf(const QString &path)
{
    const ProcessResult r = runCli({QStringLiteral("info"), path});
    return QJsonDocument::fromJson(r.out.toUtf8())
        .object()
        .value(QStringLiteral("provenance"))
        .toObject();
}

QStringList partFiles(const QString &dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden, QDir::Name);
}

} // namespace

class TestCliCluster : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString &name) const { return m_dir.filePath(name); }

    // plan → render-shot for every shot (in reverse, as a scheduler may) → assemble.
    void planRenderAssemble(const QStringList &options, const QString &plan, const QString &parts,
                            const QString &out)
    {
        ProcessResult r =
            runCli(QStringList{QStringLiteral("plan"), samplePath(), QStringLiteral("-o"), plan,
                               QStringLiteral("--quiet")} +
                   options);
        QVERIFY2(r.exitCode == 0, qPrintable(ok(r)));
        const int shots = QJsonDocument::fromJson(fileBytes(plan))
                              .object()
                              .value(QStringLiteral("shots"))
                              .toArray()
                              .size();
        QVERIFY(shots >= 2);
        for (int k = shots - 1; k >= 0; --k) {
            r = runCli({QStringLiteral("render-shot"), plan, QStringLiteral("--shot"),
                        QString::number(k), QStringLiteral("-o"), parts, QStringLiteral("--quiet")},
                       300000);
            QVERIFY2(r.exitCode == 0, qPrintable(ok(r)));
        }
        r = runCli({QStringLiteral("assemble"), plan, parts, QStringLiteral("-o"), out,
                    QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(ok(r)));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QFileInfo::exists(samplePath()));
        // A keyframe image and scribbles of the sample's size (640×360).
        Frame key(640, 360, PixelFormat::Rgb8);
        for (int y = 0; y < 360; ++y)
            for (int x = 0; x < 640; ++x) {
                uint8_t *p = key.row(y) + 3 * x;
                p[0] = uint8_t(60 + x / 4), p[1] = uint8_t(90 + y / 3), p[2] = uint8_t(200 - x / 5);
            }
        QVERIFY(writeImage(path(QStringLiteral("key.png")), key));
        Frame hints(640, 360, PixelFormat::Rgba8);
        for (int y = 100; y < 110; ++y)
            for (int x = 200; x < 260; ++x) {
                uint8_t *p = hints.row(y) + 4 * x;
                p[0] = 220, p[1] = 60, p[2] = 40, p[3] = 255;
            }
        QVERIFY(writeImage(path(QStringLiteral("hints.png")), hints));
    }

    void sameFilmAsColorize_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::newRow("sample") << QStringList{};
        // A range that starts and ends inside shots, a given keyframe and scribbles.
        QTest::newRow("range, keyframe, hints")
            << QStringList{QStringLiteral("--first"),
                           QStringLiteral("30"),
                           QStringLiteral("--last"),
                           QStringLiteral("140"),
                           QStringLiteral("--keyframe"),
                           QStringLiteral("70=") + path(QStringLiteral("key.png")),
                           QStringLiteral("--hints"),
                           QStringLiteral("150=") + path(QStringLiteral("hints.png"))};
        // Colour computed at a third of the size and delivered at the film's (the last half).
        QTest::newRow("working height")
            << QStringList{QStringLiteral("--first"),
                           QStringLiteral("90"),
                           QStringLiteral("--working-height"),
                           QStringLiteral("120"),
                           QStringLiteral("--hints"),
                           QStringLiteral("150=") + path(QStringLiteral("hints.png"))};
    }

    void sameFilmAsColorize()
    {
        QFETCH(QStringList, options);
        const QString tag = QString::fromLatin1(QTest::currentDataTag()).left(5);
        const QString plan = path(tag + QStringLiteral(".plan.json"));
        const QString parts = path(tag + QStringLiteral("-parts"));
        const QString assembled = path(tag + QStringLiteral("-assembled.mp4"));
        planRenderAssemble(options, plan, parts, assembled);

        // Deterministic: the same film and options give the same plan.
        const QString again = path(tag + QStringLiteral(".plan2.json"));
        ProcessResult r =
            runCli(QStringList{QStringLiteral("plan"), samplePath(), QStringLiteral("-o"), again,
                               QStringLiteral("--quiet")} +
                   options);
        QVERIFY2(r.exitCode == 0, qPrintable(ok(r)));
        QCOMPARE(fileBytes(again), fileBytes(plan));

        const QString single = path(tag + QStringLiteral("-single.mp4"));
        r = runCli(QStringList{QStringLiteral("colorize"), samplePath(), QStringLiteral("-o"),
                               single, QStringLiteral("--quiet")} +
                       options,
                   300000);
        QVERIFY2(r.exitCode == 0, qPrintable(ok(r)));
        const QStringList a = frameHashes(assembled), s = frameHashes(single);
        QVERIFY(!s.isEmpty());
        QCOMPARE(a.size(), s.size());
        for (int i = 0; i < a.size(); ++i)
            QVERIFY2(a[i] == s[i], qPrintable(QStringLiteral("frame %1 differs").arg(i)));
        // The same provenance: shots, keyframes (with their hashes), method, range.
        const QJsonObject pa = provenanceOf(assembled), ps = provenanceOf(single);
        QVERIFY(!ps.isEmpty());
        QCOMPARE(pa, ps);
        QCOMPARE(fileBytes(assembled + QStringLiteral(".provenance.json")),
                 fileBytes(single + QStringLiteral(".provenance.json")));
        // And the sound.
        QCOMPARE((*VideoSource::open(assembled))->info().audioStreams,
                 (*VideoSource::open(single))->info().audioStreams);
    }

    void finishedPartIsKeptUnlessForced()
    {
        const QString plan = path(QStringLiteral("sampl.plan.json"));
        const QString parts = path(QStringLiteral("sampl-parts"));
        QVERIFY(QFileInfo::exists(plan));
        const QString record = QDir(parts).filePath(QStringLiteral("shot-0001.done.json"));
        const QDateTime before = QFileInfo(record).lastModified();
        ProcessResult r = runCli({QStringLiteral("render-shot"), plan, QStringLiteral("--shot"),
                                  QStringLiteral("1"), QStringLiteral("-o"), parts});
        QVERIFY2(r.exitCode == 0, qPrintable(ok(r)));
        QVERIFY2(r.err.contains(QStringLiteral("already finished")), qPrintable(r.err));
        QCOMPARE(QFileInfo(record).lastModified(), before);
        QThread::msleep(20);
        r = runCli({QStringLiteral("render-shot"), plan, QStringLiteral("--shot"),
                    QStringLiteral("1"), QStringLiteral("-o"), parts, QStringLiteral("--force"),
                    QStringLiteral("--quiet")},
                   300000);
        QVERIFY2(r.exitCode == 0, qPrintable(ok(r)));
        QVERIFY(QFileInfo(record).lastModified() > before);
        // Rendered again, the part is the same (rendering is deterministic).
        r = runCli({QStringLiteral("assemble"), plan, parts, QStringLiteral("-o"),
                    path(QStringLiteral("forced.mp4")), QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(ok(r)));
        QCOMPARE(frameHashes(path(QStringLiteral("forced.mp4"))),
                 frameHashes(path(QStringLiteral("sampl-assembled.mp4"))));
    }

    void statusReportsEveryShot()
    {
        const QString plan = path(QStringLiteral("sampl.plan.json"));
        const QString parts = path(QStringLiteral("status-parts"));
        ProcessResult r =
            runCli({QStringLiteral("status"), plan, parts, QStringLiteral("--array")});
        QVERIFY2(r.exitCode == 0, qPrintable(ok(r)));
        QCOMPARE(r.out, QStringLiteral("0-2\n"));
        QVERIFY(!QFileInfo::exists(parts)); // status writes nothing
        r = runCli({QStringLiteral("render-shot"), plan, QStringLiteral("--shot"),
                    QStringLiteral("1"), QStringLiteral("-o"), parts, QStringLiteral("--quiet")},
                   300000);
        QVERIFY2(r.exitCode == 0, qPrintable(ok(r)));
        r = runCli({QStringLiteral("status"), plan, parts, QStringLiteral("--array")});
        QCOMPARE(r.out, QStringLiteral("0,2\n"));
        r = runCli({QStringLiteral("status"), plan, parts, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, qPrintable(ok(r)));
        const QJsonObject json = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonArray shots = json.value(QStringLiteral("shots")).toArray();
        QCOMPARE(shots.size(), 3);
        QCOMPARE(shots[1].toObject().value(QStringLiteral("state")).toString(),
                 QStringLiteral("done"));
        QCOMPARE(shots[0].toObject().value(QStringLiteral("state")).toString(),
                 QStringLiteral("pending"));
        QCOMPARE(
            json.value(QStringLiteral("counts")).toObject().value(QStringLiteral("done")).toInt(),
            1);
        r = runCli({QStringLiteral("status"), plan, parts});
        QVERIFY(r.out.contains(QStringLiteral("3 shots: 1 done, 0 running, 0 failed, 2 pending")));
    }

    // kill -9 at a random moment of render-shot, then of assemble.
    void killedTasksLeaveNothingFinished()
    {
        const QString plan = path(QStringLiteral("sampl.plan.json"));
        const QString parts = path(QStringLiteral("kill-parts"));
        const QString out = path(QStringLiteral("kill.mp4"));
        const quint32 seed = QRandomGenerator::global()->generate();
        qInfo("kill seed %u", seed);
        QRandomGenerator rng(seed);
        for (int k = 0; k < 3; ++k) {
            QProcess p;
            p.start(cliPath(),
                    {QStringLiteral("render-shot"), plan, QStringLiteral("--shot"),
                     QString::number(k), QStringLiteral("-o"), parts, QStringLiteral("--quiet")});
            QVERIFY(p.waitForStarted());
            // Somewhere between start-up and the end of the shot's ~4 s.
            const bool finished = p.waitForFinished(int(rng.bounded(200, 4000)));
            if (!finished) {
                p.kill();
                p.waitForFinished();
            }
            const ProcessResult st =
                runCli({QStringLiteral("status"), plan, parts, QStringLiteral("--json")});
            const QJsonObject shot = QJsonDocument::fromJson(st.out.toUtf8())
                                         .object()
                                         .value(QStringLiteral("shots"))
                                         .toArray()[k]
                                         .toObject();
            const QString state = shot.value(QStringLiteral("state")).toString();
            if (finished && p.exitCode() == 0) {
                QCOMPARE(state, QStringLiteral("done"));
                continue;
            }
            // Killed: not finished, and status says the process is gone (if it got that far).
            QVERIFY2(state == QLatin1String("failed") || state == QLatin1String("pending"),
                     qPrintable(state));
            QVERIFY(!QFileInfo::exists(QDir(parts).filePath(
                QStringLiteral("shot-%1.done.json").arg(k, 4, 10, QLatin1Char('0')))));
            if (state == QLatin1String("failed"))
                QVERIFY2(shot.value(QStringLiteral("detail"))
                             .toString()
                             .contains(QStringLiteral("gone")),
                         qPrintable(shot.value(QStringLiteral("detail")).toString()));
        }
        // Assembling now refuses, naming the shots to render again, and writes nothing.
        ProcessResult r =
            runCli({QStringLiteral("status"), plan, parts, QStringLiteral("--array")});
        const QString open = r.out.trimmed();
        if (!open.isEmpty()) {
            r = runCli({QStringLiteral("assemble"), plan, parts, QStringLiteral("-o"), out});
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains(QStringLiteral("render shots")), qPrintable(r.err));
            QVERIFY(!QFileInfo::exists(out));
        }
        // Rerunning the unfinished shots completes the film.
        for (const QString &k : open.split(QLatin1Char(','), Qt::SkipEmptyParts))
            for (int shot = k.section(QLatin1Char('-'), 0, 0).toInt();
                 shot <= k.section(QLatin1Char('-'), -1).toInt(); ++shot) {
                r = runCli({QStringLiteral("render-shot"), plan, QStringLiteral("--shot"),
                            QString::number(shot), QStringLiteral("-o"), parts,
                            QStringLiteral("--quiet")},
                           300000);
                QVERIFY2(r.exitCode == 0, qPrintable(ok(r)));
            }
        // Assembly killed midway leaves nothing under the output name.
        QProcess p;
        p.start(cliPath(), {QStringLiteral("assemble"), plan, parts, QStringLiteral("-o"), out,
                            QStringLiteral("--quiet")});
        QVERIFY(p.waitForStarted());
        if (!p.waitForFinished(int(rng.bounded(100, 3000)))) {
            p.kill();
            p.waitForFinished();
            QVERIFY(!QFileInfo::exists(out));
        }
        r = runCli({QStringLiteral("assemble"), plan, parts, QStringLiteral("-o"), out,
                    QStringLiteral("-y"), QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(ok(r)));
        QCOMPARE(frameHashes(out), frameHashes(path(QStringLiteral("sampl-assembled.mp4"))));
        // What the killed runs left beside the parts is gone after the next write there.
        QCOMPARE(QDir(parts).entryList({QStringLiteral("*.tincture-tmp-*")},
                                       QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList());
    }

    void badPlansAreRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("message");
        QTest::newRow("not JSON") << QByteArray("{\"tinctureFilmPlan\": 1,")
                                  << QStringLiteral("not JSON");
        QTest::newRow("other JSON")
            << QByteArray("{\"shots\": []}") << QStringLiteral("not a Tincture plan");
        QByteArray newer = fileBytes(m_dir.filePath(QStringLiteral("sampl.plan.json")));
        newer.replace("\"tinctureFilmPlan\": 1", "\"tinctureFilmPlan\": 2");
        QTest::newRow("version 2") << newer << QStringLiteral("version 2");
        QByteArray noShots = fileBytes(m_dir.filePath(QStringLiteral("sampl.plan.json")));
        noShots.replace("\"shots\"", "\"shotz\"");
        QTest::newRow("field missing") << noShots << QStringLiteral("\"shots\" is missing");
        QByteArray tiny = fileBytes(m_dir.filePath(QStringLiteral("sampl.plan.json")));
        tiny.replace("\"workingHeight\": 480", "\"workingHeight\": 10");
        QTest::newRow("working height") << tiny << QStringLiteral("working height 10");
    }

    void badPlansAreRefused()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, message);
        const QString plan = path(QStringLiteral("bad.plan.json"));
        const QString parts = path(QStringLiteral("bad-parts"));
        const QString out = path(QStringLiteral("bad.mp4"));
        QVERIFY(writeFileBytes(plan, bytes));
        for (const QStringList &args :
             {QStringList{QStringLiteral("render-shot"), plan, QStringLiteral("--shot"),
                          QStringLiteral("0"), QStringLiteral("-o"), parts},
              QStringList{QStringLiteral("assemble"), plan, path(QStringLiteral("sampl-parts")),
                          QStringLiteral("-o"), out},
              QStringList{QStringLiteral("status"), plan, parts}}) {
            const ProcessResult r = runCli(args);
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains(plan) && r.err.contains(message), qPrintable(r.err));
        }
        QVERIFY(!QFileInfo::exists(parts));
        QVERIFY(!QFileInfo::exists(out));
    }

    void shotOutOfRange()
    {
        const QString parts = path(QStringLiteral("no-such-shot-parts"));
        const ProcessResult r =
            runCli({QStringLiteral("render-shot"), path(QStringLiteral("sampl.plan.json")),
                    QStringLiteral("--shot"), QStringLiteral("3"), QStringLiteral("-o"), parts});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("no shot 3: the plan has 3 (0–2)")),
                 qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(parts));
    }

    void changedInputsAreRefused()
    {
        // A copy of the sample and of the keyframe, planned, then changed.
        const QString film = path(QStringLiteral("changing.mp4"));
        const QString key = path(QStringLiteral("changing-key.png"));
        QVERIFY(QFile::copy(samplePath(), film));
        QVERIFY(QFile::copy(path(QStringLiteral("key.png")), key));
        const QString plan = path(QStringLiteral("changing.plan.json"));
        ProcessResult r = runCli({QStringLiteral("plan"), film, QStringLiteral("-o"), plan,
                                  QStringLiteral("--keyframe"), QStringLiteral("10=") + key,
                                  QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(ok(r)));
        const QString parts = path(QStringLiteral("changing-parts"));
        const QStringList renderShot0{QStringLiteral("render-shot"), plan,
                                      QStringLiteral("--shot"),      QStringLiteral("0"),
                                      QStringLiteral("-o"),          parts};

        Frame other(640, 360, PixelFormat::Rgb8);
        QVERIFY(writeImage(key, other, Existing::Replace));
        r = runCli(renderShot0);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("keyframe 10's file")) && r.err.contains(key) &&
                     r.err.contains(QStringLiteral("changed")),
                 qPrintable(r.err));
        QVERIFY(partFiles(parts).filter(QStringLiteral("shot-")).isEmpty());

        QVERIFY(QFile::remove(key));
        QVERIFY(QFile::copy(path(QStringLiteral("key.png")), key));
        QByteArray bytes = fileBytes(film);
        bytes[1000] = char(bytes[1000] ^ 0x5a); // same size, other bytes
        QVERIFY(writeFileBytes(film, bytes));
        r = runCli(renderShot0);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(film) &&
                     r.err.contains(QStringLiteral("the plan no longer matches its inputs")),
                 qPrintable(r.err));
        QVERIFY(partFiles(parts).filter(QStringLiteral("shot-")).isEmpty());
    }

    void partsOfAnotherPlanAreRefused()
    {
        // The range plan's parts folder given with the sample plan.
        const QString plan = path(QStringLiteral("sampl.plan.json"));
        ProcessResult r =
            runCli({QStringLiteral("render-shot"), path(QStringLiteral("range.plan.json")),
                    QStringLiteral("--shot"), QStringLiteral("0"), QStringLiteral("-o"),
                    path(QStringLiteral("range-parts"))});
        QVERIFY2(r.exitCode == 0, qPrintable(ok(r))); // finished already: kept
        const QString out = path(QStringLiteral("other.mp4"));
        for (const QStringList &args :
             {QStringList{QStringLiteral("render-shot"), plan, QStringLiteral("--shot"),
                          QStringLiteral("0"), QStringLiteral("-o"),
                          path(QStringLiteral("range-parts"))},
              QStringList{QStringLiteral("assemble"), plan, path(QStringLiteral("range-parts")),
                          QStringLiteral("-o"), out},
              QStringList{QStringLiteral("status"), plan, path(QStringLiteral("range-parts"))}}) {
            r = runCli(args);
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains(QStringLiteral("holds the parts of another plan")),
                     qPrintable(r.err));
        }
        QVERIFY(!QFileInfo::exists(out));
    }

    void missingOrDamagedPartsAreNamed()
    {
        const QString plan = path(QStringLiteral("sampl.plan.json"));
        const QString parts = path(QStringLiteral("damaged-parts"));
        QVERIFY(QDir().mkpath(parts));
        for (const QString &name : partFiles(path(QStringLiteral("sampl-parts"))))
            QVERIFY(QFile::copy(QDir(path(QStringLiteral("sampl-parts"))).filePath(name),
                                QDir(parts).filePath(name)));
        const QString out = path(QStringLiteral("damaged.mp4"));
        const QStringList assemble{QStringLiteral("assemble"), plan, parts, QStringLiteral("-o"),
                                   out};

        // A byte of shot 2's part flipped (its size unchanged), shot 0's part gone.
        const QString part2 = QDir(parts).filePath(QStringLiteral("shot-0002.mkv"));
        QByteArray bytes = fileBytes(part2);
        bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0xff);
        QVERIFY(writeFileBytes(part2, bytes));
        QVERIFY(QFile::remove(QDir(parts).filePath(QStringLiteral("shot-0000.mkv"))));
        ProcessResult r = runCli(assemble);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("shot 0: its part file is missing")) &&
                     r.err.contains(QStringLiteral("shot 2: its part file is damaged")) &&
                     r.err.contains(QStringLiteral("render shots 0,2 again")),
                 qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(out));
        r = runCli({QStringLiteral("status"), plan, parts, QStringLiteral("--array")});
        QCOMPARE(r.out, QStringLiteral("0\n")); // status checks sizes; assemble checks sha256

        // A part's record gone: not finished.
        QVERIFY(QFile::remove(QDir(parts).filePath(QStringLiteral("shot-0001.done.json"))));
        r = runCli({QStringLiteral("status"), plan, parts, QStringLiteral("--array")});
        QCOMPARE(r.out, QStringLiteral("0-1\n"));
        r = runCli(assemble);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("shot 1: not rendered")), qPrintable(r.err));

        // An existing output is not replaced without -y.
        QVERIFY(writeFileBytes(out, "keep"));
        r = runCli({QStringLiteral("assemble"), plan, path(QStringLiteral("sampl-parts")),
                    QStringLiteral("-o"), out});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(fileBytes(out), QByteArray("keep"));
    }
};

TINCTURE_TEST_MAIN(TestCliCluster)
#include "tst_cli_cluster.moc"
