#include "shell/mainwindow.h"

#include "jobs/jobmanager.h"
#include "paint/paintpanel.h"
#include "plots/plotspanel.h"
#include "project/commands.h"
#include "project/project.h"
#include "project/projectfile.h"
#include "shell/documentcontroller.h"
#include "shell/jobspanel.h"
#include "shell/keyframecontroller.h"
#include "shell/projectbin.h"
#include "shell/shotlist.h"
#include "shell/rendercontroller.h"
#include "timeline/timelinewidget.h"
#include "timeline/transportbar.h"
#include "viewer/framefetcher.h"
#include "viewer/resultloader.h"
#include "viewer/viewerwidget.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QVBoxLayout>

namespace tincture::ui {

namespace {
const char *kGeometryKey = "studio/geometry";
const char *kStateKey = "studio/windowState";
const char *kModeKey = "studio/viewerMode";
const char *kSplitKey = "studio/splitPosition";
const char *kBrushKey = "studio/brushSize";
} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("Tincture"));
    setAcceptDrops(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    m_project = new project::Project(this);
    m_jobs = new jobs::JobManager(0, this);
    m_fetcher = new FrameFetcher(this);
    m_referenceFetcher = new FrameFetcher(this);
    m_results = new ResultLoader(this);

    m_viewer = new ViewerWidget(this);
    m_viewer->setObjectName(QStringLiteral("viewer"));
    m_transport = new TransportBar(this);
    m_transport->setObjectName(QStringLiteral("transport"));
    m_timeline = new TimelineWidget(this);
    m_timeline->setObjectName(QStringLiteral("timeline"));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_viewer, 1);
    layout->addWidget(m_transport);
    layout->addWidget(m_timeline);
    setCentralWidget(central);

    m_infoLabel = new QLabel(this);
    statusBar()->addPermanentWidget(m_infoLabel);
    statusBar()->showMessage(tr("Ready"));

    buildDocks();
    m_document = new DocumentController(m_project, m_jobs, m_fetcher, m_referenceFetcher, this);
    m_keyframes = new KeyframeController(m_project, m_jobs, m_document, m_viewer, m_paint, this);
    m_render = new RenderController(m_project, m_jobs, m_document, m_keyframes, this);
    buildMenus();
    connectSignals();

    QSettings settings;
    if (!restoreGeometry(settings.value(QLatin1String(kGeometryKey)).toByteArray()))
        resize(1280, 800);
    restoreState(settings.value(QLatin1String(kStateKey)).toByteArray());
    m_viewer->setMode(ViewerWidget::Mode(
        settings.value(QLatin1String(kModeKey), int(ViewerWidget::Mode::Split)).toInt()));
    m_viewer->setSplitPosition(settings.value(QLatin1String(kSplitKey), 0.5).toDouble());
    m_paint->setRadius(settings.value(QLatin1String(kBrushKey), 8).toDouble());
    updateTitle();
    updateKeyframePanel();
    QMetaObject::invokeMethod(m_document, &DocumentController::offerRecovery, Qt::QueuedConnection);
}

MainWindow::~MainWindow()
{
    // Workers refer to controllers and caches: stop them before anything goes away.
    m_jobs->shutdown();
    // The project, a child, is deleted by ~QObject after this window has stopped being a
    // MainWindow; clearing its undo stack then emits modifiedChanged, which must not reach
    // updateTitle on the half-destroyed window (UBSan: a call through the wrong dynamic type).
    m_project->disconnect(this);
}

QDockWidget *MainWindow::addDock(QWidget *widget, const QString &title, const QString &name,
                                 Qt::DockWidgetArea area)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(name);
    dock->setWidget(widget);
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::buildDocks()
{
    m_paint = new PaintPanel(this);
    m_paint->setObjectName(QStringLiteral("paintPanel"));
    m_bin = new ProjectBin(this);
    m_bin->setObjectName(QStringLiteral("projectBin"));
    m_jobsPanel = new JobsPanel(m_jobs, this);
    m_jobsPanel->setObjectName(QStringLiteral("jobsPanel"));
    m_plots = new PlotsPanel(this);
    m_plots->setObjectName(QStringLiteral("plotsPanel"));
    addDock(m_paint, tr("Keyframe & Paint"), QStringLiteral("paintDock"), Qt::RightDockWidgetArea);
    addDock(m_plots, tr("Plots"), QStringLiteral("plotsDock"), Qt::RightDockWidgetArea);
    addDock(m_bin, tr("Project Bin"), QStringLiteral("binDock"), Qt::LeftDockWidgetArea);
    m_shotList = new ShotList(this);
    m_shotList->setObjectName(QStringLiteral("shotList"));
    tabifyDockWidget(
        findChild<QDockWidget *>(QStringLiteral("binDock")),
        addDock(m_shotList, tr("Shots"), QStringLiteral("shotsDock"), Qt::LeftDockWidgetArea));
    findChild<QDockWidget *>(QStringLiteral("binDock"))->raise();
    QDockWidget *jobsDock =
        addDock(m_jobsPanel, tr("Jobs"), QStringLiteral("jobsDock"), Qt::LeftDockWidgetArea);
    resizeDocks({jobsDock}, {300}, Qt::Horizontal);
}

