#pragma once
// KeyframeController: the keyframe workflow at the current frame, as jobs over the pipeline's
// KeyframeService. "Colourise keyframe" runs the project's colouriser (loaded once, shared; a
// new service when the project names another, so proposals made before keep their colour)
// and makes the frame a keyframe; strokes
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
namespace tincture::pipeline {
class KeyframeService;
class KeyframeSolver;
} // namespace tincture::pipeline

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
    // The keyframe model's session, shared with the film jobs (one model in memory).
    const std::shared_ptr<pipeline::KeyframeService> &service() const { return m_service; }
    // The colouriser the service proposes keyframes with: the project's, or "pix2pix" when the
    // project's is not installed here (said in a status message).
    QString colorizer() const { return m_colorizer; }
    void clear(); // a new project: forget solvers and live results
    // A keyframe's colour was written to the cache by another job (the film engine's model
    // keyframes): drop what is held for it and show the new one.
    void reloadColour(FrameIndex frame);

signals:
    void resultChanged(qint64 frame);
    void stateChanged();
    void statusMessage(const QString &message);

private:
    struct Solved
    {
        QImage image;
        std::shared_ptr<pipeline::KeyframeSolver> solver;
    };
    void resolve(FrameIndex frame);
    // Keeps a keyframe's solver warm (in the service) and its result, dropping another
    // keyframe's (both together) when the service makes room.
    void keep(FrameIndex frame, const Solved &solved);
    void onStrokeStarted(QPointF point);
    void onStrokeMoved(QPointF point);
    void onStrokeFinished();
    void updateOverlay();
    // A service for the project's colouriser unless the current one is for it already.
    void useProjectColorizer();

    project::Project *m_project;
    jobs::JobManager *m_jobs;
    DocumentController *m_document;
    ViewerWidget *m_viewer;
    PaintPanel *m_panel;
    std::shared_ptr<pipeline::KeyframeService> m_service;
    QString m_modelName; // the project's colouriser the service was made for
    QString m_colorizer; // the colouriser it loads
    QHash<FrameIndex, QImage> m_live;
    FrameIndex m_frame = -1;
    project::PaintStroke m_stroke; // the stroke being drawn
    bool m_drawing = false;
    quint64 m_nextSerial = 1;
    int m_solves = 0;
};

} // namespace tincture::ui
