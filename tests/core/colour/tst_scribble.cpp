// colouriseScribbles(): the Frame-level entry point — luma exactness, bad input, edge cases.

#include "colour/colourspace.h"
#include "colour/scribble.h"
#include "testmain.h"

#include <QTest>

using namespace tincture;
using namespace tincture::colour;

namespace {

Frame makeGrey(int w, int h, bool sixteen)
{
    Frame f(w, h, sixteen ? PixelFormat::Gray16 : PixelFormat::Gray8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double v = (x < w / 2 ? 0.25 : 0.7) + 0.2 * double(y) / h;
            if (sixteen)
                f.row16(y)[x] = uint16_t(v * 65535.0);
            else
                f.row(y)[x] = uint8_t(v * 255.0);
        }
    return f;
}

Frame emptyHints(int w, int h)
{
    return Frame(w, h, PixelFormat::Rgba8);
}

void paint(Frame &hints, int x0, int y0, int x1, int y1, uint8_t r, uint8_t g, uint8_t b)
{
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            uint8_t *p = hints.row(y) + 4 * x;
            p[0] = r;
            p[1] = g;
            p[2] = b;
            p[3] = 255;
        }
}

// The 8-bit RGB a chroma should give under the grey pixel's luma: where that colour is out of
// gamut, clipping changes the chroma, so tests compare codes rather than chroma.
bool closeToChroma(const Frame &out, const Frame &grey, int x, int y, const Yiq &want,
                   int tolerance = 3)
{
    const int target = grey.constRow(y)[x];
    uint8_t expect[3];
    quantiseLumaExact8(yiqToRgb(target / 255.0f, want.i, want.q), target, expect);
    const uint8_t *got = out.constRow(y) + 3 * x;
    for (int k = 0; k < 3; ++k)
        if (std::abs(int(got[k]) - int(expect[k])) > tolerance) {
            qWarning("pixel %d,%d: got %d %d %d, want %d %d %d", x, y, got[0], got[1], got[2],
                     expect[0], expect[1], expect[2]);
            return false;
        }
    return true;
}

} // namespace

class TestScribble : public QObject
{
    Q_OBJECT

private slots:
    void luminancePreservedExactly_data();
    void luminancePreservedExactly();
    void scribbleColoursItsRegion();
    void noScribblesGivesGreyWithWarning();
    void noScribblesWithPriorGivesPrior();
    void largePriorWeightGivesPrior();
    void everyPixelScribbled();
    void onePixelImage();
    void rejectsBadInput();
    void refusesOversizedImage();
};

void TestScribble::luminancePreservedExactly_data()
{
    QTest::addColumn<bool>("sixteen");
    QTest::newRow("8-bit") << false;
    QTest::newRow("16-bit") << true;
}

void TestScribble::luminancePreservedExactly()
{
    QFETCH(bool, sixteen);
    ScribbleInput in;
    in.grey = makeGrey(80, 60, sixteen);
    in.hints = emptyHints(80, 60);
    paint(in.hints, 5, 5, 15, 8, 255, 0, 0); // saturated: out of gamut at most lumas
    paint(in.hints, 60, 40, 70, 43, 0, 40, 255);
    Feedback feedback;
    const auto out = colouriseScribbles(in, {}, feedback);
    QVERIFY(out.hasValue());
    QCOMPARE(out->format(), sixteen ? PixelFormat::Rgb16 : PixelFormat::Rgb8);
    const Frame luma = out->luma();
    QCOMPARE(luma.byteSize(), in.grey.byteSize());
    QVERIFY(std::equal(luma.constData(), luma.constData() + luma.byteSize(), in.grey.constData()));
    QVERIFY(feedback.warnings().isEmpty());
}

