#pragma once
// Synthetic sequences from still photographs, for training what learns from motion (the
// refiner's patches, VPN's clips): colour is known in every frame. Each moves one photograph by
// a random pan, zoom and rotation per frame, with a disc cut from a second photograph moving
// over it on its own path, so that a method meets occlusion and disocclusion. Motion per frame:
// pan up to ±4 px in x and y, zoom up to ±1.5 %, rotation up to ±1°; the disc has a radius of
// 15–30 % of the side and moves up to ±5 px. Any thread.

#include "foundation/result.h"
#include "image/frame.h"
#include "lab/evaluation.h"
#include "propagation/propagationmethod.h"

#include <QString>

#include <random>
#include <vector>

namespace tincture::lab {

// A synthetic sequence held in memory: its colour frames are the truth, their protocol grey
// what the method sees.
class MemorySequence final : public propagation::GreyFrameSource
{
public:
    explicit MemorySequence(std::vector<Frame> colour) : m_colour(std::move(colour)) {}
    int frameCount() const override { return int(m_colour.size()); }
    Result<Frame> greyFrame(int index) override { return protocolGrey(m_colour[size_t(index)]); }
    const Frame &colour(int index) const { return m_colour[size_t(index)]; }

private:
    std::vector<Frame> m_colour;
};

// `frames` colour frames of the size of the photograph at backPath, the disc cut from the one at
// objectPath; the motion drawn from rng. Errors: unreadable photographs (named), OpenCV's.
Result<std::vector<Frame>> syntheticSequence(const QString &backPath, const QString &objectPath,
                                             int frames, std::mt19937_64 &rng);

} // namespace tincture::lab
