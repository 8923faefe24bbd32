// tincture-lab eval TARGET: quality evaluations with the protocols of ../shared/PROTOCOLS.md.
// "propagation" (the dev-set protocol, §1) and "video" (per-frame flicker, colourfulness, PSNR
// and SSIM of a finished film, §2, §3, §5) live here; "images" is runEvalImages
// (cmd_eval_images.cpp), reached through runEval.

#include "clicommon.h"
#include "labcommands.h"

#include "media/videosource.h"
#include "metrics/imagemetrics.h"
#include "metrics/videometrics.h"
#include "lab/evaluation.h"
#include "ml/videocolorizer.h"
#include "propagation/propagationmethod.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cmath>

using namespace tincture::propagation;
using namespace tincture::lab;

namespace tincture::cli {

namespace {

const QString kCommand = QStringLiteral("eval");

// --- eval video ---------------------------------------------------------------------------

// CSV cells: empty for NaN (metric absent), "inf" for identical frames' PSNR.
QString csvCell(double v)
{
    if (std::isnan(v))
        return {};
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(v, 'g', 10);
}

QJsonValue jsonNumber(double v)
{
    if (std::isnan(v))
        return QJsonValue(QJsonValue::Null);
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return v;
}

QString shown(double v, int decimals, const QString &unit = {})
{
    if (std::isnan(v))
        return QStringLiteral("–");
    if (std::isinf(v))
        return QStringLiteral("inf") + unit;
    return QString::number(v, 'f', decimals) + unit;
}

Result<void> writeCsv(const QString &path, const std::vector<metrics::FrameMetrics> &frames,
                      Existing existing)
{
    QByteArray text = "frame,flicker,colourfulness,psnr,ssim\n";
    for (const metrics::FrameMetrics &f : frames)
        text +=
            QStringLiteral("%1,%2,%3,%4,%5\n")
                .arg(f.index)
                .arg(csvCell(f.flicker), csvCell(f.colourfulness), csvCell(f.psnr), csvCell(f.ssim))
                .toUtf8();
    return writeFileAtomically(path, text, existing);
}

int runEvalVideo(const QStringList &args)
{
    const QString command = QStringLiteral("eval video");
    QCommandLineParser parser;
    const QCommandLineOption result(QStringLiteral("result"),
                                    QStringLiteral("The coloured film to measure."),
                                    QStringLiteral("OUT.mp4"));
    const QCommandLineOption reference(
        QStringLiteral("reference"),
        QStringLiteral("Its colour ground truth, frame for frame (adds PSNR and SSIM)."),
        QStringLiteral("COLOUR.mp4"));
    const QCommandLineOption csv(QStringLiteral("csv"),
                                 QStringLiteral("Per-frame values: frame,flicker,colourfulness,"
                                                "psnr,ssim (empty where absent)."),
                                 QStringLiteral("PERFRAME.csv"));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Also write the summary as JSON."),
                                  QStringLiteral("SUMMARY.json"));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("No progress bar."));
    parser.addOptions({result, reference, csv, json, quiet, overwriteOption()});
    if (int rc = parseArgs(
            parser, command,
            QStringLiteral(
                "Measure a coloured film frame by frame: flicker as the warp error E_t between "
                "frames t and t+1 (Lai et al. 2018; flow on the result's grey, PROTOCOLS §3), "
                "colourfulness (Hasler & Süsstrunk, §2) and, with --reference, RGB PSNR and "
                "SSIM (§5). Writes the per-frame values as CSV and prints the means."),
            args, 0, 0, QString());
        rc != kExitOk)
        return rc;
    if (!parser.isSet(result))
        return usageError(command, QStringLiteral("--result FILE is required"));
    if (!parser.isSet(csv))
        return usageError(command, QStringLiteral("--csv FILE is required"));

