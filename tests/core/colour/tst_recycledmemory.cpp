// The process-wide cache of the scribble solver's planes (colour/recycledmemory.h): freed blocks
// come back to later requests of about their size, the cache never holds more than its limit,
// it is safe from several threads, and a solver on recycled (stale) memory gives the same
// chroma as one on fresh memory.

#include "colour/internal/recycledmemory.h"
#include "colour/scribblesolver.h"
#include "testmain.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <thread>

using namespace tincture;
using namespace tincture::colour;
using namespace tincture::colour::detail;

namespace {

constexpr size_t kMiB = size_t(1) << 20;

// Restores the default limit (and empties the cache) whatever a test did.
struct LimitGuard
{
    size_t saved = solverMemoryCacheLimit();
    LimitGuard() { setSolverMemoryCacheLimit(0); }
    ~LimitGuard() { setSolverMemoryCacheLimit(saved); }
};

struct Chroma
{
    std::vector<float> i, q;
};

// A 320×240 grey picture (gradient, a bright disc, noise) with a few strokes: its planes
// (76 800 floats, 300 KB) are all large enough to go through the cache.
Chroma solve(unsigned seed)
{
    const int w = 320, h = 240;
    std::mt19937 rng(seed);
    std::normal_distribution<float> noise(0.0f, 0.02f);
    std::vector<float> Y(size_t(w) * h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const float dx = x - 0.4f * w, dy = y - 0.5f * h;
            const float v = dx * dx + dy * dy < 0.04f * w * w ? 0.8f : 0.2f + 0.3f * x / w;
            Y[size_t(y) * w + x] = std::clamp(v + noise(rng), 0.0f, 1.0f);
        }
    ChromaConstraints c;
    c.hintMask.assign(Y.size(), 0);
    c.hintI.assign(Y.size(), 0.0f);
    c.hintQ.assign(Y.size(), 0.0f);
    std::uniform_int_distribution<int> px(0, w - 1), py(0, h - 1);
    std::uniform_real_distribution<float> chroma(-0.3f, 0.3f);
    for (int s = 0; s < 12; ++s) {
        const int x0 = px(rng), y0 = py(rng);
        const float ci = chroma(rng), cq = chroma(rng);
        for (int k = 0; k < 40; ++k) {
            const int x = std::min(w - 1, x0 + k), y = y0;
            const size_t p = size_t(y) * w + x;
            c.hintMask[p] = 1;
            c.hintI[p] = ci;
            c.hintQ[p] = cq;
        }
    }
    ScribbleSolver solver;
    Chroma out;
    if (!solver.setLuma(w, h, Y).hasValue() || !solver.setConstraints(c).hasValue())
        return out;
    Feedback feedback;
    if (!solver.solve(feedback, false).hasValue())
        return out;
    out.i = solver.chromaI();
    out.q = solver.chromaQ();
    return out;
}

float maxAbsDifference(const std::vector<float> &a, const std::vector<float> &b)
{
    float m = 0.0f;
    for (size_t k = 0; k < a.size(); ++k)
        m = std::max(m, std::abs(a[k] - b[k]));
    return m;
}

} // namespace

class TestRecycledMemory : public QObject
{
    Q_OBJECT

private slots:
    void freedBlockIsReused()
    {
        LimitGuard guard;
        setSolverMemoryCacheLimit(64 * kMiB);
        void *a = acquireBlock(4 * kMiB);
        std::memset(a, 1, 4 * kMiB);
        releaseBlock(a);
        QCOMPARE(recycledMemoryStats().cachedBlocks, size_t(1));
        const size_t reusedBefore = recycledMemoryStats().reused;
        void *b = acquireBlock(4 * kMiB);
        QCOMPARE(b, a);
        QCOMPARE(recycledMemoryStats().reused, reusedBefore + 1);
        QCOMPARE(recycledMemoryStats().cachedBlocks, size_t(0));
        releaseBlock(b);
    }

