#pragma once
// FrameReorderBuffer: between a propagation method and an encoder. It takes a method's frames
// in any order and hands them back in order, keeping at most a memory budget
// in RAM and spilling the rest to a private temporary folder (raw files, removed on
// destruction), so memory stays bounded for a long shot at a high resolution.
// Threading: one job's thread.

#include "propagation/propagationmethod.h"

#include <QTemporaryDir>

#include <map>
#include <memory>

namespace tincture::pipeline {

class FrameReorderBuffer final : public FrameSink
{
public:
    explicit FrameReorderBuffer(int64_t memoryBudgetBytes = 512ll << 20);
    ~FrameReorderBuffer() override;
    Result<void> put(int index, const Frame &colour) override;
    // The frame put at index (removing it); an error if it never was.
    Result<Frame> take(int index);
    void clear();
    int64_t spilledFrames() const { return m_spilled; }

private:
    int64_t m_budget;
    int64_t m_bytes = 0;
    int64_t m_spilled = 0;
    std::map<int, Frame> m_memory;
    struct Spilled
    {
        QString path;
        int width, height;
        PixelFormat format;
    };
    std::map<int, Spilled> m_disk;
    std::unique_ptr<QTemporaryDir> m_dir;
};

} // namespace tincture::pipeline
