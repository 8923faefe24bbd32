#include "colorizerchoice.h"

#include "clicommon.h"

#include "ml/videocolorizer.h"

namespace tincture::cli {

QCommandLineOption colorizerOption()
{
    return QCommandLineOption(
        QStringLiteral("colorizer"),
        QStringLiteral("The colouriser by name: %1 (default pix2pix, the keyframe model).")
            .arg(ml::colorizerNames().join(QStringLiteral(", "))),
        QStringLiteral("NAME"));
}

bool readColorizerChoice(const QCommandLineParser &parser, const QCommandLineOption &model,
                         const QCommandLineOption &colorizer, const QString &command, QString &path,
                         int &exitCode)
{
    if (!parser.isSet(colorizer)) {
        path = parser.value(model);
        return true;
    }
    if (parser.isSet(model)) {
        exitCode = usageError(command, QStringLiteral("give --model or --colorizer, not both"));
        return false;
    }
    auto chosen = ml::colorizerManifest(parser.value(colorizer));
    if (!chosen) {
        exitCode = usageError(command, chosen.error().message);
        return false;
    }
    path = *chosen;
    return true;
}

} // namespace tincture::cli
