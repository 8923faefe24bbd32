#include "traincommon.h"

#include "lab/dataset.h"
#include "lab/vpndata.h"
#include "ml/modelmanifest.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <algorithm>

namespace tincture::cli {

TrainOptionSet::TrainOptionSet(const Texts &t)
    : m_out(valueOption("out", t.outHelp, "DIR", "")),
      m_iters(valueOption("iters",
                          QStringLiteral("Total iterations (default %1).")
                              .arg(QLatin1String(t.itersDefault))
                              .toUtf8()
                              .constData(),
                          "N", t.itersDefault)),
      m_batch(valueOption("batch", "Batch size (default 16).", "B", "16")),
      m_width(valueOption("width", t.widthHelp, "C", t.widthDefault)),
      m_depth(valueOption("depth", t.depthHelp ? t.depthHelp : "", "D",
                          t.depthDefault ? t.depthDefault : "0")),
      m_device(valueOption("device", "cpu or cuda (default cpu).", "DEV", "cpu")),
      m_threads(valueOption("threads", "CPU threads (default: all cores).", "n", "0")),
      m_resume(valueOption("resume", "Continue from a checkpoint.pt.", "CKPT", "")),
      m_seed(valueOption("seed", "Random seed (default 1).", "S", "1")),
      m_quiet(QStringLiteral("quiet"), QStringLiteral("No progress output.")),
      m_hasDepth(t.depthHelp != nullptr), m_depthMin(t.depthMin), m_depthMax(t.depthMax)
{
}

QList<QCommandLineOption> TrainOptionSet::options() const
{
    QList<QCommandLineOption> list{m_out,     m_iters,  m_batch, m_width, m_device,
                                   m_threads, m_resume, m_seed,  m_quiet};
    if (m_hasDepth)
        list.insert(4, m_depth);
    return list;
}

std::optional<QString> TrainOptionSet::read(const QCommandLineParser &parser, IntOptions &ints,
                                            TrainCommonValues &v) const
{
    v.outDir = parser.value(m_out);
    if (v.outDir.isEmpty())
        return QStringLiteral("--out is required");
    v.iterations = ints.read(m_iters, 0, 100000000);
    v.batch = ints.read(m_batch, 1, 4096);
    v.width = ints.read(m_width, 1, 512);
    v.depth = m_hasDepth ? ints.read(m_depth, m_depthMin, m_depthMax) : 0;
    v.threads = ints.read(m_threads, 0, 1024);
    v.seed = uint64_t(ints.read(m_seed, 0, 2147483647));
    v.device = parser.value(m_device).toStdString();
    if (v.device != "cpu" && v.device != "cuda")
        return QStringLiteral("--device must be cpu or cuda");
    v.quiet = parser.isSet(m_quiet);
    return std::nullopt;
}

SequenceOptionSet::SequenceOptionSet()
    : m_data(valueOption("data",
                         "Folder of colour sequences (DIR/<sequence>/<frames>, as eval "
                         "propagation reads).",
                         "DIR", "")),
      m_sequences(valueOption("sequences",
                              "Train on these sequences only (comma-separated; default: all but "
                              "--val ones).",
                              "LIST", "")),
      m_val(valueOption("val", "Validate on these sequences (comma-separated; never trained on).",
                        "LIST", "")),
      m_photos(valueOption("photos",
                           "Folder of colour photographs for synthetic sequences (pans, zooms, "
                           "rotations and a moving disc of a second photograph).",
                           "DIR", "")),
      m_synthetic(valueOption("synthetic",
                              "Number of synthetic sequences (default 0; needs "
                              "--photos).",
                              "N", "0"))
{
}

QList<QCommandLineOption> SequenceOptionSet::options() const
{
    return {m_data, m_sequences, m_val, m_photos, m_synthetic};
}

Result<SequenceSources> SequenceOptionSet::read(const QCommandLineParser &parser, IntOptions &ints,
                                                QString &usage) const
{
    SequenceSources s;
    s.dataDir = parser.value(m_data);
    s.photosDir = parser.value(m_photos);
    s.syntheticSequences = ints.read(m_synthetic, 0, 1000000);
    s.val = commaList(parser.value(m_val));
    s.train = commaList(parser.value(m_sequences));
    if (s.dataDir.isEmpty() && s.photosDir.isEmpty()) {
        usage = QStringLiteral("give --data (sequences), --photos with --synthetic N, or both");
        return s;
    }
    if ((s.syntheticSequences > 0) != !s.photosDir.isEmpty()) {
        usage = QStringLiteral("--photos and --synthetic N go together");
        return s;
    }
    for (const QString &name : s.val)
        if (s.train.contains(name)) {
            usage = QStringLiteral("%1 is in both --sequences and --val").arg(name);
            return s;
        }
    if ((!s.val.isEmpty() || !s.train.isEmpty()) && s.dataDir.isEmpty()) {
        usage = QStringLiteral("--sequences and --val name sequences of --data");
        return s;
    }
    if (s.train.isEmpty() && !s.val.isEmpty()) { // all the others
        const QDir dir(s.dataDir);
        if (!dir.exists())
            return makeError(ErrorCode::FileNotFound,
                             QStringLiteral("%1: no such folder").arg(s.dataDir));
        for (const QString &name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
            if (!s.val.contains(name))
                s.train << name;
    }
    if (!s.val.isEmpty() && s.train.isEmpty()) { // every sequence validates
        if (s.syntheticSequences == 0) {
            usage = QStringLiteral("--val leaves no sequence to train on; add synthetic ones "
                                   "(--photos, --synthetic N)");
            return s;
        }
        s.onlySyntheticTrain = true;
    }
    return s;
}

Result<void> TrainOptionSet::prepare(const QCommandLineParser &parser, TrainCommonValues &v) const
{
    if (!QDir().mkpath(v.outDir))
        return makeError(ErrorCode::WriteFailed,
                         QStringLiteral("%1: cannot create the folder").arg(v.outDir));
    if (parser.isSet(m_resume)) {
        auto checkpoint = checkpointPath(parser.value(m_resume));
        if (!checkpoint)
            return checkpoint.error();
        v.resumePath = *checkpoint;
    }
    return {};
}

int writeTrainedManifest(ml::ModelManifest m, const TrainCommonValues &values, const QString &stem,
                         const QString &command, const QStringList &args, QTextStream &err)
{
    const QDir out(values.outDir);
    if (auto described =
            ml::describeWeights(m, out.filePath(stem + QStringLiteral(".safetensors")));
        !described)
        return reportError(described.error());
    m.date = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    m.training.insert(
        QStringLiteral("command"),
        QStringLiteral("tincture-lab %1 %2").arg(command, args.join(QLatin1Char(' '))));
    const QString path = out.filePath(stem + QStringLiteral(".json"));
    if (auto written = ml::writeManifest(path, m); !written)
        return reportError(written.error());
    if (!values.quiet)
        err << QStringLiteral("done: %1\n").arg(path);
    return kExitOk;
}

QString duration(double seconds)
{
    const qint64 s = qint64(std::max(0.0, seconds));
    return QStringLiteral("%1:%2:%3")
        .arg(s / 3600)
        .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(s % 60, 2, 10, QLatin1Char('0'));
}

// Packs FOLDER into OUT/NAME.tcds, leaving out the pictures on `exclude`, unless that file was
// already packed from the same folder, file list, side and exclusion list (a sidecar
// NAME.tcds.source records them; packing is deterministic). What was packed is listed in
// OUT/NAME.pictures.csv (file name, fingerprint).
Result<QString> packedPhotographs(const QString &folder, const QString &outDir, const QString &name,
                                  int side, const std::vector<lab::NamedFingerprint> &exclude,
                                  bool quiet)
{
    const QDir dir(folder);
    if (!dir.exists())
        return makeError(ErrorCode::FileNotFound, QStringLiteral("%1: no such folder").arg(folder));
    const QString path = QDir(outDir).filePath(name + QStringLiteral(".tcds"));
    const QString pictures = QDir(outDir).filePath(name + QStringLiteral(".pictures.csv"));
    QString excluded;
    for (const lab::NamedFingerprint &e : exclude)
        excluded += e.fingerprint.hex() + QLatin1Char(' ');
    const QByteArray stamp = QStringLiteral("%1\n%2\n%3\n%4\n")
                                 .arg(dir.absolutePath())
                                 .arg(side)
                                 .arg(dir.entryList(QDir::Files, QDir::Name).join(QLatin1Char('/')))
                                 .arg(excluded)
                                 .toUtf8();
    if (packedIsCurrent(path, stamp) && QFileInfo::exists(pictures))
        return path;
    ProgressBar bar(QStringLiteral("packing %1").arg(folder), quiet, QStringLiteral("images"));
    Feedback feedback(bar.callback());
    feedback.linkCancelFlag(&interruptFlag());
    auto report = lab::packDataset(folder, path, side, feedback, exclude);
    bar.finish();
    if (!report)
        return report.error();
    if (Result<void> ok = lab::writeFingerprintList(pictures, report->pictures); !ok)
        return ok.error();
    recordPacked(path, stamp);
    if (!quiet) {
        for (const QString &w : feedback.warnings())
            if (w.contains(QLatin1String("kept out of training")))
                QTextStream(stderr) << w << '\n';
        QTextStream(stderr) << QStringLiteral("%1: %2 images packed, %3 skipped (%4 kept out "
                                              "of training)\n")
                                   .arg(folder)
                                   .arg(report->packed)
                                   .arg(report->skipped)
                                   .arg(report->excluded);
    }
    return path;
}

Result<void> readKeepOut(const QStringList &extraLists, std::vector<lab::NamedFingerprint> &keepOut,
                         QStringList &listNames)
{
    const QString sources = findResource(QStringLiteral("samples/sources.csv"));
    if (sources.isEmpty())
        return makeError(
            ErrorCode::FileNotFound,
            QStringLiteral("cannot find resources/samples/sources.csv, the fingerprints of the "
                           "sample's photographs that training leaves out (run from a build "
                           "inside the source tree)"));
    for (const QString &list : QStringList{sources} + extraLists) {
        auto read = lab::readFingerprintList(list);
        if (!read)
            return read.error();
        keepOut.insert(keepOut.end(), read->begin(), read->end());
        listNames << QFileInfo(list).fileName();
    }
    return {};
}

// Packs OUT/NAME.tcvc unless it was already packed with the same inputs (a sidecar records
// them; packing is deterministic).
Result<QString> packedVpnClips(const lab::VpnClipOptions &o, const QString &outDir,
                               const QString &name, bool quiet)
{
    const QString path = QDir(outDir).filePath(name + QStringLiteral(".tcvc"));
    const QByteArray stamp =
        QStringLiteral("%1\n%2\n%3\n%4 %5 %6 %7 %8 %9\n%10 %11\n")
            .arg(o.dataDir.isEmpty() ? QString() : QDir(o.dataDir).absolutePath(),
                 o.sequences.join(QLatin1Char(',')), o.method)
            .arg(o.clipFrames)
            .arg(o.clipHeight)
            .arg(o.clipWidth)
            .arg(o.clipsPerSequence)
            .arg(o.windowsPerClip)
            .arg(o.seed)
            .arg(o.photosDir.isEmpty() ? QString() : QDir(o.photosDir).absolutePath())
            .arg(o.syntheticSequences)
            .toUtf8() +
        (o.realScale != 1.0 ? QByteArray::number(o.realScale, 'g', 17) + '\n' : QByteArray());
    if (packedIsCurrent(path, stamp))
        return path;
    ProgressBar bar(QStringLiteral("%1 clips (%2)").arg(name, o.method), quiet,
                    QStringLiteral("frames"));
    Feedback feedback(bar.callback());
    feedback.linkCancelFlag(&interruptFlag());
    auto report = lab::packVpnClips(o, path, feedback);
    bar.finish();
    if (!report)
        return report.error();
    recordPacked(path, stamp);
    if (!quiet) {
        QStringList from = report->sequences;
        if (report->syntheticSequences > 0)
            from << QStringLiteral("%1 synthetic sequences").arg(report->syntheticSequences);
        QTextStream(stderr) << QStringLiteral("%1: %2 clips from %3 frames of %4\n")
                                   .arg(path)
                                   .arg(report->clips)
                                   .arg(report->frames)
                                   .arg(from.join(QStringLiteral(", ")));
    }
    return path;
}

} // namespace tincture::cli
