// Working resolution: the working size, area resampling of frames and scribbles, delivery of
// working-size colour at full size and depth (luma exact, colour kept off sharp edges), and a
// method run at a working height.

#include "metrics/imagemetrics.h"
#include "metrics/ycbcr.h"
#include "propagation/workingresolution.h"
#include "propagationfixtures.h"
#include "testmain.h"

#include <QTest>

#include <cmath>
#include <cstring>

using namespace tincture;
using namespace tincture::propagation;

namespace {

using test::CollectSink;
using test::MemoryShot;

Frame flat(int w, int h, uint8_t r, uint8_t g, uint8_t b)
{
    Frame f(w, h, PixelFormat::Rgb8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            uint8_t *p = f.row(y) + 3 * x;
            p[0] = r;
            p[1] = g;
            p[2] = b;
        }
    return f;
}

// Left of column `edge` dark red, right of it light blue: a sharp edge in luma and chroma.
Frame edgeImage(int w, int h, int edge)
{
    Frame f = flat(w, h, 150, 20, 20);
    for (int y = 0; y < h; ++y)
        for (int x = edge; x < w; ++x) {
            uint8_t *p = f.row(y) + 3 * x;
            p[0] = 120;
            p[1] = 200;
            p[2] = 250;
        }
    return f;
}

bool lumaEquals(const Frame &a, const Frame &b)
{
    const Frame la = a.luma(), lb = b.luma();
    return la.format() == lb.format() && la.byteSize() == lb.byteSize() &&
           std::memcmp(la.constData(), lb.constData(), la.byteSize()) == 0;
}

// Mean absolute (Cb, Cr) error in 8-bit units over the columns [x0, x1).
double chromaError(const Frame &out, const Frame &truth, int x0, int x1)
{
    const Frame o = out.converted(PixelFormat::Rgb8), t = truth.converted(PixelFormat::Rgb8);
    double sum = 0;
    int n = 0;
    for (int y = 0; y < o.height(); ++y)
        for (int x = x0; x < x1; ++x) {
            const uint8_t *p = o.constRow(y) + 3 * x, *q = t.constRow(y) + 3 * x;
            const metrics::YCbCr8 a = metrics::rgbToYCbCr(p[0], p[1], p[2]);
            const metrics::YCbCr8 b = metrics::rgbToYCbCr(q[0], q[1], q[2]);
            sum += std::abs(int(a.cb) - int(b.cb)) + std::abs(int(a.cr) - int(b.cr));
            ++n;
        }
    return sum / n;
}

} // namespace

class TestWorkingResolution : public QObject
{
    Q_OBJECT

private slots:
    void workingSizeKeepsTheAspectAndNeverGrows()
    {
        QCOMPARE(workingSize(QSize(2048, 1556), 480), QSize(632, 480));
        QCOMPARE(workingSize(QSize(4096, 3112), 480), QSize(632, 480));
        QCOMPARE(workingSize(QSize(1920, 1080), 480), QSize(852, 480));
        QCOMPARE(workingSize(QSize(854, 480), 480), QSize(854, 480));
        QCOMPARE(workingSize(QSize(640, 360), 480), QSize(640, 360));
        QCOMPARE(workingSize(QSize(640, 360), 0), QSize(640, 360));
        QCOMPARE(workingSize(QSize(640, 360), 181), QSize(320, 180));
    }

    void resizedAreaAveragesEveryFormat()
    {
        Frame grey16(8, 4, PixelFormat::Gray16);
        for (int y = 0; y < 4; ++y)
            for (int x = 0; x < 8; ++x)
                grey16.row16(y)[x] = uint16_t(x % 2 == 0 ? 1000 : 3000);
        const Frame small = resizedArea(grey16, QSize(4, 2));
        QCOMPARE(small.format(), PixelFormat::Gray16);
        QCOMPARE(small.width(), 4);
        QCOMPARE(small.constRow16(1)[3], uint16_t(2000));
        const Frame same = resizedArea(grey16, QSize(8, 4));
        QCOMPARE(same.constData(), grey16.constData()); // the same frame, not a copy
    }

    void thinStrokesSurviveTheReduction()
    {
        Frame hints(64, 32, PixelFormat::Rgba8);
        for (int x = 0; x < 64; ++x) { // one row of a 1-pixel orange stroke
            uint8_t *p = hints.row(10) + 4 * x;
            p[0] = 240;
            p[1] = 120;
            p[2] = 10;
            p[3] = 255;
        }
        const Frame small = resizedHints(hints, QSize(16, 8));
        QCOMPARE(small.format(), PixelFormat::Rgba8);
        int marked = 0;
        for (int y = 0; y < 8; ++y)
            for (int x = 0; x < 16; ++x) {
                const uint8_t *p = small.constRow(y) + 4 * x;
                if (p[3] == 0)
                    continue;
                ++marked;
                QCOMPARE(y, 2); // rows 8–11 of the full size
                QCOMPARE(int(p[3]), 255);
                QCOMPARE(int(p[0]), 240); // the stroke's colour, not mixed with transparent
                QCOMPARE(int(p[1]), 120);
                QCOMPARE(int(p[2]), 10);
            }
        QCOMPARE(marked, 16);
    }

    void sameSizeEightBitColourGoesOutAsItIs()
    {
        const Frame colour = edgeImage(40, 30, 17);
        auto out = deliverColour(colour.luma(), colour);
        QVERIFY2(out, out ? "" : qPrintable(out.error().message));
        QCOMPARE(out->constData(), colour.constData());
    }

