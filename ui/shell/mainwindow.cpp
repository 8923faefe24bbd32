#include "shell/mainwindow.h"

#include "timeline/transportbar.h"
#include "viewer/framefetcher.h"
#include "viewer/viewerwidget.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QVBoxLayout>

namespace tincture::ui {

namespace {
const char *kRecentKey = "studio/recentFiles";
const char *kGeometryKey = "studio/geometry";
constexpr int kMaxRecent = 10;
} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("Tincture"));
    setAcceptDrops(true);
    m_fetcher = new FrameFetcher(this);
    m_viewer = new ViewerWidget(this);
    m_viewer->setObjectName(QStringLiteral("viewer"));
    m_transport = new TransportBar(this);
    m_transport->setObjectName(QStringLiteral("transport"));

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_viewer, 1);
    layout->addWidget(m_transport);
    setCentralWidget(central);

    m_infoLabel = new QLabel(this);
    statusBar()->addPermanentWidget(m_infoLabel);
    statusBar()->showMessage(tr("Ready"));

    buildMenus();

    connect(m_transport, &TransportBar::positionRequested, this, &MainWindow::seek);
    connect(m_transport, &TransportBar::playToggled, this, &MainWindow::togglePlay);
    connect(m_fetcher, &FrameFetcher::opened, this, &MainWindow::onOpened);
    connect(m_fetcher, &FrameFetcher::openFailed, this, [this](const QString &message) {
        statusBar()->showMessage(message);
        m_viewer->setMessage(message);
        if (isVisible() && !qEnvironmentVariableIsSet("TINCTURE_NO_DIALOGS"))
            QMessageBox::warning(this, tr("Cannot open"), message);
    });
    connect(m_fetcher, &FrameFetcher::frameReady, this, [this](qint64 index, const QImage &image) {
        m_viewer->setImage(image);
        m_displayed = index;
        emit frameDisplayed(index);
    });
    connect(m_fetcher, &FrameFetcher::frameFailed, this, [this](qint64 index, const QString &message) {
        statusBar()->showMessage(tr("Frame %1: %2").arg(index).arg(message));
    });
    connect(&m_playTimer, &QTimer::timeout, this, [this] {
        if (m_requested + 1 >= frameCount()) {
            togglePlay();
            return;
        }
        stepFrames(1);
    });

    QSettings settings;
    if (!restoreGeometry(settings.value(QLatin1String(kGeometryKey)).toByteArray()))
        resize(1100, 720);
}

MainWindow::~MainWindow() = default;

qint64 MainWindow::frameCount() const
{
    return m_fetcher->isOpen() ? m_fetcher->info().frames : 0;
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open Footage…"), this, &MainWindow::chooseFile);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *fit = view->addAction(tr("&Fit to Window"), m_viewer, &ViewerWidget::fitToWindow);
    fit->setShortcut(Qt::Key_F);
    QAction *actual = view->addAction(tr("&Actual Pixels (1:1)"), m_viewer, [this] { m_viewer->setZoom(1.0); });
    actual->setShortcut(Qt::CTRL | Qt::Key_1);
    QAction *in = view->addAction(tr("Zoom &In"), m_viewer, &ViewerWidget::zoomIn);
    in->setShortcut(QKeySequence::ZoomIn);
    QAction *out = view->addAction(tr("Zoom &Out"), m_viewer, &ViewerWidget::zoomOut);
    out->setShortcut(QKeySequence::ZoomOut);

    QMenu *play = menuBar()->addMenu(tr("&Playback"));
    QAction *toggle = play->addAction(tr("&Play / Pause"), this, &MainWindow::togglePlay);
    toggle->setShortcut(Qt::Key_Space);
    QAction *next = play->addAction(tr("&Next Frame"), this, [this] { stepFrames(1); });
    next->setShortcut(Qt::Key_Right);
    QAction *prev = play->addAction(tr("P&revious Frame"), this, [this] { stepFrames(-1); });
    prev->setShortcut(Qt::Key_Left);
    QAction *start = play->addAction(tr("Go to &Start"), this, [this] { seek(0); });
    start->setShortcut(Qt::Key_Home);
    QAction *end = play->addAction(tr("Go to &End"), this, [this] { seek(frameCount() - 1); });
    end->setShortcut(Qt::Key_End);
    for (QAction *a : {toggle, next, prev, start, end})
        a->setShortcutContext(Qt::WindowShortcut);
}

void MainWindow::chooseFile()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Footage"), QFileInfo(m_file).absolutePath(),
        tr("Films (*.mp4 *.mov *.mkv *.avi *.mpg *.mpeg *.m2v *.ts *.dv *.mxf *.y4m);;All files (*)"));
    if (!path.isEmpty())
        openFile(path);
}

void MainWindow::openFile(const QString &path)
{
    if (m_playTimer.isActive())
        togglePlay();
    m_opening = path;
    statusBar()->showMessage(tr("Opening %1…").arg(QFileInfo(path).fileName()));
    m_fetcher->open(path);
}

void MainWindow::onOpened(const QString &path)
{
    m_file = path;
    const MediaInfo &info = m_fetcher->info();
    setWindowTitle(QStringLiteral("%1 — Tincture").arg(QFileInfo(path).fileName()));
    m_viewer->setPixelAspect(info.sampleAspect.toDouble());
    m_viewer->setImage({});
    m_transport->setRange(info.frames, info.fps);
    m_infoLabel->setText(tr("%1×%2 · %3 fps · %4 frames · %5 · %6 audio")
                             .arg(info.width)
                             .arg(info.height)
                             .arg(info.fps.toString())
                             .arg(info.frames)
                             .arg(info.codec)
                             .arg(info.audioStreams));
    statusBar()->showMessage(tr("Opened %1").arg(path), 5000);
    addRecent(path);
    m_requested = -1;
    m_displayed = -1;
    seek(0);
    emit fileOpened(path);
}

void MainWindow::seek(qint64 frame)
{
    const qint64 n = frameCount();
    if (n <= 0)
        return;
    frame = std::clamp<qint64>(frame, 0, n - 1);
    m_requested = frame;
    m_transport->setPosition(frame);
    m_fetcher->request(frame);
}

void MainWindow::stepFrames(qint64 delta)
{
    seek((m_requested < 0 ? 0 : m_requested) + delta);
}

void MainWindow::togglePlay()
{
    if (m_playTimer.isActive()) {
        m_playTimer.stop();
    } else if (frameCount() > 0) {
        const double fps = m_fetcher->info().fps.toDouble();
        m_playTimer.start(int(1000.0 / (fps > 0 ? fps : 24.0)));
    }
    m_transport->setPlaying(m_playTimer.isActive());
}

void MainWindow::addRecent(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(QLatin1String(kRecentKey)).toStringList();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(QLatin1String(kRecentKey), recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QLatin1String(kRecentKey)).toStringList();
    for (const QString &path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openFile(path); })
            ->setToolTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
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
    m_playTimer.stop();
    m_fetcher->close(); // waits for the running decode
    QSettings().setValue(QLatin1String(kGeometryKey), saveGeometry());
    event->accept();
}

} // namespace tincture::ui
