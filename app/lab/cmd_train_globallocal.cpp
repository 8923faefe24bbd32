// tincture-lab train global-local: trains the global+local video colouriser (seed 001) in its
// paper's two stages — the ColorNet on photographs (MSE + the global branch's scene classes),
// then with the short- and long-term temporal losses on clips of sequences beside a copy
// trained on the same batches without them — and writes OUT/global-local.json + .safetensors,
// with the list of every picture it saw.

#include "clicommon.h"
#include "labcommands.h"
#include "traincommon.h"
#include "videotraindata.h"

#include "lab/clipflow.h"
#include "ml/globallocaltrainer.h"
#include "ml/modelmanifest.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

#include <cmath>

using namespace tincture::lab;

namespace tincture::cli {

namespace {

const QString kCommand = QStringLiteral("train global-local");

// The scene classes the training photographs' sources give (../shared/data/images/
// train_manifest.csv: file,source,original_name): the SUN scenes' categories, cats and dogs,
// ants and bees, CamVid's streets, Urban100's buildings. Other sources have none (−1).
const QStringList kClasses{QStringLiteral("airport"),       QStringLiteral("auditorium"),
                           QStringLiteral("bamboo_forest"), QStringLiteral("campus"),
                           QStringLiteral("desert"),        QStringLiteral("football_field"),
                           QStringLiteral("kitchen"),       QStringLiteral("sky"),
                           QStringLiteral("cat"),           QStringLiteral("dog"),
                           QStringLiteral("ant"),           QStringLiteral("bee"),
                           QStringLiteral("street"),        QStringLiteral("urban_buildings")};

int sceneClass(const QString &source, const QString &original)
{
    const QString name = original.toLower();
    QString c;
    if (source == QLatin1String("sun_cmu16720"))
        c = name.section(QStringLiteral("__"), 0, 0);
    else if (source == QLatin1String("pets"))
        c = name.contains(QLatin1String("cat")) == name.contains(QLatin1String("dog"))
                ? QString()
                : (name.contains(QLatin1String("cat")) ? QStringLiteral("cat")
                                                       : QStringLiteral("dog"));
    else if (source == QLatin1String("hymenoptera"))
        c = name.contains(QLatin1String("__ants__"))   ? QStringLiteral("ant")
            : name.contains(QLatin1String("__bees__")) ? QStringLiteral("bee")
                                                       : QString();
    else if (source == QLatin1String("camvid"))
        c = QStringLiteral("street");
    else if (source == QLatin1String("urban100"))
        c = QStringLiteral("urban_buildings");
    return kClasses.indexOf(c);
}

// OUT/photos.classes: the class of each packed photograph (photos.pictures.csv's order), from
// the sources manifest; returns how many have one.
Result<int> writeClasses(const QString &manifestPath, const QString &outDir)
{
    QFile manifest(manifestPath);
    if (!manifest.open(QIODevice::ReadOnly | QIODevice::Text))
        return makeError(manifest.exists() ? ErrorCode::FileUnreadable : ErrorCode::FileNotFound,
                         QStringLiteral("%1: cannot read the sources manifest: %2")
                             .arg(manifestPath, manifest.errorString()));
    QHash<QString, int> classOf;
    QTextStream in(&manifest);
    const QString header = in.readLine();
    if (!header.startsWith(QLatin1String("file,source,original_name")))
        return makeError(ErrorCode::CorruptData,
                         QStringLiteral("%1: not a sources manifest (its header is not "
                                        "file,source,original_name)")
                             .arg(manifestPath));
    while (!in.atEnd()) {
        const QStringList f = in.readLine().split(QLatin1Char(','));
        if (f.size() >= 3)
            classOf.insert(f[0], sceneClass(f[1], f[2]));
    }
    auto packed = readFingerprintList(QDir(outDir).filePath(QStringLiteral("photos.pictures.csv")));
    if (!packed)
        return packed.error();
    QByteArray text;
    int labelled = 0;
    for (const NamedFingerprint &p : *packed) {
        const int c = classOf.value(QFileInfo(p.name).fileName(), -1);
        labelled += c >= 0 ? 1 : 0;
        text += QByteArray::number(c) + '\n';
    }
    if (Result<void> ok = writeFileAtomically(
            QDir(outDir).filePath(QStringLiteral("photos.classes")), text, Existing::Replace);
        !ok)
        return ok.error();
    return labelled;
}

// OUT/NAME.tcvf, the flows of OUT/NAME.tcvc, unless already computed from that very file (a
// sidecar records its size and modification time).
Result<QString> packedFlows(const QString &clipsPath, bool quiet)
{
    const QString flows = clipsPath.chopped(5) + QStringLiteral(".tcvf");
    const QFileInfo clips(clipsPath);
    const QByteArray stamp = QByteArray::number(clips.size()) + ' ' +
                             QByteArray::number(clips.lastModified().toMSecsSinceEpoch());
    QFile sidecar(flows + QStringLiteral(".source"));
    if (QFileInfo::exists(flows) && sidecar.open(QIODevice::ReadOnly) && sidecar.readAll() == stamp)
        return flows;
    sidecar.close();
    if (!quiet)
        QTextStream(stderr) << QStringLiteral("computing the flows of %1\n").arg(clipsPath);
    Feedback feedback;
    feedback.linkCancelFlag(&interruptFlag());
    if (Result<void> ok = packClipFlows(clipsPath, flows, feedback); !ok)
        return ok.error();
    if (Result<void> ok = writeFileAtomically(sidecar.fileName(), stamp, Existing::Replace); !ok)
        return ok.error();
    return flows;
}

} // namespace

int trainGlobalLocal(const QStringList &args)
{
    QCommandLineParser parser;
    const TrainOptionSet common({"Output folder: packed data, checkpoint, validation.csv, "
                                 "global-local.json + .safetensors.",
                                 "3000", "w: the ColorNet's widths are w … 16w (default 16).", "16",
                                 "Scene classes of the global branch (default 14, those "
                                 "--classes-from gives).",
                                 "14", 1, 1000});
    const VideoTrainDataOptions dataOptions("Folder of colour photographs for the ColorNet.");
    const QCommandLineOption colourIters = valueOption("colour-iters",
                                                       "Iterations of the first stage, on "
                                                       "photographs alone (default: two thirds "
                                                       "of --iters).",
                                                       "N", "-1");
    const QCommandLineOption classesFrom = valueOption("classes-from",
                                                       "The photographs' sources manifest "
                                                       "(file,source,original_name), for the "
                                                       "global branch's scene classes (without "
                                                       "it: no cross-entropy).",
                                                       "CSV", "");
    const QCommandLineOption clipBatch = valueOption(
        "clip-batch", "Whole clips per iteration of the second stage (default 2).", "N", "2");
    const QCommandLineOption temporalWeight = valueOption(
        "temporal-weight",
        "Weight of the short-term and of the long-term temporal loss (default 0.1).", "W", "0.1");
    parser.addOptions(dataOptions.options());
    parser.addOptions({colourIters, classesFrom, clipBatch, temporalWeight});
    parser.addOptions(common.options());
    if (int rc = parseArgs(parser, kCommand,
                           QStringLiteral("Train the global+local video colouriser (Iizuka et "
                                          "al.'s ColorNet with a scene-class branch, then "
                                          "short- and long-term temporal losses). Ctrl-C writes "
                                          "a checkpoint; --resume continues exactly."),
                           args, 0, 0, QString());
        rc != kExitOk)
        return rc;
    TrainCommonValues c;
    IntOptions ints(parser);
    if (auto problem = common.read(parser, ints, c))
        return usageError(kCommand, *problem);
    ml::GlobalLocalTrainOptions o;
    VideoTrainData data;
    QString usage;
    const Result<void> read = dataOptions.read(parser, ints, c.seed, data, usage);
    o.colourIterations = ints.read(colourIters, -1, 100000000);
    o.clipBatch = ints.read(clipBatch, 1, 64);
    bool weightOk = false;
    o.temporalWeight = parser.value(temporalWeight).toDouble(&weightOk);
    if (!ints.ok() || !weightOk || !(o.temporalWeight >= 0.0 && o.temporalWeight <= 1000.0))
        return usageError(kCommand,
                          QStringLiteral("a numeric option is out of range (see --help)"));
    if (!usage.isEmpty())
        return usageError(kCommand, usage);
    if (data.cropSize % 8 != 0 || data.clips.clipWidth % 8 != 0)
        return usageError(kCommand, QStringLiteral("--size and --window must be multiples of 8"));
    if (auto problem = firstStageIterations(o.colourIterations, c.iterations,
                                            QStringLiteral("--colour-iters")))
        return usageError(kCommand, *problem);
    if (!read)
        return reportError(read.error());
    setVideoTrainOptions(o, c, data);
    o.classes = c.depth;

    if (auto ready = common.prepare(parser, c); !ready)
        return reportError(ready.error());
    o.resumePath = c.resumePath;
    const QString outDir = c.outDir;
    const bool silent = c.quiet;
    if (auto packed = packVideoTrainData(dataOptions.excludeLists(parser), outDir, silent, data);
        !packed)
        return reportError(packed.error());
    int labelled = 0;
    if (!parser.value(classesFrom).isEmpty()) {
        auto classes = writeClasses(parser.value(classesFrom), outDir);
        if (!classes)
            return reportError(classes.error());
        labelled = *classes;
        o.labelsPath = QFile::encodeName(QDir(outDir).filePath(QStringLiteral("photos.classes")))
                           .toStdString();
    }
    auto flows = packedFlows(data.clipFile, silent);
    if (!flows)
        return reportError(flows.error());
    o.photosPath = QFile::encodeName(data.photos).toStdString();
    o.valPhotosPath = QFile::encodeName(data.valPhotos).toStdString();
    o.clipsPath = QFile::encodeName(data.clipFile).toStdString();
    o.flowsPath = QFile::encodeName(*flows).toStdString();
    if (!data.valClipFile.isEmpty()) {
        auto valFlows = packedFlows(data.valClipFile, silent);
        if (!valFlows)
            return reportError(valFlows.error());
        o.valClipsPath = QFile::encodeName(data.valClipFile).toStdString();
        o.valFlowsPath = QFile::encodeName(*valFlows).toStdString();
    }
    o.outDir = QFile::encodeName(outDir).toStdString();

    TrainingReport report(silent);
    QTextStream &err = report.out();
    const auto progress = [&](const ml::GlobalLocalTrainProgress &p) {
        if (report.due(p.validated, p.iteration, p.total)) {
            err << QStringLiteral("iter %1/%2 (stage %3)  loss %4  %5 s/it  ETA %6\n")
                       .arg(p.iteration)
                       .arg(p.total)
                       .arg(p.stage)
                       .arg(p.loss, 0, 'f', 5)
                       .arg(p.secondsPerIteration, 0, 'f', 2)
                       .arg(duration(p.secondsPerIteration * (p.total - p.iteration)));
            if (p.validated && std::isfinite(p.photoPsnrPlain))
                err << QStringLiteral("  photographs: chroma PSNR %1 dB plain, %2 dB temporal "
                                      "(grey %3)\n")
                           .arg(p.photoPsnrPlain, 0, 'f', 2)
                           .arg(p.photoPsnrTemporal, 0, 'f', 2)
                           .arg(p.photoGreyPsnr, 0, 'f', 2);
            if (p.validated && std::isfinite(p.clipPsnrPlain))
                err << QStringLiteral("  clips: chroma PSNR %1 / %2 dB; change per frame %3 / "
                                      "%4 (truth %5); warp error %6 / %7 (truth %8) "
                                      "(plain / temporal)\n")
                           .arg(p.clipPsnrPlain, 0, 'f', 2)
                           .arg(p.clipPsnrTemporal, 0, 'f', 2)
                           .arg(p.clipChangePlain, 0, 'f', 3)
                           .arg(p.clipChangeTemporal, 0, 'f', 3)
                           .arg(p.clipChangeTruth, 0, 'f', 3)
                           .arg(p.clipWarpPlain, 0, 'f', 3)
                           .arg(p.clipWarpTemporal, 0, 'f', 3)
                           .arg(p.clipWarpTruth, 0, 'f', 3);
            err.flush();
        }
        return !interruptFlag().load();
    };
    const ml::GlobalLocalTrainOutcome outcome = ml::trainGlobalLocal(o, progress, report.log());
    if (auto rc =
            report.ended(outcome.ok, outcome.cancelled, outcome.error, outcome.iterations, outDir))
        return *rc;

    // Every picture it saw, for the data-hygiene check.
    auto dataList = writeVideoTrainDataList(data, outDir, QStringLiteral("global-local-data.csv"));
    if (!dataList)
        return reportError(dataList.error());

    ml::ModelManifest m;
    m.name = QStringLiteral("global-local");
    m.baseWidth = o.width;
    m.depth = o.classes;
    m.iterations = outcome.iterations;
    m.trainedOn = videoTrainSources(data);
    m.training = videoTrainManifestFields(data, o.batch, o.learningRate, o.seed, *dataList);
    m.training.insert(QStringLiteral("colourIterations"), o.colourIterations);
    m.training.insert(QStringLiteral("clipBatch"), o.clipBatch);
    m.training.insert(
        QStringLiteral("loss"),
        QStringLiteral("MSE on Cb, Cr /255 + %1 x cross-entropy of the scene classes; second "
                       "stage, \"temporal\" net: + %2 x (short-term + long-term temporal loss)")
            .arg(o.classWeight, 0, 'g', 4)
            .arg(o.temporalWeight, 0, 'g', 4));
    m.training.insert(QStringLiteral("classes"),
                      QJsonArray::fromStringList(kClasses.mid(0, o.classes)));
    m.training.insert(QStringLiteral("classifiedPhotographs"), labelled);
    m.training.insert(QStringLiteral("flow"),
                      QStringLiteral("OpenCV Farneback (0.5, 4, 21, 3, 7, 1.5)"));
    const ml::GlobalLocalTrainProgress &last = outcome.last;
    if (last.validated) {
        auto number = [](double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); };
        m.figures = QJsonObject{
            {QStringLiteral("validationPhotoChromaPsnrPlainDb"), number(last.photoPsnrPlain)},
            {QStringLiteral("validationPhotoChromaPsnrTemporalDb"), number(last.photoPsnrTemporal)},
            {QStringLiteral("validationPhotoGreyPsnrDb"), number(last.photoGreyPsnr)},
            {QStringLiteral("validationClipChromaPsnrPlainDb"), number(last.clipPsnrPlain)},
            {QStringLiteral("validationClipChromaPsnrTemporalDb"), number(last.clipPsnrTemporal)},
            {QStringLiteral("validationClipWarpErrorPlain"), number(last.clipWarpPlain)},
            {QStringLiteral("validationClipWarpErrorTemporal"), number(last.clipWarpTemporal)},
            {QStringLiteral("note"), QStringLiteral("the trainer's own validation pass (chroma "
                                                    "PSNR on Cb, Cr; masked warp error of the "
                                                    "chroma, 0-255); see docs/EVALUATION.md for "
                                                    "the evaluation protocols")}};
    }
    return writeTrainedManifest(m, c, QStringLiteral("global-local"), kCommand, args, err);
}

} // namespace tincture::cli
