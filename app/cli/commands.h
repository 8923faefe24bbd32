#pragma once
// The subcommands of tincture-cli. Each takes its own arguments (without the program and
// subcommand names) and returns the process exit code (see clicommon.h).

#include "foundation/result.h"

#include <QStringList>

#include <memory>

namespace tincture::ml {
class Colorizer;
}

namespace tincture::cli {

struct Command
{
    const char *name;
    const char *summary;
    int (*run)(const QStringList &args);
};

int runInfo(const QStringList &args);
int runTranscode(const QStringList &args);
int runScribble(const QStringList &args);
int runBench(const QStringList &args);
int runEval(const QStringList &args);
int runEvalImages(const QStringList &args); // `eval images`, dispatched by runEval
int runPropagate(const QStringList &args);
int runColorizeImage(const QStringList &args);
int runColorize(const QStringList &args);
int runTrain(const QStringList &args);
int trainRefiner(const QStringList &args); // runTrain's "refiner"

// Loads the keyframe model (the shipped one when model is empty); cmd_colorize_image.cpp.
Result<std::shared_ptr<const ml::Colorizer>> loadColorizer(const QString &model, int threads,
                                                           const QString &device,
                                                           int workingSide);

} // namespace tincture::cli
