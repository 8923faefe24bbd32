#pragma once
// Helpers shared by the tests: locating the CLI and the bundled sample, running processes.

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace tincture::test {

// Path of the tincture-cli binary under test (from the TINCTURE_CLI environment variable).
QString cliPath();
// The project's source folder (TINCTURE_SOURCE_DIR), for resources/samples.
QString sourceDir();
// The sha256 that models/NAME.json in the source tree gives for its weights (empty if none).
QString shippedModelSha256(const QString &name);
QString samplePath(); // resources/samples/sample.mp4

struct ProcessResult
{
    int exitCode = -1;
    bool crashed = false;
    bool timedOut = false;
    QString out;
    QString err;
};

// Runs a program and waits (killing it after timeoutMs).
ProcessResult runProcess(const QString &program, const QStringList &args, int timeoutMs = 120000);
ProcessResult runCli(const QStringList &args, int timeoutMs = 120000);
// tincture-lab (TINCTURE_LAB): bench, eval, train.
ProcessResult runLab(const QStringList &args, int timeoutMs = 120000);

bool haveProgram(const QString &name); // e.g. "ffmpeg", "ffprobe"

// How many random kills a kill test makes (TINCTURE_KILL_ROUNDS, else defaultRounds) and the
// seed that places them (TINCTURE_KILL_SEED, else a fresh one, printed so a run can be
// replayed).
struct KillPlan
{
    int rounds;
    quint32 seed;
};
KillPlan killPlan(int defaultRounds);

// The exit code by which a test tells ctest it skipped (the tests' SKIP_RETURN_CODE).
constexpr int kSkippedExitCode = 77;
// QTest::qExec with the arguments given, and kSkippedExitCode when no function failed but one
// or more skipped (the plain log still goes to stdout). testmain.h's mains call it.
int execReportingSkips(QObject *test, int argc, char **argv);

// A whole file (empty if it cannot be read), and a file written whole (false on failure).
QByteArray fileBytes(const QString &path);
bool writeFileBytes(const QString &path, const QByteArray &bytes);

} // namespace tincture::test