void TestScribble::scribbleColoursItsRegion()
{
    ScribbleInput in;
    in.grey = makeGrey(80, 60, false);
    in.hints = emptyHints(80, 60);
    paint(in.hints, 5, 20, 10, 40, 200, 60, 40);  // left (dark) half: red
    paint(in.hints, 70, 20, 75, 40, 60, 90, 200); // right (bright) half: blue
    Feedback feedback;
    const auto out = colouriseScribbles(in, {}, feedback);
    QVERIFY(out.hasValue());
    const Yiq red = rgbToYiq(200 / 255.f, 60 / 255.f, 40 / 255.f);
    const Yiq blue = rgbToYiq(60 / 255.f, 90 / 255.f, 200 / 255.f);
    QVERIFY(closeToChroma(*out, in.grey, 15, 30, red));
    QVERIFY(closeToChroma(*out, in.grey, 60, 30, blue));
    QVERIFY(!closeToChroma(*out, in.grey, 60, 30, red, 10));
}

void TestScribble::noScribblesGivesGreyWithWarning()
{
    ScribbleInput in;
    in.grey = makeGrey(30, 20, false);
    in.hints = emptyHints(30, 20);
    Feedback feedback;
    const auto out = colouriseScribbles(in, {}, feedback);
    QVERIFY(out.hasValue());
    QCOMPARE(feedback.warnings().size(), 1);
    QVERIFY(feedback.warnings().first().contains(QLatin1String("no scribbles")));
    for (int y = 0; y < 20; ++y)
        for (int x = 0; x < 30; ++x) {
            const uint8_t *p = out->constRow(y) + 3 * x;
            QCOMPARE(p[0], in.grey.constRow(y)[x]);
            QCOMPARE(p[1], in.grey.constRow(y)[x]);
            QCOMPARE(p[2], in.grey.constRow(y)[x]);
        }
}

void TestScribble::noScribblesWithPriorGivesPrior()
{
    ScribbleInput in;
    in.grey = makeGrey(30, 20, false);
    in.hints = emptyHints(30, 20);
    in.prior = Frame(30, 20, PixelFormat::Rgb8);
    for (int y = 0; y < 20; ++y)
        for (int x = 0; x < 30; ++x) {
            uint8_t *p = in.prior.row(y) + 3 * x;
            p[0] = 150;
            p[1] = 110;
            p[2] = 80;
        }
    ScribbleParams params;
    params.priorWeight = 0.5;
    Feedback feedback;
    const auto out = colouriseScribbles(in, params, feedback);
    QVERIFY(out.hasValue());
    QCOMPARE(feedback.warnings().size(), 1);
    const Yiq want = rgbToYiq(150 / 255.f, 110 / 255.f, 80 / 255.f);
    QVERIFY(closeToChroma(*out, in.grey, 12, 9, want, 1));
    QVERIFY(closeToChroma(*out, in.grey, 25, 3, want, 1));
}

void TestScribble::largePriorWeightGivesPrior()
{
    ScribbleInput in;
    in.grey = makeGrey(40, 30, false);
    in.hints = emptyHints(40, 30);
    paint(in.hints, 2, 2, 6, 6, 0, 200, 0);
    in.prior = Frame(40, 30, PixelFormat::Rgb8);
    for (int y = 0; y < 30; ++y)
        for (int x = 0; x < 40; ++x) {
            uint8_t *p = in.prior.row(y) + 3 * x;
            p[0] = uint8_t(100 + 2 * x);
            p[1] = 120;
            p[2] = uint8_t(90 + 3 * y);
        }
    ScribbleParams params;
    params.priorWeight = 1e5;
    Feedback feedback;
    const auto out = colouriseScribbles(in, params, feedback);
    QVERIFY(out.hasValue());
    for (int y = 10; y < 30; y += 3)
        for (int x = 10; x < 40; x += 3) {
            const uint8_t *p = in.prior.constRow(y) + 3 * x;
            const Yiq want = rgbToYiq(p[0] / 255.f, p[1] / 255.f, p[2] / 255.f);
            QVERIFY(closeToChroma(*out, in.grey, x, y, want, 2));
        }
}

