#include "image/frame.h"
#include "media/framecache.h"
#include "media/imageio.h"
#include "testmain.h"

#include <QTemporaryDir>
#include <QTest>

using namespace tincture;

class TestFrame : public QObject
{
    Q_OBJECT
private slots:
    void lumaUsesBt601()
    {
        Frame f(3, 1, PixelFormat::Rgb8);
        uint8_t *p = f.row(0);
        const uint8_t px[9] = {255, 0, 0, 0, 255, 0, 10, 20, 30};
        std::copy(px, px + 9, p);
        const Frame y = f.luma();
        QCOMPARE(y.format(), PixelFormat::Gray8);
        // 0.299·255 = 76.2, 0.587·255 = 149.7, 0.299·10 + 0.587·20 + 0.114·30 = 18.15
        QCOMPARE(int(y.constRow(0)[0]), 76);
        QCOMPARE(int(y.constRow(0)[1]), 150);
        QCOMPARE(int(y.constRow(0)[2]), 18);
    }
    void conversionsRoundTrip()
    {
        Frame f(4, 2, PixelFormat::Rgb8);
        for (int i = 0; i < 24; ++i)
            f.data()[i] = uint8_t(i * 10);
        const Frame deep = f.converted(PixelFormat::Rgb16);
        QCOMPARE(deep.constRow16(0)[1], uint16_t(10 * 257));
        const Frame back = deep.converted(PixelFormat::Rgb8);
        QVERIFY(std::equal(f.constData(), f.constData() + f.byteSize(), back.constData()));
        const Frame rgba = f.converted(PixelFormat::Rgba8);
        QCOMPARE(int(rgba.constRow(0)[3]), 255);
    }
    void copyOnWrite()
    {
        Frame a(2, 2, PixelFormat::Gray8);
        Frame b = a;
        b.data()[0] = 7;
        QCOMPARE(int(a.constData()[0]), 0);
        QCOMPARE(int(b.constData()[0]), 7);
    }
    void rotation()
    {
        Frame f(3, 2, PixelFormat::Gray8); // values = x + 10 y
        for (int y = 0; y < 2; ++y)
            for (int x = 0; x < 3; ++x)
                f.row(y)[x] = uint8_t(x + 10 * y);
        const Frame r = f.rotated(90); // clockwise: bottom-left goes to top-left
        QCOMPARE(r.width(), 2);
        QCOMPARE(r.height(), 3);
        QCOMPARE(int(r.constRow(0)[0]), 10);
        QCOMPARE(int(r.constRow(0)[1]), 0);
        QCOMPARE(int(r.constRow(2)[1]), 2);
        const Frame full = f.rotated(90).rotated(270);
        QVERIFY(std::equal(f.constData(), f.constData() + f.byteSize(), full.constData()));
    }
    void padding()
    {
        Frame f(3, 1, PixelFormat::Gray8);
        f.row(0)[2] = 9;
        const Frame p = f.paddedTo(4, 2);
        QCOMPARE(int(p.constRow(0)[3]), 9);
        QCOMPARE(int(p.constRow(1)[3]), 9);
        QCOMPARE(p.cropped(3, 1).byteSize(), f.byteSize());
    }
    void cacheStaysWithinBudget()
    {
        const Frame proto(100, 100, PixelFormat::Rgb8); // 30 000 bytes
        FrameCache cache(100000);
        for (int i = 0; i < 50; ++i) {
            Frame f = proto;
            f.index = i;
            cache.insert(f);
            QVERIFY(cache.bytesUsed() <= cache.budgetBytes());
        }
        QCOMPARE(cache.size(), size_t(3));
        QVERIFY(cache.find(49).has_value());
        QVERIFY(!cache.find(0).has_value());
        cache.find(47); // touch: 48 becomes the oldest
        Frame f = proto;
        f.index = 50;
        cache.insert(f);
        QVERIFY(cache.find(47).has_value());
        QVERIFY(!cache.find(48).has_value());
    }
    void imageRoundTrip_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("ext");
        for (PixelFormat pf : {PixelFormat::Gray8, PixelFormat::Gray16, PixelFormat::Rgb8,
                               PixelFormat::Rgb16, PixelFormat::Rgba8, PixelFormat::Rgba16})
            for (const char *ext : {"png", "tif"})
                QTest::newRow(qPrintable(QStringLiteral("%1-%2").arg(pixelFormatName(pf), ext)))
                    << int(pf) << QString::fromLatin1(ext);
    }
    void imageRoundTrip()
    {
        QFETCH(int, format);
        QFETCH(QString, ext);
        const auto pf = PixelFormat(format);
        Frame f(7, 5, pf); // odd size on purpose
        const bool deep = isSixteenBit(pf);
        for (int y = 0; y < 5; ++y)
            for (int i = 0; i < 7 * f.channels(); ++i) {
                const int v = (y * 37 + i * 101) % 256;
                if (deep)
                    f.row16(y)[i] = uint16_t(v * 251 + y);
                else
                    f.row(y)[i] = uint8_t(v);
            }
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("img.") + ext);
        QVERIFY(writeImage(path, f));
        Result<Frame> back = readImage(path);
        QVERIFY2(back, back ? "" : qPrintable(back.error().message));
        QCOMPARE(back->format(), pf);
        QCOMPARE(back->width(), 7);
        QCOMPARE(back->height(), 5);
        QVERIFY(std::equal(f.constData(), f.constData() + f.byteSize(), back->constData()));
    }
    void unreadableImages()
    {
        QTemporaryDir dir;
        QVERIFY(!readImage(dir.filePath(QStringLiteral("none.png"))));
        QFile junk(dir.filePath(QStringLiteral("junk.png")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(1000, 'x'));
        junk.close();
        Result<Frame> r = readImage(junk.fileName());
        QVERIFY(!r);
        QVERIFY(r.error().message.contains(QLatin1String("junk.png")));
        QVERIFY(!writeImage(dir.filePath(QStringLiteral("x.bmp")), Frame(2, 2, PixelFormat::Rgb8)));
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestFrame)
#include "tst_frame.moc"