    const QString resultPath = parser.value(result), referencePath = parser.value(reference);
    for (const QString &out : {parser.value(csv), parser.value(json)})
        if (!out.isEmpty())
            if (int rc = checkOutputArg(parser, out, {resultPath, referencePath}); rc != kExitOk)
                return rc;
    auto resultSource = VideoSource::open(resultPath);
    if (!resultSource)
        return reportError(resultSource.error());
    const MediaInfo &ri = (*resultSource)->info();
    std::unique_ptr<VideoSource> referenceSource;
    if (parser.isSet(reference)) {
        auto opened = VideoSource::open(referencePath);
        if (!opened)
            return reportError(opened.error());
        referenceSource = std::move(*opened);
        const MediaInfo &fi = referenceSource->info();
        if (fi.frames != ri.frames)
            return reportError(makeError(
                ErrorCode::SizeMismatch,
                QStringLiteral("%1 has %2 frames but the reference %3 has %4; they must match "
                               "frame for frame")
                    .arg(resultPath)
                    .arg(ri.frames)
                    .arg(referencePath)
                    .arg(fi.frames)));
        if (fi.width != ri.width || fi.height != ri.height)
            return reportError(makeError(ErrorCode::SizeMismatch,
                                         QStringLiteral("%1 is %2×%3 but the reference %4 is "
                                                        "%5×%6; they must have the same size")
                                             .arg(resultPath)
                                             .arg(ri.width)
                                             .arg(ri.height)
                                             .arg(referencePath)
                                             .arg(fi.width)
                                             .arg(fi.height)));
    }

    // The reference's own colourfulness is measured as its frames go by, for the ratio §2 asks
    // for; errors from either file are prefixed with its name unless they name it already.
    double referenceColourfulness = 0.0;
    auto named = [](const QString &path, Error e) {
        if (!e.message.contains(path))
            e.message = path + QStringLiteral(": ") + e.message;
        return e;
    };
    VideoSource *rs = resultSource->get();
    const metrics::FrameGetter getResult = [&](int64_t i) -> Result<Frame> {
        Result<Frame> f = rs->frame(i);
        return f ? f : Result<Frame>(named(resultPath, f.error()));
    };
    metrics::FrameGetter getReference;
    if (referenceSource)
        getReference = [&](int64_t i) -> Result<Frame> {
            Result<Frame> f = referenceSource->frame(i);
            if (!f)
                return named(referencePath, f.error());
            if (const auto c = metrics::colourfulness(*f))
                referenceColourfulness += *c;
            return f;
        };

    ProgressBar bar(QStringLiteral("eval video"), parser.isSet(quiet));
    Feedback feedback(bar.callback());
    feedback.linkCancelFlag(&interruptFlag());
    auto frames = metrics::measureVideo(ri.frames, getResult, getReference, feedback);
    bar.finish();
    printWarnings(feedback);
    if (!frames)
        return reportError(frames.error());
    if (auto r = writeCsv(parser.value(csv), *frames, existingPolicy(parser)); !r)
        return reportError(r.error());

    const metrics::VideoMetricsSummary s = metrics::summarise(*frames);
    const double refMean =
        referenceSource ? referenceColourfulness / double(frames->size()) : std::nan("");
    const double ratio = refMean > 0 ? s.meanColourfulness / refMean : std::nan("");
    QTextStream out(stdout);
    out << "result:    " << resultPath << " (" << frames->size() << " frames, " << ri.width << "×"
        << ri.height << ")\n";
    if (referenceSource)
        out << "reference: " << referencePath << '\n';
    out << "mean flicker (warp error E_t): " << shown(s.meanFlicker, 6) << '\n'
        << "mean colourfulness:            " << shown(s.meanColourfulness, 2);
    if (referenceSource)
        out << "  (reference " << shown(refMean, 2) << ", ratio " << shown(ratio, 3) << ")";
    out << '\n';
    if (referenceSource)
        out << "mean PSNR (RGB):               " << shown(s.meanPsnr, 3, QStringLiteral(" dB"))
            << '\n'
            << "mean SSIM:                     " << shown(s.meanSsim, 4) << '\n';
    out.flush();

