#include "foundation/atomicoutput.h"
#include "testsupport.h"
#include "testmain.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace tincture;

namespace {
void writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}
} // namespace

class TestAtomicOutput : public QObject
{
    Q_OBJECT
private slots:
    void commitReplacesTarget()
    {
        QTemporaryDir dir;
        const QString target = dir.filePath(QStringLiteral("out file é.mp4"));
        writeAll(target, "old");
        Result<AtomicOutput> out =
            AtomicOutput::begin(target, AtomicOutput::Kind::File, Existing::Replace);
        QVERIFY(out);
        QVERIFY(out->tempPath().endsWith(QLatin1String(".mp4")));
        writeAll(out->tempPath(), "new");
        QCOMPARE(test::fileBytes(target), QByteArray("old")); // untouched until commit
        QVERIFY(out->commit());
        QCOMPARE(test::fileBytes(target), QByteArray("new"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1);
    }
    void discardLeavesNothing()
    {
        QTemporaryDir dir;
        const QString target = dir.filePath(QStringLiteral("a.png"));
        {
            Result<AtomicOutput> out = AtomicOutput::begin(target);
            QVERIFY(out);
            writeAll(out->tempPath(), "partial");
        } // destroyed without commit
        QVERIFY(!QFile::exists(target));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 0);
    }
    void folderSwap()
    {
        QTemporaryDir dir;
        const QString target = dir.filePath(QStringLiteral("frames"));
        QVERIFY(QDir().mkdir(target));
        writeAll(target + QStringLiteral("/old.png"), "x");
        Result<AtomicOutput> out =
            AtomicOutput::begin(target, AtomicOutput::Kind::Folder, Existing::Replace);
        QVERIFY(out);
        writeAll(out->tempPath() + QStringLiteral("/00000.png"), "y");
        QVERIFY(out->commit());
        QCOMPARE(QDir(target).entryList(QDir::Files), QStringList{QStringLiteral("00000.png")});
        QCOMPARE(QDir(dir.path())
                     .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)
                     .size(),
                 1);
    }
    void existingTargetIsRefusedUnlessReplacing()
    {
        QTemporaryDir dir;
        const QString target = dir.filePath(QStringLiteral("out.mkv"));
        writeAll(target, "old");
        Result<AtomicOutput> out = AtomicOutput::begin(target);
        QVERIFY(!out);
        QCOMPARE(out.error().code, ErrorCode::OutputExists);
        QCOMPARE(test::fileBytes(target), QByteArray("old"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1);
    }
    // A file that appears under the name while the output is being written is not replaced:
    // the final rename refuses it and the temporary goes.
    void targetAppearingMeanwhileIsKept()
    {
        QTemporaryDir dir;
        const QString target = dir.filePath(QStringLiteral("out.mkv"));
        Result<AtomicOutput> out = AtomicOutput::begin(target);
        QVERIFY(out);
        writeAll(out->tempPath(), "new");
        writeAll(target, "someone else's");
        const Result<void> committed = out->commit();
        QVERIFY(!committed);
        QCOMPARE(committed.error().code, ErrorCode::OutputExists);
        QCOMPARE(test::fileBytes(target), QByteArray("someone else's"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1);
    }
    void emptyFolderTargetIsTaken()
    {
        QTemporaryDir dir;
        const QString target = dir.filePath(QStringLiteral("frames"));
        QVERIFY(QDir().mkdir(target));
        Result<AtomicOutput> out = AtomicOutput::begin(target, AtomicOutput::Kind::Folder);
        QVERIFY(out);
        writeAll(out->tempPath() + QStringLiteral("/00000.png"), "y");
        QVERIFY(out->commit());
        QCOMPARE(QDir(target).entryList(QDir::Files), QStringList{QStringLiteral("00000.png")});
        // A folder with something in it is refused.
        Result<AtomicOutput> again = AtomicOutput::begin(target, AtomicOutput::Kind::Folder);
        QVERIFY(!again);
        QCOMPARE(again.error().code, ErrorCode::OutputExists);
    }
    // Leftovers of a process that is gone (this machine's) go at the first begin() in the
    // folder; a live process's, another machine's and an unrelated hidden file stay; a folder
    // set aside for replacement comes back under its free name.
    void leftoversOfDeadProcessesAreSwept()
    {
        QTemporaryDir dir;
        QProcess gone;
        gone.start(QStringLiteral("true"));
        QVERIFY(gone.waitForFinished());
        const qint64 deadPid = gone.processId() > 0 ? gone.processId() : 0;
        QVERIFY(deadPid == 0 || ::kill(pid_t(deadPid), 0) != 0);
        const QString dead = QString::number(deadPid ? deadPid : 999999999);
        const QString host = QString::fromLatin1(
            QCryptographicHash::hash(QSysInfo::machineHostName().toUtf8(), QCryptographicHash::Md5)
                .toHex()
                .left(8));
        const QString live = QString::number(QCoreApplication::applicationPid());
        const QString stale = QStringLiteral(".film.tincture-tmp-%1-%2-abc.mp4").arg(dead, host);
        const QString mine = QStringLiteral(".film.tincture-tmp-%1-%2-def.mp4").arg(live, host);
        const QString elsewhere =
            QStringLiteral(".film.tincture-tmp-%1-0000beef-ghi.mp4").arg(dead);
        const QString unrelated = QStringLiteral(".film.mp4.notes");
        for (const QString &name : {stale, mine, elsewhere, unrelated})
            writeAll(dir.filePath(name), "x");
        const QString aside = QStringLiteral("frames.tincture-old-%1-%2-jkl").arg(dead, host);
        QVERIFY(QDir(dir.path()).mkdir(aside));
        writeAll(dir.filePath(aside + QStringLiteral("/00000.png")), "old frame");

        Result<AtomicOutput> out = AtomicOutput::begin(dir.filePath(QStringLiteral("new.mkv")));
        QVERIFY(out);
        out->discard();
        const QStringList left =
            QDir(dir.path())
                .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
        QVERIFY2(!left.contains(stale), qPrintable(left.join(QLatin1Char(' '))));
        QVERIFY(left.contains(mine));
        QVERIFY(left.contains(elsewhere));
        QVERIFY(left.contains(unrelated));
        QVERIFY(!left.contains(aside));
        QCOMPARE(test::fileBytes(dir.filePath(QStringLiteral("frames/00000.png"))),
                 QByteArray("old frame"));
    }
    void missingFolderIsAnError()
    {
        Result<AtomicOutput> out = AtomicOutput::begin(QStringLiteral("/nonexistent-dir/x.mp4"));
        QVERIFY(!out);
        QCOMPARE(out.error().code, ErrorCode::WriteFailed);
        QVERIFY(out.error().message.contains(QLatin1String("/nonexistent-dir")));
    }
    void unwritableFolderIsAnError()
    {
        // Root ignores permission bits, so also try a folder nobody can create files in.
        const QString target = QStringLiteral("/proc/tincture-test.mp4");
        Result<AtomicOutput> out = AtomicOutput::begin(target);
        QVERIFY(!out);
        QCOMPARE(out.error().code, ErrorCode::WriteFailed);
        QVERIFY(!QFile::exists(target));
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestAtomicOutput)
#include "tst_atomicoutput.moc"
