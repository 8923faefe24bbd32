#include "foundation/outputguard.h"
#include "testsupport.h"
#include "testmain.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace tincture;

namespace {

QString make(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes = "film")
{
    const QString path = dir.filePath(name);
    QDir().mkpath(QFileInfo(path).absolutePath());
    if (!test::writeFileBytes(path, bytes))
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

ErrorCode codeOf(const Result<void> &r)
{
    return r ? ErrorCode::Internal : r.error().code;
}

} // namespace

class TestOutputGuard : public QObject
{
    Q_OBJECT
private slots:
    // The input under any of its names is refused, whatever the user agreed to replace.
    void inputUnderAnotherNameIsRefused_data()
    {
        QTest::addColumn<QString>("how");
        QTest::newRow("same path") << "same";
        QTest::newRow("dot-dot path") << "dotdot";
        QTest::newRow("symbolic link") << "symlink";
        QTest::newRow("hard link") << "hardlink";
    }
    void inputUnderAnotherNameIsRefused()
    {
        QFETCH(QString, how);
        QTemporaryDir dir;
        const QString film = make(dir, QStringLiteral("reel 1.mp4"));
        QString output = film;
        if (how == QLatin1String("dotdot")) {
            QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("sub")));
            output = dir.filePath(QStringLiteral("sub/../reel 1.mp4"));
        } else if (how == QLatin1String("symlink")) {
            output = dir.filePath(QStringLiteral("link.mp4"));
            QVERIFY(QFile::link(film, output));
        } else if (how == QLatin1String("hardlink")) {
            output = dir.filePath(QStringLiteral("hard.mp4"));
            QCOMPARE(
                ::link(QFile::encodeName(film).constData(), QFile::encodeName(output).constData()),
                0);
        }
        for (Existing existing : {Existing::Refuse, Existing::Replace}) {
            const Result<void> r = checkOutput(output, {film}, existing);
            QCOMPARE(codeOf(r), ErrorCode::OutputIsInput);
            QVERIFY2(r.error().message.contains(film), qPrintable(r.error().message));
        }
        QVERIFY(sameFile(output, film));
    }

    void folderHoldingAnInputIsRefused()
    {
        QTemporaryDir dir;
        const QString film = make(dir, QStringLiteral("scans/deep/reel.mov"));
        const Result<void> r =
            checkOutput(dir.filePath(QStringLiteral("scans")), {film}, Existing::Replace);
        QCOMPARE(codeOf(r), ErrorCode::OutputIsInput);
    }

    void fileInsideAnInputFolderIsRefused()
    {
        QTemporaryDir dir;
        const QString frame = make(dir, QStringLiteral("frames/f_0001.png"));
        const Result<void> r =
            checkOutput(frame, {dir.filePath(QStringLiteral("frames"))}, Existing::Replace);
        QCOMPARE(codeOf(r), ErrorCode::OutputIsInput);
        // A new file beside the frames replaces nothing.
        QVERIFY(checkOutput(dir.filePath(QStringLiteral("frames/out.mp4")),
                            {dir.filePath(QStringLiteral("frames"))}, Existing::Refuse));
    }

    void sequencePatternsAreInputs()
    {
        QTemporaryDir dir;
        make(dir, QStringLiteral("scans/reel_000001.dpx"));
        const QString pattern = dir.filePath(QStringLiteral("scans/reel_%06d.dpx"));
        // A frame of the sequence, even one not written yet, and the sequence's folder.
        for (const QString &name :
             {QStringLiteral("scans/reel_000001.dpx"), QStringLiteral("scans/reel_000007.dpx"),
              QStringLiteral("scans")})
            QCOMPARE(codeOf(checkOutput(dir.filePath(name), {pattern}, Existing::Replace)),
                     ErrorCode::OutputIsInput);
        QVERIFY(checkOutput(dir.filePath(QStringLiteral("scans/reel.mkv")), {pattern},
                            Existing::Refuse));
        QVERIFY(checkOutput(dir.filePath(QStringLiteral("scans/other_000001.dpx")), {pattern},
                            Existing::Refuse));
    }

    void existingOutputNeedsConsent()
    {
        QTemporaryDir dir;
        const QString film = make(dir, QStringLiteral("in.mp4"));
        const QString old = make(dir, QStringLiteral("out.mp4"), "earlier export");
        const Result<void> refused = checkOutput(old, {film}, Existing::Refuse);
        QCOMPARE(codeOf(refused), ErrorCode::OutputExists);
        QVERIFY(refused.error().message.contains(old));
        QVERIFY(checkOutput(old, {film}, Existing::Replace));
        QVERIFY(checkOutput(dir.filePath(QStringLiteral("new.mp4")), {film}, Existing::Refuse));
        // A dangling link is something under the name too.
        const QString dangling = dir.filePath(QStringLiteral("dangling.mp4"));
        QVERIFY(QFile::link(dir.filePath(QStringLiteral("nowhere")), dangling));
        QCOMPARE(codeOf(checkOutput(dangling, {film}, Existing::Refuse)), ErrorCode::OutputExists);
        // An empty folder holds nothing to lose; a full one does.
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("empty")));
        QVERIFY(checkOutput(dir.filePath(QStringLiteral("empty")), {film}, Existing::Refuse));
        make(dir, QStringLiteral("full/00000.png"));
        QCOMPARE(
            codeOf(checkOutput(dir.filePath(QStringLiteral("full")), {film}, Existing::Refuse)),
            ErrorCode::OutputExists);
    }

    void missingAndEmptyInputsAreIgnored()
    {
        QTemporaryDir dir;
        QVERIFY(checkOutput(dir.filePath(QStringLiteral("out.mp4")),
                            {QString(), dir.filePath(QStringLiteral("missing.mp4"))},
                            Existing::Refuse));
        QCOMPARE(codeOf(checkOutput(QString(), {}, Existing::Replace)), ErrorCode::InvalidArgument);
    }

    void freeNamesNeverCollide()
    {
        QTemporaryDir dir;
        const QString wanted = dir.filePath(QStringLiteral("sample_colour.mp4"));
        QCOMPARE(freeOutputName(wanted), wanted);
        make(dir, QStringLiteral("sample_colour.mp4"));
        QCOMPARE(freeOutputName(wanted), dir.filePath(QStringLiteral("sample_colour-2.mp4")));
        make(dir, QStringLiteral("sample_colour-2.mp4"));
        QCOMPARE(freeOutputName(wanted), dir.filePath(QStringLiteral("sample_colour-3.mp4")));
        make(dir, QStringLiteral("frames/00000.png"));
        QCOMPARE(freeOutputName(dir.filePath(QStringLiteral("frames"))),
                 dir.filePath(QStringLiteral("frames-2")));
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestOutputGuard)
#include "tst_outputguard.moc"
