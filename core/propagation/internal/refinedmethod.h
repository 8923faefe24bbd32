#pragma once
// Internal to core/propagation: a method whose every propagated frame passes through a trained
// refiner (VPN's spatial CNN stage, ml/chromarefiner.h) before it reaches the sink. Keyframes
// pass untouched; each refined frame is recomposed under its grey, so its luma is still exactly
// the input's. The refiner re-filters a frame's output only: it does not feed back into the
// inner method's chain (the outputs it sees are what the inner method would emit anyway).
// A refiner that fails on the GPU is replaced, once, by the same model loaded on the CPU (with
// a warning, tincture.propagation) and the frame is refined again.
// Threading as PropagationMethod; the refiner session may be shared between methods.

#include "propagation/propagationmethod.h"

#include <memory>

namespace tincture::ml {
class ChromaRefiner;
}

namespace tincture::propagation::detail {

std::unique_ptr<PropagationMethod>
makeRefinedMethod(QString name, std::unique_ptr<PropagationMethod> inner,
                  std::shared_ptr<const ml::ChromaRefiner> refiner);

} // namespace tincture::propagation::detail
