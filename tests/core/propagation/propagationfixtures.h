#pragma once
// In-memory shots and sinks for the propagation tests.

#include "propagation/evaluation.h"
#include "propagation/propagationmethod.h"

#include <functional>
#include <map>
#include <vector>

namespace tincture::test {

// A shot held as colour frames; greyFrame() gives the protocol's grey and counts the reads.
class MemoryShot final : public GreyFrameSource
{
public:
    explicit MemoryShot(std::vector<Frame> colour) : m_colour(std::move(colour)) {}
    int frameCount() const override { return int(m_colour.size()); }
    Result<Frame> greyFrame(int index) override
    {
        ++requests;
        return protocolGrey(m_colour[size_t(index)]);
    }
    const Frame &colour(int i) const { return m_colour[size_t(i)]; }
    int requests = 0;

private:
    std::vector<Frame> m_colour;
};

// Keeps every frame put (and how often each index came); can fail at one index or call back.
class CollectSink final : public FrameSink
{
public:
    Result<void> put(int index, const Frame &colour) override
    {
        if (failAt == index)
            return makeError(ErrorCode::WriteFailed, QStringLiteral("disk full"));
        ++puts[index];
        frames[index] = colour;
        if (onPut)
            onPut(index);
        return {};
    }
    std::map<int, int> puts;
    std::map<int, Frame> frames;
    int failAt = -1;
    std::function<void(int)> onPut;
};

} // namespace tincture::test
