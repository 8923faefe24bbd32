#include "traincommon.h"

#include "ml/modelmanifest.h"

#include <QDateTime>
#include <QDir>
#include <QFile>

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
      m_depth(valueOption("depth", t.depthHelp, "D", t.depthDefault)),
      m_device(valueOption("device", "cpu or cuda (default cpu).", "DEV", "cpu")),
      m_threads(valueOption("threads", "CPU threads (default: all cores).", "n", "0")),
      m_resume(valueOption("resume", "Continue from a checkpoint.pt.", "CKPT", "")),
      m_seed(valueOption("seed", "Random seed (default 1).", "S", "1")),
      m_quiet(QStringLiteral("quiet"), QStringLiteral("No progress output.")),
      m_depthMin(t.depthMin), m_depthMax(t.depthMax)
{
}

QList<QCommandLineOption> TrainOptionSet::options() const
{
    return {m_out,    m_iters,   m_batch,  m_width, m_depth,
            m_device, m_threads, m_resume, m_seed,  m_quiet};
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
    v.depth = ints.read(m_depth, m_depthMin, m_depthMax);
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

} // namespace tincture::cli
