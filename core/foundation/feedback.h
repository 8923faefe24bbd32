#pragma once
// Feedback: how a long-running core operation reports progress and learns it should stop.
// The operation polls isCancelled() at least once per frame or tile and calls
// reportProgress(); it never emits Qt signals. Any thread may call cancel() and the getters;
// the progress callback runs on the operation's thread, so it must be cheap and thread-safe.

#include <QString>
#include <QStringList>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>

namespace tincture {

class Feedback
{
public:
    using ProgressCallback = std::function<void(int64_t done, int64_t total)>;

    Feedback() = default;
    explicit Feedback(ProgressCallback callback) : m_callback(std::move(callback)) {}
    Feedback(const Feedback &) = delete;
    Feedback &operator=(const Feedback &) = delete;

    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    bool isCancelled() const;

    // An extra cancellation source, e.g. a process-wide flag set by a signal handler.
    void linkCancelFlag(const std::atomic<bool> *flag) { m_externalFlag = flag; }
    // A sub-operation's Feedback: cancelling the parent cancels this one too. The parent must
    // outlive this object.
    void linkParent(const Feedback *parent) { m_parent = parent; }

    void reportProgress(int64_t done, int64_t total);
    double fraction() const;

    // Messages for the user that do not stop the operation (e.g. "no scribbles").
    void warn(const QString &message);
    QStringList warnings() const;

private:
    std::atomic<bool> m_cancelled{false};
    const std::atomic<bool> *m_externalFlag = nullptr;
    const Feedback *m_parent = nullptr;
    std::atomic<int64_t> m_done{0};
    std::atomic<int64_t> m_total{0};
    ProgressCallback m_callback;
    mutable std::mutex m_warningsMutex;
    QStringList m_warnings;
};

} // namespace tincture
