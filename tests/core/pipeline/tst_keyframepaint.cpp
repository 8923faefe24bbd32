// Strokes → solver constraints, and the keyframe repaint: painted colour spreads, the eraser
// and the "keep the model's colour" brush do what they say, luma is always the grey frame's.

#include "pipeline/keyframesolver.h"
#include "project/strokeraster.h"
#include "propagation/workingresolution.h"
#include "testmain.h"

#include <QTest>

#include <cmath>

using namespace tincture;
using namespace tincture::project;
using namespace tincture::pipeline;

namespace {
constexpr int kW = 96, kH = 64;

// Flat grey with a darker disc (an edge for the affinities to follow).
Frame greyFrame()
{
    Frame f(kW, kH, PixelFormat::Gray8);
    for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x) {
            const bool disc = (x - 70) * (x - 70) + (y - 32) * (y - 32) < 15 * 15;
            f.row(y)[x] = uint8_t(disc ? 60 : 140);
        }
    return f;
}

// A prior: greenish everywhere, luma matching the grey frame roughly (the solver keeps Y).
Frame priorFrame(const Frame &grey)
{
    Frame f(kW, kH, PixelFormat::Rgb8);
    for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x) {
            const int g = grey.constRow(y)[x];
            uint8_t *p = f.row(y) + 3 * x;
            p[0] = uint8_t(std::clamp(g - 30, 0, 255));
            p[1] = uint8_t(std::clamp(g + 20, 0, 255));
            p[2] = uint8_t(std::clamp(g - 30, 0, 255));
        }
    return f;
}

PaintStroke paint(QRgb c, QVector<QPointF> pts, double r = 4, double hardness = 1.0)
{
    PaintStroke s;
    s.colour = c;
    s.points = pts;
    s.radius = r;
    s.hardness = hardness;
    return s;
}

// Red minus green at a pixel: > 0 reddish, < 0 greenish.
int redness(const Frame &f, int x, int y)
{
    const uint8_t *p = f.constRow(y) + 3 * x;
    return int(p[0]) - int(p[1]);
}

void checkLumaExact(const Frame &colour, const Frame &grey)
{
    const Frame l = colour.luma();
    for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x)
            QCOMPARE(int(l.constRow(y)[x]), int(grey.constRow(y)[x]));
}
} // namespace

class TestKeyframePaint : public QObject
{
    Q_OBJECT
private slots:
    void rasterHardnessEraserKeep()
    {
        // Hard brush of radius 4: a disc of about π·16 ≈ 50 pixels.
        StrokeMasks hard = rasteriseStrokes({paint(qRgb(255, 0, 0), {{20, 20}})}, kW, kH);
        QVERIFY(hard.hintPixels > 35 && hard.hintPixels < 70);
        QCOMPARE(int(hard.hints.constRow(20)[4 * 20 + 3]), 255);
        QCOMPARE(int(hard.hints.constRow(20)[4 * 20 + 0]), 255);
        // Half hardness: the constrained core is a quarter of the area.
        StrokeMasks soft = rasteriseStrokes({paint(qRgb(255, 0, 0), {{20, 20}}, 4, 0.5)}, kW, kH);
        QVERIFY(soft.hintPixels < hard.hintPixels / 2);
        QVERIFY(soft.hintPixels > 0);
        // A line covers its length.
        StrokeMasks line =
            rasteriseStrokes({paint(qRgb(0, 0, 255), {{10, 10}, {80, 10}}, 2)}, kW, kH);
        QCOMPARE(int(line.hints.constRow(10)[4 * 45 + 3]), 255);
        QCOMPARE(int(line.hints.constRow(10)[4 * 45 + 2]), 255);
        QCOMPARE(int(line.hints.constRow(30)[4 * 45 + 3]), 0);
        // The eraser clears paint under it; the keep brush sets the keep mask.
        PaintStroke erase = paint(0, {{45, 10}}, 5);
        erase.tool = BrushTool::Erase;
        PaintStroke keep = paint(0, {{45, 40}}, 5);
        keep.tool = BrushTool::KeepModel;
        StrokeMasks all = rasteriseStrokes(
            {paint(qRgb(0, 0, 255), {{10, 10}, {80, 10}}, 2), erase, keep}, kW, kH);
        QCOMPARE(int(all.hints.constRow(10)[4 * 45 + 3]), 0);
        QCOMPARE(int(all.hints.constRow(10)[4 * 15 + 3]), 255);
        QVERIFY(all.hintPixels < line.hintPixels);
        QVERIFY(all.keep.constRow(40)[45] != 0);
        QCOMPARE(int(all.keep.constRow(10)[45]), 0);
        QVERIFY(all.keepPixels > 40);
        // The overlay shows the strokes (non-transparent where painted).
        const QImage overlay = strokeOverlay({paint(qRgb(255, 0, 0), {{20, 20}})}, kW, kH);
        QVERIFY(qAlpha(overlay.pixel(20, 20)) > 0);
        QCOMPARE(qAlpha(overlay.pixel(60, 50)), 0);
    }

