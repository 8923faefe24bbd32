#pragma once
// Job: one long task (decode, thumbnails, keyframe model, propagation, export, evaluation) as
// the studio lists it: a title, a state, progress with an ETA, a cancel switch and, if it
// failed, its error. The work itself is a plain core function taking a Feedback; JobManager
// runs it on a worker thread. A Job object lives on the GUI thread (it is a QObject owned by
// its JobManager); only cancel() and the getters may be called there, and the worker touches
// nothing but the shared Feedback.

#include "foundation/feedback.h"
#include "foundation/result.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>

namespace tincture::jobs {

// (owner, kind): a job replaces a running or queued twin with the same key, e.g.
// ("shot 3", "propagate") or ("keyframe 120", "solve").
struct JobKey
{
    QString owner;
    QString kind;
    friend bool operator==(const JobKey &, const JobKey &) = default;
};

enum class JobState { Queued, Running, Succeeded, Failed, Cancelled };
QString jobStateName(JobState state); // "queued", "running", ...

class Job : public QObject
{
    Q_OBJECT
public:
    ~Job() override;

    const JobKey &key() const { return m_key; }
    const QString &title() const { return m_title; }
    JobState state() const { return m_state; }
    bool isActive() const { return m_state == JobState::Queued || m_state == JobState::Running; }
    // Replaced by a newer twin: its outcome is dropped and it leaves the list when it ends.
    bool isSuperseded() const { return m_superseded; }

    double fraction() const; // 0..1 from the work's progress reports
    double elapsedSeconds() const;
    // Estimated seconds left, from the rate so far; empty until there is enough progress.
    std::optional<double> etaSeconds() const;
    const Error &error() const { return m_error; } // meaningful when Failed
    QStringList warnings() const;

    void cancel();

signals:
    void changed(); // state or progress (progress at most ten times a second)
    void finished();

private:
    friend class JobManager;
    struct Shared
    {
        Feedback feedback;
        std::atomic<bool> started{false};
    };
    Job(JobKey key, QString title, QObject *parent);
    void poll(); // GUI thread: picks up start and progress
    void finish(const Result<void> &outcome);

    JobKey m_key;
    QString m_title;
    JobState m_state = JobState::Queued;
    bool m_superseded = false;
    Error m_error;
    double m_lastFraction = 0.0;
    QElapsedTimer m_clock;      // since it started running
    double m_finalSeconds = -1; // elapsed time frozen at the end
    std::shared_ptr<Shared> m_shared;
};

} // namespace tincture::jobs
