// tincture-cli bench TARGET: timings of an engine on synthetic input, medians over several runs
// after a warm-up (PROTOCOLS.md §7). One function per target; add decode, colorizer,
// propagation and export beside benchScribble and list them in kTargets.

#include "clicommon.h"
#include "commands.h"

#include "colour/colourspace.h"
#include "colour/scribblesolver.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <random>

namespace tincture::cli {

namespace {

const QString kCommand = QStringLiteral("bench");

struct BenchOptions
{
    int runs = 5;
    int threads = 0;
};

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n == 0 ? 0.0 : (n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]));
}

// --- scribble -----------------------------------------------------------------------------

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

// A film-like grey frame (gradient, 24 flat or textured discs and boxes, grain) with random
// 3-pixel strokes covering `fraction` of the pixels. Deterministic for a given size.
ScribbleProblem makeScribbleProblem(int w, int h, double fraction)
{
    ScribbleProblem p;
    p.width = w;
    p.height = h;
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    std::normal_distribution<float> grain(0.0f, 0.02f);
    struct Shape
    {
        float cx, cy, r, v;
        bool disc;
    };
    std::vector<Shape> shapes;
    for (int k = 0; k < 24; ++k)
        shapes.push_back({u(rng) * w, u(rng) * h, (0.04f + 0.15f * u(rng)) * std::min(w, h), u(rng),
                          u(rng) < 0.5f});
    const size_t n = size_t(w) * h;
    p.luma.resize(n);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            float v = 0.25f + 0.5f * float(x + y) / float(w + h);
            for (const Shape &s : shapes) {
                const float dx = x - s.cx, dy = y - s.cy;
                if (s.disc ? dx * dx + dy * dy < s.r * s.r
                           : (std::abs(dx) < s.r && std::abs(dy) < 0.6f * s.r))
                    v = s.v + 0.1f * std::sin(0.05f * x);
            }
            p.luma[size_t(y) * w + x] = std::clamp(v + grain(rng), 0.0f, 1.0f);
        }
    p.constraints.hintMask.assign(n, 0);
    p.constraints.hintI.assign(n, 0.0f);
    p.constraints.hintQ.assign(n, 0.0f);
    const size_t want = size_t(fraction * double(n));
    while (p.scribbled < want)
        addStroke(p, rng, want);
    return p;
}

// One size: cold solves (new solver: affinities, hierarchy, solve from zero) and warm
// re-solves after one more stroke (new constraints, hierarchy, solve from the last solution).
QJsonObject benchScribbleSize(int w, int h, const BenchOptions &options, QTextStream &out)
{
    const ScribbleProblem p = makeScribbleProblem(w, h, 0.05);
    colour::ChromaConstraints stroked = p.constraints;
    {
        ScribbleProblem extra = p;
        std::mt19937 rng(99);
        addStroke(extra, rng, p.scribbled + 400);
        stroked = extra.constraints;
    }
    colour::ScribbleSolverOptions so;
    so.threads = options.threads;
    std::vector<double> cold, warm, coldIt, warmIt;
    double residual = 0.0;
    for (int run = 0; run <= options.runs; ++run) { // run 0 is the warm-up
        Feedback feedback;
        colour::ScribbleSolver solver(so);
        const Clock::time_point t0 = Clock::now();
        bool ok = solver.setLuma(w, h, p.luma).hasValue() &&
                  solver.setConstraints(p.constraints).hasValue();
        const auto cs = solver.solve(feedback, false);
        const double coldMs = msSince(t0);
        const Clock::time_point t1 = Clock::now();
        ok = ok && cs.hasValue() && solver.setConstraints(stroked).hasValue();
        const auto ws = solver.solve(feedback, true);
        const double warmMs = msSince(t1);
        if (!ok || !ws.hasValue())
            return {{QStringLiteral("error"), QStringLiteral("solver failed")}};
        if (run == 0)
            continue;
        cold.push_back(coldMs);
        warm.push_back(warmMs);
        coldIt.push_back(cs->iterations);
        warmIt.push_back(ws->iterations);
        residual = std::max(residual, cs->relativeResidual);
    }
    const QJsonObject row{
        {QStringLiteral("width"), w},
        {QStringLiteral("height"), h},
        {QStringLiteral("scribbled_fraction"), double(p.scribbled) / (w * h)},
        {QStringLiteral("cold_ms_median"), median(cold)},
        {QStringLiteral("cold_ms_min"), *std::min_element(cold.begin(), cold.end())},
        {QStringLiteral("cold_iterations_median"), median(coldIt)},
        {QStringLiteral("warm_ms_median"), median(warm)},
        {QStringLiteral("warm_iterations_median"), median(warmIt)},
        {QStringLiteral("relative_residual_max"), residual}};
    out << QStringLiteral(
               "%1×%2  %3 % scribbled  cold %4 ms (%5 it)  warm re-solve %6 ms (%7 it)\n")
               .arg(w)
               .arg(h)
               .arg(100.0 * double(p.scribbled) / (w * h), 0, 'f', 1)
               .arg(median(cold), 0, 'f', 1)
               .arg(median(coldIt))
               .arg(median(warm), 0, 'f', 1)
               .arg(median(warmIt));
    out.flush();
    return row;
}

