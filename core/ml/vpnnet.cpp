// LibTorch only; no Qt here.
#include "ml/internal/vpnnet.h"

namespace tincture::ml {

namespace {

torch::nn::Conv2d conv(int in, int out, int kernel) // LibTorch's default initialisation
{
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(kernel / 2));
}

} // namespace

VpnNetImpl::VpnNetImpl(const VpnArch &arch) : m_arch(arch)
{
    const int b = arch.bilateralChannels, s = arch.spatialChannels;
    m_bcl1 = register_module("bcl1",
                             BilateralConv(kVpnFeatureDims, 2, b, arch.neighbourhood, 0.01, 0.5));
    m_bcl2 = register_module("bcl2",
                             BilateralConv(kVpnFeatureDims, b, b, arch.neighbourhood, 0.01, 0.0));
    m_mix = register_module("mix", conv(2 * b, 2, 1));
    m_spatial1 = register_module("spatial1", conv(2, s, 3));
    m_spatial2 = register_module("spatial2", conv(s, s, 3));
    m_spatial3 = register_module("spatial3", conv(s, 2, 3));
    m_out = register_module("out", conv(4, 2, 1));

    // Start as the lattice's interpolation of the input chroma: BCL 1's centre taps pass Cb and
    // Cr to its first two channels (on its bias 0.5, so the ReLU passes them), the mix takes
    // them back (bias −0.5), and the output takes the bilateral result; the spatial path starts
    // with no weight in the output, and learns from there.
    torch::NoGradGuard noGrad;
    for (int c = 0; c < 2; ++c) {
        m_bcl1->weight[c].zero_();
        m_bcl1->weight[c][c][0] = 1.0;
    }
    m_mix->weight.zero_();
    m_mix->bias.fill_(-0.5);
    m_out->weight.zero_();
    m_out->bias.zero_();
    for (int c = 0; c < 2; ++c) {
        m_mix->weight[c][c][0][0] = 1.0;
        m_out->weight[c][c][0][0] = 1.0;
    }
}

torch::Tensor VpnNetImpl::forward(const torch::Tensor &inChroma, const BilateralGeometry &toFrame,
                                  const BilateralGeometry &withinFrame, int64_t height,
                                  int64_t width)
{
    auto image = [&](const torch::Tensor &points) { // (H·W) × C → 1 × C × H × W
        return points.t().reshape({1, points.size(1), height, width});
    };
    const torch::Tensor b1 = torch::relu(m_bcl1->forward(inChroma, toFrame));
    const torch::Tensor b2 = torch::relu(m_bcl2->forward(b1, withinFrame));
    // The 1×1 mix on the points (a matrix product) before the reshape to an image: the same
    // sums, without transposing 2·C channels of the frame.
    const torch::Tensor bilateral =
        image(torch::addmm(m_mix->bias, torch::cat({b1, b2}, 1), m_mix->weight.flatten(1).t()));
    torch::Tensor spatial = torch::relu(m_spatial1->forward(bilateral));
    spatial = torch::relu(m_spatial2->forward(spatial));
    spatial = m_spatial3->forward(spatial);
    return m_out->forward(torch::cat({bilateral, spatial}, 1));
}

std::map<std::string, std::string> vpnMetadata(const VpnArch &arch, const VpnFeatureScales &scales)
{
    return {{"architecture", "vpn-colour"},
            {"bilateral_channels", std::to_string(arch.bilateralChannels)},
            {"spatial_channels", std::to_string(arch.spatialChannels)},
            {"neighbourhood", std::to_string(arch.neighbourhood)},
            {"scale_xy", std::to_string(scales.xy)},
            {"scale_luma", std::to_string(scales.luma)},
            {"scale_time", std::to_string(scales.time)}};
}

} // namespace tincture::ml
