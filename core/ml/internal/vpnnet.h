#pragma once
// Private to core/ml (includes LibTorch). The Video Propagation Network (Jampani, Gadde &
// Gehler, CVPR 2017) for colour, as the authors' colour-propagation network
// (video_prop_networks, color_propagation/create_online_net.py) builds it:
//
//   bilateral network: BCL 1 (input points → the frame's pixels, 2 → 32 channels, bias 0.5)
//     and BCL 2 (pixels → pixels, 32 → 32), each followed by a ReLU, both with neighbourhood 0
//     (bilateralconv.h) and "AFTER" normalisation; their outputs concatenated and mixed by a
//     1×1 convolution to 2 channels;
//   spatial network: three 3×3 convolutions (32, 32, 2 channels), ReLU after the first two;
//   output: the bilateral and spatial results concatenated, a 1×1 convolution to 2 channels.
//
// Two deviations, both in how training starts. The authors initialise every weight
// N(0, 0.01²). Training runs on the project's clips with that (tincture-lab train vpn, 16
// sequences of video/train; stopped at iteration 870) and with LibTorch's default
// initialisation of the convolutions (stopped at 362) both output nearly one colour everywhere:
// 20.5–21.3 dB chroma PSNR on held-out clips whose input had 31.8 dB, the loss flat from
// iteration 250 on, while the lattice's plain interpolation of the input chroma scores
// 30.61 dB on those clips (this file's net untrained: train vpn … --iters 0). Here the net
// starts as that interpolation (VpnNetImpl's constructor says how); BCL 2 and the spatial
// convolutions start random (N(0, 0.01²) taps, LibTorch's default for
// convolutions). And the authors' code puts a ReLU after each 2-channel layer (the mix and the
// last spatial convolution): here those two layers are linear, so that the start passes the
// chroma through and a 2-channel unit cannot die.
//
// The features are (x, y, Y, t) scaled as VPN's colour configuration (propagation's bnn: 0.04
// a pixel, 0.2 a 0–255 luma level, 0.04 a frame); the chroma is BT.601 Cb, Cr divided by 255
// (0 … 1; the authors' code subtracts 0.5). Builds with LibTorch and the standard library.

#include "ml/internal/bilateralconv.h"

#include <torch/torch.h>

#include <map>
#include <string>

namespace tincture::ml {

struct VpnArch
{
    int bilateralChannels = 32;
    int spatialChannels = 32;
    int neighbourhood = 0; // the BCLs' lattice neighbourhood (VPN's colour network: 0)
};

inline constexpr int kVpnFeatureDims = 4; // (x, y, Y, t)

// The lattice features of a pixel, in the order and scale the network was trained with.
struct VpnFeatureScales
{
    float xy = 0.04f;   // per pixel
    float luma = 0.2f;  // per 0–255 level
    float time = 0.04f; // per frame
};

class VpnNetImpl : public torch::nn::Module
{
public:
    explicit VpnNetImpl(const VpnArch &arch);
    // inChroma: Nin × 2 (Cb, Cr / 255) at the input points; toFrame: the geometry from the
    // input points to the frame's H·W pixels (row-major), withinFrame: from those pixels to
    // themselves (both with the arch's neighbourhood) → 1 × 2 × H × W chroma / 255.
    torch::Tensor forward(const torch::Tensor &inChroma, const BilateralGeometry &toFrame,
                          const BilateralGeometry &withinFrame, int64_t height, int64_t width);
    const VpnArch &arch() const { return m_arch; }

private:
    VpnArch m_arch;
    BilateralConv m_bcl1{nullptr}, m_bcl2{nullptr};
    torch::nn::Conv2d m_mix{nullptr}, m_spatial1{nullptr}, m_spatial2{nullptr}, m_spatial3{nullptr},
        m_out{nullptr};
};
TORCH_MODULE(VpnNet);

std::map<std::string, std::string> vpnMetadata(const VpnArch &arch, const VpnFeatureScales &scales);

} // namespace tincture::ml
