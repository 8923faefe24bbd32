#pragma once
// Shared plumbing of tincture-cli subcommands: exit codes, argument parsing, Ctrl-C handling
// atomic small-file output and the progress bar on stderr.

#include "foundation/atomicoutput.h"
#include "foundation/feedback.h"
#include "foundation/result.h"
#include "media/outputspec.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QString>

#include <QTextStream>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tincture::cli {

// A command of an executable: its name, a line for the usage, and its entry point, which takes
// the arguments after the command's name and returns the exit code (-1: help was printed).
struct Command
{
    const char *name;
    const char *summary;
    int (*run)(const QStringList &args);
};

// The whole main() of tincture-cli and tincture-lab after the application object exists: sets
// the application's names, installs the Ctrl-C handler, prints the usage (`about` is its
// first line) or the version, and runs the named command. `elsewhere` may answer a command
// name that is not in `commands` (a message and an exit code); otherwise it is a usage error.
int runProgram(const QString &program, const QString &about, const std::vector<Command> &commands,
               const std::function<std::optional<int>(const QString &)> &elsewhere = {});

enum ExitCode { kExitOk = 0, kExitBadInput = 1, kExitUsage = 2, kExitCancelled = 3 };

// Set by SIGINT/SIGTERM; link it into every Feedback so Ctrl-C cancels the running job.
const std::atomic<bool> &interruptFlag();
void installInterruptHandler();

// Parses args for a subcommand. Returns kExitOk to continue; otherwise the caller returns the
// value at once: -1 after --help was printed (main turns it into exit code 0), or kExitUsage.
int parseArgs(QCommandLineParser &parser, const QString &command, const QString &description,
              const QStringList &args, int minPositional, int maxPositional,
              const QString &positionalSyntax);

// -y/--overwrite, for every command that writes: without it an existing output is refused.
QCommandLineOption overwriteOption();
Existing existingPolicy(const QCommandLineParser &parser); // reads --overwrite
// Refuses, before any work, an output that is one of the inputs or that exists without -y.
// Returns kExitOk or the exit code of the reported error.
int checkOutputArg(const QCommandLineParser &parser, const QString &output,
                   const QStringList &inputs);

// The options that say what film a command writes (-o, --codec, --crf, --first, --last,
// --no-audio, -y), added to a parser and read into an OutputSpec: the CLI side of the one
// output description (media/outputspec.h) that `transcode` and `colorize` share.
class FilmOutputOptions
{
public:
    // codecDefault: where the codec comes from when --codec is not given.
    explicit FilmOutputOptions(
        const QString &outputHelp,
        const QString &codecDefault = QStringLiteral("Default: from OUT's extension."));
    void addTo(QCommandLineParser &parser) const;
    // The spec, or a usage error's exit code (the error printed).
    std::optional<OutputSpec> read(const QCommandLineParser &parser, const QString &command,
                                   int &exitCode) const;

private:
    QCommandLineOption m_output, m_codec, m_crf, m_first, m_last, m_noAudio;
};

// Prints the error on stderr and returns its exit code (cancelled → 3, otherwise 1).
int reportError(const Error &error);
int usageError(const QString &command, const QString &message);

void printWarnings(const Feedback &feedback);

// Packed training data is reused when PATH exists and PATH.source holds exactly `stamp` (what
// it was packed from; packing is deterministic). recordPacked writes the stamp after packing.
bool packedIsCurrent(const QString &path, const QByteArray &stamp);
void recordPacked(const QString &path, const QByteArray &stamp);

// A file of the source tree's resources/ (e.g. "samples/sample.mp4") near the executable (a
// build tree inside the source tree, or an installed share/tincture) or in the current folder;
// empty when there is none.
QString findResource(const QString &relative);

// An option that takes a value: name, help (UTF-8), value name, default.
QCommandLineOption valueOption(const char *name, const char *help, const char *valueName,
                               const char *defaultValue);

// --device auto|cpu|cuda for the commands that can use a GPU; isDeviceName checks the value.
QCommandLineOption deviceOption(const char *help);
// The propagation commands' --device (bnn's lattice, vpn's refiner) and --refiner FILE.
QCommandLineOption propagationDeviceOption();
QCommandLineOption refinerOption();
QCommandLineOption vpnModelOption();
// "a, b,c" → {"a", "b", "c"} (empty entries dropped).
QStringList commaList(const QString &value);
bool isDeviceName(const QString &value);

// Reads whole-number options within bounds; ok() turns false at the first malformed or
// out-of-range one (the value read is then meaningless).
class IntOptions
{
public:
    explicit IntOptions(const QCommandLineParser &parser) : m_parser(parser) {}
    int read(const QCommandLineOption &option, int min, int max);
    bool ok() const { return m_ok; }

private:
    const QCommandLineParser &m_parser;
    bool m_ok = true;
};

// The stderr side of a training command: progress lines when due (a validation pass, the last
// iteration, or 20 s after the previous line), the trainer's notes, and its end. Silent when
// quiet, except for how to resume after Ctrl-C.
class TrainingReport
{
public:
    explicit TrainingReport(bool quiet);
    // True when a progress line is due now (and counts it as written).
    bool due(bool validated, int iteration, int total);
    QTextStream &out() { return m_err; }
    std::function<void(const std::string &)> log();
    // After the trainer returned: an exit code when the command must end (the error reported,
    // or the resume hint after a stop), nothing when it may write its manifest.
    std::optional<int> ended(bool ok, bool cancelled, const std::string &error, int iterations,
                             const QString &outDir);

private:
    bool m_quiet;
    QTextStream m_err;
    QElapsedTimer m_lastLine;
};

// A trainer's --resume value: the checkpoint's path in the trainers' (local 8-bit) encoding, or
// an error naming a checkpoint that does not exist.
Result<std::string> checkpointPath(const QString &value);

// A progress bar on stderr: percent, items per second, ETA. Silent when quiet.
class ProgressBar
{
public:
    ProgressBar(QString label, bool quiet, QString unit = QStringLiteral("frames"));
    ~ProgressBar();
    void update(int64_t done, int64_t total); // thread-safe enough: throttled, called by one job
    void finish();
    Feedback::ProgressCallback callback();

private:
    QString m_label;
    QString m_unit;
    bool m_quiet;
    bool m_tty;
    bool m_finished = false;
    QElapsedTimer m_clock;
    qint64 m_lastDrawMs = -1000;
    int64_t m_done = 0;
    int64_t m_total = 0;
};

} // namespace tincture::cli
