// tincture-cli info FILE: a film's properties as JSON on stdout.

#include "clicommon.h"
#include "commands.h"

#include "media/videosource.h"

#include <QJsonDocument>
#include <QTextStream>

namespace tincture::cli {

int runInfo(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption fps(QStringLiteral("fps"),
                                 QStringLiteral("Frame rate of an image sequence (default 24)."),
                                 QStringLiteral("rate"), QStringLiteral("24"));
    const QCommandLineOption salvage(
        QStringLiteral("salvage"),
        QStringLiteral("Open a damaged file with the frames that can be read."));
    parser.addOptions({fps, salvage});
    if (int rc =
            parseArgs(parser, QStringLiteral("info"),
                      QStringLiteral("Print a film's properties as JSON: frames, fps (rational), "
                                     "width, height, codec, duration_s, audio_streams, ...\n"
                                     "FILE is a video file, a folder of numbered images or a "
                                     "pattern such as scan_%06d.dpx."),
                      args, 1, 1, QStringLiteral("FILE"));
        rc != kExitOk)
        return rc;
    SourceOptions options;
    const std::optional<Rational> rate = Rational::fromString(parser.value(fps));
    if (!rate)
        return usageError(QStringLiteral("info"),
                          QStringLiteral("invalid --fps '%1'").arg(parser.value(fps)));
    options.sequenceFps = *rate;
    options.salvageDamaged = parser.isSet(salvage);
    Result<std::unique_ptr<VideoSource>> source =
        VideoSource::open(parser.positionalArguments().front(), options);
    if (!source)
        return reportError(source.error());
    QTextStream(stdout)
        << QJsonDocument((*source)->info().toJson()).toJson(QJsonDocument::Indented);
    return kExitOk;
}

} // namespace tincture::cli
