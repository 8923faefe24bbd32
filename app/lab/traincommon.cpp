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
