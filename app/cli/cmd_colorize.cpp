// tincture-cli colorize: the whole automatic pipeline on a film — shots, a keyframe per shot
// from the keyframe model (or the user's), propagation, encoding with the source's audio.

#include "clicommon.h"
#include "commands.h"

#include "pipeline/filmcolorizer.h"
#include "propagation/propagationmethod.h"

#include <QTextStream>

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
    const QCommandLineOption output(QStringList{QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("Output film (.mp4 H.264, .mkv FFV1, .mov "
                                                   "ProRes) or image-sequence pattern."),
                                    QStringLiteral("OUT.mp4"));
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
    const QCommandLineOption crf(QStringLiteral("crf"), QStringLiteral("H.264 quality (default "
                                                                       "16)."),
                                 QStringLiteral("n"), QStringLiteral("16"));
    const QCommandLineOption noAudio(QStringLiteral("no-audio"),
                                     QStringLiteral("Leave the source's audio out."));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("CPU threads for the model (default: all)."),
                                     QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption salvage(QStringLiteral("salvage"),
                                     QStringLiteral("Colourise the readable part of a damaged "
                                                    "file."));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("No progress bar."));
    parser.addOptions({output, keyframe, hints, priorWeight, model, method, crf, noAudio, threads,
                       salvage, quiet, overwriteOption()});
    if (int rc = parseArgs(parser, kCommand,
                           QStringLiteral("Colourise a black-and-white film: detect the shots, "
                                          "propose a keyframe per shot with the keyframe model "
                                          "(or use yours), propagate its colour through the "
                                          "shot and encode the result with the source's audio. "
                                          "Every frame keeps the source's luminance."),
                           args, 1, 1, QStringLiteral("IN"));
        rc != kExitOk)
        return rc;
    if (!parser.isSet(output))
        return usageError(kCommand, QStringLiteral("-o OUT is required"));
    pipeline::ColorizeFilmRequest request;
    request.input = parser.positionalArguments().constFirst();
    request.output = parser.value(output);
    request.modelPath = parser.value(model);
    request.existing = existingPolicy(parser);
    request.method = parser.value(method);
    request.withAudio = !parser.isSet(noAudio);
    request.source.salvageDamaged = parser.isSet(salvage);
    if (!request.method.isEmpty() && !propagationMethodNames().contains(request.method))
        return usageError(kCommand, QStringLiteral("unknown method '%1' (known: %2)")
                                        .arg(request.method,
                                             propagationMethodNames().join(QStringLiteral(", "))));
    bool ok = false;
    request.h264Crf = parser.value(crf).toInt(&ok);
    if (!ok || request.h264Crf < 0 || request.h264Crf > 51)
        return usageError(kCommand, QStringLiteral("--crf must be 0–51"));
    request.threads = parser.value(threads).toInt(&ok);
    if (!ok || request.threads < 0)
        return usageError(kCommand, QStringLiteral("invalid --threads"));
    request.priorWeight = parser.value(priorWeight).toDouble(&ok);
    if (!ok || request.priorWeight < 0)
        return usageError(kCommand, QStringLiteral("invalid --prior-weight"));
    QList<FrameIndex> seen;
    for (const auto &[option, isHints] :
         {std::pair{&keyframe, false}, std::pair{&hints, true}}) {
        for (const QString &value : parser.values(*option)) {
            pipeline::KeyframeOverride k;
            QString path;
            if (!parseFrameAssignment(value, k.frame, path))
                return usageError(kCommand, QStringLiteral("--%1 '%2' is not N=FILE")
                                                .arg(option->names().constFirst(), value));
            if (seen.contains(k.frame))
                return usageError(kCommand,
                                  QStringLiteral("frame %1 is given twice").arg(k.frame));
            seen << k.frame;
            (isHints ? k.hints : k.image) = path;
            request.keyframes.push_back(k);
        }
    }

    ProgressBar bar(QStringLiteral("colorize"), parser.isSet(quiet), QStringLiteral("steps"));
    Feedback feedback(bar.callback());
    feedback.linkCancelFlag(&interruptFlag());
    auto report = pipeline::colorizeFilm(request, feedback);
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
                   .arg(request.output)
                   .arg(report->frames)
                   .arg(report->shots.size())
                   .arg(shots.join(QStringLiteral(", ")))
                   .arg(report->modelKeyframes.size())
                   .arg(report->userKeyframes.size())
                   .arg(report->method)
                   .arg(report->audioStreams);
        const double total = report->detectSeconds + report->keyframeSeconds
            + report->propagateEncodeSeconds;
        err << QStringLiteral("time: shots %1 s, keyframes %2 s, propagation + encoding %3 s; "
                              "%4 frames/s end to end\n")
                   .arg(report->detectSeconds, 0, 'f', 1)
                   .arg(report->keyframeSeconds, 0, 'f', 1)
                   .arg(report->propagateEncodeSeconds, 0, 'f', 1)
                   .arg(total > 0 ? report->frames / total : 0.0, 0, 'f', 1);
    }
    return kExitOk;
}

} // namespace tincture::cli