void MainWindow::connectSignals()
{
    connect(m_transport, &TransportBar::positionRequested, this, &MainWindow::seek);
    connect(m_transport, &TransportBar::playToggled, this, &MainWindow::togglePlay);
    connect(m_timeline, &TimelineWidget::positionRequested, this, &MainWindow::seek);
    connect(m_timeline, &TimelineWidget::splitRequested, this, [this](qint64 f) {
        m_project->undoStack()->push(new project::SplitShotCommand(m_project, f));
    });
    connect(m_timeline, &TimelineWidget::mergeRequested, this, [this](int shot) {
        m_project->undoStack()->push(new project::MergeShotsCommand(m_project, shot));
    });
    connect(m_timeline, &TimelineWidget::addKeyframeRequested, this, [this](qint64 f) {
        m_project->undoStack()->push(new project::AddKeyframeCommand(m_project, f));
    });
    connect(m_timeline, &TimelineWidget::removeKeyframeRequested, this, [this](qint64 f) {
        m_project->undoStack()->push(new project::RemoveKeyframeCommand(m_project, f));
    });

    connect(m_document, &DocumentController::footageOpened, this, &MainWindow::onFootageOpened);
    connect(m_document, &DocumentController::footageMissing, this, [this](const QString &why) {
        // The project is open without its film: show its shots, no pictures.
        m_viewer->setImage({});
        m_viewer->setResult({});
        m_viewer->setMessage(why);
        m_transport->setRange(0, {24, 1});
        m_timeline->setFilm(m_project->frameCount(), {24, 1});
        m_requested = m_displayed = -1;
        refreshShots();
        updateTitle();
    });
    connect(m_document, &DocumentController::statusMessage, this,
            [this](const QString &m) { statusBar()->showMessage(m, 8000); });
    connect(m_document, &DocumentController::thumbnailReady, m_timeline,
            &TimelineWidget::setThumbnail);
    connect(m_fetcher, &FrameFetcher::openFailed, this,
            [this](const QString &message) { m_viewer->setMessage(message); });
    connect(m_fetcher, &FrameFetcher::frameReady, this, [this](qint64 index, const QImage &image) {
        m_viewer->setImage(image);
        m_displayed = index;
        m_keyframes->setCurrentFrame(index);
        emit frameDisplayed(index);
    });
    connect(m_fetcher, &FrameFetcher::frameFailed, this, [this](qint64 index, const QString &m) {
        statusBar()->showMessage(tr("Frame %1: %2").arg(index).arg(m));
    });
    connect(m_referenceFetcher, &FrameFetcher::opened, this, [this](const QString &path) {
        m_bin->setReference(path);
        if (m_requested >= 0)
            m_referenceFetcher->request(m_requested);
    });
    connect(m_referenceFetcher, &FrameFetcher::frameReady, m_viewer,
            [this](qint64, const QImage &i) { m_viewer->setReference(i); });
    connect(m_results, &ResultLoader::loaded, this,
            [this](qint64 frame, const QImage &image, const QImage &confidence) {
                if (frame != m_requested)
                    return;
                m_viewer->setResult(image);
                m_viewer->setConfidence(confidence);
                emit resultDisplayed(frame);
            });

    connect(m_project, &project::Project::shotsChanged, this, &MainWindow::refreshShots);
    connect(m_project, &project::Project::parametersChanged, this,
            [this] { m_paint->setParameters(m_project->parameters()); });
    connect(m_paint, &PaintPanel::parametersEdited, this,
            [this](const project::ProjectParameters &p) {
                m_project->undoStack()->push(new project::SetParametersCommand(m_project, p));
            });
    connect(m_project, &project::Project::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_project, &project::Project::filePathChanged, this, [this](const QString &path) {
        m_bin->setProjectFile(path);
        updateTitle();
    });
    connect(m_keyframes, &KeyframeController::resultChanged, this, [this](qint64 frame) {
        if (frame == m_requested)
            refreshResult();
        // The thumbnail of the shot whose keyframe changed.
        if (const int shot = m_project->shotIndexAt(frame); shot >= 0)
            m_shotList->setRow(shot, shotRow(shot));
    });
    connect(m_keyframes, &KeyframeController::stateChanged, this, &MainWindow::updateKeyframePanel);
    connect(m_keyframes, &KeyframeController::statusMessage, this,
            [this](const QString &m) { statusBar()->showMessage(m, 8000); });
    connect(m_render, &RenderController::framesChanged, this, [this](qint64 a, qint64 b) {
        if (m_requested >= a && m_requested <= b)
            refreshResult();
    });
    connect(m_render, &RenderController::statusMessage, this,
            [this](const QString &m) { statusBar()->showMessage(m, 8000); });
    connect(m_render, &RenderController::measured, m_plots, &PlotsPanel::setMetrics);
    connect(m_render, &RenderController::exported, this, [this](const QString &path) {
        m_bin->addExport(path);
        if (DocumentController::dialogsEnabled() &&
            QMessageBox::question(this, tr("Export Finished"),
                                  tr("Exported %1. Open it in a viewer?").arg(path)) ==
                QMessageBox::Yes) {
            auto *window = new MainWindow;
            window->setAttribute(Qt::WA_DeleteOnClose);
            window->show();
            window->openFile(path);
        }
    });
    connect(m_paint, &PaintPanel::propagateRequested, this,
            [this] { m_render->propagate(m_project->shotIndexAt(m_requested)); });
    connect(m_paint, &PaintPanel::propagateAllRequested, m_render, &RenderController::propagateAll);
    auto setPerFrame = [this](int shot, bool perFrame) {
        if (shot >= 0 && shot < m_project->shots().size() &&
            m_project->shots()[shot].perFrame != perFrame)
            m_project->undoStack()->push(
                new project::SetShotPerFrameCommand(m_project, shot, perFrame));
    };
    connect(m_paint, &PaintPanel::perFrameRequested, this, [this, setPerFrame](bool perFrame) {
        setPerFrame(m_project->shotIndexAt(m_requested), perFrame);
    });
    connect(m_shotList, &ShotList::perFrameRequested, this, setPerFrame);
    connect(m_plots, &PlotsPanel::seekRequested, this, &MainWindow::seek);
    connect(m_shotList, &ShotList::seekRequested, this, &MainWindow::seek);
    connect(m_plots, &PlotsPanel::measureRequested, this, [this] {
        const int shot = m_project->shotIndexAt(m_requested);
        if (shot >= 0)
            m_render->measure(m_project->shots()[shot].first, m_project->shots()[shot].last);
    });
    connect(m_bin, &ProjectBin::loadReferenceRequested, m_document,
            &DocumentController::chooseReference);
    connect(m_bin, &ProjectBin::activated, this, [this](const QString &path, ProjectBin::Kind k) {
        if (k == ProjectBin::Kind::Reference) {
            m_viewer->setMode(ViewerWidget::Mode::AB);
        } else if (k == ProjectBin::Kind::Export) {
            auto *window = new MainWindow;
            window->setAttribute(Qt::WA_DeleteOnClose);
            window->show();
            window->openFile(path);
        }
    });
    connect(&m_playTimer, &QTimer::timeout, this, [this] {
        const qint64 next = m_requested + m_playDirection * m_playSpeed;
        if (next < 0 || next >= frameCount()) {
            seek(next);
            stop();
            return;
        }
        seek(next);
    });
}

