#include "clicommon.h"

#include <QCoreApplication>

#include "foundation/atomicoutput.h"
#include "foundation/outputguard.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace tincture::cli {

namespace {
std::atomic<bool> g_interrupted{false};

extern "C" void onSignal(int)
{
    // A second Ctrl-C while cleaning up ends the process at once.
    if (g_interrupted.exchange(true))
        std::_Exit(kExitCancelled);
}

QString formatDuration(double seconds)
{
    if (seconds < 0 || seconds > 1e7)
        return QStringLiteral("--:--");
    const qint64 s = qint64(seconds + 0.5);
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}
} // namespace

const std::atomic<bool> &interruptFlag()
{
    return g_interrupted;
}

void installInterruptHandler()
{
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

int parseArgs(QCommandLineParser &parser, const QString &command, const QString &description,
              const QStringList &args, int minPositional, int maxPositional,
              const QString &positionalSyntax)
{
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("args"), QString(), positionalSyntax);
    QStringList full = args;
    full.prepend(QCoreApplication::applicationName() + QLatin1Char(' ') + command);
    if (!parser.parse(full))
        return usageError(command, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return -1;
    }
    const int n = int(parser.positionalArguments().size());
    if (n < minPositional || (maxPositional >= 0 && n > maxPositional))
        return usageError(command, QStringLiteral("expected %1").arg(positionalSyntax));
    return kExitOk;
}

int reportError(const Error &error)
{
    QTextStream err(stderr);
    if (error.isCancelled()) {
        err << QCoreApplication::applicationName() << ": cancelled; partial output removed\n";
        return kExitCancelled;
    }
    err << QCoreApplication::applicationName() << ": error: " << error.message;
    if (error.code == ErrorCode::OutputExists)
        err << "; pass -y (--overwrite) to replace it";
    err << '\n';
    if (!error.detail.isEmpty() && qEnvironmentVariableIsSet("TINCTURE_VERBOSE"))
        err << "  detail: " << error.detail << '\n';
    return kExitBadInput;
}

QCommandLineOption overwriteOption()
{
    return QCommandLineOption({QStringLiteral("y"), QStringLiteral("overwrite")},
                              QStringLiteral("Replace an existing output (never an input)."));
}

Existing existingPolicy(const QCommandLineParser &parser)
{
    return parser.isSet(QStringLiteral("overwrite")) ? Existing::Replace : Existing::Refuse;
}

int checkOutputArg(const QCommandLineParser &parser, const QString &output,
                   const QStringList &inputs)
{
    if (Result<void> ok = checkOutput(output, inputs, existingPolicy(parser)); !ok)
        return reportError(ok.error());
    return kExitOk;
}

int usageError(const QString &command, const QString &message)
{
    const QString program = QCoreApplication::applicationName();
    QTextStream(stderr) << program << ' ' << command << ": " << message << "\nTry '" << program
                        << ' ' << command << " --help'.\n";
    return kExitUsage;
}

void printWarnings(const Feedback &feedback)
{
    QTextStream err(stderr);
    for (const QString &w : feedback.warnings())
        err << QCoreApplication::applicationName() << ": warning: " << w << '\n';
}

ProgressBar::ProgressBar(QString label, bool quiet, QString unit)
    : m_label(std::move(label)), m_unit(std::move(unit)), m_quiet(quiet),
      m_tty(isatty(fileno(stderr)))
{
    m_clock.start();
}

ProgressBar::~ProgressBar()
{
    finish();
}

void ProgressBar::update(int64_t done, int64_t total)
{
    m_done = done;
    m_total = total;
    if (m_quiet)
        return;
    const qint64 now = m_clock.elapsed();
    // Redraw at most 10 times a second on a terminal, every 5 s into a log file.
    if (done < total && now - m_lastDrawMs < (m_tty ? 100 : 5000))
        return;
    m_lastDrawMs = now;
    const double seconds = now / 1000.0;
    const double rate = seconds > 0 ? done / seconds : 0.0;
    const double fraction = total > 0 ? double(done) / double(total) : 0.0;
    const double eta = rate > 0 ? (total - done) / rate : -1;
    const int width = 30;
    const int filled = int(fraction * width + 0.5);
    QString bar = QString(filled, QLatin1Char('#')) + QString(width - filled, QLatin1Char('.'));
    const QString line = QStringLiteral("%1 [%2] %3% %4/%5 %6 %7/s ETA %8")
                             .arg(m_label, bar)
                             .arg(fraction * 100.0, 5, 'f', 1)
                             .arg(done)
                             .arg(total)
                             .arg(m_unit)
                             .arg(rate, 0, 'f', 1)
                             .arg(formatDuration(eta))
                             .simplified();
    fprintf(stderr, m_tty ? "\r%s\x1b[K" : "%s\n", line.toLocal8Bit().constData());
    fflush(stderr);
}

