#include "jobs/jobmanager.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QPointer>
#include <QRunnable>

#include <exception>

namespace tincture::jobs {

JobManager::JobManager(int threads, QObject *parent) : QObject(parent)
{
    m_pool.setMaxThreadCount(threads > 0 ? threads : std::max(2, QThread::idealThreadCount()));
    m_pollTimer.setInterval(100);
    connect(&m_pollTimer, &QTimer::timeout, this, [this] {
        for (Job *job : std::as_const(m_jobs))
            if (job->isActive())
                job->poll();
        if (activeCount() == 0)
            m_pollTimer.stop();
    });
}

JobManager::~JobManager()
{
    shutdown();
}

Job *JobManager::submitImpl(JobKey key, QString title, std::function<Result<void>(Feedback &)> work,
                            std::function<void()> deliver)
{
    if (m_shutDown)
        return nullptr;
    for (Job *old : std::as_const(m_jobs)) {
        if (old->key() == key && old->isActive() && !old->isSuperseded()) {
            old->m_superseded = true;
            old->cancel();
        } else if (old->key() == key && !old->isActive()) {
            // A finished twin (failed, say) is history once the task is run again.
            QMetaObject::invokeMethod(
                this,
                [this, p = QPointer<Job>(old)] {
                    if (p && !p->isActive())
                        remove(p);
                },
                Qt::QueuedConnection);
        }
    }
    auto *job = new Job(std::move(key), std::move(title), this);
    m_jobs.append(job);
    emit jobAdded(job);

    std::shared_ptr<Job::Shared> shared = job->m_shared;
    QPointer<JobManager> self(this);
    QPointer<Job> target(job);
    m_pool.start([shared, work = std::move(work), deliver = std::move(deliver), self, target] {
        shared->started.store(true);
        Result<void> outcome;
        if (shared->feedback.isCancelled()) {
            outcome = Error::cancelled();
        } else {
            // No exception may cross into Qt's thread pool: turn a stray one into an Error.
            try {
                outcome = work(shared->feedback);
            } catch (const std::exception &e) {
                outcome = makeError(ErrorCode::Internal, QStringLiteral("internal error"),
                                    QString::fromLocal8Bit(e.what()));
            } catch (...) {
                outcome = makeError(ErrorCode::Internal, QStringLiteral("internal error"));
            }
        }
        if (self)
            QMetaObject::invokeMethod(
                self.data(),
                [self, target, outcome, deliver] {
                    if (self && target)
                        self->complete(target, outcome, deliver);
                },
                Qt::QueuedConnection);
    });
    m_pollTimer.start();
    return job;
}

void JobManager::complete(Job *job, Result<void> outcome, const std::function<void()> &deliver)
{
    job->poll();
    job->finish(outcome);
    if (job->isSuperseded()) {
        remove(job);
    } else {
        if (!m_shutDown && deliver)
            deliver();
        if (job->state() != JobState::Failed)
            QTimer::singleShot(m_lingerMs, this, [this, p = QPointer<Job>(job)] {
                if (p)
                    remove(p);
            });
    }
    emit jobChanged(job);
    if (activeCount() == 0)
        emit idle();
}

void JobManager::remove(Job *job)
{
    if (!m_jobs.removeOne(job))
        return;
    emit jobRemoved(job);
    job->deleteLater();
}

Job *JobManager::find(const JobKey &key) const
{
    for (auto it = m_jobs.crbegin(); it != m_jobs.crend(); ++it)
        if ((*it)->key() == key && !(*it)->isSuperseded())
            return *it;
    return nullptr;
}

int JobManager::activeCount() const
{
    return int(
        std::count_if(m_jobs.cbegin(), m_jobs.cend(), [](const Job *j) { return j->isActive(); }));
}

void JobManager::cancel(const JobKey &key)
{
    for (Job *job : std::as_const(m_jobs))
        if (job->key() == key && job->isActive())
            job->cancel();
}

void JobManager::cancelAll()
{
    for (Job *job : std::as_const(m_jobs))
        job->cancel();
}

bool JobManager::waitForIdle(int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (activeCount() > 0) {
        if (timeoutMs >= 0 && clock.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
    return true;
}

void JobManager::shutdown()
{
    if (m_shutDown)
        return;
    m_shutDown = true;
    cancelAll();
    m_pool.waitForDone();
    // Outcomes already queued are delivered as states only (no `done` after shutdown), so the
    // list is accurate if anyone still looks at it.
    QCoreApplication::sendPostedEvents(this);
    m_pollTimer.stop();
}

void JobManager::clearFinished()
{
    const QList<Job *> all = m_jobs;
    for (Job *job : all)
        if (!job->isActive())
            remove(job);
}

} // namespace tincture::jobs
