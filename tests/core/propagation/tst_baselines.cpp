// The baseline propagation methods and the method registry on tiny in-memory shots.

#include "metrics/imagemetrics.h"
#include "metrics/ycbcr.h"
#include "propagation/internal/baselines.h"
#include "lab/evaluation.h"
#include "propagation/propagationmethod.h"
#include "propagationfixtures.h"
#include "testmain.h"

#include <QTest>

#include <cmath>
#include <map>

using namespace tincture::propagation;
using namespace tincture::lab;

using namespace tincture;

namespace {

using test::CollectSink;
using test::MemoryShot;

// A smooth colourful pattern moved right by `shift` pixels.
Frame pattern(int w, int h, double shift, int hue = 0)
{
    Frame f(w, h, PixelFormat::Rgb8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double u = x - shift;
            const double a = std::sin(u * 0.21 + hue) * std::cos(y * 0.17);
            const double b = std::cos(u * 0.13 - y * 0.09 + hue);
            f.row(y)[x * 3] = uint8_t(std::lround(128 + 90 * a));
            f.row(y)[x * 3 + 1] = uint8_t(std::lround(128 + 60 * b));
            f.row(y)[x * 3 + 2] = uint8_t(std::lround(128 - 70 * a * b));
        }
    return f;
}

metrics::YCbCr8 chromaAt(const Frame &f, int x, int y)
{
    const uint8_t *p = f.constRow(y) + x * 3;
    return metrics::rgbToYCbCr(p[0], p[1], p[2]);
}

std::vector<Frame> movingShot(int n, double step)
{
    std::vector<Frame> frames;
    for (int i = 0; i < n; ++i)
        frames.push_back(pattern(64, 48, i * step));
    return frames;
}

} // namespace

class TestBaselines : public QObject
{
    Q_OBJECT

private slots:
    void registry()
    {
        QCOMPARE(propagationMethodNames(),
                 QStringList({QStringLiteral("grey"), QStringLiteral("copy0"),
                              QStringLiteral("flow"), QStringLiteral("bnn"),
                              QStringLiteral("bnn-refined"), QStringLiteral("vpn"),
                              QStringLiteral("bnnflow"), QStringLiteral("per-frame")}));
        for (const QString &name : propagationMethodNames()) {
            auto m = createPropagationMethod(name);
            QVERIFY(m.hasValue());
            QCOMPARE((*m)->name(), name);
            QVERIFY(!propagationMethodDescription(name).isEmpty());
        }
        QVERIFY(propagationMethodDescription(QStringLiteral("nosuch")).isEmpty());
        auto bad = createPropagationMethod(QStringLiteral("nosuch"));
        QVERIFY(!bad.hasValue());
        QCOMPARE(bad.error().code, ErrorCode::InvalidArgument);
        QVERIFY(bad.error().message.contains(QStringLiteral("flow")));
    }

    void everyFrameExactlyOnce_data()
    {
        QTest::addColumn<QString>("method");
        for (const QString &name : propagationMethodNames())
            QTest::newRow(qPrintable(name)) << name;
    }
    void everyFrameExactlyOnce()
    {
        QFETCH(QString, method);
        MemoryShot shot(movingShot(7, 1.0));
        CollectSink sink;
        Feedback feedback;
        auto m = createPropagationMethod(method);
        // Two keyframes, not at 0: frames 0–1 backward from 2, 2–4 from 2, 5–6 from 5.
        auto r = (*m)->propagate(shot, {Keyframe{5, shot.colour(5)}, Keyframe{2, shot.colour(2)}},
                                 sink, feedback);
        QVERIFY2(r.hasValue(), r.hasValue() ? "" : qPrintable(r.error().message));
        QCOMPARE(int(sink.puts.size()), 7);
        for (const auto &[index, count] : sink.puts) {
            QCOMPARE(count, 1);
            QCOMPARE(sink.frames[index].format(), PixelFormat::Rgb8);
            QCOMPARE(sink.frames[index].width(), 64);
        }
        QCOMPARE(feedback.fraction(), 1.0);
        // A keyframe's own output keeps its colour: chroma within OpenCV/Pillow rounding. A method
        // that uses no keyframes (per-frame mode) colours the shot without any instead.
        if (!(*m)->usesKeyframes()) {
            CollectSink alone;
            auto r2 = (*m)->propagate(shot, {}, alone, feedback);
            QVERIFY2(r2.hasValue(), r2.hasValue() ? "" : qPrintable(r2.error().message));
            QCOMPARE(int(alone.puts.size()), 7);
            QCOMPARE(method, QStringLiteral("per-frame"));
            return;
        }
        const double keyScore = *metrics::chromaPsnr(sink.frames[5], shot.colour(5));
        QVERIFY2(keyScore > 40.0, qPrintable(QString::number(keyScore)));
    }

