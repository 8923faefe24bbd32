// A full disk: tincture-cli refuses to start when the output's volume cannot hold even a low
// estimate of the output, and fails cleanly (exit 1, a message naming the file and the cause,
// nothing left on the volume) when the disk fills midway. Uses small tmpfs mounts, so it needs
// root; it reports itself skipped otherwise.

#include "testmain.h"
#include "testsupport.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <sys/mount.h>
#include <unistd.h>

using namespace tincture;
using namespace tincture::test;

class TestCliDiskFull : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_volume;

    QStringList onVolume() const
    {
        return QDir(m_volume).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
    }

private slots:
    void init()
    {
        if (::geteuid() != 0)
            QSKIP("mounting a small tmpfs needs root");
        QVERIFY(m_dir.isValid());
        m_volume = m_dir.filePath(QStringLiteral("volume"));
        QVERIFY(QDir().mkpath(m_volume));
        if (::mount("tmpfs", QFile::encodeName(m_volume).constData(), "tmpfs", 0, "size=512k") != 0)
            QSKIP("this machine does not allow a tmpfs mount here");
    }
    void cleanup()
    {
        if (!m_volume.isEmpty())
            ::umount2(QFile::encodeName(m_volume).constData(), MNT_DETACH);
    }

    void refusedUpFront()
    {
        const QString out = m_volume + QStringLiteral("/master.mkv");
        const ProcessResult r = runCli({QStringLiteral("transcode"), samplePath(),
                                        QStringLiteral("-o"), out, QStringLiteral("-q")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(out) && r.err.contains(QLatin1String("not enough space")),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("need about 29.0 MB")), qPrintable(r.err));
        QCOMPARE(onVolume(), QStringList());
        // colorize knows before it finds the shots.
        const ProcessResult c = runCli({QStringLiteral("colorize"), samplePath(),
                                        QStringLiteral("-o"), out, QStringLiteral("--quiet")});
        QCOMPARE(c.exitCode, 1);
        QVERIFY2(c.err.contains(QLatin1String("not enough space")), qPrintable(c.err));
        QCOMPARE(onVolume(), QStringList());
    }

    void fullMidway_data()
    {
        QTest::addColumn<QString>("command");
        QTest::newRow("transcode") << "transcode";
        QTest::newRow("colorize") << "colorize";
    }
    void fullMidway()
    {
        QFETCH(QString, command);
        // H.264's low estimate (0.4 MB for the sample) fits the 0.5 MB volume, the film
        // (0.6 MB) does not.
        const QString out = m_volume + QStringLiteral("/film.mp4");
        const ProcessResult r = runCli(
            {command, samplePath(), QStringLiteral("-o"), out, QStringLiteral("--quiet")}, 300000);
        QVERIFY2(!r.crashed && !r.timedOut, qPrintable(r.err));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(out) && r.err.contains(QLatin1String("No space left on device")),
                 qPrintable(r.err));
        QCOMPARE(onVolume(), QStringList());
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestCliDiskFull)
#include "tst_cli_diskfull.moc"