    void noStrokesGivesThePrior()
    {
        const Frame grey = greyFrame();
        const Frame prior = priorFrame(grey);
        KeyframeSolver solver(grey, prior, 0.1);
        Feedback fb;
        Result<Frame> out = solver.solve(rasteriseStrokes({}, kW, kH), fb);
        QVERIFY(out);
        QCOMPARE(QByteArray((const char *)out->constData(), int(out->byteSize())),
                 QByteArray((const char *)prior.constData(), int(prior.byteSize())));
    }

    void strokeRecolours()
    {
        const Frame grey = greyFrame();
        const Frame prior = priorFrame(grey).luma().converted(PixelFormat::Rgb8); // grey prior
        KeyframeSolver solver(grey, priorFrame(grey), 0.01);
        Feedback fb;
        // A red stroke in the background, left half.
        const QVector<PaintStroke> strokes{paint(qRgb(220, 60, 60), {{10, 10}, {30, 50}}, 3)};
        Result<Frame> out = solver.solve(rasteriseStrokes(strokes, kW, kH), fb);
        QVERIFY2(out, out ? "" : qPrintable(out.error().message));
        checkLumaExact(*out, grey);
        QVERIFY(redness(*out, 20, 30) > 40);  // on the stroke
        QVERIFY(redness(*out, 28, 30) > 10);  // spread beyond it (λ = 0.01: about 10 px)
        QVERIFY(redness(*out, 55, 30) < -40); // far away the model's colour holds
        QVERIFY(redness(*out, 70, 32) < 0);   // the disc keeps the model's green
        Q_UNUSED(prior);

        // Warm re-solve after a second stroke, a green one on the disc: both hold.
        QVector<PaintStroke> more = strokes;
        more.append(paint(qRgb(40, 180, 40), {{70, 32}}, 3));
        Result<Frame> again = solver.solve(rasteriseStrokes(more, kW, kH), fb);
        QVERIFY(again);
        QVERIFY(redness(*again, 20, 30) > 40);
        QVERIFY(redness(*again, 70, 32) < -40);

        // The keep brush pins the model's colour: paint red everywhere in the left half but
        // keep a patch; the kept patch stays the prior's green.
        PaintStroke keep = paint(0, {{20, 30}}, 6);
        keep.tool = BrushTool::KeepModel;
        QVector<PaintStroke> kept = strokes;
        kept.append(keep);
        Result<Frame> k = solver.solve(rasteriseStrokes(kept, kW, kH), fb);
        QVERIFY(k);
        QVERIFY(redness(*k, 20, 30) < 0);
        QVERIFY(redness(*k, 12, 12) > 40);
        checkLumaExact(*k, grey);
    }

