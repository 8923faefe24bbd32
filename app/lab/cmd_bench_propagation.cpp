// bench propagation: frames/s of propagation methods carrying frame 0's colour through a shot,
// at 854×480 unless --size: the method(s) asked for (default: the default method) and the
// "flow" baseline (Farneback chain, PROTOCOLS §1) in the same run. Input: a synthetic moving
// textured colour sequence (its grey as the shot, its frame 0 as the keyframe), or the first
// sequence of a dev-set folder with --data. Frames are decoded into memory beforehand, so only
// the method is timed. The warm-up run also scores the output (chroma PSNR, §1) as a check that
// the timed method did its work.

#include "cmd_bench.h"

#include "foundation/feedback.h"
#include "metrics/imagemetrics.h"
#include "lab/scoringio.h"
#include "lab/evaluation.h"
#include "propagation/propagationmethod.h"

#include <QJsonArray>

using namespace tincture::propagation;
using namespace tincture::lab;

namespace tincture::cli {

namespace {

struct Shot : GreyFrameSource
{
    QString label;
    std::vector<Frame> colour, grey;
    int frameCount() const override { return int(grey.size()); }
    Result<Frame> greyFrame(int index) override { return grey[size_t(index)]; }
};

// Counts frames; in the warm-up it also scores them against the true colour.
struct BenchSink : FrameSink
{
    const Shot *shot = nullptr;
    bool score = false;
    int count = 0;
    double psnrSum = 0.0;
    Result<void> put(int index, const Frame &colour) override
    {
        ++count;
        if (score) {
            auto p = metrics::chromaPsnr(colour, shot->colour[size_t(index)]);
            if (!p)
                return p.error();
            psnrSum += *p;
        }
        return {};
    }
};

Result<Shot> syntheticShot(QSize size, int frames)
{
    Shot s;
    s.label = QStringLiteral("synthetic %1×%2").arg(size.width()).arg(size.height());
    for (int i = 0; i < frames; ++i) {
        s.colour.push_back(syntheticFrame(size.width(), size.height(), i));
        s.grey.push_back(protocolGrey(s.colour.back()));
    }
    return s;
}

Result<Shot> devShot(const QString &dir, int frames)
{
    Feedback feedback;
    auto sequences = listEvalSequences(dir, frames, feedback);
    if (!sequences)
        return sequences.error();
    const EvalSequence &seq = sequences->front();
    Shot s;
    for (const QString &path : seq.framePaths) {
        auto f = lab::readScoringImage(path);
        if (!f)
            return f.error();
        if (!s.colour.empty() &&
            (f->width() != s.colour[0].width() || f->height() != s.colour[0].height()))
            return makeError(
                ErrorCode::SizeMismatch,
                QStringLiteral("%1: frame size differs from the sequence's first").arg(path));
        s.colour.push_back(*f);
        s.grey.push_back(protocolGrey(*f));
    }
    if (s.colour.size() < 2)
        return makeError(
            ErrorCode::InvalidArgument,
            QStringLiteral("%1: sequence %2 has fewer than two frames").arg(dir, seq.name));
    s.label =
        QStringLiteral("%1 %2×%3").arg(seq.name).arg(s.colour[0].width()).arg(s.colour[0].height());
    return s;
}

struct MethodFigures
{
    std::vector<double> fps;
    double warmupPsnr = 0.0;
};

Result<MethodFigures> timeMethod(const QString &spec, Shot &shot, int runs)
{
    const QString name = spec.section(QLatin1Char('@'), 0, 0);
    PropagationMethodOptions options;
    options.tuning = methodTuning(spec).value_or(QJsonObject());
    MethodFigures m;
    const std::vector<Keyframe> keys = {Keyframe{0, shot.colour[0]}};
    for (int run = 0; run <= runs; ++run) {
        if (benchInterrupted())
            return Error::cancelled();
        auto method = createPropagationMethod(name, options);
        if (!method)
            return method.error();
        BenchSink sink;
        sink.shot = &shot;
        sink.score = run == 0;
        Feedback feedback;
        const BenchClock::time_point t0 = BenchClock::now();
        if (auto r = (*method)->propagate(shot, keys, sink, feedback); !r)
            return r.error();
        const double ms = msSince(t0);
        if (sink.count != shot.frameCount())
            return makeError(ErrorCode::Internal,
                             QStringLiteral("propagation method %1 put %2 of %3 frames")
                                 .arg(name)
                                 .arg(sink.count)
                                 .arg(shot.frameCount()));
        if (run == 0)
            m.warmupPsnr = sink.psnrSum / sink.count;
        else
            m.fps.push_back(1000.0 * shot.frameCount() / ms);
    }
    return m;
}

} // namespace

std::optional<QJsonObject> methodTuning(const QString &spec)
{
    QJsonObject tuning;
    const qsizetype at = spec.indexOf(QLatin1Char('@'));
    if (at < 0)
        return tuning;
    for (const QString &setting : spec.mid(at + 1).split(QLatin1Char('&'))) {
        const QStringList kv = setting.split(QLatin1Char('='));
        bool ok = false;
        const double value = kv.size() == 2 ? kv[1].toDouble(&ok) : 0.0;
        if (!ok || kv[0].isEmpty())
            return std::nullopt;
        tuning.insert(kv[0], value);
    }
    return tuning;
}

Result<QJsonObject> benchPropagation(const BenchOptions &options, QTextStream &out)
{
    QStringList methods = options.methods;
    if (methods.isEmpty())
        methods << defaultPropagationMethodName();
    if (!methods.contains(QStringLiteral("flow")))
        methods << QStringLiteral("flow"); // the baseline, always in the same run
    out << "propagation: frame 0's colour carried through the shot, frames in memory; "
           "methods: "
        << methods.join(QStringLiteral(", ")) << " (OpenCV threads: default)\n";

    std::vector<Result<Shot>> shots;
    if (!options.dataDir.isEmpty()) {
        shots.push_back(devShot(options.dataDir, options.frames));
    } else {
        QList<QSize> sizes = options.sizes;
        if (sizes.isEmpty())
            sizes = {QSize(854, 480)};
        for (const QSize &s : sizes)
            shots.push_back(syntheticShot(s, options.frames));
    }
    QJsonArray rows;
    QList<QStringList> table;
    for (Result<Shot> &shot : shots) {
        if (!shot)
            return shot.error();
        for (const QString &name : methods) {
            auto m = timeMethod(name, *shot, options.runs);
            if (!m)
                return m.error();
            const double fps = median(m->fps);
            rows.append(QJsonObject{{QStringLiteral("method"), name},
                                    {QStringLiteral("baseline"), name == QLatin1String("flow")},
                                    {QStringLiteral("input"), shot->label},
                                    {QStringLiteral("width"), shot->colour[0].width()},
                                    {QStringLiteral("height"), shot->colour[0].height()},
                                    {QStringLiteral("frames"), shot->frameCount()},
                                    {QStringLiteral("fps_median"), fps},
                                    {QStringLiteral("fps_min"), minimum(m->fps)},
                                    {QStringLiteral("ms_per_frame_median"), 1000.0 / fps},
                                    {QStringLiteral("warmup_mean_chroma_psnr"), m->warmupPsnr}});
            table << QStringList{name,
                                 shot->label,
                                 QString::number(shot->frameCount()),
                                 fixed(fps, 2),
                                 fixed(1000.0 / fps, 1),
                                 fixed(m->warmupPsnr, 2)};
        }
    }
    out << formatTable({QStringLiteral("method"), QStringLiteral("input"), QStringLiteral("frames"),
                        QStringLiteral("fps"), QStringLiteral("ms/frame"),
                        QStringLiteral("chroma PSNR dB")},
                       table);
    return QJsonObject{{QStringLiteral("target"), QStringLiteral("propagation")},
                       {QStringLiteral("opencv_threads"), QStringLiteral("default")},
                       {QStringLiteral("methods"), rows}};
}

} // namespace tincture::cli
