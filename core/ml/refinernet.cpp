// LibTorch first (see net.h); no Qt here.
#include "ml/internal/refinernet.h"
#include "ml/internal/net.h"
#include "ml/internal/safetensors.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <random>

namespace tincture::ml {

namespace F = torch::nn::functional;

ChromaRefinerNetImpl::ChromaRefinerNetImpl(const RefinerArch &arch) : m_arch(arch)
{
    int in = 3;
    for (int i = 0; i < arch.depth; ++i) {
        const bool last = i + 1 == arch.depth;
        const int dilation = (i == 0 || last) ? 1 : 2;
        const int out = last ? 9 : arch.width;
        m_convs.push_back(register_module(
            "conv" + std::to_string(i),
            torch::nn::Conv2d(
                torch::nn::Conv2dOptions(in, out, 3).padding(dilation).dilation(dilation))));
        in = out;
    }
    torch::NoGradGuard noGrad;
    m_convs.back()->weight.zero_();
    m_convs.back()->bias.zero_();
    m_convs.back()->bias[4] = 4.0; // softmax: 0.87 on the centre tap
}

torch::Tensor ChromaRefinerNetImpl::forward(const torch::Tensor &x)
{
    torch::Tensor h = x;
    for (size_t i = 0; i < m_convs.size(); ++i) {
        h = m_convs[i]->forward(h);
        if (i + 1 < m_convs.size())
            h = torch::relu(h);
    }
    const torch::Tensor w = torch::softmax(h, 1); // N×9×H×W
    const int64_t s = m_arch.tapSpacing, H = x.size(2), W = x.size(3);
    const torch::Tensor chroma = x.slice(1, 1, 3);
    const torch::Tensor padded =
        F::pad(chroma, F::PadFuncOptions({s, s, s, s}).mode(torch::kReplicate));
    torch::Tensor out;
    for (int64_t k = 0; k < 9; ++k) {
        const int64_t dy = (k / 3) * s, dx = (k % 3) * s;
        const torch::Tensor tap =
            w.slice(1, k, k + 1) * padded.slice(2, dy, dy + H).slice(3, dx, dx + W);
        out = k == 0 ? tap : out + tap;
    }
    return out;
}

std::map<std::string, std::string> refinerMetadata(const RefinerArch &a)
{
    return {{"format", "tincture-vpn-refiner"},
            {"width", std::to_string(a.width)},
            {"depth", std::to_string(a.depth)},
            {"tap_spacing", std::to_string(a.tapSpacing)},
            {"input", "Y/255-0.5, (Cb-128)/128, (Cr-128)/128"},
            {"output", "softmax weights of 9 chroma taps"}};
}

} // namespace tincture::ml
