// tincture-lab train recurrent-bins: trains the recurrent binned video colouriser (seed 004) in
// its paper's two stages — the colour net on photographs, then the consistency net on pairs of
// consecutive frames (real sequences, resized, and synthetic sequences from photographs) — and
// writes OUT/recurrent-bins.json + .safetensors, with the list of every picture it saw.

#include "clicommon.h"
#include "labcommands.h"
#include "traincommon.h"

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
    const SequenceOptionSet sequenceOptions;
    const QCommandLineOption images =
        valueOption("images", "Folder of colour photographs for the colour net.", "DIR", "");
    const QCommandLineOption valImages = valueOption("val-images",
                                                     "Folder of validation photographs (never "
                                                     "trained on).",
                                                     "DIR", "");
    const QCommandLineOption colourIters = valueOption("colour-iters",
                                                       "Iterations of the first stage, the colour "
                                                       "net (default: two thirds of --iters).",
                                                       "N", "-1");
    const QCommandLineOption size =
        valueOption("size", "Photograph crop side in px (default 128).", "px", "128");
    const QCommandLineOption packSide = valueOption("pack-side",
                                                    "Side the photographs are packed at, and "
                                                    "the model's working short side (default "
                                                    "160).",
                                                    "px", "160");
    const QCommandLineOption frames =
        valueOption("clip-frames", "Frames per clip (default 8).", "N", "8");
    const QCommandLineOption window =
        valueOption("window", "Clip window side in px (default 128).", "px", "128");
    const QCommandLineOption windows =
        valueOption("windows", "Windows per clip of a real sequence (default 2).", "N", "2");
    const QCommandLineOption scale = valueOption("scale",
                                                 "Real sequences are resized by this factor "
                                                 "before windows are cut (default 0.333: 480 px "
                                                 "frames to the photographs' 160).",
                                                 "F", "0.333333");
    const QCommandLineOption every =
        valueOption("validate-every", "Validate every N iterations (default 250).", "N", "250");
    const QCommandLineOption checkpointEvery =
        valueOption("checkpoint-every", "Checkpoint every N iterations (default 100).", "N", "100");
    const QCommandLineOption exclude(
        QStringLiteral("exclude"),
        QStringLiteral("A fingerprint list of pictures never to train on, by content "
                       "(repeatable). The bundled sample's photographs are always left out."),
        QStringLiteral("LIST.csv"));
    parser.addOptions(sequenceOptions.options());
    parser.addOptions({images, valImages, colourIters, size, packSide, frames, window, windows,
                       scale, every, checkpointEvery, exclude});
    parser.addOptions(common.options());
    if (int rc = parseArgs(parser, kCommand,
                           QStringLiteral("Train the recurrent binned video colouriser (U and V "
                                          "classified into bins; each frame recoloured from its "
                                          "predecessor's binned colouring). Ctrl-C writes a "
                                          "checkpoint; --resume continues exactly."),
                           args, 0, 0, QString());
        rc != kExitOk)
        return rc;
    if (parser.value(images).isEmpty())
        return usageError(kCommand, QStringLiteral("--images is required"));
    TrainCommonValues c;
    IntOptions ints(parser);
    if (auto problem = common.read(parser, ints, c))
        return usageError(kCommand, *problem);
    ml::BinsTrainOptions o;
    VpnClipOptions d;
    QString usage;
    const Result<SequenceSources> split = sequenceOptions.read(parser, ints, usage);
    o.colourIterations = ints.read(colourIters, -1, 100000000);
    o.cropSize = ints.read(size, 16, 1024);
    const int side = ints.read(packSide, 16, 2048);
    d.clipFrames = ints.read(frames, 2, 1000);
    d.clipHeight = d.clipWidth = ints.read(window, 8, 4096);
    d.windowsPerClip = ints.read(windows, 1, 1000);
    o.validateEvery = ints.read(every, 1, 100000000);
    o.checkpointEvery = ints.read(checkpointEvery, 1, 100000000);
    bool scaleOk = false;
    d.realScale = parser.value(scale).toDouble(&scaleOk);
    if (!ints.ok() || !scaleOk || !(d.realScale > 0.0 && d.realScale <= 1.0))
        return usageError(kCommand,
                          QStringLiteral("a numeric option is out of range (see --help)"));
    if (!usage.isEmpty())
        return usageError(kCommand, usage);
    if (o.cropSize > side)
        return usageError(kCommand, QStringLiteral("--size must not exceed --pack-side"));
    o.iterations = c.iterations;
    if (o.colourIterations < 0)
        o.colourIterations = o.iterations * 2 / 3;
    if (o.colourIterations > o.iterations)
        return usageError(kCommand, QStringLiteral("--colour-iters must not exceed --iters"));
    o.batch = c.batch;
    o.width = c.width;
    o.bins = c.depth;
    o.threads = c.threads;
    o.seed = c.seed;
    o.device = c.device;
    d.method = QStringLiteral("copy0"); // the packer's first stage; only the truth is read
    d.seed = o.seed;
    if (!split)
        return reportError(split.error());
    d.dataDir = split->dataDir;
    d.photosDir = split->photosDir;
    d.syntheticSequences = split->syntheticSequences;
    VpnClipOptions t = d;
    t.sequences = split->train;
    if (split->onlySyntheticTrain)
        t.dataDir.clear();
    const QStringList &valNames = split->val;

    if (auto ready = common.prepare(parser, c); !ready)
        return reportError(ready.error());
    std::vector<NamedFingerprint> keepOut;
    QStringList keepOutLists;
    if (auto read = readKeepOut(parser.values(exclude), keepOut, keepOutLists); !read)
        return reportError(read.error());
    o.resumePath = c.resumePath;
    const QString outDir = c.outDir;
    const bool silent = c.quiet;
    auto photos = packedPhotographs(parser.value(images), outDir, QStringLiteral("photos"), side,
                                    keepOut, silent);
    if (!photos)
        return reportError(photos.error());
    o.photosPath = QFile::encodeName(*photos).toStdString();
    if (!parser.value(valImages).isEmpty()) {
        auto valSet = packedPhotographs(parser.value(valImages), outDir,
                                        QStringLiteral("val-photos"), side, keepOut, silent);
        if (!valSet)
            return reportError(valSet.error());
        o.valPhotosPath = QFile::encodeName(*valSet).toStdString();
    }
    auto clips = packedVpnClips(t, outDir, QStringLiteral("clips"), silent);
    if (!clips)
        return reportError(clips.error());
    o.clipsPath = QFile::encodeName(*clips).toStdString();
    if (!valNames.isEmpty()) {
        VpnClipOptions v = d;
        v.sequences = valNames;
        v.syntheticSequences = 0;
        v.photosDir.clear();
        v.windowsPerClip = 1;
        auto valSet = packedVpnClips(v, outDir, QStringLiteral("val-clips"), silent);
        if (!valSet)
            return reportError(valSet.error());
        o.valClipsPath = QFile::encodeName(*valSet).toStdString();
    }
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

    // Every picture it saw, for the data-hygiene check: the photographs, then the clips' frames.
    const QString dataList = QDir(outDir).filePath(QStringLiteral("recurrent-bins-data.csv"));
    {
        auto seen =
            readFingerprintList(QDir(outDir).filePath(QStringLiteral("photos.pictures.csv")));
        if (!seen)
            return reportError(seen.error());
        Feedback listing;
        listing.linkCancelFlag(&interruptFlag());
        auto clipPictures = vpnClipPictures(t, listing);
        if (!clipPictures)
            return reportError(clipPictures.error());
        seen->insert(seen->end(), clipPictures->begin(), clipPictures->end());
        if (Result<void> ok = writeFingerprintList(dataList, *seen); !ok)
            return reportError(ok.error());
    }

    ml::ModelManifest m;
    m.name = QStringLiteral("recurrent-bins");
    m.baseWidth = o.width;
    m.depth = o.bins;
    m.iterations = outcome.iterations;
    QStringList sources{
        QStringLiteral("photographs: %1 (packed at %2 px)").arg(parser.value(images)).arg(side)};
    if (!t.dataDir.isEmpty())
        sources << QStringLiteral("sequences: %1: %2 (resized by %3)")
                       .arg(t.dataDir, t.sequences.isEmpty()
                                           ? QStringLiteral("all")
                                           : t.sequences.join(QStringLiteral(", ")))
                       .arg(d.realScale, 0, 'g', 4);
    if (d.syntheticSequences > 0)
        sources << QStringLiteral("%1 synthetic sequences from the photographs in %2")
                       .arg(d.syntheticSequences)
                       .arg(d.photosDir);
    m.trainedOn = sources.join(QStringLiteral("; "));
    m.training =
        QJsonObject{{QStringLiteral("colourIterations"), o.colourIterations},
                    {QStringLiteral("cropSize"), o.cropSize},
                    {QStringLiteral("inferenceShortSide"), side},
                    {QStringLiteral("clipFrames"), d.clipFrames},
                    {QStringLiteral("window"), d.clipWidth},
                    {QStringLiteral("windowsPerClip"), d.windowsPerClip},
                    {QStringLiteral("realScale"), d.realScale},
                    {QStringLiteral("syntheticSequences"), d.syntheticSequences},
                    {QStringLiteral("batch"), o.batch},
                    {QStringLiteral("learningRate"), o.learningRate},
                    {QStringLiteral("loss"), QStringLiteral("cross-entropy over U's and V's bins")},
                    {QStringLiteral("decode"), QStringLiteral("annealed mean, T = 0.38")},
                    {QStringLiteral("seed"), double(o.seed)},
                    {QStringLiteral("dataList"), QFileInfo(dataList).fileName()},
                    {QStringLiteral("keptOut"), keepOutLists.join(QStringLiteral(", "))},
                    {QStringLiteral("validationSequences"), QJsonArray::fromStringList(valNames)}};
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
