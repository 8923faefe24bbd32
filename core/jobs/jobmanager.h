#pragma once
// JobManager: runs Jobs on its own thread pool and delivers their outcomes on the GUI thread.
//
//   manager.submit<Frame>({"keyframe 120", "model"}, tr("Colourise keyframe 120"),
//       [=](Feedback &fb) { return colorizer->colorize(grey); },   // worker thread
//       [=](Result<Frame> r) { ... });                               // GUI thread
//
// A submit with the key of a queued or running job cancels that stale twin; its outcome is
// dropped (its `done` is never called) and it leaves the list when its worker returns. A job
// that failed stays listed with its error until clearFinished(); succeeded and cancelled jobs
// are removed after a short while. shutdown() (called by the destructor) cancels everything,
// waits for the workers and calls no further `done`.
//
// Lives on, and must be called from, the thread that created it (the GUI thread). `done` runs
// there too, for success, failure and cancellation alike, unless the job was superseded.

#include "jobs/job.h"

#include <QList>
#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <functional>
#include <optional>

namespace tincture::jobs {

class JobManager : public QObject
{
    Q_OBJECT
public:
    // threads: worker threads (0: ideal thread count, at least 2).
    explicit JobManager(int threads = 0, QObject *parent = nullptr);
    ~JobManager() override;

    template <typename T>
    Job *submit(JobKey key, QString title, std::function<Result<T>(Feedback &)> work,
                std::function<void(Result<T>)> done = {})
    {
        auto slot = std::make_shared<std::optional<Result<T>>>();
        return submitImpl(
            std::move(key), std::move(title),
            [work = std::move(work), slot](Feedback &feedback) -> Result<void> {
                *slot = work(feedback);
                if (!slot->value())
                    return slot->value().error();
                return {};
            },
            [done = std::move(done), slot] {
                if (done && slot->has_value())
                    done(std::move(**slot));
            });
    }

    QList<Job *> jobs() const { return m_jobs; } // in submission order
    Job *find(const JobKey &key) const;          // the newest job with that key, if listed
    int activeCount() const;

    void cancel(const JobKey &key);
    void cancelAll();
    // Processes events until no job is active or timeoutMs passes; true if all ended.
    bool waitForIdle(int timeoutMs);
    void shutdown();
    void clearFinished(); // drops finished jobs from the list, failed ones included

    // How long a succeeded or cancelled job stays listed (ms); failed jobs stay.
    void setLingerMs(int ms) { m_lingerMs = ms; }

signals:
    void jobAdded(tincture::jobs::Job *job);
    void jobChanged(tincture::jobs::Job *job);
    void jobRemoved(tincture::jobs::Job *job);
    void idle(); // the last active job ended

private:
    Job *submitImpl(JobKey key, QString title, std::function<Result<void>(Feedback &)> work,
                    std::function<void()> deliver);
    void complete(Job *job, Result<void> outcome, const std::function<void()> &deliver);
    void remove(Job *job);

    QThreadPool m_pool;
    QTimer m_pollTimer;
    QList<Job *> m_jobs;
    bool m_shutDown = false;
    int m_lingerMs = 3000;
};

} // namespace tincture::jobs