qint64 MainWindow::frameCount() const
{
    return m_fetcher->isOpen() ? m_fetcher->info().frames : 0;
}

QString MainWindow::currentFile() const
{
    if (!m_project->filePath().isEmpty())
        return m_project->filePath();
    return m_document->isFootageOpen() ? m_project->mediaPath() : QString();
}

void MainWindow::openFile(const QString &path)
{
    stop();
    m_document->openFile(path);
}

void MainWindow::onFootageOpened()
{
    const MediaInfo &info = m_fetcher->info();
    m_viewer->setPixelAspect(info.sampleAspect.toDouble());
    m_viewer->setImage({});
    m_viewer->setResult({});
    m_viewer->setReference({});
    m_transport->setRange(info.frames, info.fps);
    m_timeline->setFilm(info.frames, info.fps);
    m_infoLabel->setText(tr("%1×%2 · %3 fps · %4 frames · %5 · %6 audio")
                             .arg(info.width)
                             .arg(info.height)
                             .arg(info.fps.toString())
                             .arg(info.frames)
                             .arg(info.codec)
                             .arg(info.audioStreams));
    m_bin->setFootage(m_project->mediaPath());
    m_bin->setProjectFile(m_project->filePath());
    m_bin->setReference(m_project->referencePath());
    m_plots->clear();
    m_keyframes->clear();
    m_in = m_out = -1;
    m_requested = m_displayed = -1;
    refreshShots();
    seek(0);
    updateTitle();
    emit fileOpened(m_project->filePath().isEmpty() ? m_project->mediaPath()
                                                    : m_project->filePath());
}

