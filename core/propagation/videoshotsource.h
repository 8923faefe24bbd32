#pragma once
// A shot of a film as a GreyFrameSource: frames first … last of a VideoSource served as 8-bit
// luma 0 … n−1, decoded on request. The one adapter between media and propagation, used by the
// CLI's propagate, the colorize pipeline and the studio. Optionally polls a Feedback on every
// request (a cancelled request returns Cancelled). One job's thread.

#include "foundation/feedback.h"
#include "media/videosource.h"
#include "propagation/propagationmethod.h"

namespace tincture::propagation {

class VideoShotSource final : public GreyFrameSource
{
public:
    // last = -1: to the end of the film. cancel (may be null) must outlive this object.
    VideoShotSource(VideoSource &source, FrameIndex first = 0, FrameIndex last = -1,
                    const Feedback *cancel = nullptr);
    int frameCount() const override;
    Result<Frame> greyFrame(int index) override;

private:
    VideoSource &m_source;
    FrameIndex m_first;
    FrameIndex m_last;
    const Feedback *m_cancel;
};

} // namespace tincture::propagation