void TestScribble::everyPixelScribbled()
{
    ScribbleInput in;
    in.grey = makeGrey(16, 12, false);
    in.hints = emptyHints(16, 12);
    paint(in.hints, 0, 0, 8, 12, 180, 90, 60);
    paint(in.hints, 8, 0, 16, 12, 70, 120, 170);
    Feedback feedback;
    const auto out = colouriseScribbles(in, {}, feedback);
    QVERIFY(out.hasValue());
    const Yiq a = rgbToYiq(180 / 255.f, 90 / 255.f, 60 / 255.f);
    QVERIFY(closeToChroma(*out, in.grey, 3, 3, a, 1));
    const Frame luma = out->luma();
    QVERIFY(std::equal(luma.constData(), luma.constData() + 16 * 12, in.grey.constData()));
}

void TestScribble::onePixelImage()
{
    ScribbleInput in;
    in.grey = Frame(1, 1, PixelFormat::Gray8);
    in.grey.row(0)[0] = 128;
    in.hints = emptyHints(1, 1);
    Feedback quiet;
    auto out = colouriseScribbles(in, {}, quiet); // no scribble: grey
    QVERIFY(out.hasValue());
    QCOMPARE(int(out->constRow(0)[1]), 128);
    paint(in.hints, 0, 0, 1, 1, 200, 100, 50);
    Feedback feedback;
    out = colouriseScribbles(in, {}, feedback);
    QVERIFY(out.hasValue());
    QCOMPARE(lumaOf8(out->constRow(0)[0], out->constRow(0)[1], out->constRow(0)[2]), 128);
    QVERIFY(out->constRow(0)[0] > out->constRow(0)[2]); // reddish
}

void TestScribble::rejectsBadInput()
{
    Feedback feedback;
    ScribbleInput in;
    QCOMPARE(colouriseScribbles(in, {}, feedback).error().code, ErrorCode::InvalidArgument);
    in.grey = makeGrey(20, 10, false);
    in.hints = emptyHints(21, 10);
    auto r = colouriseScribbles(in, {}, feedback);
    QCOMPARE(r.error().code, ErrorCode::SizeMismatch);
    QVERIFY(r.error().message.contains(QStringLiteral("21×10")));
    in.hints = Frame(20, 10, PixelFormat::Rgb8); // no alpha
    r = colouriseScribbles(in, {}, feedback);
    QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
    QVERIFY(r.error().message.contains(QLatin1String("alpha")));
    in.hints = emptyHints(20, 10);
    in.keep = Frame(20, 10, PixelFormat::Gray8); // keep without prior
    QCOMPARE(colouriseScribbles(in, {}, feedback).error().code, ErrorCode::InvalidArgument);
    in.prior = Frame(20, 11, PixelFormat::Rgb8);
    QCOMPARE(colouriseScribbles(in, {}, feedback).error().code, ErrorCode::SizeMismatch);
    in.prior = Frame(20, 10, PixelFormat::Rgb8);
    ScribbleParams params;
    params.priorWeight = -1.0;
    QCOMPARE(colouriseScribbles(in, params, feedback).error().code, ErrorCode::InvalidArgument);
}

void TestScribble::refusesOversizedImage()
{
    ScribbleInput in;
    in.grey = makeGrey(40, 10, false);
    in.hints = emptyHints(40, 10);
    ScribbleParams params;
    params.maxSide = 32;
    Feedback feedback;
    const auto r = colouriseScribbles(in, params, feedback);
    QCOMPARE(r.error().code, ErrorCode::LimitExceeded);
    QVERIFY(r.error().message.contains(QStringLiteral("40×10")));
    params.maxSide = 8192;
    params.maxPixels = 399;
    QCOMPARE(colouriseScribbles(in, params, feedback).error().code, ErrorCode::LimitExceeded);
}

TINCTURE_TEST_GUILESS_MAIN(TestScribble)
#include "tst_scribble.moc"
