#pragma once
// Shared plumbing of tincture-cli subcommands: exit codes, argument parsing, Ctrl-C handling
// atomic small-file output and the progress bar on stderr.

#include "foundation/feedback.h"
#include "foundation/result.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QString>

#include <atomic>

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
