#pragma once
// The subcommands of tincture-cli. Each takes its own arguments (without the program and
// subcommand names) and returns the process exit code (see clicommon.h).

#include <QStringList>

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

} // namespace tincture::cli