    // A cached block serves a request it can hold without wasting more than an eighth of it.
    void onlyAboutTheSameSizeIsReused()
    {
        LimitGuard guard;
        setSolverMemoryCacheLimit(64 * kMiB);
        void *a = acquireBlock(4 * kMiB);
        releaseBlock(a);
        void *bigger = acquireBlock(5 * kMiB); // does not fit
        QVERIFY(bigger != a);
        void *half = acquireBlock(2 * kMiB); // would waste half of it
        QVERIFY(half != a);
        void *close = acquireBlock(4 * kMiB - 256 * 1024); // wastes 1/16
        QCOMPARE(close, a);
        for (auto [p, n] :
             {std::pair{bigger, 5 * kMiB}, {half, 2 * kMiB}, {close, 4 * kMiB - 256 * 1024}})
            releaseBlock(p);
    }

    // Over the limit, the blocks cached first are freed first; limit 0 keeps nothing.
    void limitIsKept()
    {
        LimitGuard guard;
        setSolverMemoryCacheLimit(8 * kMiB);
        void *b[3];
        for (void *&p : b)
            p = acquireBlock(4 * kMiB);
        for (void *p : b)
            releaseBlock(p);
        RecycledMemoryStats s = recycledMemoryStats();
        QCOMPARE(s.cachedBlocks, size_t(2));
        QCOMPARE(s.cachedBytes, 8 * kMiB);
        void *x = acquireBlock(4 * kMiB), *y = acquireBlock(4 * kMiB);
        QVERIFY((x == b[1] && y == b[2]) || (x == b[2] && y == b[1])); // b[0] went first
        releaseBlock(x);
        releaseBlock(y);

        setSolverMemoryCacheLimit(0);
        QCOMPARE(recycledMemoryStats().cachedBytes, size_t(0));
        void *z = acquireBlock(4 * kMiB);
        releaseBlock(z);
        QCOMPARE(recycledMemoryStats().cachedBlocks, size_t(0));
    }

    // Four threads taking and giving back blocks of mixed sizes: no block is handed to two
    // holders at once (each fills its block with its own byte and finds it unchanged), and
    // every block comes back.
    void threadsShareTheCache()
    {
        LimitGuard guard;
        setSolverMemoryCacheLimit(32 * kMiB);
        const size_t liveBefore = recycledMemoryStats().liveBytes;
        std::vector<int> failures(4, 0);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([t, &failures] {
                std::mt19937 rng(unsigned(t) + 1);
                std::uniform_int_distribution<size_t> size(kRecycledMinBytes, 3 * kMiB);
                for (int k = 0; k < 150; ++k) {
                    const size_t n = size(rng);
                    auto *p = static_cast<unsigned char *>(acquireBlock(n));
                    std::memset(p, t + 1, n);
                    std::this_thread::yield();
                    if (std::any_of(p, p + n, [t](unsigned char c) { return c != t + 1; }))
                        ++failures[size_t(t)];
                    releaseBlock(p);
                }
            });
        for (std::thread &th : threads)
            th.join();
        for (int f : failures)
            QCOMPARE(f, 0);
        QCOMPARE(recycledMemoryStats().liveBytes, liveBefore);
        QVERIFY(recycledMemoryStats().cachedBytes <= 32 * kMiB);
    }

    // The solver reads nothing it did not write: on blocks left by a solver of another picture
    // it gives what it gives on fresh memory.
    void solverOnRecycledMemoryAgrees()
    {
        LimitGuard guard;
        const Chroma fresh = solve(7); // limit 0: nothing cached, every block new
        QCOMPARE(fresh.i.size(), size_t(320 * 240));

        setSolverMemoryCacheLimit(256 * kMiB);
        const Chroma other = solve(99); // its planes stay cached, full of its own values
        QVERIFY(recycledMemoryStats().cachedBlocks > 10);
        QVERIFY(maxAbsDifference(other.i, fresh.i) > 1e-2f); // a different picture indeed
        const size_t reusedBefore = recycledMemoryStats().reused;
        const Chroma recycled = solve(7);
        QVERIFY(recycledMemoryStats().reused > reusedBefore + 10);
        QCOMPARE(recycled.i.size(), fresh.i.size());
        // The same arithmetic on the same input: any difference would be stale memory read.
        QVERIFY(maxAbsDifference(recycled.i, fresh.i) <= 1e-6f);
        QVERIFY(maxAbsDifference(recycled.q, fresh.q) <= 1e-6f);
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestRecycledMemory)
#include "tst_recycledmemory.moc"