    if (parser.isSet(json)) {
        const QJsonObject o{{QStringLiteral("result"), resultPath},
                            {QStringLiteral("reference"), referenceSource
                                                              ? QJsonValue(referencePath)
                                                              : QJsonValue(QJsonValue::Null)},
                            {QStringLiteral("frames"), qint64(frames->size())},
                            {QStringLiteral("width"), ri.width},
                            {QStringLiteral("height"), ri.height},
                            {QStringLiteral("mean_flicker"), jsonNumber(s.meanFlicker)},
                            {QStringLiteral("mean_colourfulness"), jsonNumber(s.meanColourfulness)},
                            {QStringLiteral("reference_mean_colourfulness"), jsonNumber(refMean)},
                            {QStringLiteral("colourfulness_ratio"), jsonNumber(ratio)},
                            {QStringLiteral("mean_psnr"), jsonNumber(s.meanPsnr)},
                            {QStringLiteral("mean_ssim"), jsonNumber(s.meanSsim)}};
        if (auto r = writeFileAtomically(parser.value(json), QJsonDocument(o).toJson(),
                                         existingPolicy(parser));
            !r)
            return reportError(r.error());
    }
    return kExitOk;
}

} // namespace

int runEval(const QStringList &args)
{
    // Each target has its own options; the target comes first.
    if (!args.isEmpty() && args.front() == QLatin1String("images"))
        return runEvalImages(args.mid(1));
    if (!args.isEmpty() && args.front() == QLatin1String("video"))
        return args.contains(QLatin1String("--data")) ? runEvalPerFrame(args.mid(1))
                                                      : runEvalVideo(args.mid(1));
    if (!args.isEmpty() && args.front() == QLatin1String("hints"))
        return runEvalHints(args.mid(1));
    QCommandLineParser parser;
    const QCommandLineOption data(QStringLiteral("data"),
                                  QStringLiteral("Dataset folder: DIR/<sequence>/<frame>.jpg|png."),
                                  QStringLiteral("dir"));
    const QCommandLineOption frames(QStringLiteral("frames"),
                                    QStringLiteral("Score only the first N frames of each "
                                                   "sequence (default: all; VPN's variant: 25)."),
                                    QStringLiteral("N"));
    const QCommandLineOption method(QStringLiteral("method"),
                                    QStringLiteral("Propagation method: %1 (default flow).")
                                        .arg(propagationMethodNames().join(QStringLiteral(", "))),
                                    QStringLiteral("name"));
    const QCommandLineOption results(QStringLiteral("results"),
                                     QStringLiteral("Only score frames already written, "
                                                    "RESULTS/<sequence>/<same stem>.png."),
                                     QStringLiteral("dir"));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Also write the scores as JSON (mean_psnr, "
                                                 "per_sequence, per_frame_psnr)."),
                                  QStringLiteral("file"));
    const QCommandLineOption save(QStringLiteral("save"),
                                  QStringLiteral("Write the method's frames as "
                                                 "SAVE/<sequence>/<stem>.png."),
                                  QStringLiteral("dir"));
    const QCommandLineOption refiner = refinerOption();
    const QCommandLineOption vpn = vpnModelOption();
    const QCommandLineOption device = propagationDeviceOption();
    const QCommandLineOption working(
        QStringLiteral("working-height"),
        QStringLiteral("Run the method on frames scaled to N rows and deliver its colour at the "
                       "sequence's size (default: at the sequence's size)."),
        QStringLiteral("N"));
    const QCommandLineOption upsampling(
        QStringLiteral("upsampling"),
        QStringLiteral("With --working-height: joint-bilateral (the product's, on the "
                       "full-size luma; default) or bilinear."),
        QStringLiteral("name"));
    const QCommandLineOption sigmaRange(
        QStringLiteral("sigma-range"),
        QStringLiteral("The joint bilateral upsampler's luma σ, for a luma in [0, 1] (default "
                       "0.16)."),
        QStringLiteral("s"));
    const QCommandLineOption sigmaSpace(
        QStringLiteral("sigma-space"),
        QStringLiteral("The joint bilateral upsampler's spatial σ in working-size pixels "
                       "(default 0.5)."),
        QStringLiteral("s"));
    const QCommandLineOption tune(
        QStringLiteral("tune"),
        QStringLiteral("bnnflow's settings replaced for a tuning run, as a JSON object (e.g. "
                       "'{\"globalWeight\": 0.3}'; names as in core/propagation/internal/"
                       "latticemethods.h)."),
        QStringLiteral("json"));
    const QCommandLineOption fillFrom(
        QStringLiteral("fill-from"),
        QStringLiteral("Measure the low-confidence fill: where the method's confidence is below "
                       "--fill-below, the colour comes from this video colouriser (a name, e.g. "
                       "global-local, or a manifest) in per-frame mode; the filled frames are "
                       "scored, the method's own beside them."),
        QStringLiteral("name|file"));
    const QCommandLineOption fillBelow(
        QStringLiteral("fill-below"),
        QStringLiteral("With --fill-from: the confidences (0-1, comma-separated) below which a "
                       "pixel is filled, each measured (default 0.1)."),
        QStringLiteral("c,..."));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("No progress bar."));
    parser.addOptions({data, frames, method, results, json, save, refiner, vpn, device, working,
                       upsampling, sigmaRange, sigmaSpace, tune, fillFrom, fillBelow, quiet,
                       overwriteOption()});
    if (int rc = parseArgs(
            parser, kCommand,
            QStringLiteral(
                "Measure colourisation quality with a fixed protocol.\n"
                "TARGET is one of:\n"
                "  propagation  first-frame colour propagation (PROTOCOLS §1): frame 0's true "
                "colour is given, every frame is scored as its chroma under the true luma, PSNR "
                "per frame, mean per sequence, then over sequences.\n"
                "  images       keyframe colourisation of still images (PROTOCOLS §2); see "
                "'tincture-lab eval images --help'.\n"
                "  hints        colourisation from N user points on still images; see "
                "'tincture-lab eval hints --help'.\n"
                "  video        per-frame flicker, colourfulness, PSNR and SSIM of a coloured "
                "film; see 'tincture-lab eval video --help'. With --data DIR --colorizer NAME: "
                "a video colouriser in per-frame mode on colour sequences, its temporal "
                "mechanism on and off (E_t, CDC, chroma PSNR).\n"
                "The options below are propagation's."),
            args, 1, 1, QStringLiteral("TARGET"));
        rc != kExitOk)
        return rc;

    const QString target = parser.positionalArguments().front();
    if (target == QLatin1String("images") || target == QLatin1String("video") ||
        target == QLatin1String("hints"))
        return usageError(kCommand, QStringLiteral("put the target first: 'tincture-lab eval %1 "
                                                   "[OPTIONS]'")
                                        .arg(target));
    if (target != QLatin1String("propagation"))
        return usageError(kCommand,
                          QStringLiteral("unknown target '%1' (expected images, propagation or "
                                         "video)")
                              .arg(target));

    PropagationEvalOptions options;
    if (!parser.isSet(data))
        return usageError(kCommand, QStringLiteral("--data DIR is required"));
    options.dataDir = parser.value(data);
    if (parser.isSet(frames)) {
        bool ok = false;
        options.maxFrames = parser.value(frames).toInt(&ok);
        if (!ok || options.maxFrames < 1)
            return usageError(kCommand, QStringLiteral("--frames must be a positive whole number, "
                                                       "not '%1'")
                                            .arg(parser.value(frames)));
    }
    if (parser.isSet(results) && (parser.isSet(method) || parser.isSet(save)))
        return usageError(kCommand,
                          QStringLiteral("--results scores existing frames; it cannot be combined "
                                         "with --method or --save"));
    if (parser.isSet(method)) {
        options.method = parser.value(method);
        if (!propagationMethodNames().contains(options.method))
            return usageError(kCommand, QStringLiteral("unknown method '%1' (known: %2)")
                                            .arg(options.method, propagationMethodNames().join(
                                                                     QStringLiteral(", "))));
    }
    options.resultsDir = parser.value(results);
    for (const QString &out : {parser.value(json), parser.value(save)})
        if (!out.isEmpty())
            if (int rc = checkOutputArg(parser, out, {options.dataDir, options.resultsDir});
                rc != kExitOk)
                return rc;
    options.saveDir = parser.value(save);
    options.methodOptions.refinerPath = parser.value(refiner);
    options.methodOptions.vpnPath = parser.value(vpn);
    if (parser.isSet(tune)) {
        const QJsonDocument doc = QJsonDocument::fromJson(parser.value(tune).toUtf8());
        if (!doc.isObject())
            return usageError(
                kCommand,
                QStringLiteral("--tune must be a JSON object, not '%1'").arg(parser.value(tune)));
        options.methodOptions.tuning = doc.object();
    }
    if (!isDeviceName(parser.value(device)))
        return usageError(kCommand, QStringLiteral("--device must be auto, cpu or cuda"));
    options.methodOptions.device = parser.value(device);
    if (parser.isSet(working)) {
        bool ok = false;
        options.workingHeight = parser.value(working).toInt(&ok);
        if (!ok || options.workingHeight < kMinWorkingHeight)
            return usageError(kCommand, QStringLiteral("--working-height must be a whole number "
                                                       "of at least %1 rows, not '%2'")
                                            .arg(kMinWorkingHeight)
                                            .arg(parser.value(working)));
    }
    if (parser.isSet(upsampling)) {
        const QString name = parser.value(upsampling);
        if (name == QLatin1String("joint-bilateral"))
            options.delivery.upsampling = ChromaUpsampling::JointBilateral;
        else if (name == QLatin1String("bilinear"))
            options.delivery.upsampling = ChromaUpsampling::Bilinear;
        else
            return usageError(kCommand, QStringLiteral("--upsampling must be joint-bilateral "
                                                       "or bilinear, not '%1'")
                                            .arg(name));
    }
    if (parser.isSet(sigmaRange)) {
        bool ok = false;
        options.delivery.sigmaRange = parser.value(sigmaRange).toDouble(&ok);
        if (!ok || !(options.delivery.sigmaRange > 0))
            return usageError(kCommand, QStringLiteral("--sigma-range must be a number > 0"));
    }
    if (parser.isSet(sigmaSpace)) {
        bool ok = false;
        options.delivery.sigmaSpace = parser.value(sigmaSpace).toDouble(&ok);
        if (!ok || !(options.delivery.sigmaSpace > 0))
            return usageError(kCommand, QStringLiteral("--sigma-space must be a number > 0"));
    }

    if (parser.isSet(fillFrom)) {
        if (parser.isSet(results))
            return usageError(kCommand, QStringLiteral("--fill-from measures a method's run; it "
                                                       "cannot be combined with --results"));
        const QString from = parser.value(fillFrom);
        if (from.endsWith(QLatin1String(".json"))) {
            options.fillModel = from;
        } else {
            auto manifest = ml::colorizerManifest(from);
            if (!manifest || !ml::isVideoColorizerArchitecture(from))
                return usageError(kCommand, QStringLiteral("--fill-from: no video colouriser "
                                                           "\"%1\" (available: %2)")
                                                .arg(from, ml::colorizerNames().mid(1).join(
                                                               QStringLiteral(", "))));
            options.fillModel = *manifest;
        }
    } else if (parser.isSet(fillBelow)) {
        return usageError(kCommand, QStringLiteral("--fill-below needs --fill-from"));
    }
    if (parser.isSet(fillBelow)) {
        options.fillBelow.clear();
        for (const QString &v : parser.value(fillBelow).split(QLatin1Char(','))) {
            bool ok = false;
            const double t = v.toDouble(&ok);
            if (!ok || !(t >= 0.0 && t <= 1.0))
                return usageError(kCommand, QStringLiteral("--fill-below takes numbers from 0 to "
                                                           "1, comma-separated, not '%1'")
                                                .arg(parser.value(fillBelow)));
            options.fillBelow.push_back(t);
        }
    }

    ProgressBar bar(QStringLiteral("eval"), parser.isSet(quiet));
    Feedback feedback(bar.callback());
    feedback.linkCancelFlag(&interruptFlag());
    Result<PropagationEvalReport> report = evaluatePropagation(options, feedback);
    bar.finish();
    printWarnings(feedback);
    if (!report)
        return reportError(report.error());

    QTextStream(stdout) << evalReportTable(*report);
    if (parser.isSet(json))
        if (auto r = writeFileAtomically(parser.value(json), evalReportJson(*report),
                                         existingPolicy(parser));
            !r)
            return reportError(r.error());
    return kExitOk;
}

} // namespace tincture::cli
