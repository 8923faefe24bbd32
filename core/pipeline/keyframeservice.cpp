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
        options.flipAverage = d->options.flipAverage;
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

bool KeyframeService::modelTakesHints()
{
    return ensureModel() && d->model->takesHints();
}

Result<Frame> KeyframeService::proposeGuided(const Frame &frame, const Frame &hints)
{
    if (Result<void> ok = ensureModel(); !ok)
        return ok.error();
    return d->model->takesHints() ? d->model->colorize(frame, hints) : d->model->colorize(frame);
}

Frame KeyframeService::networkHints(const project::StrokeMasks &masks, const Frame &proposal)
{
    const int w = masks.hints.width(), h = masks.hints.height();
    Frame out(w, h, PixelFormat::Rgba8);
    const Frame keepColour = masks.keepPixels > 0 && proposal.width() == w && proposal.height() == h
                                 ? proposal.converted(PixelFormat::Rgb8)
                                 : Frame();
    for (int y = 0; y < h; ++y) {
        const uint8_t *painted = masks.hints.constRow(y);
        const uint8_t *keep = keepColour.isNull() ? nullptr : masks.keep.constRow(y);
        uint8_t *o = out.row(y);
        for (int x = 0; x < w; ++x, painted += 4, o += 4) {
            if (painted[3] != 0) {
                std::copy(painted, painted + 3, o);
                o[3] = 255;
            } else if (keep && keep[x] != 0) {
                std::copy(keepColour.constRow(y) + 3 * x, keepColour.constRow(y) + 3 * x + 3, o);
                o[3] = 255;
            }
        }
    }
    return out;
}

Result<Frame> KeyframeService::solveHints(const Frame &frame, const Frame &hints,
                                          double priorWeight, int threads, Feedback &feedback)
{
    const Frame grey = frame.luma();
    Result<Frame> prior = proposeGuided(grey, hints);
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
    const project::StrokeMasks masks =
        project::rasteriseStrokes(strokes, grey.width(), grey.height());
    if ((masks.hintPixels > 0 || masks.keepPixels > 0) && modelTakesHints()) {
        Result<Frame> guided = proposeGuided(grey, networkHints(masks, prior));
        if (!guided)
            return guided.error();
        solver->setPrior(*guided);
    }
    Result<Frame> solved = solver->solve(masks, feedback);
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
    const bool guide = modelTakesHints();
    Frame prior; // the automatic proposal
    if ((!solver || guide) && QFile::exists(cache.keyframeModelPath(frame)))
        if (Result<Frame> p = readImage(cache.keyframeModelPath(frame)))
            prior = *p;
    if (!solver) {
        Result<Frame> source = readFrame(mediaPath, frame);
        if (!source)
            return source.error();
        solver = std::make_shared<KeyframeSolver>(*source, prior, priorWeight, workingHeight);
    }
    const project::StrokeMasks masks =
        project::rasteriseStrokes(strokes, solver->width(), solver->height());
    if (!prior.isNull() && guide) {
        // The model again, guided by every stroke so far (none: its automatic proposal).
        Result<Frame> guided = masks.hintPixels > 0 || masks.keepPixels > 0
                                   ? proposeGuided(solver->grey(), networkHints(masks, prior))
                                   : Result<Frame>(prior);
        if (!guided)
            return guided.error();
        solver->setPrior(*guided);
    }
    if (feedback.isCancelled())
        return Error::cancelled();
    Result<Frame> solved = solver->solve(masks, feedback);
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
