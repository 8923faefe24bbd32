#pragma once
// KeyframeController: the keyframe workflow at the current frame. "Colourise keyframe" runs
// the keyframe model (loaded once, shared) as a job and makes the frame a keyframe; strokes
// drawn on the viewer become StrokeCommands (one per stroke, merged while drawing); after
// each stroke, and after undo or redo, the keyframe is re-solved as a job keyed by the
// keyframe, so the newest request replaces a stale solve (latest request wins) and the
// interface never waits. Solved colours go to the project's result cache. GUI thread only.

#include "foundation/rational.h"
#include "project/project.h"

#include <QHash>
#include <QImage>
#include <QObject>

#include <memory>

namespace tincture::jobs {
class JobManager;
}
namespace tincture::project {
class KeyframeSolver;
}

namespace tincture::ui {

class DocumentController;
class PaintPanel;
class ViewerWidget;

class KeyframeController : public QObject
{
    Q_OBJECT
public:
    KeyframeController(project::Project *project, jobs::JobManager *jobs,
                       DocumentController *document, ViewerWidget *viewer, PaintPanel *panel,
                       QObject *parent);
    ~KeyframeController() override;

    void setCurrentFrame(FrameIndex frame);
    void colourise(FrameIndex frame);
    void accept(FrameIndex frame, bool accepted);
    // The newest solved colour of a keyframe (null if none in memory).
    QImage liveResult(FrameIndex frame) const { return m_live.value(frame); }
    // The best colour on disk for a keyframe: the solved one, else the model's.
    QString keyframeColourPath(FrameIndex frame) const;
    bool hasColour(FrameIndex frame) const;
    int solvesFinished() const { return m_solves; }
    QString modelDescription() const;
    void clear(); // a new project: forget solvers and live results

signals:
    void resultChanged(qint64 frame);
    void stateChanged();
    void statusMessage(const QString &message);

private:
    struct Session; // the model, loaded once, shared by the jobs
    struct Solved
    {
        QImage image;
        std::shared_ptr<project::KeyframeSolver> solver;
    };
    void resolve(FrameIndex frame);
    // Keeps a keyframe's warm solver and its result, dropping another keyframe's (both
    // together) when kKeptSolvers are already kept.
    void keep(FrameIndex frame, const Solved &solved);
    void onStrokeStarted(QPointF point);
    void onStrokeMoved(QPointF point);
    void onStrokeFinished();
    void updateOverlay();

    project::Project *m_project;
    jobs::JobManager *m_jobs;
    DocumentController *m_document;
    ViewerWidget *m_viewer;
    PaintPanel *m_panel;
    std::shared_ptr<Session> m_session;
    QHash<FrameIndex, std::shared_ptr<project::KeyframeSolver>> m_solvers;
    QHash<FrameIndex, QImage> m_live;
    FrameIndex m_frame = -1;
    project::PaintStroke m_stroke; // the stroke being drawn
    bool m_drawing = false;
    quint64 m_nextSerial = 1;
    int m_solves = 0;
};

} // namespace tincture::ui
