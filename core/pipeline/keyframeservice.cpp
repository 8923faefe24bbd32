#include "pipeline/keyframeservice.h"

#include "colour/scribble.h"
#include "foundation/atomicoutput.h"
#include "media/imageio.h"
#include "ml/colorizer.h"
#include "pipeline/filmops.h"
#include "project/strokeraster.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>

#include <mutex>

namespace tincture::pipeline {

struct KeyframeService::Impl
{
    KeyframeModelOptions options;
    mutable std::mutex mutex;
    bool tried = false;
    std::shared_ptr<const ml::Colorizer> model;
    std::optional<Error> error;
    std::vector<std::pair<FrameIndex, std::shared_ptr<KeyframeSolver>>> warm; // oldest first
};

KeyframeService::KeyframeService(KeyframeModelOptions options) : d(std::make_unique<Impl>())
{
    d->options = std::move(options);
}

KeyframeService::~KeyframeService() = default;

Result<void> KeyframeService::ensureModel()
{
    std::lock_guard lock(d->mutex);
    if (!d->tried) {
        d->tried = true;
        ml::ColorizerOptions options;
        options.threads = d->options.threads;
        options.device = d->options.device;
        options.workingShortSide = d->options.workingShortSide;
        auto loaded = ml::Colorizer::load(
            d->options.path.isEmpty() ? ml::Colorizer::defaultModelPath() : d->options.path,
            options);
        if (loaded)
            d->model = *loaded;
        else
            d->error = loaded.error();
    }
    if (d->error)
        return *d->error;
    return {};
}

QString KeyframeService::modelDescription() const
{
    std::lock_guard lock(d->mutex);
    if (d->error)
        return d->error->message;
    if (!d->model)
        return {};
    const ml::ColorizerInfo &info = d->model->info();
    return QStringLiteral("%1 (%2 iterations%3)")
        .arg(info.name)
        .arg(info.iterations)
        .arg(info.gpu ? QStringLiteral(", GPU") : QString());
}

ModelIdentity KeyframeService::modelIdentity() const
{
    std::lock_guard lock(d->mutex);
    if (!d->model)
        return {};
    return ModelIdentity{d->model->info().name, d->model->info().sha256};
}

Result<Frame> KeyframeService::propose(const Frame &frame)
{
    if (Result<void> ok = ensureModel(); !ok)
        return ok.error();
    return d->model->colorize(frame);
}

Result<Frame> KeyframeService::solveHints(const Frame &frame, const Frame &hints,
                                          double priorWeight, int threads, Feedback &feedback)
{
    const Frame grey = frame.luma();
    Result<Frame> prior = propose(grey);
    if (!prior)
        return prior.error();
    colour::ScribbleInput input{grey, hints, *prior, Frame()};
    colour::ScribbleParams params;
    params.priorWeight = priorWeight;
    params.threads = threads;
    return colour::colouriseScribbles(input, params, feedback);
}

Result<PaintedKeyframe> KeyframeService::colourise(const QString &mediaPath, FrameIndex frame,
                                                   const QVector<project::PaintStroke> &strokes,
                                                   double priorWeight, int workingHeight,
                                                   const project::ResultCache &cache,
                                                   Feedback &feedback)
{
    Result<Frame> source = readFrame(mediaPath, frame);
    if (!source)
        return source.error();
    const Frame grey = source->luma();
    Frame prior;
    if (Result<Frame> proposed = propose(*source))
        prior = *proposed;
    else
        feedback.warn(QStringLiteral("%1; the keyframe starts grey").arg(proposed.error().message));
    if (prior.isNull())
        prior = grey.converted(PixelFormat::Rgb8);
    feedback.reportProgress(1, 2);
    if (feedback.isCancelled())
        return Error::cancelled();
    cache.ensureExists();
    if (Result<void> ok = writeImage(cache.keyframeModelPath(frame), prior, Existing::Replace); !ok)
        return ok.error();
    if (Result<void> ok = recordPriorModel(cache, frame, modelIdentity()); !ok)
        return ok.error();
    auto solver = std::make_shared<KeyframeSolver>(grey, prior, priorWeight, workingHeight);
    Result<Frame> solved =
        solver->solve(project::rasteriseStrokes(strokes, grey.width(), grey.height()), feedback);
    if (!solved)
        return solved.error();
    if (Result<void> ok = writeImage(cache.keyframeResultPath(frame), *solved, Existing::Replace);
        !ok)
        return ok.error();
    feedback.reportProgress(2, 2);
    return PaintedKeyframe{std::move(solved).value(), solver};
}

Result<PaintedKeyframe> KeyframeService::repaint(const QString &mediaPath, FrameIndex frame,
                                                 const QVector<project::PaintStroke> &strokes,
                                                 std::shared_ptr<KeyframeSolver> solver,
                                                 double priorWeight, int workingHeight,
                                                 const project::ResultCache &cache,
                                                 Feedback &feedback)
{
    if (!solver) {
        Result<Frame> source = readFrame(mediaPath, frame);
        if (!source)
            return source.error();
        Frame prior;
        if (QFile::exists(cache.keyframeModelPath(frame)))
            if (Result<Frame> p = readImage(cache.keyframeModelPath(frame)))
                prior = *p;
        solver = std::make_shared<KeyframeSolver>(*source, prior, priorWeight, workingHeight);
    }
    Result<Frame> solved = solver->solve(
        project::rasteriseStrokes(strokes, solver->width(), solver->height()), feedback);
    if (!solved)
        return solved.error();
    cache.ensureExists();
    if (Result<void> ok = writeImage(cache.keyframeResultPath(frame), *solved, Existing::Replace);
        !ok)
        return ok.error();
    return PaintedKeyframe{std::move(solved).value(), solver};
}

std::shared_ptr<KeyframeSolver> KeyframeService::warmSolver(FrameIndex frame) const
{
    std::lock_guard lock(d->mutex);
    for (const auto &[f, solver] : d->warm)
        if (f == frame)
            return solver;
    return {};
}

FrameIndex KeyframeService::keepWarm(FrameIndex frame, std::shared_ptr<KeyframeSolver> solver)
{
    std::lock_guard lock(d->mutex);
    std::erase_if(d->warm, [frame](const auto &w) { return w.first == frame; });
    FrameIndex dropped = -1;
    if (int(d->warm.size()) >= kWarmSolvers) {
        dropped = d->warm.front().first;
        d->warm.erase(d->warm.begin());
    }
    d->warm.emplace_back(frame, std::move(solver));
    return dropped;
}

void KeyframeService::dropWarm(FrameIndex frame)
{
    std::lock_guard lock(d->mutex);
    std::erase_if(d->warm, [frame](const auto &w) { return w.first == frame; });
}

void KeyframeService::dropAllWarm()
{
    std::lock_guard lock(d->mutex);
    d->warm.clear();
}

QString KeyframeService::strokesSha256(const QVector<project::PaintStroke> &strokes)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const project::PaintStroke &s : strokes) {
        QByteArray line = project::brushToolName(s.tool).toLatin1();
        line += ' ' + QByteArray::number(s.colour, 16) + ' ' +
                QByteArray::number(s.radius, 'g', 17) + ' ' +
                QByteArray::number(s.hardness, 'g', 17);
        for (const QPointF &p : s.points)
            line +=
                ' ' + QByteArray::number(p.x(), 'g', 17) + ',' + QByteArray::number(p.y(), 'g', 17);
        hash.addData(line + '\n');
    }
    return QString::fromLatin1(hash.result().toHex());
}

