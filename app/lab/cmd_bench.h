#pragma once
// Shared parts of `tincture-lab bench`: the options every target gets, timing helpers, the
// synthetic test film, and one function per target (cmd_bench_<target>.cpp). A target measures,
// never assumes: medians over options.runs timed runs after one warm-up (PROTOCOLS.md §7),
// baselines timed in the same run. It prints its own readable table on `out` and returns its
// figures as JSON; runBench adds the machine (cores, CPU, threads, peak memory, GPU) to it.
// Everything runs on the main thread.

#include "foundation/result.h"
#include "image/frame.h"
#include "media/videoencoder.h"

#include <QJsonObject>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QTextStream>

#include <chrono>
#include <optional>
#include <vector>

namespace tincture::cli {

// A --method spec's settings: "bnnflow@globalWeight=0&globalRadius=0.1" → {"globalWeight": 0,
// "globalRadius": 0.1}; {} without '@'; nullopt if a setting is not KEY=NUMBER.
std::optional<QJsonObject> methodTuning(const QString &spec);

struct BenchOptions
{
    int runs = 5;        // timed runs after the warm-up
    int threads = 0;     // 0: all cores (for the engines that take a thread count)
    int frames = 48;     // frames per synthetic clip or sequence
    QList<QSize> sizes;  // --size: replaces a target's default synthetic sizes (empty: defaults)
    QStringList methods; // propagation: methods to time besides the "flow" baseline
    QString dataDir;     // propagation: a dev-set folder (DIR/<sequence>/<frame>.jpg|png)
    QString sample;      // the bundled sample film; empty if not found
    QString workDir;     // a temporary folder for generated clips, removed afterwards
    bool convergence = false; // scribble: accuracy per multigrid cycle instead of timings
    QStringList images;       // scribble: photographs to time besides the synthetic frames
    bool exact = false;       // scribble: measure accuracy against exact sparse solves
};

// Timing helpers.
using BenchClock = std::chrono::steady_clock;
double msSince(BenchClock::time_point start);
double median(std::vector<double> values);
double minimum(const std::vector<double> &values);

// Whether Ctrl-C was pressed (targets check it between runs and return Error::cancelled()).
bool benchInterrupted();

// A film-like moving colour picture: textured gradients drifting 2 px per frame to the right
// and 1 px down, a few moving discs, per-frame grain (σ ≈ 3 levels). Deterministic; cheap
// (table look-ups), so it can be made on the fly while timing only the engine.
Frame syntheticFrame(int width, int height, int index);

// Encodes `frames` synthetic frames of `size` through VideoEncoder into path (replacing it).
// Only write() and finish() are timed, not making the frames.
struct EncodeTiming
{
    double ms = 0.0;
    int audioStreams = 0;
};
Result<EncodeTiming> encodeSyntheticClip(const QString &path, QSize size, int frames,
                                         const EncodeSettings &settings);

// A plain-text table with aligned columns (first column left, others right).
QString formatTable(const QStringList &header, const QList<QStringList> &rows);
QString fixed(double value, int decimals); // "–" for NaN

// An external program's run time: rtime from FFmpeg's -benchmark output when present,
// else the process's wall time.
struct ExternalTiming
{
    double ms = 0.0;     // the program's own measure (rtime) or wall time
    double wallMs = 0.0; // process start to exit
    bool fromRtime = false;
};
Result<ExternalTiming> runFfmpeg(const QStringList &args);
bool haveFfmpeg();

// The targets. Each returns {"target": name, ...figures...} or an error.
Result<QJsonObject> benchDecode(const BenchOptions &options, QTextStream &out);
Result<QJsonObject> benchScribble(const BenchOptions &options, QTextStream &out);
Result<QJsonObject> benchColorizer(const BenchOptions &options, QTextStream &out);
Result<QJsonObject> benchPropagation(const BenchOptions &options, QTextStream &out);
Result<QJsonObject> benchExport(const BenchOptions &options, QTextStream &out);
Result<QJsonObject> benchFilm(const BenchOptions &options, QTextStream &out);
Result<QJsonObject> benchRepaint(const BenchOptions &options, QTextStream &out);

} // namespace tincture::cli
