// tincture-lab train cnn-lstm: trains the CNN-LSTM video colouriser (seed 003) — photographs
// alone first, then photographs and whole clips (real sequences, resized, and synthetic
// sequences from photographs) run frame by frame through its LSTM — and writes
// OUT/cnn-lstm.json + .safetensors, with the list of every picture it saw.

#include "clicommon.h"
#include "labcommands.h"
#include "traincommon.h"
#include "videotraindata.h"

#include "ml/cnnlstmtrainer.h"
#include "ml/modelmanifest.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

#include <cmath>

namespace tincture::cli {

namespace {

const QString kCommand = QStringLiteral("train cnn-lstm");

} // namespace

int trainCnnLstm(const QStringList &args)
{
    QCommandLineParser parser;
    const TrainOptionSet common({"Output folder: packed data, checkpoint, validation.csv, "
                                 "class-weights.csv, cnn-lstm.json + .safetensors.",
                                 "3000", "Channels at full resolution (default 16).", "16", nullptr,
                                 nullptr});
    const VideoTrainDataOptions dataOptions("Folder of colour photographs.");
    const QCommandLineOption imageIters = valueOption("image-iters",
                                                      "Iterations of the first stage, on "
                                                      "photographs alone (default: two thirds "
                                                      "of --iters).",
                                                      "N", "-1");
    const QCommandLineOption clipBatch = valueOption(
        "clip-batch", "Whole clips per iteration of the second stage (default 2).", "N", "2");
    const QCommandLineOption temperature =
        valueOption("temperature",
                    "The annealed mean's temperature the manifest gives the product (default "
                    "0.38, Zhang et al.'s; training and its validation use 0.38).",
                    "T", "0.38");
    const QCommandLineOption priorCorrection = valueOption(
        "prior-correction",
        "How much of the class rebalancing's tilt the product's decoding takes back out of the "
        "logits, 0-1 (default 0: none; the weights file carries the class weights either way).",
        "S", "0");
    parser.addOptions(dataOptions.options());
    parser.addOptions({imageIters, clipBatch, temperature, priorCorrection});
    parser.addOptions(common.options());
    if (int rc = parseArgs(parser, kCommand,
                           QStringLiteral("Train the CNN-LSTM video colouriser (a CNN with a "
                                          "convolutional LSTM carried from frame to frame, "
                                          "classifying a*b* into the in-gamut bins with class "
                                          "rebalancing). Ctrl-C writes a checkpoint; --resume "
                                          "continues exactly."),
                           args, 0, 0, QString());
        rc != kExitOk)
        return rc;
    TrainCommonValues c;
    IntOptions ints(parser);
    if (auto problem = common.read(parser, ints, c))
        return usageError(kCommand, *problem);
    ml::CnnLstmTrainOptions o;
    VideoTrainData data;
    QString usage;
    const Result<void> read = dataOptions.read(parser, ints, c.seed, data, usage);
    o.imageIterations = ints.read(imageIters, -1, 100000000);
    o.clipBatch = ints.read(clipBatch, 1, 64);
    bool temperatureOk = false, correctionOk = false;
    const double annealing = parser.value(temperature).toDouble(&temperatureOk);
    const double correction = parser.value(priorCorrection).toDouble(&correctionOk);
    if (!ints.ok() || !temperatureOk || !(annealing > 0.0 && annealing <= 10.0) || !correctionOk ||
        !(correction >= 0.0 && correction <= 1.0))
        return usageError(kCommand,
                          QStringLiteral("a numeric option is out of range (see --help)"));
    if (!usage.isEmpty())
        return usageError(kCommand, usage);
    if (data.cropSize % 8 != 0 || data.clips.clipWidth % 8 != 0)
        return usageError(kCommand, QStringLiteral("--size and --window must be multiples of 8"));
    if (auto problem =
            firstStageIterations(o.imageIterations, c.iterations, QStringLiteral("--image-iters")))
        return usageError(kCommand, *problem);
    if (!read)
        return reportError(read.error());
    setVideoTrainOptions(o, c, data);

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
    const auto progress = [&](const ml::CnnLstmTrainProgress &p) {
        if (report.due(p.validated, p.iteration, p.total)) {
            err << QStringLiteral("iter %1/%2 (stage %3)  loss %4  %5 s/it  ETA %6\n")
                       .arg(p.iteration)
                       .arg(p.total)
                       .arg(p.stage)
                       .arg(p.loss, 0, 'f', 4)
                       .arg(p.secondsPerIteration, 0, 'f', 2)
                       .arg(duration(p.secondsPerIteration * (p.total - p.iteration)));
            if (p.validated && std::isfinite(p.photoPsnr))
                err << QStringLiteral("  photographs: chroma PSNR %1 dB (grey %2)\n")
                           .arg(p.photoPsnr, 0, 'f', 2)
                           .arg(p.photoGreyPsnr, 0, 'f', 2);
            if (p.validated && std::isfinite(p.clipPsnrOn))
                err << QStringLiteral("  clips: chroma PSNR %1 / %2 dB; change per frame %3 / "
                                      "%4 (truth %5) (memory on / off)\n")
                           .arg(p.clipPsnrOn, 0, 'f', 2)
                           .arg(p.clipPsnrOff, 0, 'f', 2)
                           .arg(p.clipChangeOn, 0, 'f', 3)
                           .arg(p.clipChangeOff, 0, 'f', 3)
                           .arg(p.clipChangeTruth, 0, 'f', 3);
            err.flush();
        }
        return !interruptFlag().load();
    };
    const ml::CnnLstmTrainOutcome outcome = ml::trainCnnLstm(o, progress, report.log());
    if (auto rc =
            report.ended(outcome.ok, outcome.cancelled, outcome.error, outcome.iterations, outDir))
        return *rc;

    // Every picture it saw, for the data-hygiene check.
    auto dataList = writeVideoTrainDataList(data, outDir, QStringLiteral("cnn-lstm-data.csv"));
    if (!dataList)
        return reportError(dataList.error());

    ml::ModelManifest m;
    m.name = QStringLiteral("cnn-lstm");
    m.baseWidth = o.width;
    m.depth = outcome.bins;
    m.temperature = annealing;
    m.priorCorrection = correction;
    m.iterations = outcome.iterations;
    m.trainedOn = videoTrainSources(data);
    m.training = videoTrainManifestFields(data, o.batch, o.learningRate, o.seed, *dataList);
    m.training.insert(QStringLiteral("imageIterations"), o.imageIterations);
    m.training.insert(QStringLiteral("clipBatch"), o.clipBatch);
    m.training.insert(
        QStringLiteral("loss"),
        QStringLiteral("cross-entropy against the soft-encoded a*b* (5 nearest bins, sigma 5) "
                       "at 1/4, weighted by class rebalancing (lambda 0.5, sigma 5)"));
    m.training.insert(
        QStringLiteral("decode"),
        QStringLiteral("annealed mean, T = %1, of the logits less %2 x log(class weight) "
                       "(validation in training: T 0.38, no correction)")
            .arg(annealing)
            .arg(correction));
    const ml::CnnLstmTrainProgress &last = outcome.last;
    if (last.validated) {
        auto number = [](double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); };
        m.figures = QJsonObject{
            {QStringLiteral("validationPhotoChromaPsnrDb"), number(last.photoPsnr)},
            {QStringLiteral("validationPhotoGreyPsnrDb"), number(last.photoGreyPsnr)},
            {QStringLiteral("validationClipChromaPsnrMemoryOnDb"), number(last.clipPsnrOn)},
            {QStringLiteral("validationClipChromaPsnrMemoryOffDb"), number(last.clipPsnrOff)},
            {QStringLiteral("validationClipChangeMemoryOn"), number(last.clipChangeOn)},
            {QStringLiteral("validationClipChangeMemoryOff"), number(last.clipChangeOff)},
            {QStringLiteral("note"), QStringLiteral("the trainer's own validation pass (chroma "
                                                    "PSNR on Cb, Cr); see docs/EVALUATION.md "
                                                    "for the evaluation protocols")}};
    }
    return writeTrainedManifest(m, c, QStringLiteral("cnn-lstm"), kCommand, args, err);
}

} // namespace tincture::cli
