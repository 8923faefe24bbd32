// bench scribble: the Levin et al. (2004) scribble solver on a synthetic film-like frame with
// random strokes over 5 % of the pixels: cold solves (new solver: affinities, hierarchy, solve
// from zero) and warm re-solves after one more stroke.

#include "cmd_bench.h"

#include "colour/colourspace.h"
#include "lab/scribbleexact.h"
#include "colour/scribblesolver.h"
#include "foundation/feedback.h"
#include "media/imageio.h"
#include "media/videosource.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <random>

using namespace tincture::lab;

namespace tincture::cli {

namespace {

struct ScribbleProblem
{
    int width = 0, height = 0;
    std::vector<float> luma;
    colour::ChromaConstraints constraints;
    size_t scribbled = 0;
};

// Adds a 3-pixel-wide stroke of one colour; stops once `limit` pixels are scribbled.
void addStroke(ScribbleProblem &p, std::mt19937 &rng, size_t limit)
{
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    float x = u(rng) * p.width, y = u(rng) * p.height;
    const float angle = u(rng) * 6.2832f;
    const colour::Yiq c = colour::rgbToYiq(u(rng), u(rng), u(rng));
    const int length = int(20 + 60 * u(rng));
    for (int s = 0; s < length && p.scribbled < limit; ++s) {
        x += std::cos(angle);
        y += std::sin(angle);
        for (int oy = -1; oy <= 1; ++oy)
            for (int ox = -1; ox <= 1; ++ox) {
                const int xi = int(x) + ox, yi = int(y) + oy;
                if (xi < 0 || yi < 0 || xi >= p.width || yi >= p.height)
                    continue;
                const size_t i = size_t(yi) * p.width + xi;
                p.scribbled += p.constraints.hintMask[i] ? 0 : 1;
                p.constraints.hintMask[i] = 1;
                p.constraints.hintI[i] = c.i;
                p.constraints.hintQ[i] = c.q;
            }
    }
}

// What the grey frame holds: a diagonal gradient (luma 0.25 to 0.25 + gradient), `shapes` discs
// and boxes of flat luma with a sinusoidal texture of amplitude `texture` along x, and Gaussian
// grain of σ `grain`. The default is the timing frame; --convergence also takes it apart.
struct Scene
{
    const char *name = "bench frame";
    float gradient = 0.5f;
    int shapes = 24;
    float texture = 0.1f;
    float grain = 0.02f;
};

// A film-like grey frame (see Scene) with random 3-pixel strokes covering `fraction` of the
// pixels. Deterministic for a given size and scene.
ScribbleProblem makeScribbleProblem(int w, int h, double fraction, const Scene &scene = {})
{
    ScribbleProblem p;
    p.width = w;
    p.height = h;
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    // Drawn even without grain, so every scene's shapes and strokes come from the same numbers.
    std::normal_distribution<float> grain(0.0f, scene.grain > 0.0f ? scene.grain : 1.0f);
    const float grainOn = scene.grain > 0.0f ? 1.0f : 0.0f;
    struct Shape
    {
        float cx, cy, r, v;
        bool disc;
    };
    std::vector<Shape> shapes;
    for (int k = 0; k < scene.shapes; ++k)
        shapes.push_back({u(rng) * w, u(rng) * h, (0.04f + 0.15f * u(rng)) * std::min(w, h), u(rng),
                          u(rng) < 0.5f});
    const size_t n = size_t(w) * h;
    p.luma.resize(n);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            float v = 0.25f + scene.gradient * float(x + y) / float(w + h);
            for (const Shape &s : shapes) {
                const float dx = x - s.cx, dy = y - s.cy;
                if (s.disc ? dx * dx + dy * dy < s.r * s.r
                           : (std::abs(dx) < s.r && std::abs(dy) < 0.6f * s.r))
                    v = s.v + scene.texture * std::sin(0.05f * x);
            }
            p.luma[size_t(y) * w + x] = std::clamp(v + grainOn * grain(rng), 0.0f, 1.0f);
        }
    p.constraints.hintMask.assign(n, 0);
    p.constraints.hintI.assign(n, 0.0f);
    p.constraints.hintQ.assign(n, 0.0f);
    const size_t want = size_t(fraction * double(n));
    while (p.scribbled < want)
        addStroke(p, rng, want);
    return p;
}

// A photograph: its luma, and the same random strokes as the synthetic frame over 5 % of it,
// in the photograph's true colours (or, where it is grey, the strokes' random ones). Real
// texture is what the synthetic frame lacks (it once hid a divergence of the solver).
ScribbleProblem makePhotoProblem(const Frame &frame)
{
    const Frame rgb = frame.converted(PixelFormat::Rgb8);
    ScribbleProblem p;
    p.width = rgb.width();
    p.height = rgb.height();
    const size_t n = size_t(p.width) * p.height;
    std::vector<colour::Yiq> truth(n);
    p.luma.resize(n);
    for (int y = 0; y < p.height; ++y)
        for (int x = 0; x < p.width; ++x) {
            const uint8_t *px = rgb.constRow(y) + 3 * size_t(x);
            const size_t k = size_t(y) * p.width + x;
            truth[k] = colour::rgbToYiq(px[0] / 255.0f, px[1] / 255.0f, px[2] / 255.0f);
            p.luma[k] = truth[k].y;
        }
    p.constraints.hintMask.assign(n, 0);
    p.constraints.hintI.assign(n, 0.0f);
    p.constraints.hintQ.assign(n, 0.0f);
    std::mt19937 rng(1);
    const size_t want = n / 20;
    while (p.scribbled < want)
        addStroke(p, rng, want);
    const bool grey = std::all_of(truth.begin(), truth.end(), [](const colour::Yiq &c) {
        return std::abs(c.i) < 0.02f && std::abs(c.q) < 0.02f;
    });
    for (size_t k = 0; k < n && !grey; ++k)
        if (p.constraints.hintMask[k]) {
            p.constraints.hintI[k] = truth[k].i;
            p.constraints.hintQ[k] = truth[k].q;
        }
    return p;
}

// Frame `index` of a video file.
Result<Frame> videoFrame(const QString &path, FrameIndex index)
{
    auto source = VideoSource::open(path);
    if (!source)
        return source.error();
    return (*source)->frame(index);
}

// A converged solve for reference: far past the solver's tolerance, down to float's floor.
colour::ScribbleSolverOptions referenceOptions(const BenchOptions &options)
{
    colour::ScribbleSolverOptions tight;
    tight.threads = options.threads;
    tight.tolerance = 1e-9;
    tight.maxIterations = 3000;
    return tight;
}

// RGB PSNR (0–255 scale, float, no rounding) between two chroma solutions under the same luma.
double chromaPsnr(const std::vector<float> &luma, const colour::ScribbleSolver &a,
                  const std::vector<float> &refI, const std::vector<float> &refQ)
{
    double se = 0.0;
    for (size_t k = 0; k < luma.size(); ++k) {
        const colour::Rgb x = colour::yiqToRgb(luma[k], a.chromaI()[k], a.chromaQ()[k]);
        const colour::Rgb y = colour::yiqToRgb(luma[k], refI[k], refQ[k]);
        se += double(x.r - y.r) * (x.r - y.r) + double(x.g - y.g) * (x.g - y.g) +
              double(x.b - y.b) * (x.b - y.b);
    }
    const double mse = se / double(3 * luma.size()) * 255.0 * 255.0;
    return mse > 0 ? 10.0 * std::log10(255.0 * 255.0 / mse) : 99.0;
}

// One problem: cold solves (new solver: affinities, hierarchy, solve from zero; each phase is
// also timed) and warm re-solves after one more stroke (new constraints, hierarchy, solve from
// the last solution).
Result<QJsonObject> benchScribbleProblem(const ScribbleProblem &p, const QString &label,
                                         const BenchOptions &options, QTextStream &out)
{
    const int w = p.width, h = p.height;
    colour::ChromaConstraints stroked = p.constraints;
    {
        ScribbleProblem extra = p;
        std::mt19937 rng(99);
        addStroke(extra, rng, p.scribbled + 400);
        stroked = extra.constraints;
    }
    colour::ScribbleSolverOptions so;
    so.threads = options.threads;
    // References: the same systems solved far past the solver's tolerance, or (--exact)
    // exactly, by a sparse direct solve in double (not timed).
    std::vector<float> refColdI, refColdQ, refWarmI, refWarmQ;
    int refIterations = 0;
    double refResidual = 0.0;
    if (options.exact) {
        auto cold = lab::solveScribblesExactly(w, h, p.luma, p.constraints);
        if (!cold)
            return cold.error();
        auto warm = lab::solveScribblesExactly(w, h, p.luma, stroked);
        if (!warm)
            return warm.error();
        refColdI.assign(cold->i.begin(), cold->i.end());
        refColdQ.assign(cold->q.begin(), cold->q.end());
        refWarmI.assign(warm->i.begin(), warm->i.end());
        refWarmQ.assign(warm->q.begin(), warm->q.end());
    } else {
        const colour::ScribbleSolverOptions tight = referenceOptions(options);
        Feedback feedback;
        colour::ScribbleSolver solver(tight);
        if (!solver.setLuma(w, h, p.luma).hasValue() ||
            !solver.setConstraints(p.constraints).hasValue())
            return makeError(ErrorCode::Internal, QStringLiteral("scribble reference failed"));
        auto rs = solver.solve(feedback, false);
        if (!rs)
            return rs.error();
        refIterations = rs->iterations;
        refResidual = rs->relativeResidual;
        refColdI = solver.chromaI();
        refColdQ = solver.chromaQ();
        if (!solver.setConstraints(stroked).hasValue() || !solver.solve(feedback, false))
            return makeError(ErrorCode::Internal, QStringLiteral("scribble reference failed"));
        refWarmI = solver.chromaI();
        refWarmQ = solver.chromaQ();
    }
    double coldPsnr = 1e9, warmPsnr = 1e9;
    std::vector<double> cold, warm, coldIt, warmIt, coldCycles, warmCycles;
    std::vector<double> coldLuma, coldHierarchy, coldSolve; // the cold solve's three phases
    double residual = 0.0;
    for (int run = 0; run <= options.runs; ++run) { // run 0 is the warm-up
        if (benchInterrupted())
            return Error::cancelled();
        Feedback feedback;
        colour::ScribbleSolver solver(so);
        const BenchClock::time_point t0 = BenchClock::now();
        bool ok = solver.setLuma(w, h, p.luma).hasValue();
        const double lumaMs = msSince(t0);
        ok = ok && solver.setConstraints(p.constraints).hasValue();
        const double hierarchyMs = msSince(t0) - lumaMs;
        const auto cs = solver.solve(feedback, false);
        const double coldMs = msSince(t0);
        // Accuracy from the warm-up (every run computes the same), outside the timed spans.
        if (run == 0 && cs.hasValue())
            coldPsnr = chromaPsnr(p.luma, solver, refColdI, refColdQ);
        const BenchClock::time_point t1 = BenchClock::now();
        ok = ok && cs.hasValue() && solver.setConstraints(stroked).hasValue();
        const auto ws = solver.solve(feedback, true);
        const double warmMs = msSince(t1);
        if (!ok || !ws.hasValue())
            return makeError(ErrorCode::Internal,
                             QStringLiteral("scribble solver failed at %1×%2").arg(w).arg(h));
        if (run == 0) {
            warmPsnr = chromaPsnr(p.luma, solver, refWarmI, refWarmQ);
            continue;
        }
        cold.push_back(coldMs);
        coldLuma.push_back(lumaMs);
        coldHierarchy.push_back(hierarchyMs);
        coldSolve.push_back(coldMs - lumaMs - hierarchyMs);
        warm.push_back(warmMs);
        coldIt.push_back(cs->iterations);
        warmIt.push_back(ws->iterations);
        coldCycles.push_back(cs->cycles);
        warmCycles.push_back(ws->cycles);
        residual = std::max(residual, cs->relativeResidual);
    }
    const QJsonObject row{{QStringLiteral("frame"), label},
                          {QStringLiteral("width"), w},
                          {QStringLiteral("height"), h},
                          {QStringLiteral("scribbled_fraction"), double(p.scribbled) / (w * h)},
                          {QStringLiteral("cold_ms_median"), median(cold)},
                          {QStringLiteral("cold_ms_min"), minimum(cold)},
                          // setLuma (affinities, row weights), setConstraints (the hierarchy),
                          // solve(): medians of each phase, so they need not sum to the total
                          {QStringLiteral("cold_luma_ms_median"), median(coldLuma)},
                          {QStringLiteral("cold_hierarchy_ms_median"), median(coldHierarchy)},
                          {QStringLiteral("cold_solve_ms_median"), median(coldSolve)},
                          {QStringLiteral("cold_iterations_median"), median(coldIt)},
                          {QStringLiteral("cold_stationary_cycles_median"), median(coldCycles)},
                          {QStringLiteral("warm_ms_median"), median(warm)},
                          {QStringLiteral("warm_iterations_median"), median(warmIt)},
                          {QStringLiteral("warm_stationary_cycles_median"), median(warmCycles)},
                          {QStringLiteral("relative_residual_max"), residual},
                          {QStringLiteral("cold_psnr_vs_reference_db"), coldPsnr},
                          {QStringLiteral("warm_psnr_vs_reference_db"), warmPsnr},
                          {QStringLiteral("reference"), options.exact
                                                            ? QStringLiteral("exact")
                                                            : QStringLiteral("converged solve")},
                          {QStringLiteral("reference_iterations"), refIterations},
                          {QStringLiteral("reference_relative_residual"), refResidual}};
    out << QStringLiteral(
               "%11 %1×%2  %3 % scribbled  cold %4 ms (%13; %5 it, %8 dB vs %12)  warm re-solve "
               "%6 ms (%7 it, %9 dB)  %10\n")
               .arg(w)
               .arg(h)
               .arg(100.0 * double(p.scribbled) / (w * h), 0, 'f', 1)
               .arg(median(cold), 0, 'f', 1)
               .arg(QStringLiteral("%1 cycles + %2").arg(median(coldCycles)).arg(median(coldIt)))
               .arg(median(warm), 0, 'f', 1)
               .arg(QStringLiteral("%1 cycles + %2").arg(median(warmCycles)).arg(median(warmIt)))
               .arg(coldPsnr, 0, 'f', 1)
               .arg(warmPsnr, 0, 'f', 1)
               .arg(options.exact ? QStringLiteral("reference: exact sparse solves")
                                  : QStringLiteral("reference: %1 it, residual %2")
                                        .arg(refIterations)
                                        .arg(refResidual, 0, 'g', 2))
               .arg(label)
               .arg(options.exact ? QStringLiteral("exact solve") : QStringLiteral("reference"))
               .arg(QStringLiteral("affinities %1 + hierarchy %2 + solve %3 ms")
                        .arg(median(coldLuma), 0, 'f', 1)
                        .arg(median(coldHierarchy), 0, 'f', 1)
                        .arg(median(coldSolve), 0, 'f', 1));
    out.flush();
    return row;
}

// --convergence: how close full multigrid and each further V-cycle get to the converged
// solution (no BiCGSTAB), on the bench frame and on simpler scenes that isolate what slows the
// cycle down (sharp-edged flat regions: Levin's weights make each edge an insulating layer),
// and on each --image photograph.
Result<QJsonObject> scribbleConvergence(int w, int h, const BenchOptions &options, QTextStream &out)
{
    const Scene scenes[] = {
        Scene{},
        Scene{"flat, strokes only", 0.0f, 0, 0.0f, 0.0f},
        Scene{"gradient, strokes only", 0.5f, 0, 0.0f, 0.0f},
        Scene{"gradient and grain", 0.5f, 0, 0.0f, 0.02f},
        Scene{"one flat sharp-edged shape", 0.0f, 1, 0.0f, 0.0f},
        Scene{"24 flat sharp-edged shapes on the gradient", 0.5f, 24, 0.0f, 0.0f},
    };
    constexpr int kCycles = 4;
    out << QStringLiteral("%1×%2: dB from the converged solution (relative residual) after full "
                          "multigrid and each further V-cycle, no BiCGSTAB\n")
               .arg(w)
               .arg(h);
    QJsonArray rows;
    // One row: full multigrid, then each further V-cycle, against a converged solve.
    auto study = [&](const QString &name, const ScribbleProblem &p) -> Result<void> {
        Feedback feedback;
        colour::ScribbleSolver reference(referenceOptions(options));
        if (!reference.setLuma(p.width, p.height, p.luma) ||
            !reference.setConstraints(p.constraints) || !reference.solve(feedback, false))
            return makeError(ErrorCode::Internal, QStringLiteral("scribble reference failed"));
        QJsonArray db, residual;
        QString line = QStringLiteral("  %1:").arg(name, -44);
        for (int cycles = 0; cycles <= kCycles; ++cycles) {
            colour::ScribbleSolverOptions so;
            so.threads = options.threads;
            so.tolerance = 1e-12; // never reached: exactly `cycles` cycles run
            so.stationaryCycles = cycles;
            so.stationaryGain = 1.0; // every cycle runs while the residual falls at all
            so.maxIterations = 0;
            colour::ScribbleSolver solver(so);
            if (!solver.setLuma(p.width, p.height, p.luma) || !solver.setConstraints(p.constraints))
                return makeError(ErrorCode::Internal, QStringLiteral("scribble solver failed"));
            const auto st = solver.solve(feedback, false);
            if (!st)
                return st.error();
            const double psnr =
                chromaPsnr(p.luma, solver, reference.chromaI(), reference.chromaQ());
            db.append(psnr);
            residual.append(st->relativeResidual);
            line += QStringLiteral(" %1 (%2)")
                        .arg(psnr, 5, 'f', 1)
                        .arg(st->relativeResidual, 0, 'e', 1);
            if (st->cycles != cycles)
                line += QStringLiteral("[%1 cycles]").arg(st->cycles);
        }
        out << line << "\n";
        out.flush();
        rows.append(QJsonObject{{QStringLiteral("scene"), name},
                                {QStringLiteral("width"), p.width},
                                {QStringLiteral("height"), p.height},
                                {QStringLiteral("psnr_db_after_fmg_then_cycles"), db},
                                {QStringLiteral("relative_residual"), residual}});
        return {};
    };
    for (const Scene &scene : scenes) {
        if (benchInterrupted())
            return Error::cancelled();
        auto row = study(QString::fromLatin1(scene.name), makeScribbleProblem(w, h, 0.05, scene));
        if (!row)
            return row.error();
    }
    // Photographs (--image): real texture and grain, at their own size.
    for (const QString &file : options.images) {
        if (benchInterrupted())
            return Error::cancelled();
        auto frame = readImage(file);
        if (!frame)
            return frame.error();
        const QString name = QStringLiteral("%1 (%2×%3)")
                                 .arg(QFileInfo(file).fileName())
                                 .arg(frame->width())
                                 .arg(frame->height());
        auto row = study(name, makePhotoProblem(*frame));
        if (!row)
            return row.error();
    }
    return QJsonObject{{QStringLiteral("width"), w},
                       {QStringLiteral("height"), h},
                       {QStringLiteral("convergence"), rows}};
}

} // namespace

