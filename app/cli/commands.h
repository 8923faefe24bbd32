#pragma once
// The subcommands of tincture-cli. Each takes its own arguments (without the program and
// subcommand names) and returns the process exit code (see clicommon.h).

#include "foundation/result.h"

#include <QStringList>

#include <memory>

namespace tincture::cli {

int runInfo(const QStringList &args);
int runTranscode(const QStringList &args);
int runScribble(const QStringList &args);
int runPropagate(const QStringList &args);
int runColorizeImage(const QStringList &args);
int runColorize(const QStringList &args);
int runPlan(const QStringList &args);
int runRenderShot(const QStringList &args);
int runAssemble(const QStringList &args);
int runStatus(const QStringList &args);

} // namespace tincture::cli
