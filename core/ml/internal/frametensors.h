#pragma once
// Private to core/ml (includes LibTorch first, then Frame): frames to the tensors the
// inference sessions feed their nets, and back.

#include <torch/torch.h>

#include "image/frame.h"

#include <vector>

namespace tincture::ml {

// N frames of one size → N×1×H×W luma in [0, 1] (float); `lumas` receives each frame's luma
// (Frame::luma(), keeping its bit depth).
torch::Tensor lumaTensor(const std::vector<const Frame *> &frames, std::vector<Frame> &lumas);

// rgb: N×H×W×3 contiguous float in [0, 1] → one frame per input, Rgb8 (Rgb16 where the luma is
// 16-bit), rounded so that its luma equals lumas[n] exactly; index, pts and time base copied
// from frames[n].
std::vector<Frame> framesOfRgb(const torch::Tensor &rgb, const std::vector<Frame> &lumas,
                               const std::vector<const Frame *> &frames);

} // namespace tincture::ml
