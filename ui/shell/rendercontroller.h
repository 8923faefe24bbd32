#pragma once
// RenderController: the film-level jobs, each a run of the pipeline's film engine — colouring
// the whole film in one action (a model keyframe for every shot that has no accepted one, then
// every shot propagated), propagating a shot (or all shots) from its accepted keyframes into
// the result cache (a per-frame shot: coloured frame by frame by a video colouriser), exporting the
// coloured film with its provenance, measuring the per-frame quality for the plots. Each is a job
// with progress and cancel; propagating a shot that is already running replaces the stale run. Each
// shot's provenance is recorded in the project as the shot finishes. GUI thread only.

#include "dialogs/exportdialog.h"
#include "metrics/videometrics.h"

#include <QJsonObject>
#include <QObject>
#include <QVector>

namespace tincture::jobs {
class Job;
class JobManager;
} // namespace tincture::jobs
namespace tincture::project {
class Project;
struct ShotEntry;
} // namespace tincture::project

namespace tincture::ui {

class DocumentController;
class KeyframeController;

class RenderController : public QObject
{
    Q_OBJECT
public:
    RenderController(project::Project *project, jobs::JobManager *jobs,
                     DocumentController *document, KeyframeController *keyframes, QObject *parent);

    // Whether the shot is coloured per frame (it needs no keyframe) or has an accepted keyframe
    // with a colour to propagate from.
    bool canPropagate(int shot) const;
    jobs::Job *propagate(int shot);
    void propagateAll();
    // Colours every shot that is not current: propagated shots without an accepted keyframe get
    // one at their middle frame (one undo step), which the keyframe model proposes in the job;
    // per-frame shots get none and go to a job of their own (the last job started is returned).
    jobs::Job *colouriseFilm();
    // Refuses (a status message, no job) an output that is a protected path, or that exists
    // unless output.existing is Replace.
    jobs::Job *exportFilm(const OutputSpec &output);
    // What an export must never replace: the footage, the project file, the reference clip and
    // the result cache.
    QStringList protectedPaths() const;
    // <footage>_colour.mp4 beside the footage, or the first free variant of it.
    QString proposedExportPath() const;
    // The shots overlapping [first, last] that have no current colour, as a sentence for the
    // user ("Shots 2 and 5 (frames 60–119, 240–299) are not coloured yet."); empty if none.
    QString uncolouredShots(FrameIndex first, FrameIndex last) const;
    jobs::Job *measure(FrameIndex first, FrameIndex last);
    QString lastExport() const { return m_lastExport; }

    // The shot's provenance as "method, keyframes …" for the status bar and tooltips; empty
    // when the shot has no current colour.
    QString provenanceSummary(int shot) const;

signals:
    void framesChanged(qint64 first, qint64 last);
    void exported(const QString &path);
    void measured(const std::vector<tincture::metrics::FrameMetrics> &frames);
    void statusMessage(const QString &message);

private:
    // The film engine's job over `shots` (their extents and revisions when submitted), with
    // each shot marked propagated, with its provenance, as it finishes. The shots are all
    // per-frame ("per-frame" with the project's video colouriser, no keyframe) or none is.
    jobs::Job *runEngine(QVector<project::ShotEntry> shots, const QString &key,
                         const QString &title);
    void shotFinished(const project::ShotEntry &shot, const QJsonObject &provenance);

    project::Project *m_project;
    jobs::JobManager *m_jobs;
    DocumentController *m_document;
    KeyframeController *m_keyframes;
    QString m_lastExport;
};

} // namespace tincture::ui
