// MainWindow's menus and keyboard shortcuts (split from mainwindow.cpp to keep it small).

#include "shell/mainwindow.h"

#include "dialogs/exportdialog.h"
#include "paint/paintpanel.h"
#include "project/commands.h"
#include "project/project.h"
#include "shell/documentcontroller.h"
#include "shell/keyframecontroller.h"
#include "shell/rendercontroller.h"
#include "timeline/timelinewidget.h"
#include "viewer/viewerwidget.h"

#include <QActionGroup>
#include <QDockWidget>
#include <QFileInfo>
#include <QMenuBar>

namespace tincture::ui {

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open Footage or Project…"), m_document, &DocumentController::chooseAndOpen)
        ->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    auto updateRecent = [this] {
        m_recentMenu->clear();
        const QStringList recent = DocumentController::recentFiles();
        for (const QString &path : recent)
            m_recentMenu
                ->addAction(QFileInfo(path).fileName(), this, [this, path] { openFile(path); })
                ->setToolTip(path);
        m_recentMenu->setEnabled(!recent.isEmpty());
    };
    updateRecent();
    connect(m_document, &DocumentController::recentChanged, this, updateRecent);
    file->addAction(tr("&Save Project"), m_document, &DocumentController::save)
        ->setShortcut(QKeySequence::Save);
    file->addAction(tr("Save Project &As…"), m_document, [this] { m_document->saveAs(); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    file->addSeparator();
    file->addAction(tr("Load &Reference Clip…"), m_document, &DocumentController::chooseReference);
    file->addAction(tr("&Export…"), this,
                    [this] {
                        const int shot = m_project->shotIndexAt(std::max<qint64>(0, m_requested));
                        const QPair<qint64, qint64> span =
                            shot >= 0 ? QPair<qint64, qint64>(m_project->shots()[shot].first,
                                                              m_project->shots()[shot].last)
                                      : QPair<qint64, qint64>(0, frameCount() - 1);
                        ExportDialog dialog(frameCount(), span, {m_in, m_out},
                                            m_render->proposedExportPath(), this);
                        dialog.setProtectedPaths(m_render->protectedPaths());
                        dialog.setUncolouredCheck([this](FrameIndex first, FrameIndex last) {
                            return m_render->uncolouredShots(first, last);
                        });
                        if (dialog.exec() == QDialog::Accepted)
                            m_render->exportFilm(dialog.choice());
                    })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addSeparator();
    file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_project->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Z));
    QAction *redo = m_project->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    edit->addAction(tr("&Split Shot at Playhead"), this,
                    [this] {
                        m_project->undoStack()->push(
                            new project::SplitShotCommand(m_project, m_requested));
                    })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    edit->addAction(tr("&Merge with Next Shot"), this, [this] {
        const int shot = m_project->shotIndexAt(m_requested);
        if (shot >= 0)
            m_project->undoStack()->push(new project::MergeShotsCommand(m_project, shot));
    });
    edit->addAction(tr("Add or Remove &Keyframe"), this,
                    [this] {
                        if (m_project->keyframe(m_requested))
                            m_project->undoStack()->push(
                                new project::RemoveKeyframeCommand(m_project, m_requested));
                        else
                            m_project->undoStack()->push(
                                new project::AddKeyframeCommand(m_project, m_requested));
                    })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));

    QMenu *colour = menuBar()->addMenu(tr("&Colour"));
    colour
        ->addAction(tr("&Colourise Keyframe"), this,
                    [this] { m_keyframes->colourise(m_requested); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    colour
        ->addAction(tr("&Accept Keyframe"), this,
                    [this] { m_keyframes->accept(m_requested, true); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    colour
        ->addAction(tr("&Propagate Shot"), this,
                    [this] { m_render->propagate(m_project->shotIndexAt(m_requested)); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    colour->addAction(tr("Propagate &All Shots"), m_render, &RenderController::propagateAll);
    QAction *film =
        colour->addAction(tr("Colourise &Film"), m_render, [this] { m_render->colouriseFilm(); });
    film->setObjectName(QStringLiteral("colouriseFilmAction"));
    film->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    film->setStatusTip(tr("Propose a keyframe for every shot that has none and propagate every "
                          "shot that is not current, in one job"));
    colour->addSeparator();
    auto *tools = new QActionGroup(this);
    const struct
    {
        PaintPanel::Tool tool;
        QString text;
        Qt::Key key;
    } toolList[] = {{PaintPanel::Tool::Pan, tr("Pan"), Qt::Key_V},
                    {PaintPanel::Tool::Brush, tr("Brush"), Qt::Key_B},
                    {PaintPanel::Tool::Eraser, tr("Eraser"), Qt::Key_E},
                    {PaintPanel::Tool::KeepModel, tr("Keep Model Colour"), Qt::Key_M},
                    {PaintPanel::Tool::Eyedropper, tr("Pick Colour"), Qt::Key_C}};
    for (const auto &t : toolList) {
        QAction *a =
            colour->addAction(t.text, this, [this, tool = t.tool] { m_paint->setTool(tool); });
        a->setShortcut(t.key);
        tools->addAction(a);
    }

    QMenu *view = menuBar()->addMenu(tr("&View"));
    auto *modes = new QActionGroup(this);
    const struct
    {
        ViewerWidget::Mode mode;
        QString text;
        Qt::Key key;
    } modeList[] = {{ViewerWidget::Mode::Source, tr("&Greyscale Source"), Qt::Key_1},
                    {ViewerWidget::Mode::Result, tr("Colour &Result"), Qt::Key_2},
                    {ViewerWidget::Mode::Split, tr("&Split Wipe"), Qt::Key_3},
                    {ViewerWidget::Mode::SideBySide, tr("Side &by Side"), Qt::Key_4},
                    {ViewerWidget::Mode::AB, tr("&A/B against Reference"), Qt::Key_5}};
    for (const auto &m : modeList) {
        QAction *a =
            view->addAction(m.text, this, [this, mode = m.mode] { m_viewer->setMode(mode); });
        a->setShortcut(m.key);
        a->setCheckable(true);
        modes->addAction(a);
        connect(m_viewer, &ViewerWidget::modeChanged, a,
                [a, mode = m.mode](ViewerWidget::Mode now) { a->setChecked(now == mode); });
    }
    QAction *confidence = view->addAction(tr("Show &Confidence"), m_viewer,
                                          [this](bool on) { m_viewer->setShowConfidence(on); });
    confidence->setObjectName(QStringLiteral("showConfidenceAction"));
    confidence->setCheckable(true);
    confidence->setShortcut(Qt::SHIFT | Qt::Key_C);
    confidence->setToolTip(tr("Tint the result magenta where the propagation is unsure of its "
                              "colour: where a keyframe would help"));
    view->addSeparator();
    view->addAction(tr("&Fit to Window"), m_viewer, &ViewerWidget::fitToWindow)
        ->setShortcut(Qt::Key_F);
    view->addAction(tr("Actual &Pixels (1:1)"), m_viewer, [this] { m_viewer->setZoom(1.0); })
        ->setShortcut(Qt::CTRL | Qt::Key_1);
    view->addAction(tr("Zoom &In"), m_viewer, &ViewerWidget::zoomIn)
        ->setShortcut(QKeySequence::ZoomIn);
    view->addAction(tr("Zoom &Out"), m_viewer, &ViewerWidget::zoomOut)
        ->setShortcut(QKeySequence::ZoomOut);
    view->addAction(tr("Zoom Timeline In"), this,
                    [this] { m_timeline->setPixelsPerFrame(m_timeline->pixelsPerFrame() * 1.5); })
        ->setShortcut(Qt::Key_Equal);
    view->addAction(tr("Zoom Timeline Out"), this,
                    [this] { m_timeline->setPixelsPerFrame(m_timeline->pixelsPerFrame() / 1.5); })
        ->setShortcut(Qt::Key_Minus);
    view->addSeparator();
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        view->addAction(dock->toggleViewAction());

    QMenu *playback = menuBar()->addMenu(tr("&Playback"));
    QList<QAction *> transport;
    transport << playback->addAction(tr("&Play / Pause"), this, &MainWindow::togglePlay);
    transport.back()->setShortcut(Qt::Key_Space);
    transport << playback->addAction(tr("Play &Backwards (J)"), this, [this] { play(-1); });
    transport.back()->setShortcut(Qt::Key_J);
    transport << playback->addAction(tr("&Stop (K)"), this, &MainWindow::stop);
    transport.back()->setShortcut(Qt::Key_K);
    transport << playback->addAction(tr("Play &Forwards (L)"), this, [this] { play(1); });
    transport.back()->setShortcut(Qt::Key_L);
    transport << playback->addAction(tr("&Next Frame"), this, [this] { stepFrames(1); });
    transport.back()->setShortcut(Qt::Key_Right);
    transport << playback->addAction(tr("P&revious Frame"), this, [this] { stepFrames(-1); });
    transport.back()->setShortcut(Qt::Key_Left);
    transport << playback->addAction(tr("Next S&hot"), this, [this] {
        const int s = m_project->shotIndexAt(m_requested);
        if (s >= 0 && s + 1 < m_project->shots().size())
            seek(m_project->shots()[s + 1].first);
    });
    transport.back()->setShortcut(Qt::Key_Down);
    transport << playback->addAction(tr("Previous Sh&ot"), this, [this] {
        const int s = m_project->shotIndexAt(m_requested);
        if (s >= 0)
            seek(m_requested > m_project->shots()[s].first || s == 0
                     ? m_project->shots()[s].first
                     : m_project->shots()[s - 1].first);
    });
    transport.back()->setShortcut(Qt::Key_Up);
    transport << playback->addAction(tr("Go to &Start"), this, [this] { seek(0); });
    transport.back()->setShortcut(Qt::Key_Home);
    transport << playback->addAction(tr("Go to &End"), this, [this] { seek(frameCount() - 1); });
    transport.back()->setShortcut(Qt::Key_End);
    playback->addSeparator();
    transport << playback->addAction(tr("Set &In Point"), this, [this] {
        m_in = m_requested;
        m_timeline->setInOut(m_in, m_out);
    });
    transport.back()->setShortcut(Qt::Key_I);
    transport << playback->addAction(tr("Set &Out Point"), this, [this] {
        m_out = m_requested;
        m_timeline->setInOut(m_in, m_out);
    });
    transport.back()->setShortcut(Qt::Key_O);
    for (QAction *a : transport)
        a->setShortcutContext(Qt::WindowShortcut);
}

} // namespace tincture::ui
