// tincture-cli: everything the studio does, headless, for batches and scripts.

#include "clicommon.h"
#include "commands.h"

#include <QCoreApplication>
#include <QTextStream>

#include <array>
#include <cstdlib>

using namespace tincture::cli;

namespace {

constexpr std::array kCommands = {
    Command{"info", "print a film's properties as JSON", runInfo},
    Command{"transcode", "re-encode a film (H.264, FFV1, ProRes, PNG/TIFF sequence)", runTranscode},
    Command{"scribble", "colourise a still from colour scribbles (Levin et al. 2004)", runScribble},
    Command{"bench", "time the engines (decode, scribble, colorizer, propagation, export)", runBench},
    Command{"colorize", "colourise a film: shots, keyframes, propagation, encoding", runColorize},
    Command{"colorize-image", "colourise a still with the keyframe model", runColorizeImage},
    Command{"propagate", "carry keyframe colour through a shot's frames", runPropagate},
    Command{"train", "train a model (colorizer, refiner)", runTrain},
    Command{"eval", "measure quality with a fixed protocol (images, propagation, video)", runEval},
};

void printUsage(QTextStream &out)
{
    out << "Usage: tincture-cli COMMAND [OPTIONS] [ARGS]\n\n"
           "Tincture colourises black-and-white film. Commands:\n";
    for (const Command &c : kCommands)
        out << "  " << QString::fromLatin1(c.name).leftJustified(14) << c.summary << '\n';
    out << "\n'tincture-cli COMMAND --help' describes a command.\n"
           "Exit codes: 0 success, 1 bad input, 2 usage error, 3 cancelled.\n";
}

} // namespace

int main(int argc, char **argv)
{
    // OpenMP threads (scribble solver, LibTorch) sleep instead of spinning when idle: on a busy
    // two-core laptop spinning makes every parallel region several times slower. The user's own
    // setting wins.
    setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tincture-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("Tincture"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TINCTURE_VERSION));
    installInterruptHandler();

    QStringList args = app.arguments().mid(1);
    if (args.isEmpty()) {
        QTextStream err(stderr);
        printUsage(err);
        return kExitUsage;
    }
    const QString name = args.takeFirst();
    if (name == QLatin1String("--help") || name == QLatin1String("-h")
        || name == QLatin1String("help")) {
        QTextStream out(stdout);
        printUsage(out);
        return kExitOk;
    }
    if (name == QLatin1String("--version")) {
        QTextStream(stdout) << "tincture-cli " << TINCTURE_VERSION << '\n';
        return kExitOk;
    }
    for (const Command &c : kCommands) {
        if (name == QLatin1String(c.name)) {
            const int code = c.run(args);
            return code < 0 ? kExitOk : code; // -1: help was printed
        }
    }
    QTextStream err(stderr);
    err << "tincture-cli: unknown command '" << name << "'\n\n";
    printUsage(err);
    return kExitUsage;
}
