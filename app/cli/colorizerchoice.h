#pragma once
// The colouriser named on the command line (tincture-cli colorize, colorize-image; tincture-lab
// eval images): --colorizer NAME beside --model FILE.

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QString>

namespace tincture::cli {

// --colorizer NAME: the option, and the choice read into `path`: the named colouriser's manifest,
// or --model's value (empty when neither is given: the shipped keyframe model). An unknown name,
// or both options, is a usage error (printed; exitCode set, false returned).
QCommandLineOption colorizerOption();
bool readColorizerChoice(const QCommandLineParser &parser, const QCommandLineOption &model,
                         const QCommandLineOption &colorizer, const QString &command, QString &path,
                         int &exitCode);

} // namespace tincture::cli
