#include "media/framecache.h"

namespace tincture {

std::optional<Frame> FrameCache::find(FrameIndex index)
{
    std::lock_guard lock(m_mutex);
    const auto it = m_byIndex.find(index);
    if (it == m_byIndex.end())
        return std::nullopt;
    m_lru.splice(m_lru.begin(), m_lru, it->second);
    return *it->second;
}

void FrameCache::insert(const Frame &frame)
{
    if (frame.isNull() || frame.index < 0)
        return;
    const int64_t bytes = int64_t(frame.byteSize());
    std::lock_guard lock(m_mutex);
    if (bytes > m_budgetBytes)
        return; // never hold a frame larger than the whole budget
    if (const auto it = m_byIndex.find(frame.index); it != m_byIndex.end()) {
        m_bytesUsed -= int64_t(it->second->byteSize());
        m_lru.erase(it->second);
        m_byIndex.erase(it);
    }
    m_lru.push_front(frame);
    m_byIndex.emplace(frame.index, m_lru.begin());
    m_bytesUsed += bytes;
    evictLocked();
}

void FrameCache::evictLocked()
{
    while (m_bytesUsed > m_budgetBytes && !m_lru.empty()) {
        const Frame &victim = m_lru.back();
        m_bytesUsed -= int64_t(victim.byteSize());
        m_byIndex.erase(victim.index);
        m_lru.pop_back();
    }
}

int64_t FrameCache::budgetBytes() const
{
    return m_budgetBytes;
}

void FrameCache::setBudgetBytes(int64_t bytes)
{
    std::lock_guard lock(m_mutex);
    m_budgetBytes = bytes;
    evictLocked();
}

void FrameCache::clear()
{
    std::lock_guard lock(m_mutex);
    m_lru.clear();
    m_byIndex.clear();
    m_bytesUsed = 0;
}

int64_t FrameCache::bytesUsed() const
{
    std::lock_guard lock(m_mutex);
    return m_bytesUsed;
}

size_t FrameCache::size() const
{
    std::lock_guard lock(m_mutex);
    return m_lru.size();
}

} // namespace tincture
