// tincture-cli propagate end to end: a folder keeps its images' stems, a video's frames are
// numbered, outputs keep the input luma exactly, bad keyframes exit 1 and leave nothing behind,
// Ctrl-C exits 3 and leaves nothing behind.

#include "media/imageio.h"
#include "media/videosource.h"
#include "testsupport.h"
#include "testmain.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cmath>
#include <cstring>

using namespace tincture;
using tincture::test::runCli;

namespace {

Frame colourFrame(int w, int h, double shift)
{
    Frame f(w, h, PixelFormat::Rgb8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double u = x - shift;
            uint8_t *p = f.row(y) + 3 * x;
            p[0] = uint8_t(128 + 90 * std::sin(u * 0.2));
            p[1] = uint8_t(128 + 60 * std::cos(u * 0.13 + y * 0.1));
            p[2] = uint8_t(128 - 70 * std::sin(y * 0.15));
        }
    return f;
}

QStringList filesIn(const QString &dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
}

} // namespace

class TestCliPropagate : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir().mkpath(path("in")));
        // Numbered from 7, colour files: the CLI works on their luma.
        for (int i = 0; i < 6; ++i)
            QVERIFY(writeImage(
                        path(QStringLiteral("in/take_%1.png").arg(7 + i, 4, 10, QLatin1Char('0'))),
                        colourFrame(48, 32, 2.0 * i))
                        .hasValue());
        QVERIFY(writeImage(path("key0.png"), colourFrame(48, 32, 0.0)).hasValue());
        QVERIFY(writeImage(path("key5.png"), colourFrame(48, 32, 10.0)).hasValue());
        QVERIFY(writeImage(path("small.png"), colourFrame(40, 32, 0.0)).hasValue());
        QVERIFY(QDir().mkpath(path("one")));
        QVERIFY(writeImage(path("one/only_0001.png"), colourFrame(48, 32, 0.0)).hasValue());
    }

    void folderKeepsStems()
    {
        const auto r =
            runCli({"propagate", "--frames", path("in"), "--keyframe", "0=" + path("key0.png"),
                    "--keyframe", "5=" + path("key5.png"), "-o", path("out"), "--quiet"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QStringList expected;
        for (int i = 0; i < 6; ++i)
            expected << QStringLiteral("take_%1.png").arg(7 + i, 4, 10, QLatin1Char('0'));
        QCOMPARE(filesIn(path("out")), expected);
        // Every output keeps its input's luma exactly.
        for (int i = 0; i < 6; ++i) {
            auto in = readImage(path("in/") + expected[i].chopped(4) + ".png");
            auto out = readImage(path("out/") + expected[i]);
            QVERIFY(in.hasValue() && out.hasValue());
            QCOMPARE(out->format(), PixelFormat::Rgb8);
            const Frame a = in->luma(), b = out->luma();
            for (int y = 0; y < a.height(); ++y)
                QVERIFY(std::memcmp(a.constRow(y), b.constRow(y), size_t(a.width())) == 0);
        }
    }

    void videoIsNumbered()
    {
        auto source = VideoSource::open(test::samplePath());
        QVERIFY(source.hasValue());
        auto first = (*source)->frame(0);
        QVERIFY(first.hasValue());
        QVERIFY(writeImage(path("samplekey.png"), *first).hasValue());
        const auto r = runCli({"propagate", "--frames", test::samplePath(), "--keyframe",
                               "0=" + path("samplekey.png"), "-o", path("video"), "--method",
                               "copy0", "--quiet"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList files = filesIn(path("video"));
        QCOMPARE(files.size(), 180);
        QCOMPARE(files.first(), QStringLiteral("00000.png"));
        QCOMPARE(files.last(), QStringLiteral("00179.png"));
    }

    void badKeyframeSize()
    {
        const QStringList before = filesIn(m_dir.path());
        const auto r = runCli({"propagate", "--frames", path("in"), "--keyframe",
                               "0=" + path("small.png"), "-o", path("bad"), "--quiet"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(path("small.png")) && r.err.contains(QStringLiteral("40×32")) &&
                     r.err.contains(QStringLiteral("48×32")),
                 qPrintable(r.err));
        QCOMPARE(filesIn(m_dir.path()), before); // no output, no temporary left
    }

    void badInputs_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QString in = path("in");
        QTest::newRow("keyframe past the end")
            << QStringList{"--frames", in, "--keyframe", "6=" + path("key0.png")} << 1
            << "past the last frame";
        QTest::newRow("missing keyframe image")
            << QStringList{"--frames", in, "--keyframe", "0=" + path("nope.png")} << 1
            << "nope.png";
        QTest::newRow("missing input")
            << QStringList{"--frames", path("nothing"), "--keyframe", "0=" + path("key0.png")} << 1
            << "nothing";
        QTest::newRow("no keyframe") << QStringList{"--frames", in} << 2 << "--keyframe";
        QTest::newRow("malformed keyframe")
            << QStringList{"--frames", in, "--keyframe", path("key0.png")} << 2 << "N=IMAGE";
        QTest::newRow("a shot of one frame")
            << QStringList{"--frames", path("one"), "--keyframe", "0=" + path("key0.png")} << 1
            << "nothing to propagate";
        QTest::newRow("vpn network that is a refiner")
            << QStringList{"--frames",   in,
                           "--keyframe", "0=" + path("key0.png"),
                           "--method",   "vpn",
                           "--vpn",      test::sourceDir() + QStringLiteral("/models/refiner.json")}
            << 1 << "not a video propagation network";
        QTest::newRow("unknown method")
            << QStringList{"--frames", in,      "--keyframe", "0=" + path("key0.png"),
                           "--method", "nosuch"}
            << 2 << "bnnflow";
    }
    void badInputs()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const QStringList before = filesIn(m_dir.path());
        const auto r = runCli(QStringList{"propagate"} + args + QStringList{"-o", path("x")});
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(filesIn(m_dir.path()), before);
    }

    // Ctrl-C in the middle of a run: exit code 3, no output folder, no temporary.
    void interrupt()
    {
        QVERIFY(QFile::exists(path("samplekey.png"))); // from videoIsNumbered
        const QString work = path("interrupt");
        QVERIFY(QDir().mkpath(work));
        QProcess p;
        p.start(test::cliPath(), {"propagate", "--frames", test::samplePath(), "--keyframe",
                                  "0=" + path("samplekey.png"), "-o", work + "/out"});
        QVERIFY(p.waitForStarted());
        // Wait until it has written a few frames (the progress bar moves), then interrupt.
        QByteArray err;
        for (int i = 0; i < 600 && !err.contains("/180"); ++i) {
            p.waitForReadyRead(100);
            err += p.readAllStandardError();
        }
        QVERIFY2(err.contains("/180"), err.constData());
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 3);
        QCOMPARE(filesIn(work), QStringList());
    }

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString path(const char *name) const { return path(QString::fromUtf8(name)); }
    QTemporaryDir m_dir;
};

TINCTURE_TEST_GUILESS_MAIN(TestCliPropagate)
#include "tst_cli_propagate.moc"
