// tincture-cli colorize-image: the keyframe model's proposal for one still (or one frame of a
// film with --frame), at the input's size, with its luminance kept exactly.

#include "clicommon.h"
#include "commands.h"

#include "media/imageio.h"
#include "media/videosource.h"
#include "pipeline/keyframeservice.h"

#include <QFileInfo>
#include <QTextStream>

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
    parser.addOptions({output, model, frame, threads, device, working, overwriteOption()});
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
    const QString dev = parser.value(device);
    if (!isDeviceName(dev))
        return usageError(kCommand, QStringLiteral("--device must be auto, cpu or cuda"));

    // A still first; anything else goes through the film decoder (one frame of it).
    const QString in = parser.positionalArguments().constFirst();
    if (int rc = checkOutputArg(parser, outPath, {in, parser.value(model)}); rc != kExitOk)
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
        pipeline::KeyframeModelOptions{parser.value(model), threadCount, dev, workingSide});
    auto coloured = keyframes.propose(*input);
    if (!coloured)
        return reportError(coloured.error());
    if (auto written = writeImage(outPath, *coloured, existingPolicy(parser)); !written)
        return reportError(written.error());
    return kExitOk;
}

} // namespace tincture::cli
