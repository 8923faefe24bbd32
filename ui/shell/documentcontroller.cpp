#include "shell/documentcontroller.h"

#include "foundation/atomicoutput.h"
#include "imageconvert.h"
#include "jobs/jobmanager.h"
#include "project/commands.h"
#include "pipeline/filmops.h"
#include "project/projectfile.h"
#include "viewer/framefetcher.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QPointer>
#include <QSettings>

namespace tincture::ui {

using project::Project;

namespace {
const char *kRecentKey = "studio/recentFiles";
const char *kAutosaveKey = "studio/autosaveSeconds";
constexpr int kMaxRecent = 10;
constexpr int kThumbHeight = 46;

bool isProjectFile(const QString &path)
{
    return QFileInfo(path).suffix() == QLatin1String(project::kProjectSuffix);
}

project::MediaFingerprint fingerprintOf(const MediaInfo &info, const QString &path)
{
    const QFileInfo fi(path);
    return {info.frames, info.width, info.height, fi.isFile() ? fi.size() : -1};
}
} // namespace

DocumentController::DocumentController(Project *project, jobs::JobManager *jobs,
                                       FrameFetcher *footage, FrameFetcher *reference,
                                       QWidget *window)
    : QObject(window), m_project(project), m_jobs(jobs), m_footage(footage), m_reference(reference),
      m_window(window)
{
    connect(m_footage, &FrameFetcher::opened, this, &DocumentController::onFetcherOpened);
    connect(m_footage, &FrameFetcher::openFailed, this, [this](const QString &message) {
        m_openingProject = false;
        report({message}, tr("Cannot open the footage"));
    });
    connect(m_reference, &FrameFetcher::openFailed, this, [this](const QString &message) {
        report({message}, tr("Cannot open the reference clip"));
    });
    const int seconds = QSettings().value(QLatin1String(kAutosaveKey), 60).toInt();
    m_autosave.setInterval(std::max(5, seconds) * 1000);
    connect(&m_autosave, &QTimer::timeout, this, &DocumentController::autosaveNow);
    m_autosave.start();
}

bool DocumentController::dialogsEnabled()
{
    return !qEnvironmentVariableIsSet("TINCTURE_NO_DIALOGS");
}

void DocumentController::report(const QStringList &messages, const QString &title)
{
    m_warnings = messages;
    if (messages.isEmpty())
        return;
    emit warnings(messages);
    emit statusMessage(messages.join(QStringLiteral("; ")));
    if (dialogsEnabled() && m_window->isVisible())
        QMessageBox::warning(m_window, title, messages.join(QLatin1Char('\n')));
}

void DocumentController::openFile(const QString &path)
{
    if (isProjectFile(path))
        openProject(path);
    else
        openFootage(path);
}

void DocumentController::openFootage(const QString &path)
{
    if (!maybeSave())
        return;
    m_openingProject = false;
    m_warnings.clear();
    m_jobs->cancelAll(); // they belong to the project being left
    emit statusMessage(tr("Opening %1…").arg(QFileInfo(path).fileName()));
    m_footage->open(path);
}

bool DocumentController::openProject(const QString &path, Recovery recovery)
{
    if (!maybeSave())
        return false;
    QString loadFrom = path;
    if (project::hasNewerAutosave(path)) {
        bool recover = recovery == Recovery::Recover;
        if (recovery == Recovery::Ask && dialogsEnabled())
            recover = QMessageBox::question(
                          m_window, tr("Recover Project"),
                          tr("%1 has unsaved changes from a session that did not end cleanly. "
                             "Recover them?")
                              .arg(QFileInfo(path).fileName())) == QMessageBox::Yes;
        if (recover)
            loadFrom = path + QStringLiteral(".autosave");
    }
    m_jobs->cancelAll();
    // What a killed earlier session left beside the project goes now, not at the next save.
    AtomicOutput::sweepLeftovers(QFileInfo(path).absolutePath());
    Result<project::LoadReport> loaded = project::loadProject(loadFrom, *m_project);
    if (!loaded) {
        report({loaded.error().message}, tr("Cannot open the project"));
        return false;
    }
    if (loadFrom != path) {
        // Recovered: it belongs to the original file and is unsaved.
        m_project->setFilePath(QFileInfo(path).absoluteFilePath());
        m_project->undoStack()->resetClean();
    }
    m_cache = project::ResultCache(project::ResultCache::defaultDir(m_project->id()));
    addRecent(path);
    m_footageOpen = false;
    report(loaded->warnings, tr("Project opened with problems"));
    if (!loaded->mediaMissing) {
        m_openingProject = true;
        m_footage->open(m_project->mediaPath());
    } else {
        m_footage->close();
        emit footageMissing(loaded->warnings.value(0));
    }
    if (!m_project->referencePath().isEmpty() && QFileInfo::exists(m_project->referencePath()))
        m_reference->open(m_project->referencePath());
    else
        m_reference->close();
    return true;
}

void DocumentController::onFetcherOpened(const QString &path)
{
    const project::MediaFingerprint now = fingerprintOf(m_footage->info(), path);
    const bool fresh = !m_openingProject;
    if (m_openingProject) {
        QStringList problems = project::compareMedia(m_project->media(), now, path);
        if (!problems.isEmpty())
            report(problems, tr("The footage has changed"));
    } else {
        m_project->reset(QFileInfo(path).absoluteFilePath(), now,
                         pipeline::defaultPropagationMethod());
        m_cache = project::ResultCache(project::ResultCache::defaultDir(m_project->id()));
        m_reference->close();
        addRecent(path);
    }
    m_openingProject = false;
    m_footageOpen = true;
    m_cache.ensureExists();
    AtomicOutput::sweepLeftovers(m_cache.dir());
    emit footageOpened(path);
    startAnalysis(fresh);
}

void DocumentController::startAnalysis(bool detectShots)
{
    const QString media = m_project->mediaPath();
    const int64_t frames = m_footage->info().frames;
    QPointer<DocumentController> self(this);
    if (detectShots) {
        m_jobs->submit<QVector<QPair<FrameIndex, FrameIndex>>>(
            {media, QStringLiteral("shots")}, tr("Detect shots"),
            [media](Feedback &fb) { return pipeline::detectShotSpans(media, fb); },
            [this, media](Result<QVector<QPair<FrameIndex, FrameIndex>>> spans) {
                // Only if the user has not started shaping the shots meanwhile.
                if (!spans || m_project->mediaPath() != media || m_project->shots().size() != 1 ||
                    !m_project->keyframeFrames().isEmpty())
                    return;
                if (spans->size() > 1) {
                    m_project->undoStack()->push(new project::SetShotsCommand(m_project, *spans));
                    emit statusMessage(tr("Detected %1 shots").arg(spans->size()));
                }
            });
    }
    // Thumbnails: about 150 along the film; each is sent to the GUI thread as it is made.
    const int step = int(std::max<int64_t>(1, frames / 150));
    m_jobs->submit<bool>({media, QStringLiteral("thumbnails")}, tr("Thumbnails"),
                         [media, step, self](Feedback &fb) -> Result<bool> {
                             Result<void> ok = pipeline::forEachNthFrame(
                                 media, step,
                                 [self](FrameIndex f, const Frame &frame) {
                                     const QImage thumb = toQImage(frame).scaledToHeight(
                                         kThumbHeight, Qt::SmoothTransformation);
                                     // The manager waits for this worker before the controller goes
                                     // away.
                                     QMetaObject::invokeMethod(
                                         self.data(),
                                         [self, f, thumb] {
                                             if (self)
                                                 emit self->thumbnailReady(f, thumb);
                                         },
                                         Qt::QueuedConnection);
                                 },
                                 fb);
                             if (!ok)
                                 return ok.error();
                             return true;
                         });
}

bool DocumentController::save()
{
    return saveAs(m_project->filePath());
}

bool DocumentController::saveAs(const QString &requested)
{
    QString path = requested;
    if (path.isEmpty()) {
        if (!dialogsEnabled())
            return false;
        const QString suggestion =
            QFileInfo(m_project->mediaPath()).completeBaseName() + QStringLiteral(".tincture");
        path = QFileDialog::getSaveFileName(
            m_window, tr("Save Project"),
            QFileInfo(m_project->mediaPath()).absoluteDir().filePath(suggestion),
            tr("Tincture projects (*.tincture)"));
        if (path.isEmpty())
            return false;
        if (QFileInfo(path).suffix().isEmpty())
            path += QStringLiteral(".tincture");
    }
    const QString oldAutosave = project::autosavePath(*m_project);
    Result<void> ok = project::saveProject(*m_project, path);
    if (!ok) {
        report({ok.error().message}, tr("Cannot save the project"));
        return false;
    }
    QFile::remove(oldAutosave);
    m_project->setFilePath(QFileInfo(path).absoluteFilePath());
    project::removeAutosave(*m_project);
    m_project->markSaved();
    addRecent(path);
    emit statusMessage(tr("Saved %1").arg(path));
    return true;
}

bool DocumentController::maybeSave()
{
    if (!m_project->isModified() || !dialogsEnabled() || !m_window->isVisible())
        return true;
    const auto answer = QMessageBox::question(
        m_window, tr("Unsaved Changes"), tr("Save the changes to the project?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Cancel)
        return false;
    if (answer == QMessageBox::Save)
        return save();
    project::removeAutosave(*m_project);
    return true;
}

void DocumentController::autosaveNow()
{
    if (!m_project->isModified() || m_project->mediaPath().isEmpty())
        return;
    if (Result<void> ok = project::writeAutosave(*m_project); !ok)
        emit statusMessage(tr("Autosave failed: %1").arg(ok.error().message));
}

void DocumentController::offerRecovery()
{
    const QStringList orphans = project::orphanAutosaves();
    if (orphans.isEmpty() || !dialogsEnabled())
        return;
    const auto answer = QMessageBox::question(
        m_window, tr("Recover Unsaved Project"),
        tr("An unsaved project was left by a session that did not end cleanly (%1). Recover "
           "it?")
            .arg(QFileInfo(orphans.front()).lastModified().toString()));
    if (answer != QMessageBox::Yes)
        return;
    if (openProject(orphans.front(), Recovery::Ignore)) {
        m_project->setFilePath({}); // still never saved
        m_project->undoStack()->resetClean();
        QFile::remove(orphans.front());
    }
}

void DocumentController::loadReference(const QString &path)
{
    m_project->setReferencePath(QFileInfo(path).absoluteFilePath());
    m_reference->open(path);
}

void DocumentController::chooseAndOpen()
{
    const QString path = QFileDialog::getOpenFileName(
        m_window, tr("Open Footage or Project"), QFileInfo(m_project->mediaPath()).absolutePath(),
        tr("Films and projects (*.mp4 *.mov *.mkv *.avi *.mpg *.mpeg *.m2v *.ts *.dv *.mxf "
           "*.y4m *.tincture);;All files (*)"));
    if (!path.isEmpty())
        openFile(path);
}

void DocumentController::chooseReference()
{
    const QString path =
        QFileDialog::getOpenFileName(m_window, tr("Load Colour Reference Clip"),
                                     QFileInfo(m_project->mediaPath()).absolutePath(),
                                     tr("Films (*.mp4 *.mov *.mkv *.avi);;All files (*)"));
    if (!path.isEmpty())
        loadReference(path);
}

QStringList DocumentController::recentFiles()
{
    return QSettings().value(QLatin1String(kRecentKey)).toStringList();
}

void DocumentController::addRecent(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(QLatin1String(kRecentKey)).toStringList();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(QLatin1String(kRecentKey), recent);
    emit recentChanged();
}

} // namespace tincture::ui