void MainWindow::updateTitle()
{
    const QString file = currentFile();
    setWindowTitle(file.isEmpty()
                       ? QStringLiteral("Tincture")
                       : QStringLiteral("%1[*] — Tincture").arg(QFileInfo(file).fileName()));
    setWindowModified(m_project->isModified());
}

void MainWindow::seek(qint64 frame)
{
    const qint64 n = frameCount();
    if (n <= 0)
        return;
    frame = std::clamp<qint64>(frame, 0, n - 1);
    m_requested = frame;
    m_transport->setPosition(frame);
    m_timeline->setPosition(frame);
    m_plots->setCurrentFrame(frame);
    m_fetcher->request(frame);
    if (m_referenceFetcher->isOpen())
        m_referenceFetcher->request(frame);
    refreshResult();
    updateKeyframePanel();
}

void MainWindow::refreshResult()
{
    const qint64 f = m_requested;
    if (f < 0)
        return;
    QString path;
    if (m_project->keyframe(f)) {
        const QImage live = m_keyframes->liveResult(f);
        if (!live.isNull()) {
            m_results->cancelPending();
            m_viewer->setResult(live);
            m_viewer->setConfidence({});
            emit resultDisplayed(f);
            return;
        }
        path = m_keyframes->keyframeColourPath(f);
    }
    QString confidencePath;
    if (path.isEmpty() && m_document->cache().hasFrame(f)) {
        path = m_document->cache().framePath(f);
        confidencePath = m_document->cache().confidencePath(f);
    }
    if (path.isEmpty()) {
        m_results->cancelPending();
        m_viewer->setResult({});
        m_viewer->setConfidence({});
        emit resultDisplayed(f);
        return;
    }
    m_results->request(f, path, confidencePath);
}

void MainWindow::refreshShots()
{
    QVector<TimelineWidget::ShotView> views;
    for (int i = 0; i < m_project->shots().size(); ++i) {
        const project::ShotEntry &s = m_project->shots()[i];
        TimelineWidget::ShotView v;
        v.first = s.first;
        v.last = s.last;
        v.state = m_project->isShotPropagated(i) ? TimelineWidget::ShotState::Current
                  : m_project->isShotStale(i)    ? TimelineWidget::ShotState::Stale
                                                 : TimelineWidget::ShotState::NotPropagated;
        for (const project::KeyframeEntry &k : s.keyframes) {
            v.keyframes.append(k.frame);
            v.accepted.append(k.accepted);
        }
        views.append(v);
    }
    m_timeline->setShots(views);
    refreshShotList();
    updateKeyframePanel();
}

void MainWindow::refreshShotList()
{
    QVector<ShotList::Row> rows;
    for (int i = 0; i < m_project->shots().size(); ++i)
        rows.append(shotRow(i));
    m_shotList->setRows(rows);
}

