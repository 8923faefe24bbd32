// tincture-lab bench TARGET: timings of the engines, medians over several runs after a warm-up
// (PROTOCOLS.md §7), each with the machine it ran on. The targets live in cmd_bench_*.cpp;
// this file parses the options, runs them and writes the table and JSON, and holds the helpers
// of cmd_bench.h.

#include "cmd_bench.h"
#include "clicommon.h"
#include "labcommands.h"

#include "foundation/sysinfo.h"
#include "propagation/propagationmethod.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <array>
#include <cmath>

using namespace tincture::propagation;

namespace tincture::cli {

// --- helpers of cmd_bench.h ----------------------------------------------------------------

double msSince(BenchClock::time_point start)
{
    return std::chrono::duration<double, std::milli>(BenchClock::now() - start).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n == 0 ? std::nan("") : (n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]));
}

double minimum(const std::vector<double> &v)
{
    return v.empty() ? std::nan("") : *std::min_element(v.begin(), v.end());
}

bool benchInterrupted()
{
    return interruptFlag().load(std::memory_order_relaxed);
}

Frame syntheticFrame(int w, int h, int index)
{
    // Separable tables: the picture is a sum of functions of x and of y (plus discs and grain),
    // so a 1920×1080 frame costs a few milliseconds and does not distort the engine timings.
    const double k = 854.0 / std::max(w, 1); // features scale with the frame
    const int sx = 2 * index, sy = index;
    std::vector<float> lx(static_cast<size_t>(w)), cx(static_cast<size_t>(w));
    std::vector<float> ly(static_cast<size_t>(h)), cy(static_cast<size_t>(h));
    for (int x = 0; x < w; ++x) {
        const double u = (x - sx) * k;
        lx[size_t(x)] = float(40 * std::sin(u * 0.021) + 18 * std::sin(u * 0.13 + 1.0));
        cx[size_t(x)] = float(28 * std::sin(u * 0.008));
    }
    for (int y = 0; y < h; ++y) {
        const double v = (y - sy) * k;
        ly[size_t(y)] = float(35 * std::cos(v * 0.017) + 14 * std::sin(v * 0.11));
        cy[size_t(y)] = float(24 * std::cos(v * 0.012 + 0.5));
    }
    Frame f(w, h, PixelFormat::Rgb8);
    uint32_t seed = 0x9e3779b9u * uint32_t(index + 1);
    auto clamp8 = [](float v) { return uint8_t(std::clamp(int(std::lround(v)), 0, 255)); };
    for (int y = 0; y < h; ++y) {
        uint8_t *row = f.row(y);
        for (int x = 0; x < w; ++x) {
            seed = seed * 1664525u + 1013904223u;
            const float grain = float(int(seed >> 24) % 11 - 5); // uniform −5…5, σ ≈ 3
            const float l = 120 + lx[size_t(x)] + ly[size_t(y)] + grain;
            row[size_t(x) * 3] = clamp8(l + cx[size_t(x)]);
            row[size_t(x) * 3 + 1] = clamp8(l - 0.3f * (cx[size_t(x)] + cy[size_t(y)]));
            row[size_t(x) * 3 + 2] = clamp8(l + cy[size_t(y)]);
        }
    }
    // Four discs of flat colour with a ring, moving faster than the background.
    const uint8_t colours[4][3] = {{200, 60, 50}, {60, 150, 70}, {50, 80, 190}, {220, 200, 90}};
    for (int d = 0; d < 4; ++d) {
        const double cxd = w * (0.15 + 0.23 * d) + 3.0 * index / k;
        const double cyd = h * 0.5 + h * 0.25 * std::sin(0.07 * index + 1.3 * d);
        const double r = 0.12 * h;
        for (int y = std::max(0, int(cyd - r)); y < std::min(h, int(cyd + r) + 1); ++y)
            for (int x = std::max(0, int(cxd - r)); x < std::min(w, int(cxd + r) + 1); ++x) {
                const double dd = std::hypot(x - cxd, y - cyd);
                if (dd > r)
                    continue;
                const float shade = dd > 0.8 * r ? 0.6f : 1.0f;
                for (int c = 0; c < 3; ++c)
                    f.row(y)[size_t(x) * 3 + size_t(c)] = uint8_t(colours[d][c] * shade);
            }
    }
    f.index = index;
    f.pts = index;
    return f;
}

QString fixed(double value, int decimals)
{
    return std::isnan(value) ? QStringLiteral("–") : QString::number(value, 'f', decimals);
}

