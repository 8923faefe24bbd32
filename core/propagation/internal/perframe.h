#pragma once
// Internal to core/propagation: per-frame mode, "propagation" that propagates nothing — a video
// colouriser (ml/videocolorizer.h) colours every frame of the shot in order, its temporal
// mechanism on, from the grey alone. It uses no keyframes (the mode is for shots a keyframe
// cannot carry): it takes an empty list, and ignores the colour of any it is given.
// Threading as PropagationMethod; the model may be shared between methods.

#include "propagation/propagationmethod.h"

#include <memory>

namespace tincture::ml {
class VideoColorizer;
}

namespace tincture::propagation::detail {

std::unique_ptr<PropagationMethod>
makePerFrameMethod(std::shared_ptr<const ml::VideoColorizer> model);

} // namespace tincture::propagation::detail
