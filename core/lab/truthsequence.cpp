#include "lab/truthsequence.h"

#include "lab/scoringio.h"

using namespace tincture::propagation;

namespace tincture::lab {

Result<Frame> TruthSequence::truth(int index)
{
    if (index < 0 || index >= frameCount())
        return makeError(ErrorCode::OutOfRange, QStringLiteral("no frame %1").arg(index));
    if (index != m_cachedIndex) {
        auto frame = lab::readScoringImage(m_sequence.framePaths[index]);
        if (!frame)
            return frame.error();
        m_cached = *frame;
        m_cachedIndex = index;
    }
    return m_cached;
}

Result<Frame> TruthSequence::greyFrame(int index)
{
    auto colour = truth(index);
    if (!colour)
        return colour.error();
    return protocolGrey(*colour);
}

} // namespace tincture::lab