QJsonObject benchScribble(const BenchOptions &options, QTextStream &out)
{
    out << "scribble solver (Levin et al. 2004; BiCGSTAB + multigrid V-cycle), median of "
        << options.runs << " runs after a warm-up\n";
    QJsonArray sizes;
    for (const auto &[w, h] : std::array{std::pair{854, 480}, std::pair{1920, 1080}})
        sizes.append(benchScribbleSize(w, h, options, out));
    return {{QStringLiteral("target"), QStringLiteral("scribble")},
            {QStringLiteral("sizes"), sizes}};
}

struct Target
{
    const char *name;
    QJsonObject (*run)(const BenchOptions &, QTextStream &);
};

constexpr std::array kTargets = {
    Target{"scribble", benchScribble},
};

} // namespace

int runBench(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Also write the figures as JSON."),
                                  QStringLiteral("OUT.json"));
    const QCommandLineOption runs(QStringLiteral("runs"),
                                  QStringLiteral("Timed runs after the warm-up (default 5)."),
                                  QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("Threads (default: all cores)."),
                                     QStringLiteral("n"), QStringLiteral("0"));
    parser.addOptions({json, runs, threads});
    QStringList names;
    for (const Target &t : kTargets)
        names << QString::fromLatin1(t.name);
    if (int rc = parseArgs(parser, kCommand,
                           QStringLiteral("Time an engine on synthetic input. Targets: %1.")
                               .arg(names.join(QLatin1String(", "))),
                           args, 1, 1, QStringLiteral("TARGET"));
        rc != kExitOk)
        return rc;
    BenchOptions options;
    bool ok = false;
    options.runs = parser.value(runs).toInt(&ok);
    if (!ok || options.runs < 1 || options.runs > 1000)
        return usageError(kCommand, QStringLiteral("invalid --runs '%1'").arg(parser.value(runs)));
    options.threads = parser.value(threads).toInt(&ok);
    if (!ok || options.threads < 0)
        return usageError(kCommand,
                          QStringLiteral("invalid --threads '%1'").arg(parser.value(threads)));
    const QString name = parser.positionalArguments().front();
    const auto target = std::find_if(kTargets.begin(), kTargets.end(), [&](const Target &t) {
        return name == QLatin1String(t.name);
    });
    if (target == kTargets.end())
        return usageError(kCommand, QStringLiteral("unknown target '%1' (known: %2)")
                                        .arg(name, names.join(QLatin1String(", "))));
    QTextStream out(stdout);
    out << "machine: " << QSysInfo::prettyProductName() << ", " << QThread::idealThreadCount()
        << " cores, threads "
        << (options.threads ? QString::number(options.threads) : QStringLiteral("all"))
        << ", no GPU used\n";
    QJsonObject result = target->run(options, out);
    result.insert(QStringLiteral("date"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    result.insert(QStringLiteral("cores"), QThread::idealThreadCount());
    result.insert(QStringLiteral("runs"), options.runs);
    result.insert(QStringLiteral("os"), QSysInfo::prettyProductName());
    if (parser.isSet(json)) {
        QFile file(parser.value(json));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(QJsonDocument(result).toJson()) < 0)
            return reportError(makeError(ErrorCode::WriteFailed,
                                         QStringLiteral("%1: cannot write: %2")
                                             .arg(parser.value(json), file.errorString())));
    }
    return kExitOk;
}

} // namespace tincture::cli
