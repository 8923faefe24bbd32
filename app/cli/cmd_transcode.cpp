// tincture-cli transcode IN -o OUT [--codec ...]: re-encode a film, keeping its audio.

#include "clicommon.h"
#include "commands.h"

#include "media/transcode.h"

#include <QTextStream>

namespace tincture::cli {

int runTranscode(const QStringList &args)
{
    QCommandLineParser parser;
    const FilmOutputOptions outputOptions(QStringLiteral("Output file (or folder for png/tiff)."));
    const QCommandLineOption fps(
        QStringLiteral("fps"),
        QStringLiteral("Frame rate of an image-sequence input (default 24)."),
        QStringLiteral("rate"), QStringLiteral("24"));
    const QCommandLineOption salvage(QStringLiteral("salvage"),
                                     QStringLiteral("Read a damaged file as far as it goes."));
    const QCommandLineOption quiet({QStringLiteral("q"), QStringLiteral("quiet")},
                                   QStringLiteral("No progress bar."));
    outputOptions.addTo(parser);
    parser.addOptions({fps, salvage, quiet});
    if (int rc = parseArgs(parser, QStringLiteral("transcode"),
                           QStringLiteral("Re-encode a film frame by frame. The source's audio is "
                                          "copied where the container allows, else re-encoded to "
                                          "AAC. The output appears only when complete."),
                           args, 1, 1, QStringLiteral("IN"));
        rc != kExitOk)
        return rc;
    const QString cmd = QStringLiteral("transcode");
    TranscodeRequest request;
    request.input = parser.positionalArguments().front();
    int exitCode = kExitOk;
    std::optional<OutputSpec> spec = outputOptions.read(parser, cmd, exitCode);
    if (!spec)
        return exitCode;
    request.output = *spec;
    const std::optional<Rational> rate = Rational::fromString(parser.value(fps));
    if (!rate)
        return usageError(cmd, QStringLiteral("invalid --fps '%1'").arg(parser.value(fps)));
    request.source.sequenceFps = *rate;
    request.source.salvageDamaged = parser.isSet(salvage);

    ProgressBar bar(QStringLiteral("transcode"), parser.isSet(quiet));
    Feedback feedback(bar.callback());
    feedback.linkCancelFlag(&interruptFlag());
    Result<TranscodeReport> report = transcode(request, feedback);
    bar.finish();
    if (!report)
        return reportError(report.error());
    QTextStream err(stderr);
    if (!report->notes.isEmpty())
        err << "tincture-cli: note: " << report->notes << '\n';
    if (!parser.isSet(quiet))
        err << "wrote " << request.output.path << " (" << report->frames << " frames, "
            << codecName(report->codec) << ", " << report->audioStreams << " audio stream"
            << (report->audioStreams == 1 ? "" : "s") << ")\n";
    return kExitOk;
}

} // namespace tincture::cli