QString formatTable(const QStringList &header, const QList<QStringList> &rows)
{
    QList<int> widths;
    for (const QString &h : header)
        widths << int(h.size());
    for (const QStringList &r : rows)
        for (int i = 0; i < r.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], int(r[i].size()));
    auto line = [&](const QStringList &cells) {
        QString s;
        for (int i = 0; i < cells.size() && i < widths.size(); ++i) {
            if (i > 0)
                s += QStringLiteral("  ");
            s += i == 0 ? cells[i].leftJustified(widths[i]) : cells[i].rightJustified(widths[i]);
        }
        return s + QLatin1Char('\n');
    };
    QString text = line(header);
    int total = 0;
    for (int w : widths)
        total += w + 2;
    text += QString(std::max(0, total - 2), QLatin1Char('-')) + QLatin1Char('\n');
    for (const QStringList &r : rows)
        text += line(r);
    return text;
}

bool haveFfmpeg()
{
    return !QStandardPaths::findExecutable(QStringLiteral("ffmpeg")).isEmpty();
}

Result<ExternalTiming> runFfmpeg(const QStringList &args)
{
    QProcess p;
    QStringList full = {QStringLiteral("-hide_banner"), QStringLiteral("-nostdin"),
                        QStringLiteral("-nostats"),     QStringLiteral("-loglevel"),
                        QStringLiteral("info"),         QStringLiteral("-benchmark")};
    full << args;
    const BenchClock::time_point t0 = BenchClock::now();
    p.start(QStringLiteral("ffmpeg"), full);
    if (!p.waitForStarted(10000))
        return makeError(ErrorCode::Internal, QStringLiteral("cannot start ffmpeg"),
                         p.errorString());
    while (!p.waitForFinished(200))
        if (benchInterrupted()) {
            p.kill();
            p.waitForFinished();
            return Error::cancelled();
        }
    ExternalTiming t;
    t.wallMs = msSince(t0);
    const QString log = QString::fromLocal8Bit(p.readAllStandardError());
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return makeError(ErrorCode::Internal,
                         QStringLiteral("ffmpeg %1 failed").arg(args.join(QLatin1Char(' '))),
                         log.right(600));
    static const QRegularExpression rtime(QStringLiteral("rtime=([0-9.]+)s"));
    const auto m = rtime.match(log);
    t.fromRtime = m.hasMatch();
    t.ms = t.fromRtime ? 1000.0 * m.captured(1).toDouble() : t.wallMs;
    return t;
}

// --- the command ---------------------------------------------------------------------------

