#pragma once
// MainWindow: the studio's shell. It lays out the viewer, transport bar and timeline with the
// docks (keyframe and paint tools, jobs, plots, project bin), builds the menus and shortcuts,
// drives playback, and routes the current frame to the viewer (source, result, reference
// fetched off the GUI thread, latest request wins). The work is done by its controllers:
// DocumentController (open/save/autosave/recovery), KeyframeController (model, repaint,
// accept) and RenderController (propagate, export, measure). GUI thread only.

#include "foundation/rational.h"
#include "shell/shotlist.h"

#include <QMainWindow>
#include <QTimer>

class QLabel;
class QDockWidget;

namespace tincture::jobs {
class JobManager;
}
namespace tincture::project {
class Project;
}

namespace tincture::ui {

class DocumentController;
class FrameFetcher;
class JobsPanel;
class KeyframeController;
class PaintPanel;
class PlotsPanel;
class ProjectBin;

class RenderController;
class ResultLoader;
class TimelineWidget;
class TransportBar;
class ViewerWidget;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Footage (a film or an image folder) or a project (.tincture).
    void openFile(const QString &path);
    QString currentFile() const; // the project file, or the footage of an unsaved project
    qint64 displayedFrame() const { return m_displayed; }
    qint64 currentFrame() const { return m_requested; }
    qint64 frameCount() const;
    bool isPlaying() const { return m_playTimer.isActive(); }
    int playDirection() const { return m_playDirection; }

    ViewerWidget *viewer() const { return m_viewer; }
    TimelineWidget *timeline() const { return m_timeline; }
    PaintPanel *paintPanel() const { return m_paint; }
    PlotsPanel *plotsPanel() const { return m_plots; }
    JobsPanel *jobsPanel() const { return m_jobsPanel; }
    ProjectBin *projectBin() const { return m_bin; }
    ShotList *shotList() const { return m_shotList; }
    jobs::JobManager *jobManager() const { return m_jobs; }
    project::Project *project() const { return m_project; }
    DocumentController *document() const { return m_document; }
    KeyframeController *keyframes() const { return m_keyframes; }
    RenderController *render() const { return m_render; }
    FrameFetcher *referenceFetcher() const { return m_referenceFetcher; }
    QPair<qint64, qint64> inOut() const { return {m_in, m_out}; }

public slots:
    void seek(qint64 frame);
    void togglePlay();
    void play(int direction); // J/L: backwards or forwards, pressing again speeds up
    void stop();
    void stepFrames(qint64 delta);
    void refreshResult();   // the current frame's colour changed (solve, propagation)
    void refreshShots();    // shots, keyframes or their state changed
    void refreshShotList(); // the Shots dock: each shot's keyframe thumbnail, state, keyframes
    ShotList::Row shotRow(int shot) const;

signals:
    void fileOpened(const QString &path);
    void frameDisplayed(qint64 index);
    void resultDisplayed(qint64 index);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void buildDocks();
    void buildMenus();
    void connectSignals();
    void onFootageOpened();
    void updateTitle();
    void updateKeyframePanel();
    QDockWidget *addDock(QWidget *widget, const QString &title, const QString &name,
                         Qt::DockWidgetArea area);

    project::Project *m_project;
    jobs::JobManager *m_jobs;
    FrameFetcher *m_fetcher;
    FrameFetcher *m_referenceFetcher;
    ResultLoader *m_results;
    ViewerWidget *m_viewer;
    TransportBar *m_transport;
    TimelineWidget *m_timeline;
    PaintPanel *m_paint;
    PlotsPanel *m_plots;
    JobsPanel *m_jobsPanel;
    ProjectBin *m_bin;
    ShotList *m_shotList;
    DocumentController *m_document;
    KeyframeController *m_keyframes;
    RenderController *m_render;
    QLabel *m_infoLabel;
    QMenu *m_recentMenu = nullptr;
    qint64 m_requested = -1;
    qint64 m_displayed = -1;
    qint64 m_in = -1;
    qint64 m_out = -1;
    QTimer m_playTimer;
    int m_playDirection = 1;
    int m_playSpeed = 1;
};

} // namespace tincture::ui