void ProgressBar::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_quiet || m_lastDrawMs < 0)
        return;
    if (m_tty)
        fputc('\n', stderr);
    fflush(stderr);
}

Feedback::ProgressCallback ProgressBar::callback()
{
    return [this](int64_t done, int64_t total) { update(done, total); };
}

} // namespace tincture::cli

namespace tincture::cli {

bool packedIsCurrent(const QString &path, const QByteArray &stamp)
{
    QFile sidecar(path + QStringLiteral(".source"));
    return QFileInfo::exists(path) && sidecar.open(QIODevice::ReadOnly) &&
           sidecar.readAll() == stamp;
}

void recordPacked(const QString &path, const QByteArray &stamp)
{
    QFile sidecar(path + QStringLiteral(".source"));
    if (sidecar.open(QIODevice::WriteOnly | QIODevice::Truncate))
        sidecar.write(stamp);
}

Result<std::string> checkpointPath(const QString &value)
{
    if (!QFileInfo::exists(value))
        return makeError(ErrorCode::FileNotFound,
                         QStringLiteral("%1: no such checkpoint").arg(value));
    return QFile::encodeName(value).toStdString();
}

QCommandLineOption valueOption(const char *name, const char *help, const char *valueName,
                               const char *defaultValue)
{
    return QCommandLineOption(QString::fromLatin1(name), QString::fromUtf8(help),
                              QString::fromLatin1(valueName), QString::fromLatin1(defaultValue));
}

QCommandLineOption deviceOption(const char *help)
{
    return valueOption("device", help, "DEV", "auto");
}

QCommandLineOption propagationDeviceOption()
{
    return deviceOption("Where bnn's lattice filter and vpn's refiner run: auto (the GPU where "
                        "LibTorch sees one), cpu or cuda (default auto).");
}

QCommandLineOption refinerOption()
{
    return valueOption("refiner",
                       "The bnn-refined method's refiner (a refiner.json; default: the "
                       "shipped one).",
                       "FILE", "");
}

QStringList commaList(const QString &value)
{
    QStringList out;
    for (const QString &s : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
        out << s.trimmed();
    return out;
}

QCommandLineOption vpnModelOption()
{
    return valueOption("vpn", "The vpn method's network (a vpn.json; default: the shipped one).",
                       "FILE", "");
}

bool isDeviceName(const QString &value)
{
    return value == QLatin1String("auto") || value == QLatin1String("cpu") ||
           value == QLatin1String("cuda");
}

int IntOptions::read(const QCommandLineOption &option, int min, int max)
{
    bool good = false;
    const int v = m_parser.value(option).toInt(&good);
    if (!good || v < min || v > max)
        m_ok = false;
    return v;
}

TrainingReport::TrainingReport(bool quiet) : m_quiet(quiet), m_err(stderr)
{
    m_lastLine.start();
}

bool TrainingReport::due(bool validated, int iteration, int total)
{
    if (m_quiet || !(validated || iteration == total || m_lastLine.elapsed() > 20000))
        return false;
    m_lastLine.restart();
    return true;
}

std::function<void(const std::string &)> TrainingReport::log()
{
    return [this](const std::string &line) {
        if (!m_quiet)
            m_err << QString::fromStdString(line) << '\n';
    };
}

std::optional<int> TrainingReport::ended(bool ok, bool cancelled, const std::string &error,
                                         int iterations, const QString &outDir)
{
    if (cancelled) {
        m_err << QStringLiteral("stopped at iteration %1; checkpoint written: resume with "
                                "--resume %2\n")
                     .arg(iterations)
                     .arg(QDir(outDir).filePath(QStringLiteral("checkpoint.pt")));
        m_err.flush();
        return kExitCancelled;
    }
    if (!ok)
        return reportError(makeError(ErrorCode::TrainingFailed, QString::fromStdString(error)));
    return std::nullopt;
}

} // namespace tincture::cli

namespace tincture::cli {

FilmOutputOptions::FilmOutputOptions(const QString &outputHelp, const QString &codecDefault)
    : m_output({QStringLiteral("o"), QStringLiteral("output")}, outputHelp, QStringLiteral("OUT")),
      m_codec(QStringLiteral("codec"),
              QStringLiteral("h264 (MP4 delivery), ffv1 (lossless MKV master), prores (ProRes "
                             "422 HQ MOV), prores4444 (ProRes 4444 MOV, 10-bit 4:4:4), png or "
                             "tiff (16-bit sequence). ") +
                  codecDefault,
              QStringLiteral("name")),
      m_crf(QStringLiteral("crf"),
            QStringLiteral("H.264 quality, 0–51, lower is better (default 16)."),
            QStringLiteral("n"), QStringLiteral("16")),
      m_first(QStringLiteral("first"), QStringLiteral("First frame (default 0)."),
              QStringLiteral("n"), QStringLiteral("0")),
      m_last(QStringLiteral("last"), QStringLiteral("Last frame, inclusive (default: the end)."),
             QStringLiteral("n"), QStringLiteral("-1")),
      m_noAudio(QStringLiteral("no-audio"), QStringLiteral("Leave the source's audio out."))
{
}

void FilmOutputOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({m_output, m_codec, m_crf, m_first, m_last, m_noAudio, overwriteOption()});
}

std::optional<OutputSpec> FilmOutputOptions::read(const QCommandLineParser &parser,
                                                  const QString &command, int &exitCode) const
{
    auto fail = [&](const QString &message) -> std::optional<OutputSpec> {
        exitCode = usageError(command, message);
        return std::nullopt;
    };
    if (!parser.isSet(m_output))
        return fail(QStringLiteral("-o OUT is required"));
    OutputSpec spec;
    spec.path = parser.value(m_output);
    spec.existing = existingPolicy(parser);
    spec.withAudio = !parser.isSet(m_noAudio);
    if (parser.isSet(m_codec)) {
        spec.codec = codecFromName(parser.value(m_codec));
        if (!spec.codec)
            return fail(QStringLiteral("unknown codec '%1' (h264, ffv1, prores, prores4444, png, "
                                       "tiff)")
                            .arg(parser.value(m_codec)));
    }
    bool ok1 = false, ok2 = false, ok3 = false;
    spec.h264Crf = parser.value(m_crf).toInt(&ok1);
    spec.first = parser.value(m_first).toLongLong(&ok2);
    spec.last = parser.value(m_last).toLongLong(&ok3);
    if (!ok1 || spec.h264Crf < 0 || spec.h264Crf > 51)
        return fail(QStringLiteral("--crf must be 0–51"));
    if (!ok2 || !ok3 || spec.first < 0 || spec.last < -1)
        return fail(QStringLiteral("--first and --last take frame numbers (--last -1: the end)"));
    return spec;
}

} // namespace tincture::cli

