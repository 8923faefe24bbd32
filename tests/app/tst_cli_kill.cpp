// kill -9 at random moments of transcode (FFV1/MKV, H.264/MP4, a PNG sequence) and colorize:
// after every kill nothing is under the output name unless it is whole (the command had
// renamed it into place), and nothing is in the temporary folder; what the killed runs left beside
// their outputs is gone after the next command that writes in that folder.
// TINCTURE_KILL_ROUNDS sets the number of kills (default 16); the seed is printed and
// TINCTURE_KILL_SEED replays it.

#include "testmain.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace tincture;
using namespace tincture::test;

namespace {

struct Job
{
    const char *name;
    QStringList args; // without -o
    QString suffix;   // of the output name; empty: a folder
    qint64 fullRunMs = 0;
};

QStringList everything(const QString &dir)
{
    return QDir(dir).entryList(
        QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System, QDir::Name);
}

QStringList leftovers(const QString &dir)
{
    return QDir(dir).entryList(
        {QStringLiteral("*.tincture-tmp-*"), QStringLiteral("*.tincture-old-*")},
        QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
}

int64_t framesOf(const QString &path)
{
    const ProcessResult r = runCli({QStringLiteral("info"), path});
    return r.exitCode == 0 ? QJsonDocument::fromJson(r.out.toUtf8())
                                 .object()
                                 .value(QStringLiteral("frames"))
                                 .toInteger(-1)
                           : -1;
}

} // namespace

class TestCliKill : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_out, m_tmp, m_film;
    QList<Job> m_jobs;
    static constexpr int64_t kFrames = 30;

    // Runs a job to the end (or kills it after killAfterMs); returns whether it finished.
    bool run(const Job &job, const QString &output, qint64 killAfterMs, int *exitCode)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TMPDIR"), m_tmp);
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p.start(cliPath(), job.args + QStringList{QStringLiteral("-o"), output});
        if (!p.waitForStarted())
            return false;
        const bool finished = p.waitForFinished(killAfterMs < 0 ? 300000 : int(killAfterMs));
        if (!finished) {
            p.kill(); // SIGKILL
            p.waitForFinished();
        }
        *exitCode = finished && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        return finished;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_out = m_dir.filePath(QStringLiteral("out"));
        m_tmp = m_dir.filePath(QStringLiteral("tmp"));
        QVERIFY(QDir().mkpath(m_out) && QDir().mkpath(m_tmp));
        // 30 frames of the sample across its first cut (two shots), with the sound.
        m_film = m_dir.filePath(QStringLiteral("film.mkv"));
        const ProcessResult r =
            runCli({QStringLiteral("transcode"), samplePath(), QStringLiteral("-o"), m_film,
                    QStringLiteral("--first"), QStringLiteral("45"), QStringLiteral("--last"),
                    QStringLiteral("74"), QStringLiteral("-q")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString quiet = QStringLiteral("-q");
        m_jobs = {
            {"transcode ffv1",
             {QStringLiteral("transcode"), m_film, quiet},
             QStringLiteral(".mkv")},
            {"transcode h264",
             {QStringLiteral("transcode"), m_film, quiet},
             QStringLiteral(".mp4")},
            {"transcode png",
             {QStringLiteral("transcode"), m_film, QStringLiteral("--codec"), QStringLiteral("png"),
              quiet},
             QString()},
            {"colorize",
             {QStringLiteral("colorize"), m_film, QStringLiteral("--quiet")},
             QStringLiteral(".mp4")},
        };
        // A whole run of each, timed: the kills fall anywhere in that span.
        for (Job &job : m_jobs) {
            const QString output = m_dir.filePath(
                QStringLiteral("whole-%1%2")
                    .arg(QString::fromLatin1(job.name).replace(' ', '-'), job.suffix));
            QElapsedTimer clock;
            clock.start();
            int rc = -1;
            QVERIFY(run(job, output, -1, &rc));
            job.fullRunMs = clock.elapsed();
            QVERIFY2(rc == 0, job.name);
            if (!job.suffix.isEmpty())
                QCOMPARE(framesOf(output), kFrames);
            else
                QCOMPARE(QDir(output).entryList(QDir::Files).size(), int(kFrames));
            qInfo("%s: %lld ms whole", job.name, job.fullRunMs);
        }
    }

    void killAtRandomMoments()
    {
        const test::KillPlan plan = test::killPlan(16);
        QRandomGenerator random(plan.seed);
        int killed = 0, killedAfterCommit = 0, finished = 0;
        for (int round = 0; round < plan.rounds; ++round) {
            const Job &job = m_jobs[round % m_jobs.size()];
            const QString output =
                QDir(m_out).filePath(QStringLiteral("round%1%2").arg(round).arg(job.suffix));
            // Mostly within the run, now and then just past its usual end.
            const qint64 at = qint64(random.bounded(double(job.fullRunMs) * 1.1));
            int rc = -1;
            const bool done = run(job, output, at, &rc);
            const QString where = QStringLiteral("round %1 (%2, killed at %3 of %4 ms)")
                                      .arg(round)
                                      .arg(QLatin1String(job.name))
                                      .arg(at)
                                      .arg(job.fullRunMs);
            if (done) {
                ++finished;
                QVERIFY2(rc == 0, qPrintable(where));
                if (!job.suffix.isEmpty())
                    QVERIFY2(framesOf(output) == kFrames, qPrintable(where));
                else
                    QVERIFY2(QDir(output).entryList(QDir::Files).size() == kFrames,
                             qPrintable(where));
            } else if (QFileInfo::exists(output) || QFileInfo(output).isSymLink()) {
                // Killed after the output was renamed into place (while exiting): it is whole.
                ++killedAfterCommit;
                if (!job.suffix.isEmpty())
                    QVERIFY2(framesOf(output) == kFrames,
                             qPrintable(where + QStringLiteral(": a partial output")));
                else
                    QVERIFY2(QDir(output).entryList(QDir::Files).size() == kFrames,
                             qPrintable(where + QStringLiteral(": a partial output")));
            } else {
                ++killed;
            }
            QVERIFY2(everything(m_tmp).isEmpty(),
                     qPrintable(where + QStringLiteral(": left in TMPDIR: ") +
                                everything(m_tmp).join(QStringLiteral(", "))));
        }
        qInfo("%d killed before their output was in place, %d after it (whole), %d had "
              "finished; %lld leftovers beside the outputs before the next run",
              killed, killedAfterCommit, finished, qint64(leftovers(m_out).size()));
        // The next command writing in the folder removes the dead runs' leftovers.
        int rc = -1;
        QVERIFY(run(m_jobs[0], QDir(m_out).filePath(QStringLiteral("next.mkv")), -1, &rc));
        QCOMPARE(rc, 0);
        QCOMPARE(leftovers(m_out), QStringList());
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestCliKill)
#include "tst_cli_kill.moc"
