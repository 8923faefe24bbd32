#pragma once
// FrameCache: decoded frames by index, least recently used evicted first, bounded in bytes
// (settings::kFrameCacheBytes). Memory stays bounded whatever the film's length. Thread-safe.

#include "image/frame.h"

#include <atomic>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace tincture {

class FrameCache
{
public:
    explicit FrameCache(int64_t budgetBytes) : m_budgetBytes(budgetBytes) {}

    std::optional<Frame> find(FrameIndex index);
    void insert(const Frame &frame);
    void clear();
    int64_t bytesUsed() const;
    int64_t budgetBytes() const;
    void setBudgetBytes(int64_t bytes); // evicts down to the new budget
    size_t size() const;

private:
    void evictLocked();

    std::atomic<int64_t> m_budgetBytes;
    int64_t m_bytesUsed = 0;
    std::list<Frame> m_lru; // front = most recently used
    std::unordered_map<FrameIndex, std::list<Frame>::iterator> m_byIndex;
    mutable std::mutex m_mutex;
};

} // namespace tincture
