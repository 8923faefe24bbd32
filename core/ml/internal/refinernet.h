#pragma once
// Private to core/ml (includes LibTorch). The propagation refiner: VPN's spatial CNN (Jampani,
// Gadde & Gehler 2017, §4: 3×3 convolutions on the bilateral stage's output and the grey frame)
// in a form that cannot invent colour. Its convolutions see the grey frame and the propagated
// chroma and predict, per pixel, softmax weights of a 3×3 filter whose taps are tapSpacing
// pixels apart; the refined chroma is that filter applied to the propagated chroma. The output
// is a per-pixel convex combination of nearby propagated chroma: the net can pull colour back
// to the right side of an edge that the bilateral stage blurred across, but it cannot learn
// "sky is blue" from its training data. (In an exploratory prototype outside the project, a net
// that output chroma directly, or a chroma residual, lost PSNR on held-out dev sequences in a
// two-fold split; this form gained on every one, as it does here: docs/EVALUATION.md.)
//
// Layers: width channels; convolution i of depth has dilation 1 for the first and last, 2 for
// the others; ReLU between. The last convolution starts at zero weights with its bias favouring
// the centre tap (softmax ≈ 0.87 there), so an untrained net is close to the identity.
// Builds with LibTorch and the standard library alone.

#include <torch/torch.h>

#include <map>
#include <string>

namespace tincture::ml {

struct RefinerArch
{
    int width = 16;     // channels of the hidden convolutions
    int depth = 3;      // convolutions
    int tapSpacing = 2; // pixels between the filter's taps
};

class ChromaRefinerNetImpl : public torch::nn::Module
{
public:
    explicit ChromaRefinerNetImpl(const RefinerArch &arch);
    // x: N×3×H×W (Y/255 − 0.5, (Cb − 128)/128, (Cr − 128)/128) → N×2×H×W refined chroma in the
    // same units as x's channels 1 and 2.
    torch::Tensor forward(const torch::Tensor &x);
    const RefinerArch &arch() const { return m_arch; }

private:
    RefinerArch m_arch;
    std::vector<torch::nn::Conv2d> m_convs;
};
TORCH_MODULE(ChromaRefinerNet);

std::map<std::string, std::string> refinerMetadata(const RefinerArch &arch);

} // namespace tincture::ml
