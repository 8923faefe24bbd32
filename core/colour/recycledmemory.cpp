#include "colour/internal/recycledmemory.h"

#include "colour/scribblesolver.h"

#include <cassert>
#include <mutex>
#include <unordered_map>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace tincture::colour {

namespace detail {

namespace {

constexpr std::align_val_t kAlignment{64};
constexpr size_t kDefaultLimit = size_t(1) << 30;
#if defined(__linux__)
#ifdef MADV_POPULATE_WRITE
constexpr int kPopulateWrite = MADV_POPULATE_WRITE;
#else
constexpr int kPopulateWrite = 23; // Linux 5.14's value; older glibc headers lack the name
#endif
#endif

struct CachedBlock
{
    void *block;
    size_t bytes; // the size it was made with
};

// Maps a new block's pages in one call instead of one page fault each as the vector first
// writes them: on the development VM that halves the cost of fresh memory (100 MB: 140 instead
// of 280 ms). A kernel without MADV_POPULATE_WRITE (before Linux 5.14) refuses it; the pages
// are then mapped as they are touched.
void populate(void *block, size_t bytes)
{
#if defined(__linux__)
    const uintptr_t page = 4096;
    const uintptr_t begin = (reinterpret_cast<uintptr_t>(block) + page - 1) & ~(page - 1);
    const uintptr_t end = (reinterpret_cast<uintptr_t>(block) + bytes) & ~(page - 1);
    if (end > begin)
        (void)madvise(reinterpret_cast<void *>(begin), end - begin, kPopulateWrite);
#else
    (void)block;
    (void)bytes;
#endif
}

class BlockCache
{
public:
    void *acquire(size_t bytes)
    {
        {
            std::lock_guard lock(m_mutex);
            // The smallest cached block that fits without wasting more than an eighth.
            auto best = m_cached.end();
            for (auto it = m_cached.begin(); it != m_cached.end(); ++it)
                if (it->bytes >= bytes && it->bytes - bytes <= bytes / 8 &&
                    (best == m_cached.end() || it->bytes < best->bytes))
                    best = it;
            if (best != m_cached.end()) {
                void *block = best->block;
                m_live.emplace(block, best->bytes);
                m_liveBytes += best->bytes;
                m_cachedBytes -= best->bytes;
                m_cached.erase(best);
                ++m_reused;
                return block;
            }
        }
        void *block = ::operator new(bytes, kAlignment); // may throw std::bad_alloc
        populate(block, bytes);
        std::lock_guard lock(m_mutex);
        m_live.emplace(block, bytes);
        m_liveBytes += bytes;
        ++m_allocated;
        return block;
    }

    void release(void *block) noexcept
    {
        std::vector<CachedBlock> evicted;
        {
            std::lock_guard lock(m_mutex);
            const auto it = m_live.find(block);
            assert(it != m_live.end()); // only blocks from acquire() come back
            if (it == m_live.end())
                return;
            const size_t bytes = it->second;
            m_live.erase(it);
            m_liveBytes -= bytes;
            if (bytes > m_limit) {
                evicted.push_back({block, bytes});
            } else {
                m_cached.push_back({block, bytes}); // m_cached stays oldest first
                m_cachedBytes += bytes;
                evictOverLimit(evicted);
            }
        }
        for (const CachedBlock &c : evicted) // outside the lock
            ::operator delete(c.block, kAlignment);
    }

    void setLimit(size_t bytes)
    {
        std::vector<CachedBlock> evicted;
        {
            std::lock_guard lock(m_mutex);
            m_limit = bytes;
            evictOverLimit(evicted);
        }
        for (const CachedBlock &c : evicted)
            ::operator delete(c.block, kAlignment);
    }

    size_t limit()
    {
        std::lock_guard lock(m_mutex);
        return m_limit;
    }

    RecycledMemoryStats stats()
    {
        std::lock_guard lock(m_mutex);
        return {m_cachedBytes, m_cached.size(), m_liveBytes, m_reused, m_allocated};
    }

private:
    void evictOverLimit(std::vector<CachedBlock> &evicted)
    {
        size_t drop = 0; // the oldest first
        while (m_cachedBytes > m_limit && drop < m_cached.size()) {
            m_cachedBytes -= m_cached[drop].bytes;
            evicted.push_back(m_cached[drop]);
            ++drop;
        }
        m_cached.erase(m_cached.begin(), m_cached.begin() + ptrdiff_t(drop));
    }

    std::mutex m_mutex;
    std::vector<CachedBlock> m_cached;
    std::unordered_map<void *, size_t> m_live;
    size_t m_cachedBytes = 0, m_liveBytes = 0, m_limit = kDefaultLimit;
    size_t m_reused = 0, m_allocated = 0;
};

// Never destroyed: solvers may be released from static destructors after it would have been.
BlockCache &cache()
{
    static BlockCache *instance = new BlockCache;
    return *instance;
}

} // namespace

void *acquireBlock(size_t bytes)
{
    return cache().acquire(bytes);
}

void releaseBlock(void *block) noexcept
{
    if (block)
        cache().release(block);
}

RecycledMemoryStats recycledMemoryStats()
{
    return cache().stats();
}

} // namespace detail

void setSolverMemoryCacheLimit(size_t bytes)
{
    detail::cache().setLimit(bytes);
}

size_t solverMemoryCacheLimit()
{
    return detail::cache().limit();
}

} // namespace tincture::colour
