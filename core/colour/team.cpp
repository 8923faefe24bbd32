#include "colour/internal/team.h"

#include <chrono>

namespace tincture::colour::detail {

namespace {

// How long a thread that waits spins before it sleeps. Longer than the gap between two loops
// of a V-cycle (the serial coarse levels take a fraction of this), short enough that an idle
// solver is asleep within a fraction of a millisecond.
constexpr auto kSpinMicros = std::chrono::microseconds(200);

inline void cpuRelax()
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

} // namespace

Team::Team(int threads)
    : m_size(std::max(1, threads)), m_signals(std::make_unique<Signal[]>(size_t(m_size)))
{
}

void Team::awaitSignal(int t) const
{
    const uint64_t run = m_generation.load(std::memory_order_relaxed);
    while (m_signals[t].run.load(std::memory_order_acquire) != run)
        cpuRelax();
}

Team::~Team()
{
    m_stop = true;
    m_generation.fetch_add(1);
    wake();
    for (std::thread &t : m_workers)
        t.join();
}

// Spin, then sleep until ready(). The sleeper count and the state ready() reads are both
// sequentially consistent: a waker that sees no sleeper stored its change before the sleeper
// counted itself, so the sleeper's check under the mutex sees the change and does not sleep.
template <class Ready> void Team::await(Ready ready)
{
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0;; ++i) {
        if (ready())
            return;
        cpuRelax();
        if ((i & 63) == 63 && std::chrono::steady_clock::now() - start > kSpinMicros)
            break;
    }
    std::unique_lock lock(m_mutex);
    m_sleepers.fetch_add(1);
    m_cv.wait(lock, ready);
    m_sleepers.fetch_sub(1);
}

void Team::wake()
{
    if (m_sleepers.load() == 0)
        return;
    {
        std::lock_guard lock(m_mutex);
    }
    m_cv.notify_all();
}

void Team::dispatch(int n, void (*call)(void *, int), void *context)
{
    if (m_workers.empty())
        for (int t = 1; t < m_size; ++t)
            m_workers.emplace_back([this, t] { work(t); });
    m_call = call;
    m_context = context;
    m_n = n;
    m_pending.store(m_size - 1);
    m_generation.fetch_add(1); // publishes the job (sequentially consistent: a release too)
    wake();
    call(context, 0);
    await([this] { return m_pending.load() == 0; });
}

void Team::work(int index)
{
    uint64_t seen = 0; // workers start before the first job is published
    for (;;) {
        await([&] { return m_generation.load() != seen; });
        seen = m_generation.load();
        if (m_stop.load())
            return;
        if (index < m_n)
            m_call(m_context, index);
        if (m_pending.fetch_sub(1) == 1)
            wake();
    }
}

} // namespace tincture::colour::detail
