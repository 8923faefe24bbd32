#pragma once
// Private to core/ml (includes LibTorch). The learned bilateral convolution layer (BCL) of
// Jampani, Kiefel & Gehler (CVPR 2016), the building block of the Video Propagation Network
// (Jampani, Gadde & Gehler, CVPR 2017). Values at input points are splatted onto the
// permutohedral lattice of their features (barycentric weights), convolved on the lattice with
// learned filter taps over each vertex's neighbourhood (one C_out × C_in matrix per tap), and
// sliced at the output points; the result is normalised after the filter (the authors' "AFTER"
// normalisation) by the homogeneous channel, splatted and passed through the same neighbourhood
// with unit taps and sliced alike, so each output is a learned mixture of the neighbourhood's
// mean values, not a sum that grows with the point density. A bias is added last.
//
// The neighbourhood of size n holds the lattice points Σ_j a_j·s_j, a ∈ {0 … n}^(d+1) with
// min(a) = 0, s_j the d + 1 lattice directions' steps: (n+1)^(d+1) − n^(d+1) taps (n = 0: the
// vertex alone, as VPN's colour propagation uses; n = 1 with d = 4: 31 taps). Tap 0 is the
// vertex itself.
//
// The geometry (lattice, barycentric weights, neighbour table, normaliser) depends only on the
// features: it is built once without gradients and used by every layer that filters between
// the same point sets. The filter is differentiable with respect to the values and the taps
// (plain tensor operations: autograd gives the backward pass, on the CPU or on CUDA).
// Builds with LibTorch and the standard library alone.

#include <torch/torch.h>

#include <optional>
#include <utility>

namespace tincture::ml {

int bilateralTaps(int featureDims, int neighbourhood); // (n+1)^(d+1) − n^(d+1)

// The taps' lattice offsets: taps × d int64 (the (d + 1)-th coordinate is minus the sum).
torch::Tensor bilateralTapOffsets(int featureDims, int neighbourhood);

// Where values at the input points go and where they are read at the output points.
struct BilateralGeometry
{
    int featureDims = 0;
    int neighbourhood = 0;
    int64_t vertexCount = 0;
    torch::Tensor inVertex, inWeight;   // Nin × (d + 1)
    torch::Tensor outVertex, outWeight; // Nout × (d + 1)
    torch::Tensor taps;                 // V × taps: each vertex's neighbours (V: none)
    torch::Tensor norm;                 // Nout: the homogeneous channel (0: no input near)
};

// Input and output features (N × d float32, already scaled by their inverse standard
// deviations, d in 1 … 4) on one device; nullopt when the features are too large for the
// lattice's keys.
std::optional<BilateralGeometry> bilateralGeometry(const torch::Tensor &inFeatures,
                                                   const torch::Tensor &outFeatures,
                                                   int neighbourhood);

// The two geometries a network that filters from input points to a frame and then within the
// frame needs (VPN's BCL 1 and BCL 2): {input → output, output → output}, from one lattice over
// both sets, so the frame's points are embedded once. The same filters as two
// bilateralGeometry() calls give, up to float rounding.
std::optional<std::pair<BilateralGeometry, BilateralGeometry>>
bilateralGeometryPair(const torch::Tensor &inFeatures, const torch::Tensor &outFeatures,
                      int neighbourhood);

// The same pair from a lattice built elsewhere (the C++ PermutohedralLattice of both point
// sets, on the CPU): each input and output point's d + 1 vertices (int64, 0 … vertexCount − 1)
// and barycentric weights (float32), on one device. Neighbourhood 0 only: a vertex alone needs
// no lattice coordinates to find its taps.
std::pair<BilateralGeometry, BilateralGeometry>
bilateralGeometryPairAtVertices(int featureDims, const torch::Tensor &inVertex,
                                const torch::Tensor &inWeight, const torch::Tensor &outVertex,
                                const torch::Tensor &outWeight, int64_t vertexCount);

class BilateralConvImpl : public torch::nn::Module
{
public:
    // Taps initialised N(0, initStd²) as the authors' layers are; bias constant initBias.
    BilateralConvImpl(int featureDims, int inChannels, int outChannels, int neighbourhood,
                      double initStd = 0.01, double initBias = 0.0);
    // values: Nin × C_in (float32 or float64) → Nout × C_out. An output point with no input
    // point in its neighbourhood gets the bias.
    torch::Tensor forward(const torch::Tensor &values, const BilateralGeometry &geometry);

    int featureDims() const { return m_d; }
    int neighbourhood() const { return m_n; }

    torch::Tensor weight; // C_out × C_in × taps
    torch::Tensor bias;   // C_out

private:
    int m_d, m_n;
};
TORCH_MODULE(BilateralConv);

} // namespace tincture::ml
