// tincture-cli never destroys a user's file: an output that is one of the command's inputs
// (by any path, a symbolic or a hard link, a frame of an input sequence) is refused even with
// -y; an existing output is refused without -y and replaced with it. Each refusal: exit code
// 1, a message naming the file, the file's bytes unchanged, nothing left beside it.

#include "image/frame.h"
#include "media/imageio.h"
#include "testsupport.h"
#include "testmain.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace tincture;
using namespace tincture::test;

namespace {

QByteArray digest(const QString &path)
{
    return QCryptographicHash::hash(fileBytes(path), QCryptographicHash::Sha256);
}

QStringList entries(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
}

Frame ramp(int w, int h, PixelFormat format)
{
    Frame f(w, h, format);
    const int c = f.channels();
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w * c; ++x)
            f.row(y)[x] = uint8_t((x * 3 + y * 5) & 255);
    return f;
}

} // namespace

class TestCliOutputs : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_film; // a 10-frame copy of the sample, with its audio

    // Runs the CLI and checks it refused with exit code 1 naming `named`, leaving `dir` as it
    // was and `kept` byte for byte.
    void expectRefusal(const QStringList &args, const QString &named, const QString &kept,
                       const QString &mentions)
    {
        const QString dir = QFileInfo(kept).absolutePath();
        const QStringList before = entries(dir);
        const QByteArray hash = digest(kept);
        const ProcessResult r = runCli(args);
        QVERIFY2(!r.crashed && !r.timedOut, qPrintable(r.err));
        QVERIFY2(r.exitCode == 1,
                 qPrintable(QStringLiteral("exit %1: %2").arg(r.exitCode).arg(r.err)));
        QVERIFY2(r.err.contains(named), qPrintable(r.err));
        QVERIFY2(r.err.contains(mentions), qPrintable(r.err));
        QCOMPARE(digest(kept), hash);
        QCOMPARE(entries(dir), before);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_film = m_dir.filePath(QStringLiteral("film.mkv"));
        const ProcessResult r =
            runCli({QStringLiteral("transcode"), samplePath(), QStringLiteral("-o"), m_film,
                    QStringLiteral("--last"), QStringLiteral("9"), QStringLiteral("-q")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

    void transcodeRefusesItsInput_data()
    {
        QTest::addColumn<QString>("how");
        QTest::newRow("same path") << "same";
        QTest::newRow("another path") << "dotdot";
        QTest::newRow("symbolic link") << "symlink";
        QTest::newRow("hard link") << "hardlink";
    }
    void transcodeRefusesItsInput()
    {
        QFETCH(QString, how);
        QString output = m_film;
        if (how == QLatin1String("dotdot")) {
            QDir(m_dir.path()).mkpath(QStringLiteral("sub"));
            output = m_dir.filePath(QStringLiteral("sub/../film.mkv"));
        } else if (how == QLatin1String("symlink")) {
            output = m_dir.filePath(QStringLiteral("link.mkv"));
            QFile::remove(output);
            QVERIFY(QFile::link(m_film, output));
        } else if (how == QLatin1String("hardlink")) {
            output = m_dir.filePath(QStringLiteral("hard.mkv"));
            QFile::remove(output);
            QCOMPARE(::link(QFile::encodeName(m_film).constData(),
                            QFile::encodeName(output).constData()),
                     0);
        }
        // -y agrees to replace an earlier output, never the source.
        for (const bool yes : {false, true}) {
            QStringList args{QStringLiteral("transcode"), m_film, QStringLiteral("-o"), output};
            if (yes)
                args << QStringLiteral("-y");
            expectRefusal(args, m_film, m_film, QStringLiteral("never replaces an input"));
        }
        if (how == QLatin1String("symlink") || how == QLatin1String("hardlink"))
            QFile::remove(output);
    }

    void colorizeRefusesItsInputs()
    {
        // The film itself, and a keyframe image: refused before any work.
        expectRefusal({QStringLiteral("colorize"), m_film, QStringLiteral("-o"), m_film,
                       QStringLiteral("-y")},
                      m_film, m_film, QStringLiteral("never replaces an input"));
        const QString key = m_dir.filePath(QStringLiteral("key.png"));
        QVERIFY(writeImage(key, ramp(64, 48, PixelFormat::Rgb8)));
        expectRefusal({QStringLiteral("colorize"), m_film, QStringLiteral("--keyframe"),
                       QStringLiteral("0=") + key, QStringLiteral("-o"), key, QStringLiteral("-y")},
                      key, key, QStringLiteral("never replaces an input"));
    }

    void existingOutputNeedsYes()
    {
        const QString out = m_dir.filePath(QStringLiteral("earlier export.mp4"));
        QVERIFY(writeFileBytes(out, "an earlier export the user keeps"));
        expectRefusal({QStringLiteral("transcode"), m_film, QStringLiteral("-o"), out}, out, out,
                      QStringLiteral("-y (--overwrite)"));
        expectRefusal({QStringLiteral("colorize"), m_film, QStringLiteral("-o"), out}, out, out,
                      QStringLiteral("-y (--overwrite)"));
        // With -y it is replaced by a whole film.
        const ProcessResult r = runCli({QStringLiteral("transcode"), m_film, QStringLiteral("-o"),
                                        out, QStringLiteral("-y"), QStringLiteral("-q")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const ProcessResult info = runCli({QStringLiteral("info"), out});
        QVERIFY2(info.exitCode == 0, qPrintable(info.err));
        QVERIFY(info.out.contains(QLatin1String("\"frames\": 10")));
    }

    void stillCommandsRefuseTheirInputs()
    {
        const QString grey = m_dir.filePath(QStringLiteral("grey.png"));
        const QString hints = m_dir.filePath(QStringLiteral("hints.png"));
        QVERIFY(writeImage(grey, ramp(32, 24, PixelFormat::Gray8)));
        QVERIFY(writeImage(hints, Frame(32, 24, PixelFormat::Rgba8)));
        for (const QString &victim : {grey, hints})
            expectRefusal({QStringLiteral("scribble"), QStringLiteral("--grey"), grey,
                           QStringLiteral("--hints"), hints, QStringLiteral("-o"), victim,
                           QStringLiteral("-y")},
                          victim, victim, QStringLiteral("never replaces an input"));
        expectRefusal({QStringLiteral("colorize-image"), grey, QStringLiteral("-o"), grey,
                       QStringLiteral("-y")},
                      grey, grey, QStringLiteral("never replaces an input"));
        const QString kept = m_dir.filePath(QStringLiteral("kept.png"));
        QVERIFY(writeImage(kept, ramp(32, 24, PixelFormat::Rgb8)));
        expectRefusal({QStringLiteral("scribble"), QStringLiteral("--grey"), grey,
                       QStringLiteral("--hints"), hints, QStringLiteral("-o"), kept},
                      kept, kept, QStringLiteral("-y (--overwrite)"));
    }

    void propagateRefusesAFolderHoldingItsFrames()
    {
        QTemporaryDir dir;
        const QString frames = dir.filePath(QStringLiteral("shot"));
        QVERIFY(QDir().mkpath(frames));
        for (int i = 0; i < 3; ++i)
            QVERIFY(writeImage(
                QStringLiteral("%1/f_%2.png").arg(frames).arg(i, 4, 10, QLatin1Char('0')),
                ramp(32, 24, PixelFormat::Gray8)));
        const QString key = dir.filePath(QStringLiteral("key.png"));
        QVERIFY(writeImage(key, ramp(32, 24, PixelFormat::Rgb8)));
        const QString frame0 = frames + QStringLiteral("/f_0000.png");
        // The output folder would replace the frames (or the folder above them).
        for (const QString &out : {frames, dir.path()})
            expectRefusal({QStringLiteral("propagate"), QStringLiteral("--frames"), frames,
                           QStringLiteral("--keyframe"), QStringLiteral("0=") + key,
                           QStringLiteral("-o"), out, QStringLiteral("-y"),
                           QStringLiteral("--method"), QStringLiteral("copy0")},
                          out, frame0, QStringLiteral("never replaces an input"));
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestCliOutputs)
#include "tst_cli_outputs.moc"
