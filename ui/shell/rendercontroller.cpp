#include "shell/rendercontroller.h"

#include "foundation/outputguard.h"
#include "jobs/jobmanager.h"
#include "project/filmops.h"
#include "project/project.h"
#include "shell/documentcontroller.h"
#include "shell/keyframecontroller.h"

#include <QDir>
#include <QFileInfo>

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
    project::PropagateShotRequest request;
    request.mediaPath = m_project->mediaPath();
    request.first = s.first;
    request.last = s.last;
    request.method = m_project->parameters().propagationMethod;
    request.cache = m_document->cache();
    for (const project::KeyframeEntry &k : s.keyframes)
        if (k.accepted && m_keyframes->hasColour(k.frame))
            request.keyframes.push_back({k.frame, m_keyframes->keyframeColourPath(k.frame)});
    const int revision = s.revision;
    return m_jobs->submit<bool>(
        {QStringLiteral("shot %1").arg(s.first), QStringLiteral("propagate")},
        tr("Propagate shot %1 (frames %2–%3)").arg(shot + 1).arg(s.first).arg(s.last),
        [request](Feedback &fb) -> Result<bool> {
            Result<void> ok = project::propagateShot(request, fb);
            if (!ok)
                return ok.error();
            return true;
        },
        [this, s, revision](Result<bool> r) {
            if (!r) {
                if (!r.error().isCancelled())
                    emit statusMessage(tr("Propagation failed: %1").arg(r.error().message));
                emit framesChanged(s.first, s.last); // partly written frames show too
                return;
            }
            // The shot may have moved in the list meanwhile; find it by its extent.
            const int index = m_project->shotIndexAt(s.first);
            if (index >= 0 && m_project->shots()[index].first == s.first &&
                m_project->shots()[index].last == s.last)
                m_project->markPropagated(index, revision);
            emit statusMessage(tr("Propagated frames %1–%2").arg(s.first).arg(s.last));
            emit framesChanged(s.first, s.last);
        });
}

void RenderController::propagateAll()
{
    int started = 0;
    for (int i = 0; i < m_project->shots().size(); ++i)
        if (canPropagate(i) && !m_project->isShotPropagated(i) && propagate(i))
            ++started;
    emit statusMessage(started ? tr("Propagating %1 shots").arg(started)
                               : tr("No shot has an accepted keyframe that needs propagating"));
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
                         .arg(numbers.join(QStringLiteral(", ")),
                              spans.join(QStringLiteral(", ")));
    if (!staleNumbers.isEmpty())
        sentences << tr("%n shot(s) changed since they were propagated and would export their "
                        "old colour: %1.",
                        nullptr, int(staleNumbers.size()))
                         .arg(staleNumbers.join(QStringLiteral(", ")));
    return sentences.join(QLatin1Char(' '));
}

jobs::Job *RenderController::exportFilm(const ExportChoice &choice)
{
    if (!m_document->isFootageOpen() || choice.output.isEmpty())
        return nullptr;
    const Existing existing = choice.replaceExisting ? Existing::Replace : Existing::Refuse;
    if (Result<void> ok = checkOutput(choice.output, protectedPaths(), existing); !ok) {
        emit statusMessage(tr("Export refused: %1").arg(ok.error().message));
        return nullptr;
    }
    project::ExportRequest request;
    request.mediaPath = m_project->mediaPath();
    request.output = choice.output;
    request.codec = choice.codec;
    request.first = choice.first;
    request.last = choice.last;
    request.withAudio = choice.withAudio;
    request.cache = m_document->cache();
    request.existing = existing;
    request.protectedInputs = {m_project->filePath(), m_project->referencePath()};
    return m_jobs->submit<TranscodeReport>(
        {QStringLiteral("film"), QStringLiteral("export")},
        tr("Export %1").arg(QFileInfo(choice.output).fileName()),
        [request](Feedback &fb) { return project::exportFilm(request, fb); },
        [this, output = choice.output](Result<TranscodeReport> r) {
            if (!r) {
                if (!r.error().isCancelled())
                    emit statusMessage(tr("Export failed: %1").arg(r.error().message));
                return;
            }
            m_lastExport = output;
            emit statusMessage(tr("Exported %1 frames to %2").arg(r->frames).arg(output));
            emit exported(output);
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
            return project::measureFilm(media, first, last, cache, reference, fb);
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
