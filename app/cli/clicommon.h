#pragma once
// Shared plumbing of tincture-cli subcommands: exit codes, argument parsing, Ctrl-C handling
// atomic small-file output and the progress bar on stderr.

#include "foundation/feedback.h"
#include "foundation/result.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QString>

#include <atomic>
#include <string>

namespace tincture::cli {

enum ExitCode { kExitOk = 0, kExitBadInput = 1, kExitUsage = 2, kExitCancelled = 3 };

// Set by SIGINT/SIGTERM; link it into every Feedback so Ctrl-C cancels the running job.
const std::atomic<bool> &interruptFlag();
void installInterruptHandler();

// Parses args for a subcommand. Returns kExitOk to continue; otherwise the caller returns the
// value at once: -1 after --help was printed (main turns it into exit code 0), or kExitUsage.
int parseArgs(QCommandLineParser &parser, const QString &command, const QString &description,
              const QStringList &args, int minPositional, int maxPositional,
              const QString &positionalSyntax);

// Prints the error on stderr and returns its exit code (cancelled → 3, otherwise 1).
int reportError(const Error &error);
int usageError(const QString &command, const QString &message);

void printWarnings(const Feedback &feedback);

// Packed training data is reused when PATH exists and PATH.source holds exactly `stamp` (what
// it was packed from; packing is deterministic). recordPacked writes the stamp after packing.
bool packedIsCurrent(const QString &path, const QByteArray &stamp);
void recordPacked(const QString &path, const QByteArray &stamp);

// A trainer's --resume value: the checkpoint's path in the trainers' (local 8-bit) encoding, or
// an error naming a checkpoint that does not exist.
Result<std::string> checkpointPath(const QString &value);

// Writes bytes to path through a temporary file and a rename (WriteFailed names the file).
Result<void> writeFileAtomically(const QString &path, const QByteArray &bytes);

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
