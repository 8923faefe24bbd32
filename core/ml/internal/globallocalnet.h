#pragma once
// Private to core/ml (includes LibTorch). The global+local video colouriser ("global-local",
// seed 001): the ColorNet of Iizuka, Simo-Serra & Ishikawa (SIGGRAPH 2016), trained first on
// photographs (MSE on the chroma + cross-entropy on the global branch's scene classes), then
// jointly with the short-term and long-term temporal losses of Lai et al. (ECCV 2018) on
// sequences. The temporal mechanism is in the training only: at run time each frame is coloured
// alone.
//
// ColorNet (widths in units of w; the paper's are w = 64):
//   low-level   (shared) six 3×3 conv + BatchNorm + ReLU, strides 2,1,2,1,2,1, widths
//               w,2w,2w,4w,4w,8w: the frame at 1/8;
//   mid-level   two 3×3 convs, 8w, 4w;
//   global      the low-level network on the frame resized to 128 × 128 (the paper: 224), four
//               3×3 convs (8w; strides 2,1,2,1) to 4 × 4, three fully connected layers
//               16w, 8w, 4w: the global feature vector;
//   classifier  from the 8w layer: fully connected 4w, ReLU, then the classes' logits;
//   fusion      the global vector beside every mid-level position, 1×1 conv 8w → 4w, ReLU;
//   colour      conv 2w, ×2 upsampling, conv w, conv w, ×2 upsampling, conv w/2, conv 2 +
//               sigmoid: chroma at 1/2, upsampled ×2 (bilinear) to the frame.
// Deviations, said in the model card: BT.601 full-range Cb, Cr /255 instead of the paper's
// normalised Lab a*, b* (the product's chroma and its metrics are BT.601's, and the sigmoid
// head maps onto 0–255 directly); no pretrained FlowNet: the flows come from OpenCV (Farneback,
// when the clips are packed).
//
// A model file holds two ColorNets trained on the same batches from the same photograph-trained
// start: "temporal" (with the temporal losses) and "plain" (without), so the temporal losses'
// effect is measured against the same network without them. The product colours with
// "temporal"; switching the temporal mechanism off (VideoColorizer::start(false)) uses "plain".
// Builds with LibTorch and the standard library alone.

#include <torch/torch.h>

#include <map>
#include <string>

namespace tincture::ml {

struct GlobalLocalArch
{
    int width = 16;   // w
    int classes = 14; // the global branch's scene classes
};

inline constexpr int kGlobalSide = 128; // the global branch's input side

class ColorNetImpl : public torch::nn::Module
{
public:
    explicit ColorNetImpl(const GlobalLocalArch &arch);
    // N×1×H×W grey (Y/255 − 0.5; H, W multiples of 8) → chroma N×2×H×W in [0, 1] (Cb/255,
    // Cr/255); `classLogits` (if given) receives the global branch's N×classes logits.
    torch::Tensor forward(const torch::Tensor &grey, torch::Tensor *classLogits = nullptr);

private:
    torch::nn::Sequential m_low{nullptr}, m_mid{nullptr}, m_globalConv{nullptr};
    torch::nn::Sequential m_globalFc{nullptr}, m_globalOut{nullptr}, m_classifier{nullptr};
    torch::nn::Sequential m_fusion{nullptr}, m_colour1{nullptr}, m_colour2{nullptr};
    torch::nn::Sequential m_colour3{nullptr};
};
TORCH_MODULE(ColorNet);

class GlobalLocalNetImpl : public torch::nn::Module
{
public:
    explicit GlobalLocalNetImpl(const GlobalLocalArch &arch);
    const GlobalLocalArch &arch() const { return m_arch; }
    ColorNet temporal{nullptr}, plain{nullptr};

private:
    GlobalLocalArch m_arch;
};
TORCH_MODULE(GlobalLocalNet);

// The visibility mask of Lai et al.: exp(−alpha ‖I_t − Î‖²) where Î is the other frame's grey
// warped to frame t, times 0 where the flow leaves the frame. grey* N×1×H×W in [0, 1];
// flow N×2×H×W (x, y) in pixels from frame t to the other frame.
inline constexpr double kVisibilityAlpha = 50.0;
torch::Tensor visibilityMask(const torch::Tensor &greyT, const torch::Tensor &greyOther,
                             const torch::Tensor &flow, double alpha = kVisibilityAlpha);
// `image` (N×C×H×W) of the other frame sampled at x + flow(x) (bilinear; outside: border).
torch::Tensor warpByFlow(const torch::Tensor &image, const torch::Tensor &flow);
// Where x + flow(x) lies inside the frame: N×1×H×W of 0/1.
torch::Tensor insideMask(const torch::Tensor &flow);
// Σ mask · ‖O_t − warp(O_other)‖₁ over channels, mean over pixels: the temporal loss of one
// pair (short-term: the previous output; long-term: the first).
torch::Tensor temporalLoss(const torch::Tensor &outT, const torch::Tensor &outOther,
                           const torch::Tensor &flow, const torch::Tensor &mask);

std::map<std::string, std::string> globalLocalMetadata(const GlobalLocalArch &arch);

} // namespace tincture::ml