namespace tincture::cli {

int runProgram(const QString &program, const QString &about, const std::vector<Command> &commands,
               const std::function<std::optional<int>(const QString &)> &elsewhere)
{
    QCoreApplication::setApplicationName(program);
    QCoreApplication::setOrganizationName(QStringLiteral("Tincture"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TINCTURE_VERSION));
    installInterruptHandler();
    const auto printUsage = [&](QTextStream &out) {
        out << "Usage: " << program << " COMMAND [OPTIONS] [ARGS]\n\n" << about << " Commands:\n";
        for (const Command &c : commands)
            out << "  " << QString::fromLatin1(c.name).leftJustified(14) << c.summary << '\n';
        out << "\n'" << program << " COMMAND --help' describes a command.\n"
            << "Exit codes: 0 success, 1 bad input, 2 usage error, 3 cancelled.\n";
    };
    QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty()) {
        QTextStream err(stderr);
        printUsage(err);
        return kExitUsage;
    }
    const QString name = args.takeFirst();
    if (name == QLatin1String("--help") || name == QLatin1String("-h") ||
        name == QLatin1String("help")) {
        QTextStream out(stdout);
        printUsage(out);
        return kExitOk;
    }
    if (name == QLatin1String("--version")) {
        QTextStream(stdout) << program << ' ' << TINCTURE_VERSION << '\n';
        return kExitOk;
    }
    for (const Command &c : commands) {
        if (name == QLatin1String(c.name)) {
            const int code = c.run(args);
            return code < 0 ? kExitOk : code; // -1: help was printed
        }
    }
    if (elsewhere)
        if (std::optional<int> code = elsewhere(name))
            return *code;
    QTextStream err(stderr);
    err << program << ": unknown command '" << name << "'\n\n";
    printUsage(err);
    return kExitUsage;
}

QString findResource(const QString &relative)
{
    const QString app = QCoreApplication::applicationDirPath();
    for (const QString &base : {app + QStringLiteral("/../.."), app + QStringLiteral("/.."),
                                app + QStringLiteral("/../share/tincture"), QDir::currentPath()}) {
        const QString p = base + QStringLiteral("/resources/") + relative;
        if (QFileInfo::exists(p))
            return QFileInfo(p).canonicalFilePath();
    }
    return {};
}

} // namespace tincture::cli