    // At a working height of half the frame's rows: the masks are given at the frame's size,
    // the solve runs at 48×32, and the colour comes back at 96×64 with the grey frame's luma
    // exactly. A hard stroke one pixel wide survives the reduction; keep and nothing painted
    // behave as at full size.
    void workingHeightSolvesSmallerDeliversFullSize()
    {
        const Frame grey = greyFrame();
        KeyframeSolver solver(grey, priorFrame(grey), 0.01, kH / 2);
        QCOMPARE(solver.width(), kW);
        QCOMPARE(solver.height(), kH);
        QCOMPARE(solver.workingSize(), QSize(kW / 2, kH / 2));
        Feedback fb;
        Result<Frame> none = solver.solve(rasteriseStrokes({}, kW, kH), fb);
        QVERIFY(none);
        const Frame prior = priorFrame(grey);
        QCOMPARE(QByteArray((const char *)none->constData(), int(none->byteSize())),
                 QByteArray((const char *)prior.constData(), int(prior.byteSize())));

        const QVector<PaintStroke> strokes{paint(qRgb(220, 60, 60), {{10, 10}, {30, 50}}, 3),
                                           paint(qRgb(220, 60, 60), {{50, 5}, {50, 25}}, 0.5)};
        StrokeMasks masks = rasteriseStrokes(strokes, kW, kH);
        Result<Frame> out = solver.solve(masks, fb);
        QVERIFY2(out, out ? "" : qPrintable(out.error().message));
        QCOMPARE(out->width(), kW);
        QCOMPARE(out->height(), kH);
        checkLumaExact(*out, grey);
        QVERIFY(redness(*out, 20, 30) > 40);
        QVERIFY(redness(*out, 50, 15) > 20);  // the thin stroke
        QVERIFY(redness(*out, 80, 55) < -30); // far away the model's colour holds

        PaintStroke keep = paint(0, {{20, 30}}, 6);
        keep.tool = BrushTool::KeepModel;
        QVector<PaintStroke> kept = strokes;
        kept.append(keep);
        Result<Frame> k = solver.solve(rasteriseStrokes(kept, kW, kH), fb);
        QVERIFY(k);
        QVERIFY(redness(*k, 20, 30) < 0);
        QVERIFY(redness(*k, 12, 12) > 40);
        checkLumaExact(*k, grey);

        // A prior given at the working size is delivered at the frame's size.
        KeyframeSolver small(grey, propagation::resizedArea(prior, QSize(kW / 2, kH / 2)), 0.01,
                             kH / 2);
        Result<Frame> p = small.solve(rasteriseStrokes({}, kW, kH), fb);
        QVERIFY(p);
        QCOMPARE(p->width(), kW);
        checkLumaExact(*p, grey);
        QVERIFY(redness(*p, 80, 55) < -30);
    }

    // λ means the same in the frame's pixels at any working height: a stroke spreads about as
    // far at half the rows as at full size, and clearly closer to that than a solve whose λ
    // was not scaled (λ/4 given at half the rows is what that would be).
    void workingHeightKeepsTheSpreadOfAStroke()
    {
        const Frame grey = greyFrame();
        const QVector<PaintStroke> strokes{paint(qRgb(220, 60, 60), {{10, 10}, {30, 50}}, 3)};
        const StrokeMasks masks = rasteriseStrokes(strokes, kW, kH);
        Feedback fb;
        auto solved = [&](double lambda, int height) {
            KeyframeSolver solver(grey, priorFrame(grey), lambda, height);
            Result<Frame> out = solver.solve(masks, fb);
            return out ? *out : Frame();
        };
        const Frame full = solved(0.01, 0), scaled = solved(0.01, kH / 2),
                    unscaled = solved(0.01 / 4, kH / 2);
        QVERIFY(!full.isNull() && !scaled.isNull() && !unscaled.isNull());
        // The spread: mean redness along the row through the stroke's middle, beyond it.
        auto spread = [](const Frame &f) {
            double sum = 0;
            for (int x = 26; x < 50; ++x)
                sum += redness(f, x, 30);
            return sum / 24;
        };
        qInfo("redness beyond the stroke: full %.1f, scaled λ %.1f, unscaled %.1f", spread(full),
              spread(scaled), spread(unscaled));
        QVERIFY(std::abs(spread(scaled) - spread(full)) <
                0.5 * std::abs(spread(unscaled) - spread(full)));
    }

    void cancelledSolveReturnsCancelled()
    {
        const Frame grey = greyFrame();
        KeyframeSolver solver(grey, {}, 0.1);
        Feedback fb;
        fb.cancel();
        Result<Frame> out =
            solver.solve(rasteriseStrokes({paint(qRgb(220, 60, 60), {{10, 10}})}, kW, kH), fb);
        QVERIFY(!out);
        QVERIFY(out.error().isCancelled());
    }
};

TINCTURE_TEST_MAIN(TestKeyframePaint)
#include "tst_keyframepaint.moc"
