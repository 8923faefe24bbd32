// tincture-lab train recurrent-bins: trains the recurrent binned video colouriser (seed 004) in
// its paper's two stages — the colour net on photographs, then the consistency net on pairs of
// consecutive frames (real sequences, resized, and synthetic sequences from photographs) — and
// writes OUT/recurrent-bins.json + .safetensors, with the list of every picture it saw.

#include "clicommon.h"
#include "labcommands.h"
#include "traincommon.h"
#include "videotraindata.h"

#include "lab/fingerprint.h"
#include "lab/vpndata.h"
#include "ml/binstrainer.h"
#include "ml/modelmanifest.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

#include <cmath>

using namespace tincture::lab;

namespace tincture::cli {

namespace {

const QString kCommand = QStringLiteral("train recurrent-bins");

} // namespace

int trainRecurrentBins(const QStringList &args)
{
    QCommandLineParser parser;
    const TrainOptionSet common({"Output folder: packed data, checkpoint, validation.csv, "
                                 "recurrent-bins.json + .safetensors.",
                                 "3000", "Channels at full resolution (default 16).", "16",
                                 "Bins per chroma channel (default 30, the paper's).", "30", 2,
                                 256});
    const VideoTrainDataOptions dataOptions("Folder of colour photographs for the colour net.");
    const QCommandLineOption colourIters = valueOption("colour-iters",
                                                       "Iterations of the first stage, the colour "
                                                       "net (default: two thirds of --iters).",
                                                       "N", "-1");
    parser.addOptions(dataOptions.options());
    parser.addOption(colourIters);
    parser.addOptions(common.options());
    if (int rc = parseArgs(parser, kCommand,
                           QStringLiteral("Train the recurrent binned video colouriser (U and V "
                                          "classified into bins; each frame recoloured from its "
                                          "predecessor's binned colouring). Ctrl-C writes a "
                                          "checkpoint; --resume continues exactly."),
                           args, 0, 0, QString());
        rc != kExitOk)
        return rc;
    TrainCommonValues c;
    IntOptions ints(parser);
    if (auto problem = common.read(parser, ints, c))
        return usageError(kCommand, *problem);
    ml::BinsTrainOptions o;
    VideoTrainData data;
    QString usage;
    const Result<void> read = dataOptions.read(parser, ints, c.seed, data, usage);
    o.colourIterations = ints.read(colourIters, -1, 100000000);
    if (!ints.ok())
        return usageError(kCommand,
                          QStringLiteral("a numeric option is out of range (see --help)"));
    if (!usage.isEmpty())
        return usageError(kCommand, usage);
    if (auto problem = firstStageIterations(o.colourIterations, c.iterations,
                                            QStringLiteral("--colour-iters")))
        return usageError(kCommand, *problem);
    if (!read)
        return reportError(read.error());
    setVideoTrainOptions(o, c, data);
    o.bins = c.depth;

    if (auto ready = common.prepare(parser, c); !ready)
        return reportError(ready.error());
    o.resumePath = c.resumePath;
    const QString outDir = c.outDir;
    const bool silent = c.quiet;
    if (auto packed = packVideoTrainData(dataOptions.excludeLists(parser), outDir, silent, data);
        !packed)
        return reportError(packed.error());
    o.photosPath = QFile::encodeName(data.photos).toStdString();
    o.valPhotosPath = QFile::encodeName(data.valPhotos).toStdString();
    o.clipsPath = QFile::encodeName(data.clipFile).toStdString();
    o.valClipsPath = QFile::encodeName(data.valClipFile).toStdString();
    o.outDir = QFile::encodeName(outDir).toStdString();

    TrainingReport report(silent);
    QTextStream &err = report.out();
    const auto progress = [&](const ml::BinsTrainProgress &p) {
        if (report.due(p.validated, p.iteration, p.total)) {
            err << QStringLiteral("iter %1/%2 (stage %3)  loss %4  %5 s/it  ETA %6\n")
                       .arg(p.iteration)
                       .arg(p.total)
                       .arg(p.stage)
                       .arg(p.loss, 0, 'f', 4)
                       .arg(p.secondsPerIteration, 0, 'f', 2)
                       .arg(duration(p.secondsPerIteration * (p.total - p.iteration)));
            if (p.validated && std::isfinite(p.photoPsnr))
                err << QStringLiteral("  photographs: chroma PSNR %1 dB (grey %2), bins right "
                                      "U %3 % V %4 %\n")
                           .arg(p.photoPsnr, 0, 'f', 2)
                           .arg(p.photoGreyPsnr, 0, 'f', 2)
                           .arg(100.0 * p.photoAccuracyU, 0, 'f', 1)
                           .arg(100.0 * p.photoAccuracyV, 0, 'f', 1);
            if (p.validated && std::isfinite(p.clipPsnrFull))
                err << QStringLiteral("  clips: chroma PSNR %1 dB colour net, %2 dB full; change "
                                      "per frame %3 / %4 (truth %5)\n")
                           .arg(p.clipPsnrColour, 0, 'f', 2)
                           .arg(p.clipPsnrFull, 0, 'f', 2)
                           .arg(p.clipChangeColour, 0, 'f', 2)
                           .arg(p.clipChangeFull, 0, 'f', 2)
                           .arg(p.clipChangeTruth, 0, 'f', 2);
            err.flush();
        }
        return !interruptFlag().load();
    };
    const ml::BinsTrainOutcome outcome = ml::trainRecurrentBins(o, progress, report.log());
    if (auto rc =
            report.ended(outcome.ok, outcome.cancelled, outcome.error, outcome.iterations, outDir))
        return *rc;

    // Every picture it saw, for the data-hygiene check.
    auto dataList =
        writeVideoTrainDataList(data, outDir, QStringLiteral("recurrent-bins-data.csv"));
    if (!dataList)
        return reportError(dataList.error());

    ml::ModelManifest m;
    m.name = QStringLiteral("recurrent-bins");
    m.baseWidth = o.width;
    m.depth = o.bins;
    m.iterations = outcome.iterations;
    m.trainedOn = videoTrainSources(data);
    m.training = videoTrainManifestFields(data, o.batch, o.learningRate, o.seed, *dataList);
    m.training.insert(QStringLiteral("colourIterations"), o.colourIterations);
    m.training.insert(QStringLiteral("loss"),
                      QStringLiteral("cross-entropy over U's and V's bins"));
    m.training.insert(QStringLiteral("decode"), QStringLiteral("annealed mean, T = 0.38"));
    const ml::BinsTrainProgress &last = outcome.last;
    if (last.validated) {
        auto number = [](double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); };
        m.figures = QJsonObject{
            {QStringLiteral("validationPhotoChromaPsnrDb"), number(last.photoPsnr)},
            {QStringLiteral("validationPhotoGreyPsnrDb"), number(last.photoGreyPsnr)},
            {QStringLiteral("validationClipChromaPsnrColourNetDb"), number(last.clipPsnrColour)},
            {QStringLiteral("validationClipChromaPsnrFullDb"), number(last.clipPsnrFull)},
            {QStringLiteral("validationClipChangeColourNet"), number(last.clipChangeColour)},
            {QStringLiteral("validationClipChangeFull"), number(last.clipChangeFull)},
            {QStringLiteral("note"), QStringLiteral("the trainer's own validation pass (chroma "
                                                    "PSNR on Cb, Cr); see docs/EVALUATION.md "
                                                    "for the evaluation protocols")}};
    }
    return writeTrainedManifest(m, c, QStringLiteral("recurrent-bins"), kCommand, args, err);
}

} // namespace tincture::cli
