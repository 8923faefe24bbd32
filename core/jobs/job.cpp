#include "jobs/job.h"

#include <cmath>

namespace tincture::jobs {

QString jobStateName(JobState state)
{
    switch (state) {
    case JobState::Queued:
        return QStringLiteral("queued");
    case JobState::Running:
        return QStringLiteral("running");
    case JobState::Succeeded:
        return QStringLiteral("done");
    case JobState::Failed:
        return QStringLiteral("failed");
    case JobState::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

Job::Job(JobKey key, QString title, QObject *parent)
    : QObject(parent), m_key(std::move(key)), m_title(std::move(title)),
      m_shared(std::make_shared<Shared>())
{
}

Job::~Job() = default;

double Job::fraction() const
{
    if (m_state == JobState::Succeeded)
        return 1.0;
    return std::clamp(m_shared->feedback.fraction(), 0.0, 1.0);
}

double Job::elapsedSeconds() const
{
    if (m_finalSeconds >= 0)
        return m_finalSeconds;
    return m_clock.isValid() ? m_clock.elapsed() / 1000.0 : 0.0;
}

std::optional<double> Job::etaSeconds() const
{
    if (m_state != JobState::Running)
        return std::nullopt;
    const double f = fraction();
    const double t = elapsedSeconds();
    // Too early to say: the first few percent are dominated by start-up (opening, loading).
    if (f < 0.02 || t < 0.5)
        return std::nullopt;
    return t * (1.0 - f) / f;
}

QStringList Job::warnings() const
{
    return m_shared->feedback.warnings();
}

void Job::cancel()
{
    m_shared->feedback.cancel();
}

void Job::poll()
{
    bool changedNow = false;
    if (m_state == JobState::Queued && m_shared->started.load()) {
        m_state = JobState::Running;
        m_clock.start();
        changedNow = true;
    }
    const double f = fraction();
    if (std::abs(f - m_lastFraction) > 1e-4) {
        m_lastFraction = f;
        changedNow = true;
    }
    if (changedNow)
        emit changed();
}

void Job::finish(const Result<void> &outcome)
{
    m_finalSeconds = m_clock.isValid() ? m_clock.elapsed() / 1000.0 : 0.0;
    if (outcome) {
        m_state = JobState::Succeeded;
    } else if (outcome.error().isCancelled()) {
        m_state = JobState::Cancelled;
    } else {
        m_state = JobState::Failed;
        m_error = outcome.error();
    }
    m_lastFraction = fraction();
    emit changed();
    emit finished();
}

} // namespace tincture::jobs
