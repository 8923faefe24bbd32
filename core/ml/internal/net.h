#pragma once
// Private to core/ml (includes LibTorch; never include it from a public header or from a file
// that includes Qt first). The Pix2Pix networks (Isola et al. 2017) and the Lab colour space
// they work in. Builds with LibTorch and the standard library alone.
//
// Generator: U-Net. Encoder level i: 4×4 convolution, stride 2 (BatchNorm except on the first
// and the innermost level, as in the authors' code, where the map is 1×1 at depth 8 on 256 px),
// LeakyReLU 0.2. Decoder level i: ReLU, 4×4 transposed convolution stride 2, BatchNorm, dropout
// 0.5 in the first three decoder blocks, skip connections by concatenation; the last block ends
// in tanh. Input: Lab L scaled to [−1, 1] (L / 50 − 1), with, for a hint-conditioned net
// (Zhang et al. 2017's user points), the hints' a, b and their mask; output: Lab a, b scaled by
// 1/110.
// Discriminator: 70×70 PatchGAN (3 stride-2 layers, one stride-1, then a 1-channel map) on the
// concatenation (L, ab).

#include <torch/torch.h>

#include <string>

namespace tincture::ml {

struct ArchParams
{
    int baseWidth = 64; // generator channels at the first level (ngf)
    int depth = 8;      // encoder levels; input sides must be multiples of 2^depth
    int discWidth = 64; // discriminator channels at the first level (ndf)
    int maxMultiplier = 8;
    // Hint inputs beside the lightness: a, b of the user's points (scaled as the output, 0
    // where none) and a mask (1 where a point is): 3, or 0 for the grey alone.
    int hintChannels = 0;
};

inline constexpr double kAbScale = 110.0;

class UNetGeneratorImpl : public torch::nn::Module
{
public:
    explicit UNetGeneratorImpl(const ArchParams &params);
    // N×(1 + hintChannels)×H×W (lightness, then the hints) → N×2×H×W
    torch::Tensor forward(const torch::Tensor &input);
    const ArchParams &params() const { return m_params; }

private:
    ArchParams m_params;
    std::vector<torch::nn::Conv2d> m_down;
    std::vector<torch::nn::BatchNorm2d> m_downNorm; // empty module where there is none
    std::vector<torch::nn::ConvTranspose2d> m_up;
    std::vector<torch::nn::BatchNorm2d> m_upNorm;
};
TORCH_MODULE(UNetGenerator);

class PatchDiscriminatorImpl : public torch::nn::Module
{
public:
    explicit PatchDiscriminatorImpl(const ArchParams &params);
    torch::Tensor forward(const torch::Tensor &lightness, const torch::Tensor &ab);

private:
    torch::nn::Sequential m_net;
};
TORCH_MODULE(PatchDiscriminator);

// sRGB in [0, 1] (N×3×H×W) ↔ CIE Lab (D65), L in [0, 100].
torch::Tensor rgbToLab(const torch::Tensor &rgb);
torch::Tensor labToRgb(const torch::Tensor &lab);
// BT.601 luma of sRGB in [0, 1] (N×3×H×W → N×1×H×W) and the Lab lightness of a grey of that
// value (R = G = B = y).
torch::Tensor luma601(const torch::Tensor &rgb);
torch::Tensor lightnessOfGrey(const torch::Tensor &y);
// Hasler–Süsstrunk colourfulness (signed rg/yb, 0–255 scale) per image: N×3×H×W → N.
torch::Tensor colourfulness(const torch::Tensor &rgb);

// The generator's parameters and buffers by name ("down.0.weight", …), in a fixed order.
std::vector<std::pair<std::string, torch::Tensor>> namedState(torch::nn::Module &module);

} // namespace tincture::ml
