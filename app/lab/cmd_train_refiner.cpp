// tincture-lab train refiner: trains VPN's spatial CNN (the "vpn" method's refiner) on colour
// sequences: the chosen method (bnn) is run on each under the evaluation protocol, patches of
// its outputs are packed beside the truth, and the net learns to re-filter them (MSE). Writes
// OUT/refiner.json + OUT/refiner.safetensors, ready for models/.

#include "clicommon.h"
#include "labcommands.h"
#include "traincommon.h"

#include "ml/modelmanifest.h"
#include "ml/refinertrainer.h"
#include "propagation/propagationmethod.h"
#include "lab/refinerdata.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

using namespace tincture::propagation;
using namespace tincture::lab;

namespace tincture::cli {

namespace {

const QString kCommand = QStringLiteral("train refiner");

// Packs OUT/NAME.tcrp unless it was already packed with the same inputs (a sidecar records
// them; packing is deterministic).
Result<QString> packedPatches(const RefinerDataOptions &o, const QString &outDir,
                              const QString &name, bool quiet)
{
    const QString path = QDir(outDir).filePath(name + QStringLiteral(".tcrp"));
    const QByteArray stamp =
        QStringLiteral("%1\n%2\n%3\n%4 %5 %6 %7\n%8 %9 %10 %11\n")
            .arg(o.dataDir.isEmpty() ? QString() : QDir(o.dataDir).absolutePath(),
                 o.sequences.join(QLatin1Char(',')), o.method)
            .arg(o.patchSide)
            .arg(o.patchesPerFrame)
            .arg(o.maxFrames)
            .arg(o.seed)
            .arg(o.photosDir.isEmpty() ? QString() : QDir(o.photosDir).absolutePath())
            .arg(o.syntheticSequences)
            .arg(o.syntheticFrames)
            .arg(o.syntheticPatchesPerFrame)
            .toUtf8();
    if (packedIsCurrent(path, stamp))
        return path;
    ProgressBar bar(QStringLiteral("%1 patches (%2)").arg(name, o.method), quiet,
                    QStringLiteral("frames"));
    Feedback feedback(bar.callback());
    feedback.linkCancelFlag(&interruptFlag());
    auto report = packRefinerData(o, path, feedback);
    bar.finish();
    if (!report)
        return report.error();
    recordPacked(path, stamp);
    if (!quiet) {
        QStringList from = report->sequences;
        if (report->syntheticSequences > 0)
            from << QStringLiteral("%1 synthetic sequences").arg(report->syntheticSequences);
        QTextStream(stderr) << QStringLiteral("%1: %2 patches from %3 frames of %4\n")
                                   .arg(path)
                                   .arg(report->patches)
                                   .arg(report->frames)
                                   .arg(from.join(QStringLiteral(", ")));
    }
    return path;
}

} // namespace

int trainRefiner(const QStringList &args)
{
    QCommandLineParser parser;
    const TrainOptionSet common({"Output folder: patches, checkpoint, validation.csv, "
                                 "refiner.json + .safetensors.",
                                 "3000", "Channels of the hidden layers (default 16).", "16",
                                 "Convolutions (default 3).", "3"});
    const SequenceOptionSet sequenceOptions;
    const QCommandLineOption method = valueOption("method",
                                                  "Propagation method whose outputs are "
                                                  "refined (default bnn).",
                                                  "NAME", "bnn");
    const QCommandLineOption syntheticFrames = valueOption("synthetic-frames",
                                                           "Frames per synthetic "
                                                           "sequence (default 8).",
                                                           "N", "8");
    const QCommandLineOption patch =
        valueOption("patch", "Patch side in px (default 64).", "px", "64");
    const QCommandLineOption perFrame =
        valueOption("patches-per-frame", "Patches per frame (default 8).", "N", "8");
    const QCommandLineOption taps = valueOption("tap-spacing",
                                                "Pixels between the filter's taps "
                                                "(default 2).",
                                                "px", "2");
    const QCommandLineOption decay = valueOption("decay-from",
                                                 "Learning rate × 0.3 from this iteration "
                                                 "(default: two thirds of --iters).",
                                                 "K", "-1");
    parser.addOptions(sequenceOptions.options());
    parser.addOptions({method, syntheticFrames, patch, perFrame, taps, decay});
    parser.addOptions(common.options());
    if (int rc = parseArgs(parser, kCommand,
                           QStringLiteral("Train the refiner of the \"vpn\" propagation method "
                                          "(VPN's spatial CNN) on colour sequences. Ctrl-C "
                                          "writes a checkpoint; --resume continues exactly."),
                           args, 0, 0, QString());
        rc != kExitOk)
        return rc;
    TrainCommonValues c;
    IntOptions ints(parser);
    if (auto problem = common.read(parser, ints, c))
        return usageError(kCommand, *problem);
    ml::RefinerTrainOptions o;
    RefinerDataOptions d;
    QString usage;
    const Result<SequenceSources> split = sequenceOptions.read(parser, ints, usage);
    d.method = parser.value(method);
    d.patchSide = ints.read(patch, 16, 512);
    d.patchesPerFrame = ints.read(perFrame, 1, 1000);
    d.syntheticFrames = ints.read(syntheticFrames, 2, 1000);
    o.tapSpacing = ints.read(taps, 1, 16);
    o.decayFrom = ints.read(decay, -1, 100000000);
    if (!ints.ok())
        return usageError(kCommand,
                          QStringLiteral("a numeric option is out of range (see --help)"));
    if (!usage.isEmpty())
        return usageError(kCommand, usage);
    o.iterations = c.iterations;
    o.batch = c.batch;
    o.width = c.width;
    o.depth = c.depth;
    o.threads = c.threads;
    o.seed = c.seed;
    o.device = c.device;
    if (o.decayFrom < 0)
        o.decayFrom = o.iterations * 2 / 3;
    d.seed = o.seed;
    const bool silent = c.quiet;
    if (!propagationMethodNames().contains(d.method))
        return usageError(kCommand,
                          QStringLiteral("unknown method '%1' (known: %2)")
                              .arg(d.method, propagationMethodNames().join(QStringLiteral(", "))));
    if (!split)
        return reportError(split.error());
    d.dataDir = split->dataDir;
    d.photosDir = split->photosDir;
    d.syntheticSequences = split->syntheticSequences;
    RefinerDataOptions t = d; // the training set
    t.sequences = split->train;
    if (split->onlySyntheticTrain)
        t.dataDir.clear();
    const QStringList &valNames = split->val;

    if (auto ready = common.prepare(parser, c); !ready)
        return reportError(ready.error());
    o.resumePath = c.resumePath;
    const QString outDir = c.outDir;
    auto trainSet = packedPatches(t, outDir, QStringLiteral("train"), silent);
    if (!trainSet)
        return reportError(trainSet.error());
    o.datasetPath = QFile::encodeName(*trainSet).toStdString();
    if (!valNames.isEmpty()) {
        RefinerDataOptions v = d;
        v.sequences = valNames;
        v.syntheticSequences = 0;
        v.photosDir.clear();
        auto valSet = packedPatches(v, outDir, QStringLiteral("val"), silent);
        if (!valSet)
            return reportError(valSet.error());
        o.valPath = QFile::encodeName(*valSet).toStdString();
    }
    o.outDir = QFile::encodeName(outDir).toStdString();

    TrainingReport report(silent);
    QTextStream &err = report.out();
    const auto progress = [&](const ml::RefinerTrainProgress &p) {
        if (report.due(p.validated, p.iteration, p.total)) {
            err << QStringLiteral("iter %1/%2  loss %3  %4 s/it\n")
                       .arg(p.iteration)
                       .arg(p.total)
                       .arg(p.loss, 0, 'g', 4)
                       .arg(p.secondsPerIteration, 0, 'f', 3);
            if (p.validated && !o.valPath.empty())
                err << QStringLiteral("  validation: chroma PSNR %1 dB in, %2 dB refined\n")
                           .arg(p.valPsnrIn, 0, 'f', 3)
                           .arg(p.valPsnrOut, 0, 'f', 3);
            err.flush();
        }
        return !interruptFlag().load();
    };
    const ml::RefinerTrainOutcome outcome = ml::trainRefiner(o, progress, report.log());
    if (auto rc =
            report.ended(outcome.ok, outcome.cancelled, outcome.error, outcome.iterations, outDir))
        return *rc;

    ml::ModelManifest m;
    m.name = QStringLiteral("vpn-refiner");
    m.baseWidth = o.width;
    m.depth = o.depth;
    m.tapSpacing = o.tapSpacing;
    m.iterations = outcome.iterations;
    QStringList sources;
    if (!t.dataDir.isEmpty())
        sources << QStringLiteral("%1: %2").arg(
            t.dataDir, t.sequences.isEmpty() ? QStringLiteral("all sequences")
                                             : t.sequences.join(QStringLiteral(", ")));
    if (d.syntheticSequences > 0)
        sources << QStringLiteral("%1 synthetic sequences of %2 frames from the photographs in %3")
                       .arg(d.syntheticSequences)
                       .arg(d.syntheticFrames)
                       .arg(d.photosDir);
    m.trainedOn = QStringLiteral("%1 (outputs of %2, frame 0 as the keyframe)")
                      .arg(sources.join(QStringLiteral("; ")), d.method);
    m.training =
        QJsonObject{{QStringLiteral("method"), d.method},
                    {QStringLiteral("patch"), d.patchSide},
                    {QStringLiteral("patchesPerFrame"), d.patchesPerFrame},
                    {QStringLiteral("syntheticSequences"), d.syntheticSequences},
                    {QStringLiteral("syntheticFrames"), d.syntheticFrames},
                    {QStringLiteral("syntheticPatchesPerFrame"), d.syntheticPatchesPerFrame},
                    {QStringLiteral("batch"), o.batch},
                    {QStringLiteral("learningRate"), o.learningRate},
                    {QStringLiteral("decayFrom"), o.decayFrom},
                    {QStringLiteral("loss"), QStringLiteral("MSE on (Cb, Cr)/128")},
                    {QStringLiteral("seed"), double(o.seed)},
                    {QStringLiteral("validationSequences"), QJsonArray::fromStringList(valNames)}};
    if (outcome.last.validated && !o.valPath.empty())
        m.figures = QJsonObject{
            {QStringLiteral("validationChromaPsnrInDb"), outcome.last.valPsnrIn},
            {QStringLiteral("validationChromaPsnrOutDb"), outcome.last.valPsnrOut},
            {QStringLiteral("note"), QStringLiteral("the trainer's patches; see models/README.md "
                                                    "for eval propagation")}};
    return writeTrainedManifest(m, c, QStringLiteral("refiner"), kCommand, args, err);
}

} // namespace tincture::cli
