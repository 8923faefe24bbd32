// tincture-cli colorize-image: the keyframe model's proposal for one still (or one frame of a
// film with --frame), at the input's size, with its luminance kept exactly; with --hints, the
// proposal guided by the user's points (a model that takes them) and Levin's solve pinning them.

#include "clicommon.h"
#include "colorizerchoice.h"
#include "commands.h"

#include "media/imageio.h"
#include "media/videosource.h"
#include "pipeline/keyframeservice.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QTextStream>

#include <cmath>

namespace tincture::cli {

namespace {
const QString kCommand = QStringLiteral("colorize-image");
}

int runColorizeImage(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption output(QStringList{QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("Output image (.png, .tif, .tiff)."),
                                    QStringLiteral("OUT.png"));
    const QCommandLineOption colorizer = colorizerOption();
    const QCommandLineOption model(QStringLiteral("model"),
                                   QStringLiteral("Model manifest (.json) or weights; default: "
                                                  "the shipped models/colorizer.json."),
                                   QStringLiteral("FILE"));
    const QCommandLineOption frame(QStringLiteral("frame"),
                                   QStringLiteral("With a film as input: the frame to colourise "
                                                  "(default 0)."),
                                   QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("CPU threads (default: all cores)."),
                                     QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption device = deviceOption("auto, cpu or cuda (default auto).");
    const QCommandLineOption working(QStringLiteral("working-size"),
                                     QStringLiteral("The net's working short side in px "
                                                    "(default: the model's)."),
                                     QStringLiteral("px"), QStringLiteral("0"));
    const QCommandLineOption hints(QStringLiteral("hints"),
                                   QStringLiteral("User points: RGBA of the input's size, alpha "
                                                  "> 0 marking them. The model's proposal guided "
                                                  "by them (when it takes points), then solved "
                                                  "so that each keeps its colour exactly."),
                                   QStringLiteral("H.png"));
    const QCommandLineOption priorWeight(QStringLiteral("prior-weight"),
                                         QStringLiteral("With --hints: λ of the proposal under "
                                                        "the points (default 0.01)."),
                                         QStringLiteral("lambda"), QStringLiteral("0.01"));
    parser.addOptions({output, model, colorizer, frame, threads, device, working, hints,
                       priorWeight, overwriteOption()});
    if (int rc = parseArgs(parser, kCommand,
                           QStringLiteral("Colourise a grey image (or a film's frame) with the "
                                          "keyframe model (Pix2Pix). The output has the input's "
                                          "size and exactly its BT.601 luminance."),
                           args, 1, 1, QStringLiteral("IN"));
        rc != kExitOk)
        return rc;
    if (!parser.isSet(output))
        return usageError(kCommand, QStringLiteral("-o OUT is required"));
    const QString outPath = parser.value(output);
    if (!outPath.endsWith(QLatin1String(".png"), Qt::CaseInsensitive) &&
        !outPath.endsWith(QLatin1String(".tif"), Qt::CaseInsensitive) &&
        !outPath.endsWith(QLatin1String(".tiff"), Qt::CaseInsensitive))
        return usageError(
            kCommand, QStringLiteral("the output must be .png, .tif or .tiff: %1").arg(outPath));
    bool ok = false;
    const int threadCount = parser.value(threads).toInt(&ok);
    if (!ok || threadCount < 0)
        return usageError(kCommand, QStringLiteral("invalid --threads"));
    const int workingSide = parser.value(working).toInt(&ok);
    if (!ok || workingSide < 0 || workingSide > 8192)
        return usageError(kCommand, QStringLiteral("invalid --working-size"));
    const qint64 frameIndex = parser.value(frame).toLongLong(&ok);
    if (!ok || frameIndex < 0)
        return usageError(kCommand, QStringLiteral("invalid --frame"));
    const double lambda = parser.value(priorWeight).toDouble(&ok);
    if (!ok || !(lambda >= 0) || !std::isfinite(lambda))
        return usageError(kCommand, QStringLiteral("invalid --prior-weight"));
    const QString dev = parser.value(device);
    if (!isDeviceName(dev))
        return usageError(kCommand, QStringLiteral("--device must be auto, cpu or cuda"));

    // A still first; anything else goes through the film decoder (one frame of it).
    const QString in = parser.positionalArguments().constFirst();
    const QString hintPath = parser.value(hints);
    QString modelPath;
    int choiceCode = kExitOk;
    if (!readColorizerChoice(parser, model, colorizer, kCommand, modelPath, choiceCode))
        return choiceCode;
    if (int rc = checkOutputArg(parser, outPath, {in, modelPath, hintPath}); rc != kExitOk)
        return rc;
    Result<Frame> input = readImage(in);
    if (!input) {
        auto source = VideoSource::open(in);
        if (!source)
            return reportError(input.error());
        if (frameIndex >= (*source)->frameCount())
            return reportError(makeError(ErrorCode::OutOfRange,
                                         QStringLiteral("%1: frame %2 is past the end (%3 frames)")
                                             .arg(in)
                                             .arg(frameIndex)
                                             .arg((*source)->frameCount())));
        input = (*source)->frame(frameIndex);
        if (!input)
            return reportError(input.error());
    }
    pipeline::KeyframeService keyframes(
        pipeline::KeyframeModelOptions{modelPath, threadCount, dev, workingSide});
    Frame hintImage;
    if (!hintPath.isEmpty()) {
        Result<Frame> h = readImage(hintPath);
        if (!h)
            return reportError(h.error());
        if (h->channels() != 4)
            return reportError(makeError(ErrorCode::InvalidArgument,
                                         QStringLiteral("%1: the hint image has no alpha "
                                                        "channel; it must be RGBA, alpha > 0 "
                                                        "marking the points")
                                             .arg(hintPath)));
        if (h->width() != input->width() || h->height() != input->height())
            return reportError(makeError(ErrorCode::SizeMismatch,
                                         QStringLiteral("%1: the hints are %2×%3 but the image is "
                                                        "%4×%5")
                                             .arg(hintPath)
                                             .arg(h->width())
                                             .arg(h->height())
                                             .arg(input->width())
                                             .arg(input->height())));
        hintImage = *h;
    }
    Feedback feedback;
    feedback.linkCancelFlag(&interruptFlag());
    auto coloured = hintImage.isNull()
                        ? keyframes.propose(*input)
                        : keyframes.solveHints(*input, hintImage, lambda, threadCount, feedback);
    if (!hintImage.isNull() && coloured && !keyframes.modelTakesHints())
        QTextStream(stderr) << QStringLiteral("%1: note: the keyframe model takes no points; "
                                              "they were solved over its automatic proposal\n")
                                   .arg(QCoreApplication::applicationName());
    if (!coloured)
        return reportError(coloured.error());
    if (auto written = writeImage(outPath, *coloured, existingPolicy(parser)); !written)
        return reportError(written.error());
    return kExitOk;
}

} // namespace tincture::cli
