#pragma once
// JobsPanel: the list of running and recent jobs — title, state, a progress bar with the ETA,
// a cancel button, and for a failed job its error (kept until cleared). GUI thread only.

#include <QHash>
#include <QWidget>

class QTreeWidget;
class QTreeWidgetItem;

namespace tincture::jobs {
class Job;
class JobManager;
} // namespace tincture::jobs

namespace tincture::ui {

class JobsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit JobsPanel(jobs::JobManager *manager, QWidget *parent = nullptr);
    QTreeWidget *tree() const { return m_tree; }
    static QString formatEta(double seconds);

private:
    void add(jobs::Job *job);
    void refresh(jobs::Job *job);
    void remove(jobs::Job *job);

    jobs::JobManager *m_manager;
    QTreeWidget *m_tree;
    QHash<jobs::Job *, QTreeWidgetItem *> m_items;
};

} // namespace tincture::ui
