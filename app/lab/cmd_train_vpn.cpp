// tincture-lab train vpn: trains the Video Propagation Network for colour (Jampani, Gadde &
// Gehler 2017: two learned bilateral convolutions and a spatial CNN) end to end on colour
// sequences: a first stage (bnn, BNN-Identity) is run from a keyframe over clips of each
// sequence, windows of the clips are packed beside the truth (lab/vpndata.h), and the net learns
// each frame's chroma from the keyframe and the first stage's previous frames (MSE). Writes
// OUT/vpn.json + OUT/vpn.safetensors.

#include "clicommon.h"
#include "labcommands.h"
#include "traincommon.h"

#include "lab/vpndata.h"
#include "ml/modelmanifest.h"
#include "ml/vpntrainer.h"
#include "propagation/propagationmethod.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

using namespace tincture::propagation;
using namespace tincture::lab;

namespace tincture::cli {

namespace {

const QString kCommand = QStringLiteral("train vpn");

} // namespace

int trainVpn(const QStringList &args)
{
    QCommandLineParser parser;
    const TrainOptionSet common({"Output folder: clips, checkpoint, validation.csv, "
                                 "vpn.json + .safetensors.",
                                 "2000",
                                 "Channels of the bilateral and spatial layers "
                                 "(default 32, VPN's).",
                                 "32",
                                 "The learned bilateral convolutions' lattice neighbourhood "
                                 "(0–2; default 0, VPN's colour network).",
                                 "0", 0, 2});
    const SequenceOptionSet sequenceOptions;
    const QCommandLineOption frames =
        valueOption("clip-frames", "Frames per clip, the keyframe included (default 8).", "N", "8");
    const QCommandLineOption height =
        valueOption("clip-height", "Window height in px (default 96).", "px", "96");
    const QCommandLineOption width =
        valueOption("clip-width", "Window width in px (default 128).", "px", "128");
    const QCommandLineOption windows =
        valueOption("windows", "Windows per clip of a real sequence (default 2).", "N", "2");
    const QCommandLineOption previous = valueOption("previous-frames",
                                                    "First-stage frames before the target that "
                                                    "are input points, besides the keyframe "
                                                    "(default 2).",
                                                    "N", "2");
    const QCommandLineOption points = valueOption("points",
                                                  "Input points sampled per sample (default "
                                                  "8192).",
                                                  "N", "8192");
    const QCommandLineOption decay = valueOption("decay-from",
                                                 "Learning rate × 0.3 from this iteration "
                                                 "(default: two thirds of --iters).",
                                                 "K", "-1");
    const QCommandLineOption every =
        valueOption("validate-every", "Validate every N iterations (default 250).", "N", "250");
    parser.addOptions(sequenceOptions.options());
    parser.addOptions({frames, height, width, windows, previous, points, decay, every});
    parser.addOptions(common.options());
    if (int rc = parseArgs(parser, kCommand,
                           QStringLiteral("Train the Video Propagation Network for colour (the "
                                          "\"vpn\" propagation method) on colour sequences. "
                                          "Ctrl-C writes a checkpoint; --resume continues "
                                          "exactly."),
                           args, 0, 0, QString());
        rc != kExitOk)
        return rc;
    TrainCommonValues c;
    IntOptions ints(parser);
    if (auto problem = common.read(parser, ints, c))
        return usageError(kCommand, *problem);
    ml::VpnTrainOptions o;
    VpnClipOptions d;
    QString usage;
    const Result<SequenceSources> split = sequenceOptions.read(parser, ints, usage);
    d.clipFrames = ints.read(frames, 2, 1000);
    d.clipHeight = ints.read(height, 8, 4096);
    d.clipWidth = ints.read(width, 8, 4096);
    d.windowsPerClip = ints.read(windows, 1, 1000);
    o.previousFrames = ints.read(previous, 0, 100);
    o.maxInputPoints = ints.read(points, 16, 100000000);
    o.decayFrom = ints.read(decay, -1, 100000000);
    o.validateEvery = ints.read(every, 1, 100000000);
    if (!ints.ok())
        return usageError(kCommand,
                          QStringLiteral("a numeric option is out of range (see --help)"));
    if (!usage.isEmpty())
        return usageError(kCommand, usage);
    o.iterations = c.iterations;
    o.batch = c.batch;
    o.bilateralChannels = c.width;
    o.spatialChannels = c.width;
    o.neighbourhood = c.depth;
    o.threads = c.threads;
    o.seed = c.seed;
    o.device = c.device;
    if (o.decayFrom < 0)
        o.decayFrom = o.iterations * 2 / 3;
    d.seed = o.seed;
    if (!split)
        return reportError(split.error());
    d.dataDir = split->dataDir;
    d.photosDir = split->photosDir;
    d.syntheticSequences = split->syntheticSequences;
    VpnClipOptions t = d; // the training set
    t.sequences = split->train;
    if (split->onlySyntheticTrain)
        t.dataDir.clear();
    const QStringList &valNames = split->val;

    if (auto ready = common.prepare(parser, c); !ready)
        return reportError(ready.error());
    o.resumePath = c.resumePath;
    const QString outDir = c.outDir;
    const bool silent = c.quiet;
    auto trainSet = packedVpnClips(t, outDir, QStringLiteral("train"), silent);
    if (!trainSet)
        return reportError(trainSet.error());
    o.datasetPath = QFile::encodeName(*trainSet).toStdString();
    if (!valNames.isEmpty()) {
        VpnClipOptions v = d;
        v.sequences = valNames;
        v.syntheticSequences = 0;
        v.photosDir.clear();
        v.windowsPerClip = 1;
        auto valSet = packedVpnClips(v, outDir, QStringLiteral("val"), silent);
        if (!valSet)
            return reportError(valSet.error());
        o.valPath = QFile::encodeName(*valSet).toStdString();
    }
    o.outDir = QFile::encodeName(outDir).toStdString();

    TrainingReport report(silent);
    QTextStream &err = report.out();
    const auto progress = [&](const ml::VpnTrainProgress &p) {
        if (report.due(p.validated, p.iteration, p.total)) {
            err << QStringLiteral("iter %1/%2  loss %3  %4 s/it\n")
                       .arg(p.iteration)
                       .arg(p.total)
                       .arg(p.loss, 0, 'g', 4)
                       .arg(p.secondsPerIteration, 0, 'f', 3);
            if (p.validated && !o.valPath.empty())
                err << QStringLiteral("  validation: chroma PSNR %1 dB first stage, %2 dB vpn\n")
                           .arg(p.valPsnrIn, 0, 'f', 3)
                           .arg(p.valPsnrOut, 0, 'f', 3);
            err.flush();
        }
        return !interruptFlag().load();
    };
    const ml::VpnTrainOutcome outcome = ml::trainVpn(o, progress, report.log());
    if (auto rc =
            report.ended(outcome.ok, outcome.cancelled, outcome.error, outcome.iterations, outDir))
        return *rc;

    // The list of every picture the clips were cut from, for the data-hygiene check.
    const QString dataList = QDir(outDir).filePath(QStringLiteral("vpn-data.csv"));
    {
        Feedback listing;
        listing.linkCancelFlag(&interruptFlag());
        auto pictures = vpnClipPictures(t, listing);
        if (!pictures)
            return reportError(pictures.error());
        if (Result<void> ok = writeFingerprintList(dataList, *pictures); !ok)
            return reportError(ok.error());
    }

    ml::ModelManifest m;
    m.name = QStringLiteral("vpn");
    m.baseWidth = o.bilateralChannels;
    m.depth = o.neighbourhood;
    m.iterations = outcome.iterations;
    QStringList sources;
    if (!t.dataDir.isEmpty())
        sources << QStringLiteral("%1: %2").arg(
            t.dataDir, t.sequences.isEmpty() ? QStringLiteral("all sequences")
                                             : t.sequences.join(QStringLiteral(", ")));
    if (d.syntheticSequences > 0)
        sources << QStringLiteral("%1 synthetic sequences of %2 frames from the photographs in %3")
                       .arg(d.syntheticSequences)
                       .arg(d.clipFrames)
                       .arg(d.photosDir);
    m.trainedOn = QStringLiteral("%1 (clips of %2 frames; first stage %3 from each clip's first "
                                 "frame)")
                      .arg(sources.join(QStringLiteral("; ")))
                      .arg(d.clipFrames)
                      .arg(d.method);
    m.training = QJsonObject{
        {QStringLiteral("firstStage"), d.method},
        {QStringLiteral("clipFrames"), d.clipFrames},
        {QStringLiteral("window"), QStringLiteral("%1x%2").arg(d.clipWidth).arg(d.clipHeight)},
        {QStringLiteral("windowsPerClip"), d.windowsPerClip},
        {QStringLiteral("syntheticSequences"), d.syntheticSequences},
        {QStringLiteral("previousFrames"), o.previousFrames},
        {QStringLiteral("dataList"), QFileInfo(dataList).fileName()},
        {QStringLiteral("inputPoints"), o.maxInputPoints},
        {QStringLiteral("batch"), o.batch},
        {QStringLiteral("learningRate"), o.learningRate},
        {QStringLiteral("decayFrom"), o.decayFrom},
        {QStringLiteral("loss"), QStringLiteral("MSE on (Cb, Cr)/255")},
        {QStringLiteral("seed"), double(o.seed)},
        {QStringLiteral("validationSequences"), QJsonArray::fromStringList(valNames)}};
    if (outcome.last.validated && !o.valPath.empty())
        m.figures = QJsonObject{
            {QStringLiteral("validationChromaPsnrFirstStageDb"), outcome.last.valPsnrIn},
            {QStringLiteral("validationChromaPsnrVpnDb"), outcome.last.valPsnrOut},
            {QStringLiteral("note"), QStringLiteral("one step on the trainer's validation clips; "
                                                    "see docs/EVALUATION.md for eval "
                                                    "propagation")}};
    return writeTrainedManifest(m, c, QStringLiteral("vpn"), kCommand, args, err);
}

} // namespace tincture::cli
