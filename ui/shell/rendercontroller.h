#pragma once
// RenderController: the film-level jobs — propagating a shot (or all shots) from its accepted
// keyframes into the result cache, exporting the coloured film, measuring the per-frame
// quality for the plots. Each is a job with progress and cancel; propagating a shot that is
// already running replaces the stale run. GUI thread only.

#include "dialogs/exportdialog.h"
#include "metrics/videometrics.h"

#include <QObject>

namespace tincture::jobs {
class Job;
class JobManager;
} // namespace tincture::jobs
namespace tincture::project {
class Project;
}

namespace tincture::ui {

class DocumentController;
class KeyframeController;

class RenderController : public QObject
{
    Q_OBJECT
public:
    RenderController(project::Project *project, jobs::JobManager *jobs,
                     DocumentController *document, KeyframeController *keyframes, QObject *parent);

    // Whether the shot has an accepted keyframe with a colour to propagate from.
    bool canPropagate(int shot) const;
    jobs::Job *propagate(int shot);
    void propagateAll();
    jobs::Job *exportFilm(const ExportChoice &choice);
    jobs::Job *measure(FrameIndex first, FrameIndex last);
    QString lastExport() const { return m_lastExport; }

signals:
    void framesChanged(qint64 first, qint64 last);
    void exported(const QString &path);
    void measured(const std::vector<tincture::metrics::FrameMetrics> &frames);
    void statusMessage(const QString &message);

private:
    project::Project *m_project;
    jobs::JobManager *m_jobs;
    DocumentController *m_document;
    KeyframeController *m_keyframes;
    QString m_lastExport;
};

} // namespace tincture::ui