namespace {

const QString kCommand = QStringLiteral("bench");

struct Target
{
    const char *name;
    Result<QJsonObject> (*run)(const BenchOptions &, QTextStream &);
};

constexpr std::array kTargets = {
    Target{"decode", benchDecode},       Target{"scribble", benchScribble},
    Target{"colorizer", benchColorizer}, Target{"propagation", benchPropagation},
    Target{"export", benchExport},       Target{"film", benchFilm},
    Target{"repaint", benchRepaint},
};

// The bundled sample film: --sample, else resources/samples/sample.mp4 near the executable
// (a build tree inside the source tree) or in the current folder.
QString findSample(const QString &given)
{
    return given.isEmpty() ? findResource(QStringLiteral("samples/sample.mp4")) : given;
}

QString threadsText(int threads)
{
    return threads > 0 ? QString::number(threads) : QStringLiteral("all");
}

// The machine and settings every result carries (PROTOCOLS §7).
void addMachine(QJsonObject &o, const BenchOptions &options)
{
    o.insert(QStringLiteral("date"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    o.insert(QStringLiteral("cores"), sysinfo::logicalCores());
    o.insert(QStringLiteral("cpu_model"), sysinfo::cpuModel());
    o.insert(QStringLiteral("os"), sysinfo::osName());
    o.insert(QStringLiteral("threads"), threadsText(options.threads));
    o.insert(QStringLiteral("runs"), options.runs);
    if (!o.contains(QStringLiteral("gpu_used")))
        o.insert(QStringLiteral("gpu_used"), false); // CPU-only engines
    const int64_t peak = sysinfo::peakResidentBytes();
    o.insert(QStringLiteral("peak_rss_mb"),
             peak >= 0 ? QJsonValue(double(peak) / (1 << 20)) : QJsonValue(QJsonValue::Null));
}

Result<QSize> parseSize(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^(\\d+)[x×](\\d+)$"));
    const auto m = re.match(text);
    const int w = m.hasMatch() ? m.captured(1).toInt() : 0,
              h = m.hasMatch() ? m.captured(2).toInt() : 0;
    if (w < 16 || h < 16 || w > 8192 || h > 8192)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("invalid --size '%1' (WxH, 16…8192)").arg(text));
    return QSize(w, h);
}

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
                                     QStringLiteral("Threads for the engines that take a count "
                                                    "(scribble, encoders, ffmpeg; default: all "
                                                    "cores)."),
                                     QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption frames(QStringLiteral("frames"),
                                    QStringLiteral("Frames per synthetic clip (default 48)."),
                                    QStringLiteral("N"), QStringLiteral("48"));
    const QCommandLineOption size(QStringLiteral("size"),
                                  QStringLiteral("Synthetic frame size, replacing the target's "
                                                 "defaults; repeat for several."),
                                  QStringLiteral("WxH"));
    const QCommandLineOption method(QStringLiteral("method"),
                                    QStringLiteral("propagation: method(s) to time besides the "
                                                   "flow baseline (default %1; known: %2); "
                                                   "NAME@KEY=VALUE[&KEY=VALUE] times bnnflow "
                                                   "with settings replaced, e.g. "
                                                   "bnnflow@globalWeight=0.")
                                        .arg(defaultPropagationMethodName(),
                                             propagationMethodNames().join(QStringLiteral(", "))),
                                    QStringLiteral("name[,name]"));
    const QCommandLineOption data(QStringLiteral("data"),
                                  QStringLiteral("propagation: time on the first sequence of a "
                                                 "dev-set folder instead of synthetic frames."),
                                  QStringLiteral("dir"));
    const QCommandLineOption sample(QStringLiteral("sample"),
                                    QStringLiteral("The bundled sample film (default: found "
                                                   "under resources/samples)."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption convergence(
        QStringLiteral("convergence"),
        QStringLiteral("scribble: instead of timing, how close full multigrid and each further "
                       "V-cycle get to the converged solution, on the bench frame, on simpler "
                       "scenes (first --size, default 854x480) and on each --image."));
    const QCommandLineOption image(
        QStringLiteral("image"),
        QStringLiteral("scribble: also time a photograph (its luma, strokes in its own colours; "
                       "random colours if it is grey), or with --convergence study it; repeat "
                       "for several."),
        QStringLiteral("FILE"));
    const QCommandLineOption exact(
        QStringLiteral("exact"),
        QStringLiteral("scribble: accuracy against exact sparse direct solves (double precision; "
                       "slow, and memory grows fast with the size) instead of converged ones."));
    parser.addOptions({json, runs, threads, frames, size, method, data, sample, convergence, image,
                       exact, overwriteOption()});
    QStringList names;
    for (const Target &t : kTargets)
        names << QString::fromLatin1(t.name);
    if (int rc = parseArgs(parser, kCommand,
                           QStringLiteral("Time the engines: medians over N runs after a warm-up, "
                                          "with the baselines timed in the same run. Targets: "
                                          "%1, all.")
                               .arg(names.join(QLatin1String(", "))),
                           args, 1, 1, QStringLiteral("TARGET"));
        rc != kExitOk)
        return rc;

    if (parser.isSet(json))
        if (int rc = checkOutputArg(parser, parser.value(json),
                                    QStringList{parser.value(data), parser.value(sample)} +
                                        parser.values(image));
            rc != kExitOk)
            return rc;
    BenchOptions options;
    options.convergence = parser.isSet(convergence);
    options.images = parser.values(image);
    options.exact = parser.isSet(exact);
    for (const QString &file : options.images)
        if (!QFileInfo(file).isFile())
            return reportError(
                makeError(ErrorCode::FileNotFound, QStringLiteral("%1: no such file").arg(file)));
    bool ok = false;
    options.runs = parser.value(runs).toInt(&ok);
    if (!ok || options.runs < 1 || options.runs > 1000)
        return usageError(kCommand, QStringLiteral("invalid --runs '%1'").arg(parser.value(runs)));
    options.threads = parser.value(threads).toInt(&ok);
    if (!ok || options.threads < 0)
        return usageError(kCommand,
                          QStringLiteral("invalid --threads '%1'").arg(parser.value(threads)));
    options.frames = parser.value(frames).toInt(&ok);
    if (!ok || options.frames < 2 || options.frames > 100000)
        return usageError(kCommand,
                          QStringLiteral("invalid --frames '%1'").arg(parser.value(frames)));
    for (const QString &s : parser.values(size)) {
        const auto parsed = parseSize(s);
        if (!parsed)
            return usageError(kCommand, parsed.error().message);
        options.sizes << *parsed;
    }
    for (const QString &m : parser.values(method))
        for (const QString &spec : m.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString name = spec.section(QLatin1Char('@'), 0, 0);
            if (!propagationMethodNames().contains(name))
                return usageError(
                    kCommand, QStringLiteral("unknown method '%1' (known: %2)")
                                  .arg(name, propagationMethodNames().join(QStringLiteral(", "))));
            if (!methodTuning(spec))
                return usageError(kCommand, QStringLiteral("invalid method settings in '%1' "
                                                           "(expected NAME@KEY=NUMBER[&…])")
                                                .arg(spec));
            options.methods << spec;
        }
    options.dataDir = parser.value(data);
    options.sample = findSample(parser.value(sample));
    if (parser.isSet(sample) && !QFileInfo::exists(options.sample))
        return reportError(makeError(ErrorCode::FileNotFound,
                                     QStringLiteral("%1: no such file").arg(options.sample)));

    const QString name = parser.positionalArguments().front();
    std::vector<const Target *> chosen;
    for (const Target &t : kTargets)
        if (name == QLatin1String("all") || name == QLatin1String(t.name))
            chosen.push_back(&t);
    if (chosen.empty())
        return usageError(kCommand, QStringLiteral("unknown target '%1' (known: %2, all)")
                                        .arg(name, names.join(QLatin1String(", "))));
    QTemporaryDir work(QDir::tempPath() + QStringLiteral("/tincture-bench-XXXXXX"));
    if (!work.isValid())
        return reportError(makeError(
            ErrorCode::WriteFailed,
            QStringLiteral("cannot create a temporary folder in %1").arg(QDir::tempPath())));
    options.workDir = work.path();

    QTextStream out(stdout);
    out << "machine: " << sysinfo::cpuModel() << ", " << sysinfo::logicalCores() << " cores, "
        << sysinfo::osName() << "; threads " << threadsText(options.threads) << "; median of "
        << options.runs << " runs after a warm-up\n";
    out.flush();
    QJsonArray results;
    bool failed = false;
    double maxPeakMb = 0.0;
    for (const Target *t : chosen) {
        out << '\n';
        // Each target's own peak where the kernel allows it, else the process's so far.
        const bool perTarget = sysinfo::resetPeakResident();
        Result<QJsonObject> r = t->run(options, out);
        out.flush();
        if (!r && r.error().isCancelled())
            return reportError(r.error());
        if (!r && chosen.size() == 1)
            return reportError(r.error());
        QJsonObject o;
        if (r) {
            o = *r;
        } else {
            failed = true;
            QTextStream(stderr) << "tincture-cli: " << t->name << ": " << r.error().message << '\n';
            o = {{QStringLiteral("target"), QString::fromLatin1(t->name)},
                 {QStringLiteral("error"), r.error().message}};
        }
        addMachine(o, options);
        o.insert(QStringLiteral("peak_rss_scope"),
                 perTarget ? QStringLiteral("target") : QStringLiteral("process"));
        maxPeakMb = std::max(maxPeakMb, o.value(QStringLiteral("peak_rss_mb")).toDouble());
        out << QStringLiteral("peak resident memory: %1 MB\n")
                   .arg(o.value(QStringLiteral("peak_rss_mb")).toDouble(), 0, 'f', 0);
        results.append(o);
    }
    if (parser.isSet(json)) {
        QJsonObject doc = results.first().toObject();
        if (chosen.size() > 1) {
            doc = {{QStringLiteral("targets"), results}};
            addMachine(doc, options);
            doc.insert(QStringLiteral("peak_rss_mb"), maxPeakMb); // the largest of the targets'
            doc.insert(QStringLiteral("gpu_used"),
                       std::any_of(results.begin(), results.end(), [](const QJsonValue &v) {
                           return v.toObject().value(QStringLiteral("gpu_used")).toBool();
                       }));
        }
        if (auto w = writeFileAtomically(parser.value(json), QJsonDocument(doc).toJson(),
                                         existingPolicy(parser));
            !w)
            return reportError(w.error());
    }
    return failed ? kExitBadInput : kExitOk;
}

} // namespace tincture::cli
