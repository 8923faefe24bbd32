#include "propagation/videoshotsource.h"

namespace tincture::propagation {

VideoShotSource::VideoShotSource(VideoSource &source, FrameIndex first, FrameIndex last,
                                 const Feedback *cancel)
    : m_source(source), m_first(first), m_last(last < 0 ? source.frameCount() - 1 : last),
      m_cancel(cancel)
{
}

int VideoShotSource::frameCount() const
{
    return int(m_last - m_first + 1);
}

Result<Frame> VideoShotSource::greyFrame(int index)
{
    if (m_cancel && m_cancel->isCancelled())
        return Error::cancelled();
    if (index < 0 || index >= frameCount())
        return makeError(ErrorCode::OutOfRange,
                         QStringLiteral("frame %1 is outside the shot").arg(index));
    auto frame = m_source.frame(m_first + index);
    if (!frame)
        return frame.error();
    return frame->luma().converted(PixelFormat::Gray8);
}

} // namespace tincture::propagation
