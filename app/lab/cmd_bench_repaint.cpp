// bench repaint: the studio's keyframe repaint (KeyframeSolver: strokes rasterised at the
// frame's size, the Levin solve over the model's proposal, λ = 0.01 as the studio's default)
// at the film's size and at the default working height, on the synthetic film picture at
// 854×480, 1920×1080 and 2048×1556 (unless --size). Cold: a new keyframe's first solve (the
// solver made, six strokes); warm: the re-solve after one more stroke, as after each stroke
// in the studio. The film's-size rows are the baseline, timed in the same run; each working-
// height row also says how far its colour is from the full-size solve's (chroma PSNR). Then the
// stroke-to-preview time with a model that takes points (the net guided by the strokes, then
// the solve) at 854×480.

#include "cmd_bench.h"

#include "metrics/imagemetrics.h"
#include "ml/modelmanifest.h"
#include "ml/trainer.h"
#include "pipeline/keyframeservice.h"
#include "pipeline/keyframesolver.h"
#include "project/strokeraster.h"
#include "propagation/workingresolution.h"

#include <QDir>
#include <QFile>
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

// Stroke to preview with a model that takes points: the model guided by the strokes, then the
// warm solve over its proposal (KeyframeService::repaint's work, without the file I/O). Cold:
// the keyframe's first guided proposal and solve (solver made); warm: after one more stroke.
Result<RepaintRun> timeGuidedRepaint(pipeline::KeyframeService &service, const Frame &grey,
                                     const QVector<project::PaintStroke> &strokes, int runs)
{
    Result<Frame> automatic = service.propose(grey);
    if (!automatic)
        return automatic.error();
    std::vector<double> cold, warm;
    RepaintRun result;
    for (int run = 0; run <= runs; ++run) {
        if (benchInterrupted())
            return Error::cancelled();
        Feedback feedback;
        auto once = [&](pipeline::KeyframeSolver &solver,
                        const QVector<project::PaintStroke> &drawn) -> Result<Frame> {
            const project::StrokeMasks masks =
                project::rasteriseStrokes(drawn, grey.width(), grey.height());
            Result<Frame> guided = service.proposeGuided(
                grey, pipeline::KeyframeService::networkHints(masks, *automatic));
            if (!guided)
                return guided.error();
            solver.setPrior(*guided);
            return solver.solve(masks, feedback);
        };
        const BenchClock::time_point t0 = BenchClock::now();
        pipeline::KeyframeSolver solver(grey, *automatic, 0.01);
        Result<Frame> first = once(solver, strokes.mid(0, 6));
        const double coldMs = msSince(t0);
        if (!first)
            return first.error();
        const BenchClock::time_point t1 = BenchClock::now();
        Result<Frame> again = once(solver, strokes);
        const double warmMs = msSince(t1);
        if (!again)
            return again.error();
        if (run == 0)
            continue;
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

    // Stroke to preview with a model that takes points: the keyframe model's width (32) at
    // depth 7 (the shipped one's: inputs padded to a multiple of 128) and 6 (of 64), three hint
    // channels, random weights (the time does not depend on them), at 854×480, with and without
    // the mirror-image average.
    const QSize guidedSize(854, 480);
    const Frame grey = syntheticFrame(guidedSize.width(), guidedSize.height(), 0).luma();
    QList<QStringList> guidedTable;
    QJsonArray guidedRows;
    for (int depth : {7, 6}) {
        const QString stem = QStringLiteral("hintnet%1").arg(depth);
        const QString weights =
            QDir(options.workDir).filePath(stem + QStringLiteral(".safetensors"));
        if (std::string e =
                ml::writeRandomGenerator(QFile::encodeName(weights).toStdString(), 32, depth, 1, 3);
            !e.empty())
            return makeError(ErrorCode::Internal, QString::fromStdString(e));
        ml::ModelManifest m;
        if (Result<void> ok = ml::describeWeights(m, weights); !ok)
            return ok.error();
        m.baseWidth = 32;
        m.depth = depth;
        m.hintChannels = 3;
        m.trainedOn = QStringLiteral("nothing: random weights for timing");
        m.training.insert(QStringLiteral("inferenceShortSide"), 160);
        const QString manifest = QDir(options.workDir).filePath(stem + QStringLiteral(".json"));
        if (Result<void> ok = ml::writeManifest(manifest, m); !ok)
            return ok.error();
        for (bool flip : {true, false}) {
            pipeline::KeyframeModelOptions mo;
            mo.path = manifest;
            mo.threads = options.threads;
            mo.flipAverage = flip;
            pipeline::KeyframeService service(mo);
            Result<RepaintRun> r =
                timeGuidedRepaint(service, grey, strokesFor(guidedSize), options.runs);
            if (!r)
                return r.error();
            guidedTable.append(
                {QStringLiteral("854×480"), QString::number(depth),
                 flip ? QStringLiteral("net and its mirror image") : QStringLiteral("net once"),
                 fixed(r->coldMs, 1), fixed(r->warmMs, 1)});
            guidedRows.append(QJsonObject{{QStringLiteral("width"), guidedSize.width()},
                                          {QStringLiteral("height"), guidedSize.height()},
                                          {QStringLiteral("depth"), depth},
                                          {QStringLiteral("mirror_average"), flip},
                                          {QStringLiteral("cold_ms_median"), r->coldMs},
                                          {QStringLiteral("warm_ms_median"), r->warmMs}});
        }
    }
    out << QStringLiteral("\nStroke to preview with a model that takes points (width 32, random "
                          "weights): the net guided by the strokes, then the solve\n");
    out << formatTable({QStringLiteral("frame"), QStringLiteral("depth"), QStringLiteral("model"),
                        QStringLiteral("cold ms"), QStringLiteral("warm ms")},
                       guidedTable);
    out.flush();
    return QJsonObject{{QStringLiteral("target"), QStringLiteral("repaint")},
                       {QStringLiteral("prior_weight"), 0.01},
                       {QStringLiteral("runs"), options.runs},
                       {QStringLiteral("rows"), rows},
                       {QStringLiteral("guided_rows"), guidedRows}};
}

} // namespace tincture::cli
