#pragma once
// Internal to tincture_colour: the fork-join team that runs the scribble solver's loops on all
// cores. Why not OpenMP: a solve is about a thousand short parallel loops (each sweep, residual
// and vector operation of each V-cycle, a fraction of a millisecond each), and with
// OMP_WAIT_POLICY=PASSIVE, which shared machines need, libgomp puts its threads to sleep
// between any two of them. This team spins for a short while (kSpinMicros) before it sleeps,
// so back-to-back loops cost no wake-up and an idle solver uses no CPU. Same solver otherwise
// (commit 78df1ef with OpenMP against a22bbd5 with this team), `OMP_WAIT_POLICY=PASSIVE
// tincture-lab bench scribble --runs 5 --size 854x480`, two alternating runs each: cold
// 205/213 → 192/181 ms on the bench frame, 256/252 → 224/218 ms on the colour sample's
// frame 60 (docs/SCRIBBLE_SOLVER.md).
//
// Ownership and threads: one thread at a time calls run() (the solver's owner; the team's
// workers are its own, started on the first parallel call and joined by the destructor).

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace tincture::colour::detail {

class Team
{
public:
    explicit Team(int threads); // at least 1
    ~Team();
    Team(const Team &) = delete;
    Team &operator=(const Team &) = delete;

    int size() const { return m_size; }

    // Runs f(t) for t = 0 … n − 1 (n is clamped to 1 … size()), t = 0 on the calling thread,
    // and returns when every call has; what the calls wrote is then visible to the caller.
    template <class F> void run(int n, F &&f)
    {
        n = std::clamp(n, 1, m_size);
        if (n == 1) {
            f(0);
            return;
        }
        using Fn = std::remove_reference_t<F>;
        dispatch(
            n, [](void *c, int t) { (*static_cast<Fn *>(c))(t); },
            const_cast<void *>(static_cast<const void *>(&f)));
    }

    // Inside a run of n ≥ 2 calls: call t marks that it has passed a point (signal(t)), and
    // another call waits until call t has passed its point in this run (awaitSignal(t)). A
    // hand-off between two calls that would otherwise take a second run (a barrier for all).
    void signal(int t)
    {
        m_signals[t].run.store(m_generation.load(std::memory_order_relaxed),
                               std::memory_order_release);
    }
    void awaitSignal(int t) const;
    // f(begin, end) on n contiguous slices of [0, count), one per thread.
    template <class F> void slices(int n, int count, F &&f)
    {
        n = std::clamp(n, 1, std::max(1, count));
        run(n, [&](int t) { f(int(int64_t(count) * t / n), int(int64_t(count) * (t + 1) / n)); });
    }

private:
    void dispatch(int n, void (*call)(void *, int), void *context);
    void work(int index);
    template <class Ready> void await(Ready ready);
    void wake();

    int m_size = 1;
    std::vector<std::thread> m_workers;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::atomic<int> m_sleepers{0};
    std::atomic<uint64_t> m_generation{0}; // bumped for each job
    std::atomic<int> m_pending{0};         // workers yet to finish the current job
    std::atomic<bool> m_stop{false};
    struct alignas(64) Signal
    {
        std::atomic<uint64_t> run{0}; // the generation of the run it was last given in
    };
    std::unique_ptr<Signal[]> m_signals;
    void (*m_call)(void *, int) = nullptr;
    void *m_context = nullptr;
    int m_n = 0;
};

// One thread's sums in a reduction over the team (up to four: two channels, two products),
// padded to its own cache line so the threads do not share one.
struct alignas(64) PartialSums
{
    double s[4] = {0.0, 0.0, 0.0, 0.0};
};

} // namespace tincture::colour::detail
