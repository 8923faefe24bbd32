#include "shell/rendercontroller.h"

#include "foundation/outputguard.h"
#include "jobs/jobmanager.h"
#include "pipeline/filmengine.h"
#include "pipeline/filmops.h"
#include "project/commands.h"
#include "project/project.h"
#include "shell/documentcontroller.h"
#include "shell/keyframecontroller.h"

#include <QDir>
#include <QFileInfo>

using namespace tincture::propagation;

namespace tincture::ui {

RenderController::RenderController(project::Project *project, jobs::JobManager *jobs,
                                   DocumentController *document, KeyframeController *keyframes,
                                   QObject *parent)
    : QObject(parent), m_project(project), m_jobs(jobs), m_document(document),
      m_keyframes(keyframes)
{
}

bool RenderController::canPropagate(int shot) const
{
    if (shot < 0 || shot >= m_project->shots().size() || !m_document->isFootageOpen())
        return false;
    if (m_project->shots()[shot].perFrame)
        return true; // no keyframe needed
    for (const project::KeyframeEntry &k : m_project->shots()[shot].keyframes)
        if (k.accepted && m_keyframes->hasColour(k.frame))
            return true;
    return false;
}

jobs::Job *RenderController::propagate(int shot)
{
    if (!canPropagate(shot)) {
        emit statusMessage(tr("Shot %1 has no accepted keyframe to propagate from").arg(shot + 1));
        return nullptr;
    }
    const project::ShotEntry s = m_project->shots()[shot];
    return runEngine({s}, QStringLiteral("shot %1").arg(s.first),
                     (s.perFrame ? tr("Colour shot %1 per frame (frames %2–%3)")
                                 : tr("Propagate shot %1 (frames %2–%3)"))
                         .arg(shot + 1)
                         .arg(s.first)
                         .arg(s.last));
}

void RenderController::propagateAll()
{
    int started = 0;
    for (int i = 0; i < m_project->shots().size(); ++i)
        if (canPropagate(i) && !m_project->isShotPropagated(i) && propagate(i))
            ++started;
    emit statusMessage(started ? tr("Propagating %1 shots").arg(started)
                               : tr("No shot that needs propagating has an accepted keyframe or "
                                    "is coloured per frame"));
}

jobs::Job *RenderController::colouriseFilm()
{
    if (!m_document->isFootageOpen())
        return nullptr;
    QVector<int> todo;
    for (int i = 0; i < m_project->shots().size(); ++i)
        if (!m_project->isShotPropagated(i))
            todo << i;
    if (todo.isEmpty()) {
        emit statusMessage(tr("Every shot is coloured and current"));
        return nullptr;
    }
    m_project->undoStack()->beginMacro(tr("Colourise film"));
    for (int i : std::as_const(todo)) {
        if (canPropagate(i) || m_project->shots()[i].perFrame)
            continue;
        const project::ShotEntry &s = m_project->shots()[i];
        const FrameIndex middle = (s.first + s.last) / 2;
        if (!m_project->keyframe(middle))
            m_project->undoStack()->push(new project::AddKeyframeCommand(m_project, middle));
        m_project->undoStack()->push(
            new project::SetKeyframeAcceptedCommand(m_project, middle, true));
    }
    m_project->undoStack()->endMacro();
    // One film job per mode: the engine runs one method over a job's shots.
    QVector<project::ShotEntry> shots, perFrame;
    for (int i : std::as_const(todo))
        (m_project->shots()[i].perFrame ? perFrame : shots) << m_project->shots()[i];
    jobs::Job *job = nullptr;
    if (!perFrame.isEmpty())
        job = runEngine(perFrame, QStringLiteral("film per frame"),
                        tr("Colourise film per frame (%n shot(s))", nullptr, int(perFrame.size())));
    if (!shots.isEmpty())
        job = runEngine(shots, QStringLiteral("film"),
                        tr("Colourise film (%n shot(s))", nullptr, int(shots.size())));
    return job;
}

jobs::Job *RenderController::runEngine(QVector<project::ShotEntry> shots, const QString &key,
                                       const QString &title)
{
    // Per-frame shots (all of `shots` or none) need no keyframe.
    const bool perFrame = shots.front().perFrame;
    pipeline::FilmJob job;
    job.input = m_project->mediaPath();
    job.method = m_project->parameters().propagationMethod;
    // The project's colouriser when it is a video colouriser, for "per-frame".
    job.methodOptions = pipeline::perFrameMethodOptions(m_project->parameters().model);
    job.proposeMissing = false;
    job.workingHeight = m_project->parameters().workingHeight;
    const double lambda = m_project->parameters().priorWeight;
    for (const project::ShotEntry &s : shots) {
        Q_ASSERT(s.perFrame == perFrame);
        job.shots.push_back(Shot{s.first, s.last});
        if (perFrame)
            continue;
        for (const project::KeyframeEntry &k : s.keyframes) {
            if (!k.accepted)
                continue;
            pipeline::KeyframeSpec spec;
            spec.frame = k.frame;
            // An accepted keyframe without a colour yet is proposed by the model in the job.
            if (m_keyframes->hasColour(k.frame)) {
                spec.image = m_keyframes->keyframeColourPath(k.frame);
                spec.described = pipeline::KeyframeService::describeStudioKeyframe(
                    k.frame, k.strokes, lambda, m_document->cache());
            }
            job.keyframes.push_back(spec);
        }
    }
    job.first = shots.front().first;
    job.last = shots.back().last;
    const project::ResultCache cache = m_document->cache();
    std::shared_ptr<pipeline::KeyframeService> service = m_keyframes->service();
    // Each finished shot is recorded at once, on the GUI thread (a call queued to this object
    // is dropped if it is gone), so a cancel keeps the finished ones.
    job.shotFinished = [this, shots](const pipeline::ShotProvenance &p) {
        for (const project::ShotEntry &s : shots)
            if (s.first == p.first && s.last == p.last)
                QMetaObject::invokeMethod(
                    this, [this, s, json = p.toJson()] { shotFinished(s, json); },
                    Qt::QueuedConnection);
    };
    const FrameIndex first = job.first, last = job.last;
    return m_jobs->submit<pipeline::FilmReport>(
        {key, QStringLiteral("propagate")}, title,
        [job, cache, service, perFrame](Feedback &fb) {
            return perFrame ? pipeline::colorizePerFrameIntoCache(job, cache, *service, fb)
                            : pipeline::colorizeIntoCache(job, cache, *service, fb);
        },
        [this, first, last](Result<pipeline::FilmReport> r) {
            emit framesChanged(first, last); // partly written frames show too
            if (!r) {
                if (!r.error().isCancelled())
                    emit statusMessage(tr("Propagation failed: %1").arg(r.error().message));
                return;
            }
            for (FrameIndex f : r->modelKeyframes)
                m_keyframes->reloadColour(f);
            emit statusMessage(
                tr("Coloured frames %1–%2 (%n shot(s))", nullptr, int(r->shots.size()))
                    .arg(first)
                    .arg(last));
        });
}

void RenderController::shotFinished(const project::ShotEntry &shot, const QJsonObject &provenance)
{
    // The shot may have moved in the list meanwhile; find it by its extent.
    const int index = m_project->shotIndexAt(shot.first);
    if (index >= 0 && m_project->shots()[index].first == shot.first &&
        m_project->shots()[index].last == shot.last)
        m_project->markPropagated(index, shot.revision, provenance);
    emit framesChanged(shot.first, shot.last);
}

QString RenderController::provenanceSummary(int shot) const
{
    if (shot < 0 || shot >= m_project->shots().size() || !m_project->isShotPropagated(shot))
        return {};
    Result<pipeline::ShotProvenance> p =
        pipeline::ShotProvenance::fromJson(m_project->shots()[shot].provenance);
    if (!p)
        return {};
    if (p->method == QLatin1String("per-frame"))
        return tr("Coloured frame by frame by %1 (per-frame)")
            .arg(p->methodParameters.value(QStringLiteral("colorizer")).toString());
    QStringList keys;
    for (const pipeline::KeyframeProvenance &k : p->keyframes)
        keys << (k.model.name.isEmpty() || k.source == QLatin1String("image")
                     ? tr("%1 (%2)").arg(k.frame).arg(k.source)
                     : tr("%1 (%2, %3 %4…)")
                           .arg(k.frame)
                           .arg(k.source, k.model.name, k.model.sha256.left(12)));
    return tr("Coloured by %1 from keyframe(s) %2").arg(p->method, keys.join(QStringLiteral(", ")));
}

QStringList RenderController::protectedPaths() const
{
    return {m_project->mediaPath(), m_project->filePath(), m_project->referencePath(),
            m_document->cache().dir()};
}

QString RenderController::proposedExportPath() const
{
    const QFileInfo media(m_project->mediaPath());
    return freeOutputName(
        media.absoluteDir().filePath(media.completeBaseName() + QStringLiteral("_colour.mp4")));
}

QString RenderController::uncolouredShots(FrameIndex first, FrameIndex last) const
{
    QStringList numbers, spans, staleNumbers;
    const QVector<project::ShotEntry> &shots = m_project->shots();
    for (int i = 0; i < shots.size(); ++i) {
        if (shots[i].last < first || shots[i].first > last || m_project->isShotPropagated(i))
            continue;
        if (m_project->isShotStale(i)) {
            staleNumbers << QString::number(i + 1);
            continue;
        }
        numbers << QString::number(i + 1);
        spans << QStringLiteral("%1–%2").arg(shots[i].first).arg(shots[i].last);
    }
    QStringList sentences;
    if (!numbers.isEmpty())
        sentences << tr("%n shot(s) not coloured yet, so grey in the export: %1 (frames %2).",
                        nullptr, int(numbers.size()))
                         .arg(numbers.join(QStringLiteral(", ")), spans.join(QStringLiteral(", ")));
    if (!staleNumbers.isEmpty())
        sentences << tr("%n shot(s) changed since they were propagated and would export their "
                        "old colour: %1.",
                        nullptr, int(staleNumbers.size()))
                         .arg(staleNumbers.join(QStringLiteral(", ")));
    return sentences.join(QLatin1Char(' '));
}

jobs::Job *RenderController::exportFilm(const OutputSpec &output)
{
    if (!m_document->isFootageOpen() || output.path.isEmpty())
        return nullptr;
    if (Result<void> ok = checkFilmOutput(output, protectedPaths()); !ok) {
        emit statusMessage(tr("Export refused: %1").arg(ok.error().message));
        return nullptr;
    }
    pipeline::CacheExport request;
    request.mediaPath = m_project->mediaPath();
    request.output = output;
    request.cache = m_document->cache();
    request.protectedInputs = {m_project->filePath(), m_project->referencePath()};
    request.protectedInputs.removeAll(QString());
    // The provenance of the shots whose colour goes out.
    request.provenance.version = pipeline::tinctureVersion();
    const FrameIndex last = output.last < 0 ? m_project->frameCount() - 1 : output.last;
    for (int i = 0; i < m_project->shots().size(); ++i) {
        const project::ShotEntry &s = m_project->shots()[i];
        if (s.last < output.first || s.first > last || !m_project->isShotPropagated(i))
            continue;
        if (Result<pipeline::ShotProvenance> p = pipeline::ShotProvenance::fromJson(s.provenance))
            request.provenance.shots.push_back(*p);
    }
    return m_jobs->submit<TranscodeReport>(
        {QStringLiteral("film"), QStringLiteral("export")},
        tr("Export %1").arg(QFileInfo(output.path).fileName()),
        [request](Feedback &fb) { return pipeline::exportFromCache(request, fb); },
        [this, path = output.path](Result<TranscodeReport> r) {
            if (!r) {
                if (!r.error().isCancelled())
                    emit statusMessage(tr("Export failed: %1").arg(r.error().message));
                return;
            }
            m_lastExport = path;
            emit statusMessage(tr("Exported %1 frames to %2").arg(r->frames).arg(path));
            emit exported(path);
        });
}

jobs::Job *RenderController::measure(FrameIndex first, FrameIndex last)
{
    if (!m_document->isFootageOpen())
        return nullptr;
    const QString media = m_project->mediaPath();
    const QString reference = m_project->referencePath();
    const project::ResultCache cache = m_document->cache();
    return m_jobs->submit<std::vector<metrics::FrameMetrics>>(
        {QStringLiteral("film"), QStringLiteral("measure")},
        tr("Measure frames %1–%2").arg(first).arg(last),
        [=](Feedback &fb) {
            return pipeline::measureFilm(media, first, last, cache, reference, fb);
        },
        [this](Result<std::vector<metrics::FrameMetrics>> r) {
            if (!r) {
                if (!r.error().isCancelled())
                    emit statusMessage(tr("Measuring failed: %1").arg(r.error().message));
                return;
            }
            emit measured(*r);
        });
}

} // namespace tincture::ui
