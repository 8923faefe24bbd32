// The user-points protocol (lab/hintprotocol.h): the square crop, seeded points, and each
// point's patch in the mean true colour of its place.

#include "lab/hintprotocol.h"
#include "testmain.h"

#include <QTest>

using namespace tincture;
using namespace tincture::lab;

class TestHintProtocol : public QObject
{
    Q_OBJECT
private slots:
    void squareAndPoints()
    {
        Frame photo(400, 300, PixelFormat::Rgb8);
        for (int y = 0; y < 300; ++y)
            for (int x = 0; x < 400; ++x) {
                uint8_t *p = photo.row(y) + 3 * x;
                p[0] = uint8_t(x % 256);
                p[1] = uint8_t(y % 256);
                p[2] = uint8_t((x + y) % 256);
            }
        const Frame square = protocolSquare(photo);
        QCOMPARE(square.width(), kHintProtocolSide);
        QCOMPARE(square.height(), kHintProtocolSide);

        const uint64_t seed = protocolSeed(QStringLiteral("a.jpg"), 10);
        QCOMPARE(seed, protocolSeed(QStringLiteral("a.jpg"), 10));
        QVERIFY(seed != protocolSeed(QStringLiteral("a.jpg"), 20));
        QVERIFY(seed != protocolSeed(QStringLiteral("b.jpg"), 10));
        const Frame hints = protocolHints(square, 10, seed);
        const Frame again = protocolHints(square, 10, seed);
        QVERIFY(std::memcmp(hints.constData(), again.constData(), hints.byteSize()) == 0);
        int marked = 0;
        for (int y = 0; y < hints.height(); ++y)
            for (int x = 0; x < hints.width(); ++x)
                marked += hints.constRow(y)[4 * x + 3] != 0;
        QVERIFY(marked > 0 && marked <= 10 * kHintProtocolPatch * kHintProtocolPatch);
        QCOMPARE(protocolHints(square, 0, seed).byteSize(), hints.byteSize());
        int none = 0;
        const Frame empty = protocolHints(square, 0, seed);
        for (int y = 0; y < empty.height(); ++y)
            for (int x = 0; x < empty.width(); ++x)
                none += empty.constRow(y)[4 * x + 3] != 0;
        QCOMPARE(none, 0);

        // A lone point on a flat square is that colour; on the gradient, the patch mean.
        Frame flat(64, 64, PixelFormat::Rgb8);
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 64; ++x) {
                uint8_t *p = flat.row(y) + 3 * x;
                p[0] = 10;
                p[1] = 200;
                p[2] = uint8_t(2 * x);
            }
        const Frame one = protocolHints(flat, 1, 99);
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 64; ++x) {
                const uint8_t *h = one.constRow(y) + 4 * x;
                if (h[3] == 0)
                    continue;
                QCOMPARE(int(h[0]), 10);
                QCOMPARE(int(h[1]), 200);
                // Five columns: the mean of 2x over them is the middle column's 2x.
                QVERIFY(std::abs(int(h[2]) - 2 * x) <= 4);
            }
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestHintProtocol)
#include "tst_hintprotocol.moc"