Result<QJsonObject> benchScribble(const BenchOptions &options, QTextStream &out)
{
    if (options.convergence) {
        const QSize size = options.sizes.isEmpty() ? QSize(854, 480) : options.sizes.front();
        auto study = scribbleConvergence(size.width(), size.height(), options, out);
        if (!study)
            return study.error();
        return QJsonObject{{QStringLiteral("target"), QStringLiteral("scribble")},
                           {QStringLiteral("convergence"), *study}};
    }
    out << "scribble solver (Levin et al. 2004; BiCGSTAB + multigrid V-cycle), threads "
        << (options.threads ? QString::number(options.threads) : QStringLiteral("all")) << "\n";
    QList<QSize> sizes = options.sizes;
    if (sizes.isEmpty())
        sizes = {QSize(854, 480), QSize(1920, 1080)};
    QJsonArray rows;
    for (const QSize &s : sizes) {
        auto row = benchScribbleProblem(makeScribbleProblem(s.width(), s.height(), 0.05),
                                        QStringLiteral("synthetic"), options, out);
        if (!row)
            return row.error();
        rows.append(*row);
    }
    // And a real photograph: frame 60 (the coffee shot) of the colour sample, 640×360.
    const QString colourSample =
        options.sample.isEmpty()
            ? QString()
            : QFileInfo(options.sample).dir().filePath(QStringLiteral("sample_colour.mp4"));
    if (QFileInfo::exists(colourSample)) {
        auto frame = videoFrame(colourSample, 60);
        if (!frame)
            return frame.error();
        auto row = benchScribbleProblem(makePhotoProblem(*frame),
                                        QStringLiteral("sample_colour.mp4 frame 60"), options, out);
        if (!row)
            return row.error();
        rows.append(*row);
    } else {
        out << "  (sample_colour.mp4 not found beside the sample; give --sample FILE)\n";
    }
    for (const QString &file : options.images) {
        auto frame = readImage(file);
        if (!frame)
            return frame.error();
        auto row = benchScribbleProblem(makePhotoProblem(*frame), QFileInfo(file).fileName(),
                                        options, out);
        if (!row)
            return row.error();
        rows.append(*row);
    }
    return QJsonObject{{QStringLiteral("target"), QStringLiteral("scribble")},
                       {QStringLiteral("sizes"), rows}};
}

} // namespace tincture::cli
