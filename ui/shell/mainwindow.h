#pragma once
// MainWindow: the studio's shell — menus, the viewer, the transport bar, recent files and
// drag-and-drop. Footage opens and frames decode off the GUI thread (FrameFetcher). GUI thread.

#include "foundation/rational.h"

#include <QMainWindow>
#include <QTimer>

class QMenu;
class QLabel;

namespace tincture::ui {

class FrameFetcher;
class TransportBar;
class ViewerWidget;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    void openFile(const QString &path);
    QString currentFile() const { return m_file; }
    qint64 displayedFrame() const { return m_displayed; }
    qint64 frameCount() const;
    ViewerWidget *viewer() const { return m_viewer; }
    bool isPlaying() const { return m_playTimer.isActive(); }

public slots:
    void seek(qint64 frame);
    void togglePlay();
    void stepFrames(qint64 delta);

signals:
    void fileOpened(const QString &path);
    void frameDisplayed(qint64 index);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void updateRecentMenu();
    void addRecent(const QString &path);
    void chooseFile();
    void onOpened(const QString &path);

    FrameFetcher *m_fetcher;
    ViewerWidget *m_viewer;
    TransportBar *m_transport;
    QLabel *m_infoLabel;
    QMenu *m_recentMenu = nullptr;
    QString m_file;
    QString m_opening;
    qint64 m_requested = -1;
    qint64 m_displayed = -1;
    QTimer m_playTimer;
};

} // namespace tincture::ui
