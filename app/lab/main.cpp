// tincture-lab: the tools that measure and train Tincture — benchmarks, the evaluation
// protocols and training. Not part of the product: tincture-cli and the studio never link it.

#include "foundation/processsetup.h"
#include "clicommon.h"
#include "labcommands.h"

#include <QCoreApplication>

using namespace tincture::cli;

int main(int argc, char **argv)
{
    tincture::setUpProcess();
    QCoreApplication app(argc, argv);
    const std::vector<Command> commands = {
        {"bench",
         "time the engines (decode, scribble, colorizer, propagation, export, film, repaint)",
         runBench},
        {"train", "train a model (colorizer, refiner, vpn)", runTrain},
        {"eval", "measure quality with a fixed protocol (images, propagation, video)", runEval},
        {"data", "fingerprint pictures, to keep the sample's out of training", runData},
    };
    return runProgram(QStringLiteral("tincture-lab"),
                      QStringLiteral("The tools that measure and train Tincture."), commands);
}
