// tincture-cli scribble end to end on images generated here: outputs, warnings and exit codes
// (0 ok, 1 bad input, 2 usage). Also bench's usage errors (bench itself is too slow for ctest).

#include "media/imageio.h"
#include "testsupport.h"
#include "testmain.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace tincture;
using tincture::test::runCli;
using tincture::test::runLab;

namespace {

Frame greyImage(int w, int h)
{
    Frame f(w, h, PixelFormat::Gray8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            f.row(y)[x] = uint8_t(x < w / 2 ? 60 + y : 170 + y / 2);
    return f;
}

Frame hintImage(int w, int h, bool withStrokes)
{
    Frame f(w, h, PixelFormat::Rgba8);
    if (withStrokes)
        for (int y = h / 4; y < 3 * h / 4; ++y) {
            uint8_t *left = f.row(y) + 4 * 3, *right = f.row(y) + 4 * (w - 4);
            left[0] = 220, left[1] = 40, left[2] = 30, left[3] = 255;
            right[0] = 30, right[1] = 60, right[2] = 230, right[3] = 255;
        }
    return f;
}

Frame solidRgb(int w, int h, uint8_t r, uint8_t g, uint8_t b)
{
    Frame f(w, h, PixelFormat::Rgb8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            uint8_t *p = f.row(y) + 3 * x;
            p[0] = r, p[1] = g, p[2] = b;
        }
    return f;
}

} // namespace

class TestCliScribble : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(writeImage(path("grey.png"), greyImage(48, 32)).hasValue());
        QVERIFY(writeImage(path("hints.png"), hintImage(48, 32, true)).hasValue());
        QVERIFY(writeImage(path("nohints.png"), hintImage(48, 32, false)).hasValue());
        QVERIFY(writeImage(path("hints-rgb.png"), solidRgb(48, 32, 200, 0, 0)).hasValue());
        QVERIFY(writeImage(path("hints-small.png"), hintImage(47, 32, true)).hasValue());
        QVERIFY(writeImage(path("prior.png"), solidRgb(48, 32, 150, 120, 60)).hasValue());
        Frame keep(48, 32, PixelFormat::Gray8);
        for (int y = 0; y < 32; ++y)
            for (int x = 20; x < 30; ++x)
                keep.row(y)[x] = 255;
        QVERIFY(writeImage(path("keep.png"), keep).hasValue());
        QFile junk(path("junk.png"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("this is not a PNG file at all");
    }

    void colourisesAndKeepsLuminance()
    {
        const auto r = runCli({QStringLiteral("scribble"), QStringLiteral("--grey"),
                               path("grey.png"), QStringLiteral("--hints"), path("hints.png"),
                               QStringLiteral("-o"), path("out.png")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto out = readImage(path("out.png"));
        QVERIFY(out.hasValue());
        QCOMPARE(out->format(), PixelFormat::Rgb8);
        const Frame luma = out->luma(), grey = greyImage(48, 32);
        QVERIFY(std::equal(luma.constData(), luma.constData() + luma.byteSize(), grey.constData()));
        // Left half reddish, right half bluish.
        const uint8_t *l = out->constRow(16) + 3 * 10, *rr = out->constRow(16) + 3 * 40;
        QVERIFY(l[0] > l[2] + 20);
        QVERIFY(rr[2] > rr[0] + 20);
    }

    void priorAndKeep()
    {
        const auto r =
            runCli({QStringLiteral("scribble"), QStringLiteral("--grey"), path("grey.png"),
                    QStringLiteral("--hints"), path("hints.png"), QStringLiteral("--prior"),
                    path("prior.png"), QStringLiteral("--prior-weight"), QStringLiteral("0.5"),
                    QStringLiteral("--keep"), path("keep.png"), QStringLiteral("-o"),
                    path("out-prior.png")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto out = readImage(path("out-prior.png"));
        QVERIFY(out.hasValue());
        // Kept: the prior's orange hue (R > G > B) under the grey luminance.
        const uint8_t *p = out->constRow(5) + 3 * 25;
        QVERIFY2(p[0] > p[1] && p[1] > p[2],
                 qPrintable(QStringLiteral("%1 %2 %3").arg(p[0]).arg(p[1]).arg(p[2])));
    }

    void noScribblesWarnsAndGivesGrey()
    {
        const auto r = runCli({QStringLiteral("scribble"), QStringLiteral("--grey"),
                               path("grey.png"), QStringLiteral("--hints"), path("nohints.png"),
                               QStringLiteral("-o"), path("out-grey.png")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(QLatin1String("warning")) &&
                     r.err.contains(QLatin1String("no scribbles")),
                 qPrintable(r.err));
        const auto out = readImage(path("out-grey.png"));
        QVERIFY(out.hasValue());
        const uint8_t *p = out->constRow(3) + 3 * 7;
        QVERIFY(p[0] == p[1] && p[1] == p[2]);
    }

    void everyPixelAndOnePixel()
    {
        Frame all(8, 6, PixelFormat::Rgba8);
        for (int y = 0; y < 6; ++y)
            for (int x = 0; x < 8; ++x) {
                uint8_t *p = all.row(y) + 4 * x;
                p[0] = 200, p[1] = 100, p[2] = 50, p[3] = 255;
            }
        QVERIFY(writeImage(path("grey8.png"), greyImage(8, 6)).hasValue());
        QVERIFY(writeImage(path("all.png"), all).hasValue());
        auto r = runCli({QStringLiteral("scribble"), QStringLiteral("--grey"), path("grey8.png"),
                         QStringLiteral("--hints"), path("all.png"), QStringLiteral("-o"),
                         path("out-all.png")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(writeImage(path("grey1.png"), greyImage(1, 1)).hasValue());
        QVERIFY(writeImage(path("hint1.png"), all.cropped(1, 1)).hasValue());
        r = runCli({QStringLiteral("scribble"), QStringLiteral("--grey"), path("grey1.png"),
                    QStringLiteral("--hints"), path("hint1.png"), QStringLiteral("-o"),
                    path("out-1.png")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto out = readImage(path("out-1.png"));
        QVERIFY(out.hasValue());
        QCOMPARE(out->width(), 1);
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message"); // expected in stderr
        const QString g = QStringLiteral("grey.png"), h = QStringLiteral("hints.png");
        QTest::newRow("size mismatch") << QStringList{g, QStringLiteral("hints-small.png")} << 1
                                       << QStringLiteral("hints-small.png");
        QTest::newRow("hints without alpha")
            << QStringList{g, QStringLiteral("hints-rgb.png")} << 1 << QStringLiteral("alpha");
        QTest::newRow("missing grey")
            << QStringList{QStringLiteral("nothere.png"), h} << 1 << QStringLiteral("nothere.png");
        QTest::newRow("unreadable hints")
            << QStringList{g, QStringLiteral("junk.png")} << 1 << QStringLiteral("junk.png");
        QTest::newRow("over the size limit")
            << QStringList{g, h, QStringLiteral("--max-side"), QStringLiteral("40")} << 1
            << QStringLiteral("limit");
        QTest::newRow("negative prior weight") << QStringList{g,
                                                              h,
                                                              QStringLiteral("--prior"),
                                                              QStringLiteral("prior.png"),
                                                              QStringLiteral("--prior-weight"),
                                                              QStringLiteral("-1")}
                                               << 2 << QStringLiteral("prior-weight");
        QTest::newRow("keep without prior")
            << QStringList{g, h, QStringLiteral("--keep"), QStringLiteral("keep.png")} << 2
            << QStringLiteral("--keep");
    }

    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        QStringList cli{QStringLiteral("scribble"),
                        QStringLiteral("--grey"),
                        path(args[0]),
                        QStringLiteral("--hints"),
                        path(args[1]),
                        QStringLiteral("-o"),
                        path("bad.png")};
        for (int i = 2; i < args.size(); ++i)
            cli << (args[i].endsWith(QLatin1String(".png")) ? path(args[i]) : args[i]);
        const auto r = runCli(cli);
        QVERIFY(!r.crashed);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("bad.png")));
    }

    void usageErrors()
    {
        auto r = runCli({QStringLiteral("scribble"), QStringLiteral("--hints"), path("hints.png"),
                         QStringLiteral("-o"), path("x.png")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QLatin1String("--grey")));
        r = runLab({QStringLiteral("bench"), QStringLiteral("nosuchtarget")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QLatin1String("nosuchtarget")));
        r = runLab({QStringLiteral("bench")});
        QCOMPARE(r.exitCode, 2);
        // The product's CLI points to the lab for its commands.
        r = runCli({QStringLiteral("bench"), QStringLiteral("scribble")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("tincture-lab")), qPrintable(r.err));
    }

private:
    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QTemporaryDir m_dir;
};

TINCTURE_TEST_GUILESS_MAIN(TestCliScribble)
#include "tst_cli_scribble.moc"
