// bench repaint: the studio's keyframe repaint (KeyframeSolver: strokes rasterised at the
// frame's size, the Levin solve over the model's proposal, λ = 0.01 as the studio's default)
// at the film's size and at the default working height, on the synthetic film picture at
// 854×480, 1920×1080 and 2048×1556 (unless --size). Cold: a new keyframe's first solve (the
// solver made, six strokes); warm: the re-solve after one more stroke, as after each stroke
// in the studio. The film's-size rows are the baseline, timed in the same run; each working-
// height row also says how far its colour is from the full-size solve's (chroma PSNR).

#include "cmd_bench.h"

#include "metrics/imagemetrics.h"
#include "pipeline/keyframesolver.h"
#include "project/strokeraster.h"
#include "propagation/workingresolution.h"

#include <QJsonArray>

#include <random>

namespace tincture::cli {
namespace {

// Six strokes, a seventh for the warm re-solve: random positions and colours, 10 to 30 % of
// the frame's width long, radius 1 % of its height (hard core: hardness 0.8).
QVector<project::PaintStroke> strokesFor(QSize size)
{
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    QVector<project::PaintStroke> strokes;
    for (int k = 0; k < 7; ++k) {
        project::PaintStroke s;
        s.colour = qRgb(int(255 * u(rng)), int(255 * u(rng)), int(255 * u(rng)));
        s.radius = std::max(1.5, 0.01 * size.height());
        s.hardness = 0.8;
        const QPointF a(u(rng) * size.width(), u(rng) * size.height());
        const double length = (0.1 + 0.2 * u(rng)) * size.width(), angle = 6.2832 * u(rng);
        for (int i = 0; i <= 16; ++i)
            s.points.append(a + QPointF(std::cos(angle), std::sin(angle)) * (length * i / 16));
        s.serial = k;
        strokes.append(s);
    }
    return strokes;
}

struct RepaintRun
{
    double coldMs = 0, warmMs = 0;
    Frame colour; // the warm result of the warm-up run
};

Result<RepaintRun> timeRepaint(const Frame &grey, const Frame &prior,
                               const QVector<project::PaintStroke> &strokes, int workingHeight,
                               int runs)
{
    const QVector<project::PaintStroke> six = strokes.mid(0, 6);
    std::vector<double> cold, warm;
    RepaintRun result;
    for (int run = 0; run <= runs; ++run) { // run 0 is the warm-up
        if (benchInterrupted())
            return Error::cancelled();
        Feedback feedback;
        const BenchClock::time_point t0 = BenchClock::now();
        pipeline::KeyframeSolver solver(grey, prior, 0.01, workingHeight);
        Result<Frame> first =
            solver.solve(project::rasteriseStrokes(six, grey.width(), grey.height()), feedback);
        const double coldMs = msSince(t0);
        if (!first)
            return first.error();
        const BenchClock::time_point t1 = BenchClock::now();
        Result<Frame> again =
            solver.solve(project::rasteriseStrokes(strokes, grey.width(), grey.height()), feedback);
        const double warmMs = msSince(t1);
        if (!again)
            return again.error();
        if (run == 0) {
            result.colour = *again;
            continue;
        }
        cold.push_back(coldMs);
        warm.push_back(warmMs);
    }
    result.coldMs = median(cold);
    result.warmMs = median(warm);
    return result;
}

} // namespace

Result<QJsonObject> benchRepaint(const BenchOptions &options, QTextStream &out)
{
    const QList<QSize> sizes = options.sizes.isEmpty()
                                   ? QList<QSize>{{854, 480}, {1920, 1080}, {2048, 1556}}
                                   : options.sizes;
    const int height = propagation::kDefaultWorkingHeight;
    out << QStringLiteral("Keyframe repaint (KeyframeSolver, λ = 0.01, six strokes, then one "
                          "more), medians of %1 runs after a warm-up; the film's size is the "
                          "baseline\n")
               .arg(options.runs);
    QJsonArray rows;
    QList<QStringList> table;
    for (const QSize size : sizes) {
        const Frame picture = syntheticFrame(size.width(), size.height(), 0);
        const Frame grey = picture.luma();
        // The model's proposal stands in as the picture's own colour.
        const Frame &prior = picture;
        const QVector<project::PaintStroke> strokes = strokesFor(size);
        Result<RepaintRun> full = timeRepaint(grey, prior, strokes, 0, options.runs);
        if (!full)
            return full.error();
        auto add = [&](int working, const RepaintRun &r, double psnr) {
            const QSize workSize = propagation::workingSize(size, working);
            rows.append(QJsonObject{{QStringLiteral("width"), size.width()},
                                    {QStringLiteral("height"), size.height()},
                                    {QStringLiteral("working_height"), workSize.height()},
                                    {QStringLiteral("cold_ms_median"), r.coldMs},
                                    {QStringLiteral("warm_ms_median"), r.warmMs},
                                    {QStringLiteral("chroma_psnr_vs_full_db"), psnr}});
            table.append(
                {QStringLiteral("%1×%2").arg(size.width()).arg(size.height()),
                 working == 0 ? QStringLiteral("film's size") : QString::number(workSize.height()),
                 fixed(r.coldMs, 1), fixed(r.warmMs, 1),
                 std::isfinite(psnr) ? fixed(psnr, 2) : QStringLiteral("–")});
        };
        add(0, *full, std::numeric_limits<double>::quiet_NaN());
        if (size.height() > height) {
            Result<RepaintRun> scaled = timeRepaint(grey, prior, strokes, height, options.runs);
            if (!scaled)
                return scaled.error();
            Result<double> psnr = metrics::chromaPsnr(scaled->colour, full->colour);
            if (!psnr)
                return psnr.error();
            add(height, *scaled, *psnr);
        }
    }
    out << formatTable({QStringLiteral("frame"), QStringLiteral("working height"),
                        QStringLiteral("cold ms"), QStringLiteral("warm ms"),
                        QStringLiteral("chroma PSNR vs full, dB")},
                       table);
    out.flush();
    return QJsonObject{{QStringLiteral("target"), QStringLiteral("repaint")},
                       {QStringLiteral("prior_weight"), 0.01},
                       {QStringLiteral("runs"), options.runs},
                       {QStringLiteral("rows"), rows}};
}

} // namespace tincture::cli
