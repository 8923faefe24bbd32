#include "foundation/feedback.h"

#include <QStringList>

namespace tincture {

bool Feedback::isCancelled() const
{
    if (m_cancelled.load(std::memory_order_relaxed))
        return true;
    if (m_externalFlag && m_externalFlag->load(std::memory_order_relaxed))
        return true;
    return m_parent && m_parent->isCancelled();
}

void Feedback::reportProgress(int64_t done, int64_t total)
{
    m_done.store(done, std::memory_order_relaxed);
    m_total.store(total, std::memory_order_relaxed);
    if (m_callback)
        m_callback(done, total);
}

double Feedback::fraction() const
{
    const int64_t total = m_total.load(std::memory_order_relaxed);
    return total > 0 ? double(m_done.load(std::memory_order_relaxed)) / double(total) : 0.0;
}

void Feedback::warn(const QString &message)
{
    std::lock_guard lock(m_warningsMutex);
    m_warnings.append(message);
}

QStringList Feedback::warnings() const
{
    std::lock_guard lock(m_warningsMutex);
    return m_warnings;
}

} // namespace tincture
