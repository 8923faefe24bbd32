#include "foundation/atomicoutput.h"
#include "testsupport.h"
#include "testmain.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

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
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).size(), 1);
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
