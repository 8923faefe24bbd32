// kill -9 while the studio saves and autosaves a project, at random moments: the project file
// on disk is always a whole project (the one before or the one after), and the autosave holds
// every stroke that was in it when the last autosave before the kill had finished. What the
// killed save left beside them is gone after the next save in the folder. TINCTURE_KILL_ROUNDS sets
// the number of kills (default 25); the seed is printed so that a failing round can be replayed
// (TINCTURE_KILL_SEED).

#include "project/commands.h"
#include "project/project.h"
#include "project/projectfile.h"
#include "testmain.h"
#include "testsupport.h"

#include <QDir>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

using namespace tincture;
using namespace tincture::project;

namespace {

int strokeCount(const Project &p)
{
    int n = 0;
    for (const ShotEntry &shot : p.shots())
        for (const KeyframeEntry &k : shot.keyframes)
            n += int(k.strokes.size());
    return n;
}

void addStroke(Project &p, int serial)
{
    PaintStroke s;
    s.colour = qRgb(serial % 255, 80, 200);
    s.radius = 4;
    s.hardness = 0.5;
    s.serial = quint64(serial);
    for (int i = 0; i < 40; ++i)
        s.points << QPointF(serial % 600 + i, i * 3);
    p.undoStack()->push(new StrokeCommand(&p, 10, s));
}

// The child: a stroke, a save and an autosave, over and over; after each autosave it reports
// the number of strokes in it on `fd`.
[[noreturn]] void saveForever(Project &p, const QString &path, int fd)
{
    for (int serial = 1; serial < 1000000; ++serial) {
        addStroke(p, serial);
        if (serial % 3 == 0 && !saveProject(p, path))
            ::_exit(2);
        if (!writeAutosave(p))
            ::_exit(3);
        const int n = strokeCount(p);
        if (::write(fd, &n, sizeof n) != sizeof n)
            ::_exit(4);
    }
    ::_exit(0);
}

} // namespace

class TestProjectKill : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void killDuringSaveAndAutosave()
    {
        const test::KillPlan plan = test::killPlan(25);
        QRandomGenerator random(plan.seed);
        for (int round = 0; round < plan.rounds; ++round) {
            QTemporaryDir dir;
            const QString media = dir.filePath(QStringLiteral("film.mp4"));
            const QString path = dir.filePath(QStringLiteral("reel.tincture"));
            QFile(media).open(QIODevice::WriteOnly);
            Project p;
            p.reset(media, MediaFingerprint{180, 640, 360, 0});
            p.undoStack()->push(new SetShotsCommand(&p, {{0, 59}, {60, 179}}));
            p.undoStack()->push(new AddKeyframeCommand(&p, 10));
            p.setFilePath(path);
            // The first save in its own process too: this one must not have swept the folder
            // yet (AtomicOutput sweeps a folder once per process) when it plays the next start.
            const pid_t first = ::fork();
            QVERIFY(first >= 0);
            if (first == 0)
                ::_exit(saveProject(p, path) ? 0 : 1);
            int firstStatus = 0;
            ::waitpid(first, &firstStatus, 0);
            QVERIFY(WIFEXITED(firstStatus) && WEXITSTATUS(firstStatus) == 0);

            int pipeFds[2];
            QCOMPARE(::pipe(pipeFds), 0);
            const pid_t child = ::fork();
            QVERIFY(child >= 0);
            if (child == 0) {
                ::close(pipeFds[0]);
                saveForever(p, path, pipeFds[1]);
            }
            ::close(pipeFds[1]);
            const int delayUs = int(random.bounded(2000, 120000));
            ::usleep(useconds_t(delayUs));
            ::kill(child, SIGKILL);
            int status = 0;
            ::waitpid(child, &status, 0);
            QVERIFY2(WIFSIGNALED(status),
                     qPrintable(QStringLiteral("round %1: the saver stopped by itself (%2)")
                                    .arg(round)
                                    .arg(WEXITSTATUS(status))));
            int reported = 0, n = 0;
            while (::read(pipeFds[0], &n, sizeof n) == sizeof n)
                reported = n;
            ::close(pipeFds[0]);

            const QString where = QStringLiteral("round %1 (killed after %2 µs, %3 strokes "
                                                 "autosaved)")
                                      .arg(round)
                                      .arg(delayUs)
                                      .arg(reported);
            Project onDisk;
            const auto loaded = loadProject(path, onDisk);
            QVERIFY2(loaded, qPrintable(where + QStringLiteral(": the project: ") +
                                        (loaded ? QString() : loaded.error().message)));
            if (QFileInfo::exists(path + QStringLiteral(".bak"))) {
                Project backup;
                QVERIFY2(loadProject(path + QStringLiteral(".bak"), backup), qPrintable(where));
            }
            if (reported > 0) {
                Project recovered;
                const auto autosaved = loadProject(path + QStringLiteral(".autosave"), recovered);
                QVERIFY2(autosaved,
                         qPrintable(where + QStringLiteral(": the autosave: ") +
                                    (autosaved ? QString() : autosaved.error().message)));
                QVERIFY2(strokeCount(recovered) >= reported,
                         qPrintable(where + QStringLiteral(": the autosave holds %1 strokes")
                                                .arg(strokeCount(recovered))));
            }
            // What the kill left beside them goes at the next save in the folder (a new
            // process: the parent).
            QVERIFY2(saveProject(onDisk, dir.filePath(QStringLiteral("next.tincture"))),
                     qPrintable(where));
            QFile::remove(dir.filePath(QStringLiteral("next.tincture")));
            QStringList left = QDir(dir.path()).entryList(QDir::Files | QDir::Hidden);
            left.removeAll(QStringLiteral("film.mp4"));
            left.removeAll(QStringLiteral("reel.tincture"));
            left.removeAll(QStringLiteral("reel.tincture.bak"));
            left.removeAll(QStringLiteral("reel.tincture.autosave"));
            QVERIFY2(left.isEmpty(), qPrintable(where + QStringLiteral(": left behind: ") +
                                                left.join(QStringLiteral(", "))));
        }
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestProjectKill)
#include "tst_projectkill.moc"
