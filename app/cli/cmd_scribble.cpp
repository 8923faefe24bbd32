// tincture-cli scribble: colourise one grey still from colour scribbles (Levin, Lischinski &
// Weiss 2004), optionally repainting a model's keyframe (--prior, --prior-weight, --keep).

#include "clicommon.h"
#include "commands.h"

#include "colour/scribble.h"
#include "media/imageio.h"

#include <QTextStream>

#include <cmath>

namespace tincture::cli {

namespace {

const QString kCommand = QStringLiteral("scribble");

QString sizeOf(const Frame &f)
{
    return QStringLiteral("%1×%2").arg(f.width()).arg(f.height());
}

// Reads an image and checks it is the grey image's size, naming the file on failure.
Result<Frame> readSameSize(const QString &path, const Frame &grey, const ImageReadLimits &limits)
{
    Result<Frame> frame = readImage(path, limits);
    if (!frame)
        return frame;
    if (frame->width() != grey.width() || frame->height() != grey.height())
        return makeError(ErrorCode::SizeMismatch,
                         QStringLiteral("%1: the image is %2 but the grey image is %3")
                             .arg(path, sizeOf(*frame), sizeOf(grey)));
    return frame;
}

} // namespace

int runScribble(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption grey(QStringLiteral("grey"),
                                  QStringLiteral("The grey image (a colour image gives its BT.601 "
                                                 "luma)."),
                                  QStringLiteral("G.png"));
    const QCommandLineOption hints(QStringLiteral("hints"),
                                   QStringLiteral("RGBA scribbles of the grey image's size: alpha "
                                                  "> 0 marks a scribble of that RGB colour."),
                                   QStringLiteral("H.png"));
    const QCommandLineOption prior(QStringLiteral("prior"),
                                   QStringLiteral("A colour image to repaint (e.g. the keyframe "
                                                  "model's output): outside the scribbles the "
                                                  "colour is pulled towards it."),
                                   QStringLiteral("P.png"));
    const QCommandLineOption priorWeight(QStringLiteral("prior-weight"),
                                         QStringLiteral("λ ≥ 0, the pull towards the prior "
                                                        "(default 0.1; 0 is pure Levin)."),
                                         QStringLiteral("lambda"), QStringLiteral("0.1"));
    const QCommandLineOption keep(QStringLiteral("keep"),
                                  QStringLiteral("Mask of the grey image's size: non-zero keeps "
                                                 "the prior's colour exactly (needs --prior)."),
                                  QStringLiteral("K.png"));
    const QCommandLineOption output(QStringList{QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("Output image (.png, .tif, .tiff)."),
                                    QStringLiteral("OUT.png"));
    const QCommandLineOption maxSide(QStringLiteral("max-side"),
                                     QStringLiteral("Refuse images wider or taller than this "
                                                    "(default 8192)."),
                                     QStringLiteral("pixels"), QStringLiteral("8192"));
    const QCommandLineOption maxMegapixels(QStringLiteral("max-megapixels"),
                                           QStringLiteral("Refuse images larger than this "
                                                          "(default 40)."),
                                           QStringLiteral("Mpx"), QStringLiteral("40"));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("Solver threads (default: all cores)."),
                                     QStringLiteral("n"), QStringLiteral("0"));
    parser.addOptions({grey, hints, prior, priorWeight, keep, output, maxSide, maxMegapixels,
                       threads, overwriteOption()});
    if (int rc = parseArgs(parser, kCommand,
                           QStringLiteral("Colourise a grey image from colour scribbles (Levin, "
                                          "Lischinski & Weiss 2004). The output keeps the grey "
                                          "image's luminance exactly; 16-bit grey gives 16-bit "
                                          "RGB."),
                           args, 0, 0, QString());
        rc != kExitOk)
        return rc;
    for (const QCommandLineOption *required : {&grey, &hints, &output})
        if (!parser.isSet(*required))
            return usageError(
                kCommand, QStringLiteral("--%1 is required").arg(required->names().constLast()));
    if (parser.isSet(keep) && !parser.isSet(prior))
        return usageError(kCommand, QStringLiteral("--keep needs --prior"));
    bool ok = false;
    colour::ScribbleParams params;
    params.priorWeight = parser.value(priorWeight).toDouble(&ok);
    if (!ok || !(params.priorWeight >= 0.0) || !std::isfinite(params.priorWeight))
        return usageError(kCommand, QStringLiteral("invalid --prior-weight '%1' (a number ≥ 0)")
                                        .arg(parser.value(priorWeight)));
    params.maxSide = parser.value(maxSide).toInt(&ok);
    if (!ok || params.maxSide < 1)
        return usageError(kCommand,
                          QStringLiteral("invalid --max-side '%1'").arg(parser.value(maxSide)));
    const double mpx = parser.value(maxMegapixels).toDouble(&ok);
    if (!ok || !(mpx > 0.0) || mpx > 1e6)
        return usageError(
            kCommand,
            QStringLiteral("invalid --max-megapixels '%1'").arg(parser.value(maxMegapixels)));
    params.maxPixels = int64_t(mpx * 1e6);
    params.threads = parser.value(threads).toInt(&ok);
    if (!ok || params.threads < 0)
        return usageError(kCommand,
                          QStringLiteral("invalid --threads '%1'").arg(parser.value(threads)));
    const QString outPath = parser.value(output);
    if (!outPath.endsWith(QLatin1String(".png"), Qt::CaseInsensitive) &&
        !outPath.endsWith(QLatin1String(".tif"), Qt::CaseInsensitive) &&
        !outPath.endsWith(QLatin1String(".tiff"), Qt::CaseInsensitive))
        return usageError(
            kCommand, QStringLiteral("the output must be .png, .tif or .tiff: %1").arg(outPath));

    if (int rc = checkOutputArg(
            parser, outPath,
            {parser.value(grey), parser.value(hints), parser.value(prior), parser.value(keep)});
        rc != kExitOk)
        return rc;

    const ImageReadLimits limits{params.maxSide, params.maxPixels};
    colour::ScribbleInput input;
    Result<Frame> g = readImage(parser.value(grey), limits);
    if (!g)
        return reportError(g.error());
    input.grey = std::move(g).value();
    Result<Frame> h = readSameSize(parser.value(hints), input.grey, limits);
    if (!h)
        return reportError(h.error());
    if (h->channels() != 4)
        return reportError(makeError(
            ErrorCode::InvalidArgument,
            QStringLiteral("%1: the hint image has no alpha channel "
                           "(%2); it must be RGBA, alpha > 0 marking "
                           "the scribbles")
                .arg(parser.value(hints), QString::fromLatin1(pixelFormatName(h->format())))));
    input.hints = std::move(h).value();
    if (parser.isSet(prior)) {
        Result<Frame> p = readSameSize(parser.value(prior), input.grey, limits);
        if (!p)
            return reportError(p.error());
        input.prior = std::move(p).value();
    }
    if (parser.isSet(keep)) {
        Result<Frame> k = readSameSize(parser.value(keep), input.grey, limits);
        if (!k)
            return reportError(k.error());
        input.keep = std::move(k).value();
    }

    Feedback feedback;
    feedback.linkCancelFlag(&interruptFlag());
    Result<Frame> result = colour::colouriseScribbles(input, params, feedback);
    printWarnings(feedback);
    if (!result)
        return reportError(result.error());
    if (Result<void> written = writeImage(outPath, *result, existingPolicy(parser)); !written)
        return reportError(written.error());
    return kExitOk;
}

} // namespace tincture::cli
