// tincture-cli colorize: the whole automatic pipeline on a film — shots, a keyframe per shot
// from the keyframe model (or the user's), propagation, encoding with the source's audio.

#include "clicommon.h"
#include "commands.h"
#include "filmjoboptions.h"

#include "pipeline/filmengine.h"
#include "propagation/propagationmethod.h"

#include <QTextStream>

using namespace tincture::propagation;

namespace tincture::cli {

namespace {

const QString kCommand = QStringLiteral("colorize");

} // namespace

int runColorize(const QStringList &args)
{
    QCommandLineParser parser;
    const FilmOutputOptions outputOptions(
        QStringLiteral("Output film (.mp4 H.264, .mkv FFV1, .mov ProRes) or image-sequence "
                       "folder."));
    const FilmJobOptions jobOptions;
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("CPU threads for the model (default: all)."),
                                     QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("No progress bar."));
    outputOptions.addTo(parser);
    jobOptions.addTo(parser);
    parser.addOptions({threads, quiet});
    if (int rc = parseArgs(parser, kCommand,
                           QStringLiteral("Colourise a black-and-white film: detect the shots, "
                                          "propose a keyframe per shot with the keyframe model "
                                          "(or use yours), propagate its colour through the "
                                          "shot and encode the result with the source's audio. "
                                          "Every frame keeps the source's luminance."),
                           args, 1, 1, QStringLiteral("IN"));
        rc != kExitOk)
        return rc;
    int exitCode = kExitOk;
    const std::optional<OutputSpec> spec = outputOptions.read(parser, kCommand, exitCode);
    if (!spec)
        return exitCode;
    pipeline::KeyframeModelOptions modelOptions;
    std::optional<pipeline::FilmJob> job =
        jobOptions.read(parser, kCommand, modelOptions, exitCode);
    if (!job)
        return exitCode;
    pipeline::FilmJob &request = *job;
    bool ok = false;
    request.threads = parser.value(threads).toInt(&ok);
    if (!ok || request.threads < 0)
        return usageError(kCommand, QStringLiteral("invalid --threads"));
    modelOptions.threads = request.threads;

    ProgressBar bar(QStringLiteral("colorize"), parser.isSet(quiet), QStringLiteral("steps"));
    Feedback feedback(bar.callback());
    feedback.linkCancelFlag(&interruptFlag());
    pipeline::KeyframeService keyframes(modelOptions);
    auto report = pipeline::colorizeFilm(request, *spec, keyframes, feedback);
    bar.finish();
    printWarnings(feedback);
    if (!report)
        return reportError(report.error());
    if (!report->written.notes.isEmpty())
        QTextStream(stderr) << "tincture-cli: note: " << report->written.notes << '\n';
    if (!parser.isSet(quiet)) {
        QTextStream err(stderr);
        QStringList shots;
        for (const Shot &s : report->shots)
            shots << QStringLiteral("%1–%2").arg(s.first).arg(s.last);
        err << QStringLiteral("%1: %2 frames, %3 shots (%4), %5 model keyframes, %6 user "
                              "keyframes, method %7, %8 audio stream(s)\n")
                   .arg(spec->path)
                   .arg(report->frames)
                   .arg(report->shots.size())
                   .arg(shots.join(QStringLiteral(", ")))
                   .arg(report->modelKeyframes.size())
                   .arg(report->userKeyframes.size())
                   .arg(report->method)
                   .arg(report->written.audioStreams);
        const double total =
            report->detectSeconds + report->keyframeSeconds + report->colourSeconds;
        err << QStringLiteral("time: shots %1 s, keyframes %2 s, propagation + encoding %3 s; "
                              "%4 frames/s end to end\n")
                   .arg(report->detectSeconds, 0, 'f', 1)
                   .arg(report->keyframeSeconds, 0, 'f', 1)
                   .arg(report->colourSeconds, 0, 'f', 1)
                   .arg(total > 0 ? report->frames / total : 0.0, 0, 'f', 1);
    }
    return kExitOk;
}

} // namespace tincture::cli
