#pragma once
// FrameReorderBuffer: between a propagation method and an encoder. It takes a method's frames
// in any order and hands them back in order, keeping at most a memory budget in RAM and
// spilling the rest to one anonymous temporary file (O_TMPFILE, or a file unlinked as soon as
// it is opened), so memory stays bounded for a long shot at a high resolution and nothing is
// left on disk however the process ends, SIGKILL included. A frame's space in the file is
// given back (a punched hole) when it is taken.
// Threading: one job's thread.

#include "propagation/propagationmethod.h"

#include <map>

namespace tincture::pipeline {

class FrameReorderBuffer final : public propagation::FrameSink
{
public:
    explicit FrameReorderBuffer(int64_t memoryBudgetBytes = 512ll << 20);
    ~FrameReorderBuffer() override;
    FrameReorderBuffer(const FrameReorderBuffer &) = delete;
    FrameReorderBuffer &operator=(const FrameReorderBuffer &) = delete;

    Result<void> put(int index, const Frame &colour) override;
    // The frame put at index (removing it); an error if it never was.
    Result<Frame> take(int index);
    void clear();
    int64_t spilledFrames() const { return m_spilled; }

private:
    Result<void> openSpill();

    int64_t m_budget;
    int64_t m_bytes = 0;
    int64_t m_spilled = 0;
    std::map<int, Frame> m_memory;
    struct Spilled
    {
        int64_t offset;
        int width, height;
        PixelFormat format;
    };
    std::map<int, Spilled> m_disk;
    int m_spillFd = -1;
    int64_t m_spillEnd = 0; // bytes written to the spill file
};

} // namespace tincture::pipeline
