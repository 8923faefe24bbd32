#include "shell/jobspanel.h"

#include "jobs/jobmanager.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QProgressBar>
#include <QPushButton>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>

namespace tincture::ui {

using jobs::Job;
using jobs::JobState;

namespace {
enum Column { Title, Progress, State, Cancel, ColumnCount };
}

JobsPanel::JobsPanel(jobs::JobManager *manager, QWidget *parent)
    : QWidget(parent), m_manager(manager)
{
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("jobsList"));
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels({tr("Job"), tr("Progress"), tr("State"), QString()});
    m_tree->setRootIsDecorated(false);
    m_tree->header()->setSectionResizeMode(Title, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(Progress, QHeaderView::Fixed);
    m_tree->header()->resizeSection(Progress, 110);
    m_tree->header()->setSectionResizeMode(State, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(Cancel, QHeaderView::Fixed);
    m_tree->header()->resizeSection(Cancel, 28);
    m_tree->header()->setStretchLastSection(false);
    auto *clear = new QPushButton(tr("Clear Finished"), this);
    clear->setObjectName(QStringLiteral("clearJobs"));
    connect(clear, &QPushButton::clicked, manager, &jobs::JobManager::clearFinished);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_tree);
    auto *row = new QHBoxLayout;
    row->addStretch();
    row->addWidget(clear);
    layout->addLayout(row);

    for (Job *job : manager->jobs())
        add(job);
    connect(manager, &jobs::JobManager::jobAdded, this, &JobsPanel::add);
    connect(manager, &jobs::JobManager::jobChanged, this, &JobsPanel::refresh);
    connect(manager, &jobs::JobManager::jobRemoved, this, &JobsPanel::remove);
}

QString JobsPanel::formatEta(double seconds)
{
    const int s = int(std::ceil(seconds));
    if (s < 60)
        return tr("%1 s left").arg(s);
    return tr("%1:%2 left").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

void JobsPanel::add(Job *job)
{
    auto *item = new QTreeWidgetItem(m_tree);
    item->setText(Title, job->title());
    m_items.insert(job, item);
    auto *bar = new QProgressBar(m_tree);
    bar->setRange(0, 1000);
    bar->setTextVisible(true);
    m_tree->setItemWidget(item, Progress, bar);
    auto *cancel = new QToolButton(m_tree);
    cancel->setText(QStringLiteral("✕"));
    cancel->setToolTip(tr("Cancel"));
    cancel->setAutoRaise(true);
    connect(cancel, &QToolButton::clicked, job, &Job::cancel);
    m_tree->setItemWidget(item, Cancel, cancel);
    connect(job, &Job::changed, this, [this, job] { refresh(job); });
    refresh(job);
}

void JobsPanel::refresh(Job *job)
{
    QTreeWidgetItem *item = m_items.value(job);
    if (!item)
        return;
    auto *bar = qobject_cast<QProgressBar *>(m_tree->itemWidget(item, Progress));
    if (bar) {
        bar->setValue(int(job->fraction() * 1000));
        const std::optional<double> eta = job->etaSeconds();
        bar->setFormat(eta ? QStringLiteral("%p% · ") + formatEta(*eta) : QStringLiteral("%p%"));
    }
    QString state = jobs::jobStateName(job->state());
    if (job->state() == JobState::Failed) {
        state = tr("failed: %1").arg(job->error().message);
        item->setForeground(State, QColor(220, 80, 70));
        item->setToolTip(State, describe(job->error()));
    } else if (!job->isActive() && !job->warnings().isEmpty()) {
        state += QStringLiteral(" (%1)").arg(job->warnings().join(QStringLiteral("; ")));
    }
    item->setText(State, state);
    item->setToolTip(Title, job->title());
    if (QWidget *cancel = m_tree->itemWidget(item, Cancel))
        cancel->setEnabled(job->isActive());
}

void JobsPanel::remove(Job *job)
{
    delete m_items.take(job);
}

} // namespace tincture::ui
