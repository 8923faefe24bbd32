#pragma once
// Adapters between films and the propagation interface: ShotFrameSource serves one shot of a
// VideoSource as grey frames 0 … n−1 (decoding on request); FrameReorderBuffer takes a
// method's frames in any order and hands them back in order, keeping at most a memory budget
// in RAM and spilling the rest to a private temporary folder (raw files, removed on
// destruction), so memory stays bounded for a long shot at a high resolution.
// Threading: one job's thread.

#include "foundation/feedback.h"
#include "media/videosource.h"
#include "propagation/propagationmethod.h"
#include "propagation/shotdetection.h"

#include <QTemporaryDir>

#include <map>
#include <memory>

namespace tincture::pipeline {

class ShotFrameSource final : public GreyFrameSource
{
public:
    // cancel: polled on every request (a cancelled request returns Cancelled).
    ShotFrameSource(VideoSource &source, Shot shot, const Feedback &cancel);
    int frameCount() const override;
    Result<Frame> greyFrame(int index) override;

private:
    VideoSource &m_source;
    Shot m_shot;
    const Feedback &m_cancel;
};

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
