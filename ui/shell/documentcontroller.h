#pragma once
// DocumentController: the project's life — opening footage (a new project with one shot,
// then shot detection and thumbnails as jobs) or a project file (checking that its media is
// there and unchanged), saving (atomically, with a .bak), autosave and the offer to recover
// after a crash, the colour reference clip and the recent files. GUI thread only.

#include "project/resultcache.h"

#include <QObject>
#include <QStringList>
#include <QTimer>

class QImage;
class QWidget;

namespace tincture::jobs {
class JobManager;
}
namespace tincture::project {
class Project;
}

namespace tincture::ui {

class FrameFetcher;

class DocumentController : public QObject
{
    Q_OBJECT
public:
    enum class Recovery { Ask, Recover, Ignore };

    DocumentController(project::Project *project, jobs::JobManager *jobs, FrameFetcher *footage,
                       FrameFetcher *reference, QWidget *window);

    void openFile(const QString &path); // footage or project, by its suffix
    void openFootage(const QString &path);
    bool openProject(const QString &path, Recovery recovery = Recovery::Ask);
    bool save();                           // asks for a name if never saved
    bool saveAs(const QString &path = {}); // empty: asks
    bool maybeSave();                      // on close or open: save, discard or cancel
    void loadReference(const QString &path);
    void chooseAndOpen();
    void chooseReference();
    void offerRecovery(); // autosaves of never-saved projects left by a crash
    void autosaveNow();

    const project::ResultCache &cache() const { return m_cache; }
    QStringList lastWarnings() const { return m_warnings; }
    bool isFootageOpen() const { return m_footageOpen; }
    static QStringList recentFiles();
    static bool dialogsEnabled();

signals:
    void footageOpened(const QString &path);
    void footageMissing(const QString &message); // a project opened without its media
    void warnings(const QStringList &messages);
    void recentChanged();
    void thumbnailReady(qint64 frame, const QImage &image);
    void statusMessage(const QString &message);

private:
    void onFetcherOpened(const QString &path);
    void startAnalysis(bool detectShots);
    void addRecent(const QString &path);
    void report(const QStringList &messages, const QString &title);

    project::Project *m_project;
    jobs::JobManager *m_jobs;
    FrameFetcher *m_footage;
    FrameFetcher *m_reference;
    QWidget *m_window;
    project::ResultCache m_cache;
    QStringList m_warnings;
    bool m_openingProject = false;
    bool m_footageOpen = false;
    QTimer m_autosave;
};

} // namespace tincture::ui
