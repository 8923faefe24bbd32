// tincture-cli colorize: the whole automatic pipeline on a film — shots, a keyframe per shot
// from the keyframe model (or the user's), propagation, encoding with the source's audio.

#include "clicommon.h"
#include "commands.h"

#include "pipeline/filmengine.h"
#include "propagation/propagationmethod.h"

#include <QTextStream>

using namespace tincture::propagation;

namespace tincture::cli {

namespace {

const QString kCommand = QStringLiteral("colorize");

// "N=PATH" → (N, PATH); false if malformed.
bool parseFrameAssignment(const QString &text, FrameIndex &frame, QString &path)
{
    const int eq = text.indexOf(QLatin1Char('='));
    if (eq <= 0 || eq == text.size() - 1)
        return false;
    bool ok = false;
    frame = text.left(eq).toLongLong(&ok);
    path = text.mid(eq + 1);
    return ok && frame >= 0;
}

} // namespace

int runColorize(const QStringList &args)
{
    QCommandLineParser parser;
    const FilmOutputOptions outputOptions(
        QStringLiteral("Output film (.mp4 H.264, .mkv FFV1, .mov ProRes) or image-sequence "
                       "folder."));
    const QCommandLineOption keyframe(QStringLiteral("keyframe"),
                                      QStringLiteral("Use IMAGE as frame N's colour (repeatable; "
                                                     "the shot then gets no model keyframe)."),
                                      QStringLiteral("N=IMAGE"));
    const QCommandLineOption hints(QStringLiteral("hints"),
                                   QStringLiteral("Scribbles for frame N (RGBA, alpha > 0), solved "
                                                  "over the model's proposal (repeatable)."),
                                   QStringLiteral("N=H.png"));
    const QCommandLineOption priorWeight(QStringLiteral("prior-weight"),
                                         QStringLiteral("λ of the model's proposal under "
                                                        "scribbles (default 0.1)."),
                                         QStringLiteral("lambda"), QStringLiteral("0.1"));
    const QCommandLineOption model(QStringLiteral("model"),
                                   QStringLiteral("Keyframe model manifest (default: shipped)."),
                                   QStringLiteral("FILE"));
    const QCommandLineOption method(QStringLiteral("method"),
                                    QStringLiteral("Propagation method: %1 (default %2).")
                                        .arg(propagationMethodNames().join(QStringLiteral(", ")),
                                             defaultPropagationMethodName()),
                                    QStringLiteral("NAME"));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("CPU threads for the model (default: all)."),
                                     QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption salvage(QStringLiteral("salvage"),
                                     QStringLiteral("Colourise the readable part of a damaged "
                                                    "file."));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("No progress bar."));
    outputOptions.addTo(parser);
    parser.addOptions({keyframe, hints, priorWeight, model, method, threads, salvage, quiet});
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
    pipeline::FilmJob request;
    request.input = parser.positionalArguments().constFirst();
    pipeline::KeyframeModelOptions modelOptions;
    modelOptions.path = parser.value(model);
    request.method = parser.value(method);
    request.source.salvageDamaged = parser.isSet(salvage);
    if (!request.method.isEmpty() && !propagationMethodNames().contains(request.method))
        return usageError(kCommand, QStringLiteral("unknown method '%1' (known: %2)")
                                        .arg(request.method,
                                             propagationMethodNames().join(QStringLiteral(", "))));
    bool ok = false;
    request.threads = parser.value(threads).toInt(&ok);
    if (!ok || request.threads < 0)
        return usageError(kCommand, QStringLiteral("invalid --threads"));
    modelOptions.threads = request.threads;
    request.priorWeight = parser.value(priorWeight).toDouble(&ok);
    if (!ok || request.priorWeight < 0)
        return usageError(kCommand, QStringLiteral("invalid --prior-weight"));
    QList<FrameIndex> seen;
    for (const auto &[option, isHints] : {std::pair{&keyframe, false}, std::pair{&hints, true}}) {
        for (const QString &value : parser.values(*option)) {
            pipeline::KeyframeSpec k;
            QString path;
            if (!parseFrameAssignment(value, k.frame, path))
                return usageError(kCommand, QStringLiteral("--%1 '%2' is not N=FILE")
                                                .arg(option->names().constFirst(), value));
            if (seen.contains(k.frame))
                return usageError(kCommand, QStringLiteral("frame %1 is given twice").arg(k.frame));
            seen << k.frame;
            (isHints ? k.hints : k.image) = path;
            request.keyframes.push_back(k);
        }
    }

    ProgressBar bar(QStringLiteral("colorize"), parser.isSet(quiet), QStringLiteral("steps"));
    Feedback feedback(bar.callback());
    feedback.linkCancelFlag(&interruptFlag());
    request.protectedInputs << modelOptions.path;
    pipeline::KeyframeService keyframes(modelOptions);
    auto report = pipeline::colorizeFilm(request, *spec, keyframes, feedback);
    bar.finish();
    printWarnings(feedback);
    if (!report)
        return reportError(report.error());
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
