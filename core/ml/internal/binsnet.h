#pragma once
// Private to core/ml (includes LibTorch). The recurrent binned colouriser ("recurrent-bins",
// seed 004: Gupta & Kannan's recurrent-inspired CNN): colour is classified, not regressed —
// BT.601 full-range U (Cb) and V (Cr) are each quantised into `bins` equal bins over 0–255 —
// in two stages:
//   colour net       grey Y → logits of U's and V's bins, one frame alone (the "colour model");
//   consistency net  recolours a frame from its grey, the colour net's answer for it and its
//                    predecessor's grey and binned colouring (the bin centres of the predecessor's
//                    chosen bins): the paper's "consistency model". Its logits are added to the
//                    colour net's, and its last layer starts at zero, so before training it is
//                    the colour net.
// Deviation from the paper, said in the model card: no pretrained VGG-16 (none is in Debian's
// packages, and it would not fit the CPU budget); the colour net is a small encoder–decoder with
// skip connections (conv 3×3 + BatchNorm + ReLU; widths w, 2w, 4w, 8w; the innermost level
// dilated), trained from scratch.
// A frame's colour is the annealed mean of the bins (Zhang et al. 2016, T = 0.38) per channel;
// the colouring handed to the next frame is the bins' argmax, as the paper recolours from its
// predecessor's binned colouring.
// Builds with LibTorch and the standard library alone.

#include <torch/torch.h>

#include <array>
#include <initializer_list>
#include <map>
#include <string>

namespace tincture::ml {

struct BinsArch
{
    int width = 16; // channels at full resolution (w)
    int bins = 30;  // per chroma channel
};

inline constexpr double kBinsTemperature = 0.38;

// A Sequential of 3×3 convolutions (no bias), each followed by BatchNorm and ReLU; each entry
// {in, out, stride, dilation}. Shared with the other colourisers' nets.
torch::nn::Sequential convBlock(std::initializer_list<std::array<int, 4>> convs);
// x bilinearly resized to like's height and width.
torch::Tensor upsampleLike(const torch::Tensor &x, const torch::Tensor &like);

// Net inputs: grey Y in 0–255 as Y/255 − 0.5; chroma in 0–255 as (C − 128)/128.
torch::Tensor greyInput(const torch::Tensor &y255);
torch::Tensor chromaInput(const torch::Tensor &chroma255);

class BinsColourNetImpl : public torch::nn::Module
{
public:
    explicit BinsColourNetImpl(const BinsArch &arch);
    // N×1×H×W grey input → N×2B×H×W logits (U's bins, then V's); H and W multiples of 8.
    torch::Tensor forward(const torch::Tensor &grey);

private:
    torch::nn::Sequential m_enc1{nullptr}, m_enc2{nullptr}, m_enc3{nullptr}, m_enc4{nullptr};
    torch::nn::Sequential m_dec3{nullptr}, m_dec2{nullptr}, m_dec1{nullptr};
    torch::nn::Conv2d m_head{nullptr};
};
TORCH_MODULE(BinsColourNet);

class BinsConsistencyNetImpl : public torch::nn::Module
{
public:
    explicit BinsConsistencyNetImpl(const BinsArch &arch);
    // grey, prevGrey: N×1×H×W inputs; colourLogits: the colour net's for this frame;
    // prevBinned: N×2×H×W chroma input of the predecessor's bin centres → N×2B×H×W logits.
    torch::Tensor forward(const torch::Tensor &grey, const torch::Tensor &colourLogits,
                          const torch::Tensor &prevGrey, const torch::Tensor &prevBinned);

private:
    int m_bins;
    torch::nn::Sequential m_enc1{nullptr}, m_enc2{nullptr}, m_enc3{nullptr};
    torch::nn::Sequential m_dec2{nullptr}, m_dec1{nullptr};
    torch::nn::Conv2d m_head{nullptr};
};
TORCH_MODULE(BinsConsistencyNet);

class RecurrentBinsNetImpl : public torch::nn::Module
{
public:
    explicit RecurrentBinsNetImpl(const BinsArch &arch);
    const BinsArch &arch() const { return m_arch; }
    BinsColourNet colour{nullptr};
    BinsConsistencyNet consistency{nullptr};

private:
    BinsArch m_arch;
};
TORCH_MODULE(RecurrentBinsNet);

// Chroma 0–255 (N×2×H×W) → bin indices (N×2×H×W, int64).
torch::Tensor chromaBins(const torch::Tensor &chroma255, int bins);
// Logits N×2B×H×W → chroma 0–255 N×2×H×W: the centres of the argmax bins, or the annealed
// mean of the bin centres (softmax of logits / T).
torch::Tensor argmaxChroma(const torch::Tensor &logits, int bins);
torch::Tensor annealedChroma(const torch::Tensor &logits, int bins,
                             double temperature = kBinsTemperature);
// Mean cross-entropy of U's and V's bins against the true indices (N×2×H×W).
torch::Tensor binsLoss(const torch::Tensor &logits, const torch::Tensor &truthBins, int bins);

// BT.601 full-range Y, Cb, Cr in 0–255 (N×3×H×W) of sRGB in [0, 1] (N×3×H×W).
torch::Tensor rgbToYcc(const torch::Tensor &rgb);
// Its inverse: sRGB in [0, 1] (clamped) of BT.601 full-range Y, Cb, Cr (N×3×H×W, 0–255).
torch::Tensor yccToRgb(const torch::Tensor &ycc);

std::map<std::string, std::string> binsMetadata(const BinsArch &arch);

} // namespace tincture::ml
