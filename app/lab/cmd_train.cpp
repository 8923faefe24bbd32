// tincture-lab train colorizer: trains the keyframe model (Pix2Pix) on a folder of colour
// photographs, with checkpoints, resuming, validation figures in a CSV, and a manifest written
// beside the final weights (OUT/colorizer.json + OUT/colorizer.safetensors, ready for models/).

#include "clicommon.h"
#include "labcommands.h"
#include "traincommon.h"

#include "lab/dataset.h"
#include "lab/fingerprint.h"
#include "ml/modelmanifest.h"
#include "ml/trainer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QTextStream>

#include <algorithm>
#include <cmath>

using namespace tincture::lab;

namespace tincture::cli {

namespace {

const QString kCommand = QStringLiteral("train colorizer");

int trainColorizer(const QStringList &args)
{
    QCommandLineParser parser;
    const TrainOptionSet common({"Output folder: checkpoint, validation.csv, colorizer.json + "
                                 ".safetensors.",
                                 "20000",
                                 "Generator and discriminator base width (default 64, "
                                 "Pix2Pix's).",
                                 "64", "U-Net levels (default 7).", "7"});
    const QCommandLineOption images =
        valueOption("images", "Folder of colour photographs to train on.", "DIR", "");
    const QCommandLineOption val = valueOption("val",
                                               "Folder of validation photographs (never trained "
                                               "on).",
                                               "DIR", "");
    const QCommandLineOption size =
        valueOption("size", "Training crop side in px (default 128).", "px", "128");
    const QCommandLineOption packSide = valueOption("pack-side",
                                                    "Side the photographs are packed at "
                                                    "(default 160).",
                                                    "px", "160");
    const QCommandLineOption validateEvery = valueOption("validate-every",
                                                         "Validation pass every K "
                                                         "iterations (default 500).",
                                                         "K", "500");
    const QCommandLineOption checkpointEvery = valueOption("checkpoint-every",
                                                           "Checkpoint every N "
                                                           "iterations (default "
                                                           "100).",
                                                           "N", "100");
    const QCommandLineOption decay = valueOption("decay-from",
                                                 "Keep the learning rate until iteration "
                                                 "K, then lower it linearly to 0 at the "
                                                 "last (default 0: constant).",
                                                 "K", "0");
    const QCommandLineOption ema = valueOption("ema",
                                               "Export a moving average of the generator's "
                                               "weights with this decay per iteration (default "
                                               "0.999; 0: the trained weights themselves).",
                                               "d", "0.999");
    const QCommandLineOption exclude(
        QStringLiteral("exclude"),
        QStringLiteral("A fingerprint list (tincture-lab data fingerprint) of pictures never to "
                       "train on, by content (repeatable). The bundled sample's photographs "
                       "(resources/samples/sources.csv) are always left out."),
        QStringLiteral("LIST.csv"));
    const QCommandLineOption hints(
        QStringLiteral("hints"),
        QStringLiteral("Train a net that also takes user points (their chroma and a mask beside "
                       "the grey), with simulated points: 0 to many per photograph, 1–9 px "
                       "patches of the true colour."));
    parser.addOptions(
        {images, val, size, packSide, validateEvery, checkpointEvery, decay, ema, exclude, hints});
    parser.addOptions(common.options());
    if (int rc = parseArgs(parser, kCommand,
                           QStringLiteral("Train the keyframe model (Pix2Pix U-Net + PatchGAN, "
                                          "least-squares GAN loss + 100·L1, Adam 2e-4/0.5) on "
                                          "colour photographs. Ctrl-C writes a checkpoint; "
                                          "--resume continues exactly where it stopped."),
                           args, 0, 0, QString());
        rc != kExitOk)
        return rc;
    if (parser.value(images).isEmpty())
        return usageError(kCommand, QStringLiteral("--images is required"));
    TrainCommonValues c;
    IntOptions ints(parser);
    if (auto problem = common.read(parser, ints, c))
        return usageError(kCommand, *problem);
    ml::TrainOptions o;
    o.cropSize = ints.read(size, 16, 1024);
    const int side = ints.read(packSide, 16, 2048);
    o.validateEvery = ints.read(validateEvery, 1, 100000000);
    o.checkpointEvery = ints.read(checkpointEvery, 1, 100000000);
    o.decayFrom = ints.read(decay, 0, 100000000);
    bool emaOk = false;
    o.emaDecay = parser.value(ema).toDouble(&emaOk);
    if (!ints.ok() || !emaOk || o.emaDecay < 0 || o.emaDecay >= 1)
        return usageError(kCommand,
                          QStringLiteral("a numeric option is out of range (see --help)"));
    if (o.cropSize > side)
        return usageError(kCommand, QStringLiteral("--size must not exceed --pack-side"));
    o.iterations = c.iterations;
    o.batch = c.batch;
    o.baseWidth = c.width;
    o.discWidth = o.baseWidth;
    o.depth = c.depth;
    o.threads = c.threads;
    o.seed = c.seed;
    o.device = c.device;
    o.hintChannels = parser.isSet(hints) ? 3 : 0;
    const bool silent = c.quiet;

    if (auto ready = common.prepare(parser, c); !ready)
        return reportError(ready.error());
    // Never trained on: the sample's photographs (the demo, the screenshots and the tests'
    // colour checks run on the sample), and whatever --exclude lists; the validation photographs
    // are checked against the same lists.
    std::vector<lab::NamedFingerprint> keepOut;
    QStringList keepOutLists;
    if (auto read = readKeepOut(parser.values(exclude), keepOut, keepOutLists); !read)
        return reportError(read.error());
    o.resumePath = c.resumePath;
    const QString outDir = c.outDir;
    auto trainSet = packedPhotographs(parser.value(images), outDir, QStringLiteral("train"), side,
                                      keepOut, silent);
    if (!trainSet)
        return reportError(trainSet.error());
    o.datasetPath = QFile::encodeName(*trainSet).toStdString();
    if (!parser.value(val).isEmpty()) {
        auto valSet = packedPhotographs(parser.value(val), outDir, QStringLiteral("val"), 256,
                                        keepOut, silent);
        if (!valSet)
            return reportError(valSet.error());
        o.valPath = QFile::encodeName(*valSet).toStdString();
    }
    o.outDir = QFile::encodeName(outDir).toStdString();

    TrainingReport report(silent);
    QTextStream &err = report.out();
    const auto progress = [&](const ml::TrainProgress &p) {
        if (report.due(p.validated, p.iteration, p.total)) {
            err << QStringLiteral("iter %1/%2  D %3  G-gan %4  G-L1 %5  %6 s/it  ETA %7\n")
                       .arg(p.iteration)
                       .arg(p.total)
                       .arg(p.lossD, 0, 'f', 3)
                       .arg(p.lossGan, 0, 'f', 3)
                       .arg(p.lossL1, 0, 'f', 2)
                       .arg(p.secondsPerIteration, 0, 'f', 2)
                       .arg(duration(p.secondsPerIteration * (p.total - p.iteration)));
            if (p.validated)
                err << QStringLiteral("  validation: PSNR %1 dB (grey %2 dB), colourfulness "
                                      "%3 (%4 % of the truth)\n")
                           .arg(p.valPsnr, 0, 'f', 2)
                           .arg(p.valGreyPsnr, 0, 'f', 2)
                           .arg(p.valColourfulness, 0, 'f', 1)
                           .arg(100.0 * p.valColourfulnessRatio, 0, 'f', 0);
            if (p.validated && std::isfinite(p.valPsnr10Points))
                err << QStringLiteral("  with 10 points of 5×5: PSNR %1 dB\n")
                           .arg(p.valPsnr10Points, 0, 'f', 2);
            err.flush();
        }
        return !interruptFlag().load();
    };
    const ml::TrainOutcome outcome = ml::trainColorizer(o, progress, report.log());
    if (auto rc =
            report.ended(outcome.ok, outcome.cancelled, outcome.error, outcome.iterations, outDir))
        return *rc;

    // The final weights and their manifest, ready to be copied into models/.
    const QString generator = QDir(outDir).filePath(QStringLiteral("generator.safetensors"));
    const QString weights = QDir(outDir).filePath(QStringLiteral("colorizer.safetensors"));
    if (!QFileInfo::exists(generator))
        return reportError(
            makeError(ErrorCode::TrainingFailed,
                      QStringLiteral("%1: the trainer wrote no weights").arg(generator)));
    QFile::remove(weights + QStringLiteral(".part"));
    if (!QFile::copy(generator, weights + QStringLiteral(".part")))
        return reportError(
            makeError(ErrorCode::WriteFailed, QStringLiteral("%1: cannot write").arg(weights)));
    QFile::remove(weights);
    if (!QFile::rename(weights + QStringLiteral(".part"), weights))
        return reportError(
            makeError(ErrorCode::WriteFailed, QStringLiteral("%1: cannot write").arg(weights)));
    // The pictures it was trained on, by fingerprint, for the models/ data-hygiene test.
    const QString dataList = QDir(outDir).filePath(QStringLiteral("colorizer-data.csv"));
    QFile::remove(dataList);
    if (!QFile::copy(QDir(outDir).filePath(QStringLiteral("train.pictures.csv")), dataList))
        return reportError(
            makeError(ErrorCode::WriteFailed, QStringLiteral("%1: cannot write").arg(dataList)));
    ml::ModelManifest m;
    m.baseWidth = o.baseWidth;
    m.depth = o.depth;
    m.hintChannels = o.hintChannels;
    m.iterations = outcome.iterations;
    m.trainedOn = QStringLiteral("%1 (packed at %2 px)").arg(parser.value(images)).arg(side);
    m.training = QJsonObject{{QStringLiteral("cropSize"), o.cropSize},
                             {QStringLiteral("batch"), o.batch},
                             {QStringLiteral("learningRate"), o.learningRate},
                             {QStringLiteral("beta1"), o.beta1},
                             {QStringLiteral("lambdaL1"), o.lambdaL1},
                             {QStringLiteral("ganLoss"), QStringLiteral("least squares")},
                             {QStringLiteral("seed"), double(o.seed)},
                             {QStringLiteral("decayFrom"), o.decayFrom},
                             {QStringLiteral("emaDecay"), o.emaDecay},
                             {QStringLiteral("inferenceShortSide"), side},
                             {QStringLiteral("dataList"), QFileInfo(dataList).fileName()},
                             {QStringLiteral("keptOut"), keepOutLists.join(QStringLiteral(", "))}};
    if (outcome.last.validated)
        m.figures = QJsonObject{
            {QStringLiteral("validationPsnrDb"), outcome.last.valPsnr},
            {QStringLiteral("validationGreyPsnrDb"), outcome.last.valGreyPsnr},
            {QStringLiteral("validationColourfulnessRatio"), outcome.last.valColourfulnessRatio},
            {QStringLiteral("validationPsnr10PointsDb"),
             std::isfinite(outcome.last.valPsnr10Points) ? QJsonValue(outcome.last.valPsnr10Points)
                                                         : QJsonValue()},
            {QStringLiteral("note"), QStringLiteral("the trainer's own validation pass; "
                                                    "see models/README.md for eval images")}};
    return writeTrainedManifest(m, c, QStringLiteral("colorizer"), kCommand, args, err);
}

} // namespace

int runTrain(const QStringList &args)
{
    if (!args.isEmpty() && args.first() == QLatin1String("refiner"))
        return trainRefiner(args.mid(1));
    if (!args.isEmpty() && args.first() == QLatin1String("vpn"))
        return trainVpn(args.mid(1));
    if (!args.isEmpty() && args.first() == QLatin1String("recurrent-bins"))
        return trainRecurrentBins(args.mid(1));
    if (!args.isEmpty() && args.first() == QLatin1String("global-local"))
        return trainGlobalLocal(args.mid(1));
    if (!args.isEmpty() && args.first() == QLatin1String("cnn-lstm"))
        return trainCnnLstm(args.mid(1));
    if (args.isEmpty() || args.first() != QLatin1String("colorizer")) {
        if (!args.isEmpty() &&
            (args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h"))) {
            QTextStream(stdout)
                << "Usage: tincture-lab train "
                   "colorizer|refiner|vpn|recurrent-bins|global-local|cnn-lstm [OPTIONS]\n"
                   "colorizer: the keyframe model; refiner: the \"vpn\" "
                   "propagation method's spatial CNN; vpn: the Video "
                   "Propagation Network (learned bilateral convolutions and a "
                   "spatial CNN); recurrent-bins: the recurrent binned video "
                   "colouriser; global-local: the global+local video "
                   "colouriser; cnn-lstm: the CNN-LSTM video colouriser. "
                   "'train colorizer --help' lists the "
                   "options.\n";
            return -1;
        }
        return usageError(QStringLiteral("train"),
                          QStringLiteral("name what to train: 'train colorizer', 'train "
                                         "refiner', 'train vpn', 'train recurrent-bins', 'train "
                                         "global-local' or 'train cnn-lstm'"));
    }
    return trainColorizer(args.mid(1));
}

} // namespace tincture::cli
