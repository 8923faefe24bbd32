#pragma once
// Internal to core/propagation: one sequence of a colour dataset (evaluation.h's layout) as the
// grey frames a method sees (the protocol's grey, protocolGrey()) plus its true colour frames,
// read on demand. The last frame read is kept, because a method asks for frame i's grey just
// before a sink needs frame i's colour. One thread at a time.

#include "lab/evaluation.h"
#include "propagation/propagationmethod.h"

namespace tincture::lab {

class TruthSequence final : public propagation::GreyFrameSource
{
public:
    explicit TruthSequence(const EvalSequence &sequence) : m_sequence(sequence) {}

    int frameCount() const override { return int(m_sequence.framePaths.size()); }
    Result<Frame> truth(int index);
    Result<Frame> greyFrame(int index) override;

private:
    const EvalSequence &m_sequence;
    Frame m_cached;
    int m_cachedIndex = -1;
};

} // namespace tincture::lab
