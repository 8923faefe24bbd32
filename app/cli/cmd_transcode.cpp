// tincture-cli transcode IN -o OUT [--codec ...]: re-encode a film, keeping its audio.

#include "clicommon.h"
#include "commands.h"

#include "media/transcode.h"

#include <QTextStream>

namespace tincture::cli {

int runTranscode(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("Output file (or folder for png/tiff)."),
                                    QStringLiteral("OUT"));
    const QCommandLineOption codec(QStringLiteral("codec"),
                                   QStringLiteral("h264 (MP4 delivery), ffv1 (lossless MKV master), "
                                                  "prores (ProRes 422 HQ MOV), png or tiff (16-bit "
                                                  "sequence). Default: from OUT's extension."),
                                   QStringLiteral("name"));
    const QCommandLineOption crf(QStringLiteral("crf"),
                                 QStringLiteral("H.264 quality, 0–51, lower is better (default 16)."),
                                 QStringLiteral("n"), QStringLiteral("16"));
    const QCommandLineOption first(QStringLiteral("first"), QStringLiteral("First frame (default 0)."),
                                   QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption last(QStringLiteral("last"),
                                  QStringLiteral("Last frame, inclusive (default: the end)."),
                                  QStringLiteral("n"), QStringLiteral("-1"));
    const QCommandLineOption noAudio(QStringLiteral("no-audio"), QStringLiteral("Drop the audio."));
    const QCommandLineOption fps(QStringLiteral("fps"),
                                 QStringLiteral("Frame rate of an image-sequence input (default 24)."),
                                 QStringLiteral("rate"), QStringLiteral("24"));
    const QCommandLineOption salvage(QStringLiteral("salvage"),
                                     QStringLiteral("Read a damaged file as far as it goes."));
    const QCommandLineOption quiet({QStringLiteral("q"), QStringLiteral("quiet")},
                                   QStringLiteral("No progress bar."));
    parser.addOptions(
        {output, codec, crf, first, last, noAudio, fps, salvage, quiet, overwriteOption()});
    if (int rc = parseArgs(parser, QStringLiteral("transcode"),
                           QStringLiteral("Re-encode a film frame by frame. The source's audio is "
                                          "copied where the container allows, else re-encoded to "
                                          "AAC. The output appears only when complete."),
                           args, 1, 1, QStringLiteral("IN"));
        rc != kExitOk)
        return rc;
    const QString cmd = QStringLiteral("transcode");
    if (!parser.isSet(output))
        return usageError(cmd, QStringLiteral("missing -o OUT"));
    TranscodeRequest request;
    request.input = parser.positionalArguments().front();
    request.output = parser.value(output);
    request.existing = existingPolicy(parser);
    if (parser.isSet(codec)) {
        request.codec = codecFromName(parser.value(codec));
        if (!request.codec)
            return usageError(cmd, QStringLiteral("unknown codec '%1' (h264, ffv1, prores, png, tiff)")
                                       .arg(parser.value(codec)));
    }
    bool ok1 = false, ok2 = false, ok3 = false;
    request.h264Crf = parser.value(crf).toInt(&ok1);
    request.first = parser.value(first).toLongLong(&ok2);
    request.last = parser.value(last).toLongLong(&ok3);
    if (!ok1 || request.h264Crf < 0 || request.h264Crf > 51 || !ok2 || !ok3)
        return usageError(cmd, QStringLiteral("--crf, --first and --last take integers"));
    const std::optional<Rational> rate = Rational::fromString(parser.value(fps));
    if (!rate)
        return usageError(cmd, QStringLiteral("invalid --fps '%1'").arg(parser.value(fps)));
    request.source.sequenceFps = *rate;
    request.source.salvageDamaged = parser.isSet(salvage);
    request.withAudio = !parser.isSet(noAudio);

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
        err << "wrote " << request.output << " (" << report->frames << " frames, "
            << codecName(report->codec) << ", " << report->audioStreams << " audio stream"
            << (report->audioStreams == 1 ? "" : "s") << ")\n";
    return kExitOk;
}

} // namespace tincture::cli