ShotList::Row MainWindow::shotRow(int i) const
{
    const project::ShotEntry &s = m_project->shots()[i];
    ShotList::Row row;
    row.first = s.first;
    row.last = s.last;
    row.state = m_project->isShotPropagated(i) ? tr("coloured")
                : m_project->isShotStale(i)    ? tr("stale")
                                               : tr("not coloured");
    QStringList keys;
    for (const project::KeyframeEntry &k : s.keyframes) {
        if (!k.accepted)
            continue;
        if (row.keyframe < 0) {
            row.keyframe = k.frame;
            row.keyframeImage = m_keyframes->keyframeColourPath(k.frame);
        }
        keys << (k.strokes.isEmpty()
                     ? QString::number(k.frame)
                     : tr("%1 (%n stroke(s))", nullptr, int(k.strokes.size())).arg(k.frame));
    }
    row.perFrame = s.perFrame;
    row.detail = s.perFrame       ? tr("coloured per frame by a video colouriser")
                 : keys.isEmpty() ? tr("no accepted keyframe")
                                  : tr("keyframe(s) %1").arg(keys.join(QStringLiteral(", ")));
    return row;
}

void MainWindow::updateKeyframePanel()
{
    const qint64 f = m_requested;
    const int shot = f >= 0 ? m_project->shotIndexAt(f) : -1;
    if (shot < 0 || !m_document->isFootageOpen()) {
        m_paint->setKeyframeState(tr("No film open"), false, false, false, false);
        m_paint->setShotMode(false, false);
        return;
    }
    const project::ShotEntry &s = m_project->shots()[shot];
    const QString state = m_project->isShotPropagated(shot) ? tr("propagated")
                          : m_project->isShotStale(shot)    ? tr("stale: propagate again")
                                                            : tr("not propagated");
    const project::KeyframeEntry *key = m_project->keyframe(f);
    QString text = tr("Frame %1 · shot %2 (frames %3–%4, %5)")
                       .arg(f)
                       .arg(shot + 1)
                       .arg(s.first)
                       .arg(s.last)
                       .arg(state);
    text += QLatin1Char('\n');
    if (s.perFrame)
        text += tr("Coloured per frame: its keyframes are not used") + QLatin1Char('\n');
    if (!key)
        text += tr("Not a keyframe (%n in this shot)", nullptr, int(s.keyframes.size()));
    else
        text += tr("Keyframe, %1 stroke(s), %2")
                    .arg(key->strokes.size())
                    .arg(key->accepted ? tr("accepted") : tr("not accepted yet"));
    // How the shot's frames got their colour (model and sha256, keyframes, method).
    if (const QString provenance = m_render->provenanceSummary(shot); !provenance.isEmpty())
        text += QLatin1Char('\n') + provenance;
    m_paint->setKeyframeState(text, true, key && m_keyframes->hasColour(f), key && key->accepted,
                              m_render->canPropagate(shot));
    m_paint->setShotMode(true, s.perFrame);
}

void MainWindow::stepFrames(qint64 delta)
{
    seek((m_requested < 0 ? 0 : m_requested) + delta);
}

void MainWindow::togglePlay()
{
    if (m_playTimer.isActive())
        stop();
    else
        play(1);
}

void MainWindow::play(int direction)
{
    if (frameCount() <= 0)
        return;
    if (m_playTimer.isActive() && direction == m_playDirection) {
        m_playSpeed = std::min(m_playSpeed * 2, 8);
        return;
    }
    m_playDirection = direction < 0 ? -1 : 1;
    m_playSpeed = 1;
    const double fps = m_fetcher->info().fps.toDouble();
    m_playTimer.start(int(1000.0 / (fps > 0 ? fps : 24.0)));
    m_transport->setPlaying(true);
}

void MainWindow::stop()
{
    m_playTimer.stop();
    m_playSpeed = 1;
    m_transport->setPlaying(false);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.front().isLocalFile())
        openFile(urls.front().toLocalFile());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!m_document->maybeSave()) {
        event->ignore();
        return;
    }
    stop();
    m_jobs->shutdown(); // cancels every job and waits for the workers
    m_fetcher->close();
    m_referenceFetcher->close();
    project::removeAutosave(*m_project); // a clean exit leaves nothing to recover
    QSettings settings;
    settings.setValue(QLatin1String(kGeometryKey), saveGeometry());
    settings.setValue(QLatin1String(kStateKey), saveState());
    settings.setValue(QLatin1String(kModeKey), int(m_viewer->mode()));
    settings.setValue(QLatin1String(kSplitKey), m_viewer->splitPosition());
    settings.setValue(QLatin1String(kBrushKey), m_paint->radius());
    event->accept();
}

} // namespace tincture::ui