Result<void> KeyframeService::recordPriorModel(const project::ResultCache &cache, FrameIndex frame,
                                               const ModelIdentity &model)
{
    const QJsonObject json = model.name.isEmpty()
                                 ? QJsonObject{}
                                 : QJsonObject{{QStringLiteral("name"), model.name},
                                               {QStringLiteral("sha256"), model.sha256}};
    return writeFileAtomically(cache.keyframeModelInfoPath(frame),
                               QJsonDocument(json).toJson(QJsonDocument::Compact),
                               Existing::Replace);
}

KeyframeProvenance
KeyframeService::describeStudioKeyframe(FrameIndex frame,
                                        const QVector<project::PaintStroke> &strokes,
                                        double priorWeight, const project::ResultCache &cache)
{
    KeyframeProvenance k;
    k.frame = frame;
    QFile info(cache.keyframeModelInfoPath(frame));
    const bool recorded = info.open(QIODevice::ReadOnly);
    if (recorded) {
        const QJsonObject o = QJsonDocument::fromJson(info.readAll()).object();
        k.model = ModelIdentity{o.value(QStringLiteral("name")).toString(),
                                o.value(QStringLiteral("sha256")).toString()};
    }
    if (!strokes.isEmpty()) {
        k.source = QStringLiteral("strokes");
        k.strokesSha256 = strokesSha256(strokes);
        k.priorWeight = priorWeight;
    } else if (!recorded) {
        k.source = QStringLiteral("unrecorded");
    } else {
        k.source = k.model.name.isEmpty() ? QStringLiteral("grey") : QStringLiteral("model");
    }
    return k;
}

} // namespace tincture::pipeline