    void greyHasNoColourOutsideKeyframes()
    {
        MemoryShot shot(movingShot(3, 0.0));
        CollectSink sink;
        Feedback feedback;
        QVERIFY(makeGreyBaseline()
                    ->propagate(shot, {Keyframe{0, shot.colour(0)}}, sink, feedback)
                    .hasValue());
        for (int i : {1, 2}) {
            const metrics::YCbCr8 c = chromaAt(sink.frames[i], 10, 10);
            QVERIFY(std::abs(int(c.cb) - 128) <= 1 && std::abs(int(c.cr) - 128) <= 1);
        }
        const metrics::YCbCr8 key = chromaAt(sink.frames[0], 10, 10),
                              truth = chromaAt(shot.colour(0), 10, 10);
        QVERIFY(std::abs(int(key.cb) - int(truth.cb)) <= 1);
    }

    void copyKeepsTheKeyframeChroma()
    {
        // Frames whose colour differs from the keyframe's: copy0 still shows the keyframe's.
        std::vector<Frame> frames = {pattern(32, 24, 0, 0), pattern(32, 24, 0, 2)};
        MemoryShot shot(frames);
        CollectSink sink;
        Feedback feedback;
        QVERIFY(makeCopyFirstBaseline()
                    ->propagate(shot, {Keyframe{0, frames[0]}}, sink, feedback)
                    .hasValue());
        const metrics::YCbCr8 out = chromaAt(sink.frames[1], 5, 7), key = chromaAt(frames[0], 5, 7);
        // Y differs (frame 1's grey), so the re-derived chroma may move by a little.
        QVERIFY(std::abs(int(out.cb) - int(key.cb)) <= 2);
        QVERIFY(std::abs(int(out.cr) - int(key.cr)) <= 2);
    }

    void flowFollowsMotion()
    {
        // Content moving 1.5 px per frame: carrying chroma along the flow beats copying it.
        MemoryShot shot(movingShot(6, 1.5));
        double score[2] = {0, 0};
        int k = 0;
        for (const QString &name : {QStringLiteral("copy0"), QStringLiteral("flow")}) {
            CollectSink sink;
            Feedback feedback;
            QVERIFY((*createPropagationMethod(name))
                        ->propagate(shot, {Keyframe{0, shot.colour(0)}}, sink, feedback)
                        .hasValue());
            score[k++] = *metrics::chromaPsnr(sink.frames[5], shot.colour(5));
        }
        QVERIFY2(score[1] > score[0] + 3.0,
                 qPrintable(QStringLiteral("copy0 %1 dB, flow %2 dB").arg(score[0]).arg(score[1])));
    }

    void errorsAndCancellation()
    {
        MemoryShot shot(movingShot(4, 1.0));
        Feedback feedback;
        CollectSink sink;
        auto flow = makeFlowBaseline();
        QCOMPARE(flow->propagate(shot, {}, sink, feedback).error().code,
                 ErrorCode::InvalidArgument);
        QCOMPARE(flow->propagate(shot, {Keyframe{4, shot.colour(0)}}, sink, feedback).error().code,
                 ErrorCode::OutOfRange);
        QCOMPARE(flow->propagate(shot, {Keyframe{1, shot.colour(1)}, Keyframe{1, shot.colour(1)}},
                                 sink, feedback)
                     .error()
                     .code,
                 ErrorCode::InvalidArgument);
        QCOMPARE(
            flow->propagate(shot, {Keyframe{0, pattern(10, 10, 0)}}, sink, feedback).error().code,
            ErrorCode::SizeMismatch);
        CollectSink failing;
        failing.failAt = 2;
        QCOMPARE(
            flow->propagate(shot, {Keyframe{0, shot.colour(0)}}, failing, feedback).error().code,
            ErrorCode::WriteFailed);
        Feedback cancelled;
        cancelled.cancel();
        CollectSink none;
        QVERIFY(flow->propagate(shot, {Keyframe{0, shot.colour(0)}}, none, cancelled)
                    .error()
                    .isCancelled());
        QVERIFY(none.puts.empty());
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestBaselines)
#include "tst_baselines.moc"
