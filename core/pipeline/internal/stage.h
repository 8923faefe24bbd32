#pragma once
// A worker thread behind a bounded queue of frames, for the film engine's encoder side
// (filmengine.cpp): each stage overlaps with the one that feeds it.

#include "foundation/result.h"
#include "image/frame.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace tincture::pipeline::detail {

// A worker thread fed through a bounded queue: put() waits while the queue is full; the first
// error of `work` stops the worker, and put() and finish() return it.
class Stage
{
public:
    using Work = std::function<Result<void>(FrameIndex, const Frame &)>;
    Stage(size_t capacity, Work work) : m_capacity(capacity), m_work(std::move(work))
    {
        m_thread = std::thread([this] { run(); });
    }
    ~Stage() { stop(); }
    Stage(const Stage &) = delete;
    Stage &operator=(const Stage &) = delete;

    Result<void> put(FrameIndex frame, const Frame &image)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_queue.size() < m_capacity || m_error || m_closing; });
        if (m_error)
            return *m_error;
        if (m_closing)
            return Error::cancelled();
        m_queue.emplace_back(frame, image);
        m_changed.notify_all();
        return {};
    }
    // Waits until every queued frame is done.
    Result<void> finish()
    {
        std::unique_lock lock(m_mutex);
        m_closing = true;
        m_changed.notify_all();
        m_changed.wait(lock, [&] { return m_stopped; });
        if (m_error)
            return *m_error;
        return {};
    }
    // Drops the frames still queued and waits for the one in work.
    void stop()
    {
        {
            std::lock_guard lock(m_mutex);
            m_closing = true;
            m_queue.clear();
        }
        m_changed.notify_all();
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    void run()
    {
        for (;;) {
            std::pair<FrameIndex, Frame> next;
            {
                std::unique_lock lock(m_mutex);
                m_changed.wait(lock, [&] { return !m_queue.empty() || m_closing; });
                if (m_queue.empty() || m_error) {
                    m_stopped = true;
                    m_changed.notify_all();
                    return;
                }
                next = std::move(m_queue.front());
                m_queue.pop_front();
                m_changed.notify_all();
            }
            if (Result<void> ok = m_work(next.first, next.second); !ok) {
                std::lock_guard lock(m_mutex);
                m_error = ok.error();
                m_queue.clear();
                m_changed.notify_all();
            }
        }
    }

    const size_t m_capacity;
    Work m_work;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::pair<FrameIndex, Frame>> m_queue;
    std::optional<Error> m_error;
    bool m_closing = false;
    bool m_stopped = false;
    std::thread m_thread;
};

} // namespace tincture::pipeline::detail
