// The reorder buffer between propagation and encoding: frames in any order come back in order
// and byte for byte, past the memory budget too (spilled to disk), and the spill file has no
// name on disk, so a killed process leaves nothing in the temporary folder.

#include "pipeline/reorderbuffer.h"
#include "testmain.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace tincture::propagation;

using namespace tincture;
using tincture::pipeline::FrameReorderBuffer;

namespace {

Frame numbered(int index, int w = 64, int h = 48)
{
    Frame f(w, h, PixelFormat::Rgb8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w * 3; ++x)
            f.row(y)[x] = uint8_t(index * 31 + x * 7 + y * 13);
    return f;
}

bool sameBytes(const Frame &a, const Frame &b)
{
    return a.width() == b.width() && a.height() == b.height() && a.format() == b.format() &&
           std::equal(a.constData(), a.constData() + a.byteSize(), b.constData());
}

} // namespace

class TestReorderBuffer : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_temp;

private slots:
    void initTestCase()
    {
        // Spill files go to QDir::tempPath(): a folder of the test's own, to look into.
        QVERIFY(m_temp.isValid());
        qputenv("TMPDIR", QFile::encodeName(m_temp.path()));
        QCOMPARE(QDir::tempPath(), QDir(m_temp.path()).canonicalPath());
    }

    void inOrderPastTheBudget()
    {
        const int64_t frameBytes = int64_t(numbered(0).byteSize());
        FrameReorderBuffer buffer(3 * frameBytes); // three frames in memory, the rest spilled
        const int order[] = {7, 2, 9, 0, 5, 1, 8, 3, 6, 4};
        for (int i : order)
            QVERIFY(buffer.put(i, numbered(i)));
        QCOMPARE(buffer.spilledFrames(), int64_t(7));
        QCOMPARE(
            QDir(m_temp.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
            QStringList());
        for (int i = 0; i < 10; ++i) {
            Result<Frame> f = buffer.take(i);
            QVERIFY(f);
            QVERIFY2(sameBytes(*f, numbered(i)), qPrintable(QString::number(i)));
        }
        QVERIFY(!buffer.take(3)); // taken already
    }

    void refusesTwiceAndReusesAfterClear()
    {
        FrameReorderBuffer buffer(0); // everything spilled
        QVERIFY(buffer.put(0, numbered(0)));
        const Result<void> twice = buffer.put(0, numbered(0));
        QVERIFY(!twice);
        QCOMPARE(twice.error().code, ErrorCode::Internal);
        buffer.clear();
        QVERIFY(!buffer.take(0));
        QVERIFY(buffer.put(0, numbered(5, 32, 24)));
        Result<Frame> f = buffer.take(0);
        QVERIFY(f);
        QVERIFY(sameBytes(*f, numbered(5, 32, 24)));
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestReorderBuffer)
#include "tst_reorderbuffer.moc"
