// tincture-cli: everything the studio does, headless, for batches and scripts.

#include "foundation/processsetup.h"
#include "clicommon.h"
#include "commands.h"

#include <QCoreApplication>
#include <QTextStream>

using namespace tincture::cli;

int main(int argc, char **argv)
{
    tincture::setUpProcess();
    QCoreApplication app(argc, argv);
    const std::vector<Command> commands = {
        {"info", "print a film's properties (and an export's provenance) as JSON", runInfo},
        {"transcode", "re-encode a film (H.264, FFV1, ProRes, PNG/TIFF sequence)", runTranscode},
        {"scribble", "colourise a still from colour scribbles (Levin et al. 2004)", runScribble},
        {"colorize", "colourise a film: shots, keyframes, propagation, encoding", runColorize},
        {"colorize-image", "colourise a still with the keyframe model", runColorizeImage},
        {"propagate", "carry keyframe colour through a shot's frames", runPropagate},
        {"plan", "plan a film as shot tasks for a batch scheduler", runPlan},
        {"render-shot", "colour one shot of a plan into a lossless part", runRenderShot},
        {"assemble", "encode a planned film from its shots' parts", runAssemble},
        {"status", "which shots of a plan are done, running, failed or pending", runStatus},
    };
    return runProgram(QStringLiteral("tincture-cli"),
                      QStringLiteral("Tincture colourises black-and-white film."), commands,
                      [](const QString &name) -> std::optional<int> {
                          if (name != QLatin1String("bench") && name != QLatin1String("eval") &&
                              name != QLatin1String("train"))
                              return std::nullopt;
                          QTextStream(stderr) << "tincture-cli: '" << name
                                              << "' is a command of tincture-lab, the tools "
                                                 "that measure and train Tincture\n";
                          return kExitUsage;
                      });
}
