#pragma once
// Private to core/ml (includes LibTorch). The permutohedral lattice (Adams, Baek & Davis 2010)
// as tensor operations, shared by the fixed Gaussian filter (LatticeFilter) and the learned
// bilateral convolution (bilateralconv.h). The maths is PermutohedralLattice's
// (core/propagation/internal/permutohedral.h), step for step: the elevation with the same scale
// factors, the nearest remainder-0 point, the rank sort, the barycentric weights, and one
// vertex per distinct key (torch::unique instead of a hash table); a neighbour is found by a
// binary search in the sorted keys. Builds with LibTorch and the standard library alone.

#include <torch/torch.h>

#include <optional>
#include <vector>

namespace tincture::ml::lattice {

constexpr int kMaxFeatureDims = 4;     // keys pack d coordinates of 15 bits into an int64
constexpr float kMaxFeature = 3000.0f; // features are clamped to ±kMaxFeature, as on the CPU

// The lattice of a set of points.
struct TorchLattice
{
    int featureDims = 0;
    torch::Tensor keys;     // V packed vertex keys (int64), sorted
    torch::Tensor coords;   // V × d lattice coordinates (int64)
    torch::Tensor vertexOf; // N × (d + 1): each point's simplex vertices (indices into keys)
    torch::Tensor weights;  // N × (d + 1): their barycentric weights (float32)
    int64_t vertexCount() const { return keys.size(0); }
};

// The lattice of N × d features (float32, already divided by their standard deviations; d in
// 1 … kMaxFeatureDims) on the features' device; nullopt when a lattice coordinate leaves the
// keys' range (reached with d = 4 and all |f| around 2400).
std::optional<TorchLattice> build(const torch::Tensor &features);

// For each row of coords (M × d lattice coordinates), the vertex with those coordinates, or
// lattice.vertexCount() where there is none.
torch::Tensor findVertices(const TorchLattice &lattice, const torch::Tensor &coords);

// The d + 1 lattice directions' steps (the [1 2 1] blur's neighbours): direction j moves every
// coordinate by −1 and coordinate j by +d (the (d + 1)-th coordinate is implicit, the sum
// being 0). Returned as (d + 1) × d int64.
torch::Tensor directionSteps(int featureDims);

} // namespace tincture::ml::lattice
