// tincture-cli eval TARGET: quality evaluations with the protocols of ../shared/PROTOCOLS.md.
// Only "propagation" exists for now; "images" and "video" are announced but not yet available.

#include "clicommon.h"
#include "commands.h"

#include "foundation/atomicoutput.h"
#include "propagation/evaluation.h"
#include "propagation/propagationmethod.h"

#include <QFile>
#include <QTextStream>

namespace tincture::cli {

namespace {

const QString kCommand = QStringLiteral("eval");

Result<void> writeJson(const QString &path, const QByteArray &json)
{
    auto out = AtomicOutput::begin(path);
    if (!out)
        return out.error();
    QFile file(out->tempPath());
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.flush())
        return makeError(ErrorCode::WriteFailed, QStringLiteral("%1: cannot write").arg(path),
                         file.errorString());
    file.close();
    return out->commit();
}

} // namespace

int runEval(const QStringList &args)
{
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
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("No progress bar."));
    parser.addOptions({data, frames, method, results, json, save, quiet});
    if (int rc = parseArgs(
            parser, kCommand,
            QStringLiteral(
                "Measure colourisation quality with a fixed protocol.\n"
                "TARGET is one of:\n"
                "  propagation  first-frame colour propagation (PROTOCOLS §1): frame 0's true "
                "colour is given, every frame is scored as its chroma under the true luma, PSNR "
                "per frame, mean per sequence, then over sequences.\n"
                "  images, video  not yet available."),
            args, 1, 1, QStringLiteral("TARGET"));
        rc != kExitOk)
        return rc;

    const QString target = parser.positionalArguments().front();
    if (target == QLatin1String("images") || target == QLatin1String("video"))
        return usageError(kCommand, QStringLiteral("'eval %1' is not yet available; "
                                                   "only 'eval propagation' is")
                                        .arg(target));
    if (target != QLatin1String("propagation"))
        return usageError(kCommand,
                          QStringLiteral("unknown target '%1' (expected propagation)").arg(target));

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
                                            .arg(options.method,
                                                 propagationMethodNames().join(
                                                     QStringLiteral(", "))));
    }
    options.resultsDir = parser.value(results);
    options.saveDir = parser.value(save);

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
        if (auto r = writeJson(parser.value(json), evalReportJson(*report)); !r)
            return reportError(r.error());
    return kExitOk;
}

} // namespace tincture::cli