    void deliveryKeepsTheSourcesLumaAtItsDepth()
    {
        // A 16-bit grey source with detail below 8 bits; colour computed at a quarter size.
        Frame source(160, 120, PixelFormat::Gray16);
        for (int y = 0; y < 120; ++y)
            for (int x = 0; x < 160; ++x)
                source.row16(y)[x] = uint16_t(21000 + 180 * x + 20 * y + (x * y) % 97);
        const Frame working = flat(40, 30, 170, 140, 110);
        for (ChromaUpsampling mode :
             {ChromaUpsampling::JointBilateral, ChromaUpsampling::Bilinear}) {
            DeliveryParams params;
            params.upsampling = mode;
            auto out = deliverColour(source, working, params);
            QVERIFY2(out, out ? "" : qPrintable(out.error().message));
            QCOMPARE(out->format(), PixelFormat::Rgb16);
            QCOMPARE(out->width(), 160);
            QVERIFY(lumaEquals(*out, source)); // every 16-bit luma sample exact
            // The flat colour's chroma everywhere (within the 8-bit chroma's rounding).
            const Frame eight = out->converted(PixelFormat::Rgb8);
            const metrics::YCbCr8 want = metrics::rgbToYCbCr(170, 140, 110);
            for (int y = 0; y < 120; y += 7)
                for (int x = 0; x < 160; x += 7) {
                    const uint8_t *p = eight.constRow(y) + 3 * x;
                    const metrics::YCbCr8 got = metrics::rgbToYCbCr(p[0], p[1], p[2]);
                    // This colour fits in RGB at every luma of the source (31–79 %): no clipping.
                    QVERIFY2(std::abs(int(got.cb) - int(want.cb)) <= 2 &&
                                 std::abs(int(got.cr) - int(want.cr)) <= 2,
                             qPrintable(QStringLiteral("(%1, %2): Cb %3 Cr %4, want %5 %6")
                                            .arg(x)
                                            .arg(y)
                                            .arg(got.cb)
                                            .arg(got.cr)
                                            .arg(want.cb)
                                            .arg(want.cr)));
                }
        }
    }

    void jointBilateralKeepsColourOffASharpEdge()
    {
        // The edge falls inside a working-size pixel: bilinear mixes red into blue for a few
        // pixels each side; the joint bilateral upsampler follows the full-size luma (the one
        // working pixel that straddles the edge still mixes both).
        const Frame truth = edgeImage(256, 64, 130);
        const Frame working = resizedArea(truth, QSize(64, 16));
        DeliveryParams bilinear;
        bilinear.upsampling = ChromaUpsampling::Bilinear;
        auto plain = deliverColour(truth.luma(), working, bilinear);
        auto guided = deliverColour(truth.luma(), working);
        QVERIFY(plain && guided);
        QVERIFY(lumaEquals(*guided, truth));
        const double plainError = chromaError(*plain, truth, 118, 142);
        const double guidedError = chromaError(*guided, truth, 118, 142);
        qInfo("chroma error within 12 px of the edge: bilinear %.2f, joint bilateral %.2f",
              plainError, guidedError);
        QVERIFY(plainError > 5.0);                // the bleed is there to be removed
        QVERIFY(guidedError < 0.75 * plainError); // measured: 14.3 → 8.5
        // Away from the edge both are the flat colours.
        QVERIFY(chromaError(*guided, truth, 0, 100) < 1.0);
        QVERIFY(chromaError(*guided, truth, 160, 256) < 1.0);
    }

    void deliveryRefusesColourLargerThanTheFrame()
    {
        auto out = deliverColour(flat(20, 10, 1, 2, 3).luma(), flat(40, 20, 1, 2, 3));
        QVERIFY(!out);
        QVERIFY(out.error().message.contains(QStringLiteral("40×20")));
    }

    void methodRunsAtTheWorkingHeightAndDeliversFullSize()
    {
        std::vector<Frame> frames;
        for (int i = 0; i < 5; ++i)
            frames.push_back(test::blobs(192, 128, 2.0 * i));
        MemoryShot shot(frames);
        auto inner = createPropagationMethod(QStringLiteral("copy0"));
        QVERIFY(inner);
        WorkingResolutionMethod method(std::move(*inner), 64);
        CollectSink sink;
        Feedback feedback;
        auto done = method.propagate(shot, {Keyframe{0, frames[0]}}, sink, feedback);
        QVERIFY2(done, done ? "" : qPrintable(done.error().message));
        QCOMPARE(int(sink.frames.size()), 5);
        for (const auto &[index, colour] : sink.frames) {
            QCOMPARE(colour.width(), 192);
            QCOMPARE(colour.height(), 128);
            QCOMPARE(colour.format(), PixelFormat::Rgb8);
            // The luma is the shot's grey, exactly.
            auto grey = shot.greyFrame(index);
            QVERIFY(grey);
            QVERIFY(lumaEquals(colour, *grey));
        }
        // Frame 0 is the keyframe: its colour comes back close to the original.
        auto psnr = metrics::chromaPsnr(sink.frames[0], frames[0]);
        QVERIFY(psnr);
        qInfo("keyframe through a third of the size and back: %.1f dB", *psnr);
        QVERIFY(*psnr > 30.0);
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestWorkingResolution)
#include "tst_workingresolution.moc"
