// The flows of packed clips for the temporal losses (lab/clipflow.h): a pattern moving a known
// distance gives that flow to the previous frame and to frame 0, frame 0's flows are zero, the
// file matches the clips' header; a truncated clip file or a cancelled run writes nothing.

#include "lab/clipflow.h"
#include "testmain.h"
#include "testsupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

using namespace tincture;

namespace {

constexpr int kSide = 48, kFrames = 3, kClips = 2, kStep = 2;

// A smooth pattern moving kStep px right a frame (Y, then four chroma bytes, per pixel).
QByteArray clips()
{
    QByteArray bytes("TCVPNC01", 8);
    const uint32_t header[5] = {kClips, kFrames, kSide, kSide, 5};
    bytes.append(reinterpret_cast<const char *>(header), sizeof header);
    for (int c = 0; c < kClips; ++c)
        for (int t = 0; t < kFrames; ++t)
            for (int y = 0; y < kSide; ++y)
                for (int x = 0; x < kSide; ++x) {
                    const double v = 128 + 60 * std::sin((x - kStep * t) * 0.35 + c) +
                                     50 * std::cos(y * 0.3 + 0.2 * (x - kStep * t));
                    const char px[5] = {char(uint8_t(std::clamp(v, 0.0, 255.0))), 0, 0, 0, 0};
                    bytes.append(px, 5);
                }
    return bytes;
}

// The flow file's values of (clip, t, pair) as x and y in pixels.
struct Flow
{
    std::vector<double> x, y;
};

Flow flowOf(const QByteArray &file, int clip, int t, int pair)
{
    const size_t perFrame = size_t(kSide) * kSide * 4;
    const size_t offset =
        24 + ((size_t(clip) * kFrames + size_t(t)) * perFrame + size_t(pair) * kSide * kSide * 2) *
                 sizeof(int16_t);
    Flow f;
    for (int i = 0; i < kSide * kSide; ++i) {
        int16_t v[2];
        std::memcpy(v, file.constData() + offset + size_t(i) * 4, 4);
        f.x.push_back(v[0] / 16.0);
        f.y.push_back(v[1] / 16.0);
    }
    return f;
}

// The median over the frame's interior (8 px from every edge).
double interiorMedian(const std::vector<double> &v)
{
    std::vector<double> inner;
    for (int y = 8; y < kSide - 8; ++y)
        for (int x = 8; x < kSide - 8; ++x)
            inner.push_back(v[size_t(y) * kSide + size_t(x)]);
    std::nth_element(inner.begin(), inner.begin() + long(inner.size() / 2), inner.end());
    return inner[inner.size() / 2];
}

} // namespace

class TestClipFlow : public QObject
{
    Q_OBJECT

private slots:
    void knownMotionGivesItsFlow()
    {
        QTemporaryDir dir;
        const QString in = dir.filePath(QStringLiteral("clips.tcvc"));
        const QString out = dir.filePath(QStringLiteral("clips.tcvf"));
        QVERIFY(test::writeFileBytes(in, clips()));
        Feedback feedback;
        const Result<void> ok = lab::packClipFlows(in, out, feedback);
        QVERIFY2(ok, qPrintable(ok ? QString() : ok.error().message));
        const QByteArray file = test::fileBytes(out);
        QCOMPARE(file.size(), qsizetype(24 + size_t(kClips) * kFrames * kSide * kSide * 4 * 2));
        QVERIFY(file.startsWith("TCFLOW01"));
        uint32_t header[4];
        std::memcpy(header, file.constData() + 8, sizeof header);
        QCOMPARE(header[0], uint32_t(kClips));
        QCOMPARE(header[1], uint32_t(kFrames));
        QCOMPARE(header[2], uint32_t(kSide));
        QCOMPARE(header[3], uint32_t(kSide));
        for (int c = 0; c < kClips; ++c) {
            for (int pair = 0; pair < 2; ++pair) {
                const Flow zero = flowOf(file, c, 0, pair);
                QVERIFY(std::all_of(zero.x.begin(), zero.x.end(), [](double v) { return v == 0; }));
            }
            // Frame t shows at x what frame t − 1 shows at x − kStep.
            for (int t = 1; t < kFrames; ++t) {
                const Flow toPrev = flowOf(file, c, t, 0), toFirst = flowOf(file, c, t, 1);
                QVERIFY2(std::abs(interiorMedian(toPrev.x) + kStep) < 0.3,
                         qPrintable(QString::number(interiorMedian(toPrev.x))));
                QVERIFY(std::abs(interiorMedian(toPrev.y)) < 0.3);
                QVERIFY2(std::abs(interiorMedian(toFirst.x) + kStep * t) < 0.4,
                         qPrintable(QString::number(interiorMedian(toFirst.x))));
                if (t == 1)
                    QVERIFY(toFirst.x == toPrev.x && toFirst.y == toPrev.y);
            }
        }
        QCOMPARE(feedback.fraction(), 1.0);
    }

    void badInputWritesNothing()
    {
        QTemporaryDir dir;
        const QString in = dir.filePath(QStringLiteral("short.tcvc"));
        const QString out = dir.filePath(QStringLiteral("short.tcvf"));
        QByteArray truncated = clips();
        truncated.chop(100);
        QVERIFY(test::writeFileBytes(in, truncated));
        Feedback feedback;
        Result<void> r = lab::packClipFlows(in, out, feedback);
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(QStringLiteral("short.tcvc")) &&
                     r.error().message.contains(QStringLiteral("truncated")),
                 qPrintable(r.error().message));
        QVERIFY(!QFile::exists(out));
        QVERIFY(test::writeFileBytes(in, QByteArray("TCDSET01 not clips at all, 28+ bytes long")));
        r = lab::packClipFlows(in, out, feedback);
        QVERIFY(!r && r.error().message.contains(QStringLiteral("bad header")));
        r = lab::packClipFlows(dir.filePath(QStringLiteral("none.tcvc")), out, feedback);
        QVERIFY(!r && r.error().code == ErrorCode::FileNotFound);
        // Cancelled: nothing written.
        QVERIFY(test::writeFileBytes(in, clips()));
        Feedback cancelled;
        cancelled.cancel();
        r = lab::packClipFlows(in, out, cancelled);
        QVERIFY(!r && r.error().isCancelled());
        QVERIFY(!QFile::exists(out));
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestClipFlow)
#include "tst_clipflow.moc"
