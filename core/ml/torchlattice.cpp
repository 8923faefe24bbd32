#include "ml/internal/torchlattice.h"

#include <algorithm>
#include <cmath>

namespace tincture::ml::lattice {

namespace {

// A vertex key packs the first d lattice coordinates, 15 bits each with an offset, into one
// int64 (d ≤ 4: 60 bits, always positive, so sorting keys is a total order).
constexpr int kKeyBits = 15;
constexpr int64_t kKeyOffset = int64_t(1) << (kKeyBits - 1);

torch::Tensor packKeys(const torch::Tensor &coords) // (…, d) int64 → (…) int64
{
    const int64_t d = coords.size(-1);
    torch::Tensor key = torch::zeros(coords.sizes().slice(0, coords.dim() - 1), coords.options());
    for (int64_t i = 0; i < d; ++i)
        key = key + (coords.select(-1, i) + kKeyOffset) * (int64_t(1) << (kKeyBits * i));
    return key;
}

torch::Tensor unpackKeys(const torch::Tensor &keys, int d) // V → V × d coordinates
{
    constexpr int64_t mask = (int64_t(1) << kKeyBits) - 1;
    std::vector<torch::Tensor> cols;
    for (int i = 0; i < d; ++i)
        cols.push_back(keys.div(int64_t(1) << (kKeyBits * i), "floor").bitwise_and(mask) -
                       kKeyOffset);
    return torch::stack(cols, 1);
}

} // namespace

namespace {

// Points per embedding step: the embedding's temporaries ((d + 1)² values a point) stay small
// enough to be reused from the heap instead of fresh pages for every frame.
constexpr int64_t kEmbedChunk = 65536;

// The embedding of a chunk of points: each point's d + 1 packed vertex keys and barycentric
// weights; false when a lattice coordinate leaves the keys' range.
bool embedChunk(const torch::Tensor &features, torch::Tensor &keysOut, torch::Tensor &weightsOut)
{
    const int64_t D = features.size(1), d1 = D + 1, n = features.size(0);
    const auto fopt = features.options();
    const auto lopt = fopt.dtype(torch::kInt64);
    std::vector<float> scale;
    const double invStdDev = std::sqrt(2.0 / 3.0) * double(d1);
    for (int64_t i = 0; i < D; ++i)
        scale.push_back(float(invStdDev / std::sqrt(double(i + 1) * double(i + 2))));
    const torch::Tensor cf = features.clamp(-kMaxFeature, kMaxFeature) *
                             torch::tensor(scale, torch::kFloat32).to(features.device());
    // sums[:, i] = Σ_{k ≥ i} cf[:, k], added from the last feature in float as the CPU loop
    // does (cumsum would accumulate in double on the CPU: ties would round differently).
    std::vector<torch::Tensor> partial(size_t(D) + 1);
    partial[size_t(D)] = torch::zeros({n}, fopt);
    for (int64_t i = D - 1; i >= 0; --i)
        partial[size_t(i)] = partial[size_t(i) + 1] + cf.select(1, i);
    const torch::Tensor sums = torch::stack(partial, 1);
    const torch::Tensor index = torch::arange(1, D + 1, fopt);
    const torch::Tensor elevated =
        torch::cat({sums.narrow(1, 0, 1), sums.narrow(1, 1, D) - index * cf}, 1);
    // The nearest remainder-0 lattice point.
    const float inv = 1.0f / float(d1);
    const torch::Tensor v = elevated * inv;
    const torch::Tensor up = v.ceil() * float(d1), down = v.floor() * float(d1);
    torch::Tensor greedy = torch::where(up - elevated < elevated - down, up, down);
    torch::Tensor greedyI = greedy.to(torch::kInt64);
    const torch::Tensor coordSum = greedyI.sum(1, true).div(d1, "trunc"); // N × 1
    // rank[m] = #{j > m : δ_m < δ_j} + #{i < m : δ_i ≥ δ_m} (the CPU loop's pairwise rule).
    const torch::Tensor delta = elevated - greedy;
    const torch::Tensor dm = delta.unsqueeze(2), dj = delta.unsqueeze(1);
    const torch::Tensor ones = torch::ones({d1, d1}, lopt);
    const torch::Tensor above = ones.triu(1).to(torch::kBool).unsqueeze(0);
    const torch::Tensor below = ones.tril(-1).to(torch::kBool).unsqueeze(0);
    torch::Tensor rank = ((dm < dj) & above).sum(2) + ((dj >= dm) & below).sum(2);
    // Back onto the plane: the coordinate sum must be 0.
    const torch::Tensor lower = (coordSum > 0) & (rank >= d1 - coordSum);
    const torch::Tensor raise = (coordSum < 0) & (rank < -coordSum);
    const torch::Tensor shift = raise.to(torch::kInt64) - lower.to(torch::kInt64);
    greedyI = greedyI + d1 * shift;
    rank = rank + coordSum + d1 * shift;
    greedy = greedyI.to(torch::kFloat32);
    // Barycentric weights.
    const torch::Tensor part = (elevated - greedy) * inv;
    torch::Tensor bary = torch::zeros({n, D + 2}, fopt);
    bary.scatter_add_(1, D - rank, part);
    bary.scatter_add_(1, D + 1 - rank, -part);
    bary.select(1, 0).add_(1.0f + bary.select(1, D + 1));
    // Vertex r of the simplex: greedy + the canonical simplex's r-th vertex.
    const torch::Tensor r = torch::arange(d1, lopt).view({1, d1, 1});
    const torch::Tensor rk = rank.narrow(1, 0, D).unsqueeze(1); // N × 1 × D
    const torch::Tensor coords =
        greedyI.narrow(1, 0, D).unsqueeze(1) + torch::where(rk <= D - r, r, r - d1);
    if (n > 0 && coords.abs().max().item<int64_t>() >= kKeyOffset)
        return false;
    keysOut = packKeys(coords);
    weightsOut = bary.narrow(1, 0, d1).contiguous();
    return true;
}

} // namespace

std::optional<TorchLattice> build(const torch::Tensor &features)
{
    const int64_t D = features.size(1), d1 = D + 1, n = features.size(0);
    std::vector<torch::Tensor> keyParts, weightParts;
    for (int64_t first = 0; first == 0 || first < n; first += kEmbedChunk) {
        torch::Tensor k, w;
        if (!embedChunk(features.narrow(0, first, std::min(kEmbedChunk, n - first)), k, w))
            return std::nullopt;
        keyParts.push_back(k);
        weightParts.push_back(w);
    }
    const torch::Tensor keysAll = keyParts.size() == 1 ? keyParts[0] : torch::cat(keyParts, 0);
    const torch::Tensor weightsAll =
        weightParts.size() == 1 ? weightParts[0] : torch::cat(weightParts, 0);
    // One vertex per distinct key; `inverse` maps each (point, simplex vertex) to its vertex.
    [[maybe_unused]] const auto [keys, inverse, counts] =
        torch::_unique2(keysAll.flatten(), /*sorted=*/true, /*return_inverse=*/true);
    TorchLattice lattice;
    lattice.featureDims = int(D);
    lattice.keys = keys;
    lattice.coords = unpackKeys(keys, int(D));
    lattice.vertexOf = inverse.view({n, d1});
    lattice.weights = weightsAll;
    return lattice;
}

torch::Tensor findVertices(const TorchLattice &lattice, const torch::Tensor &coords)
{
    const int64_t n = lattice.vertexCount();
    const torch::Tensor inRange = (coords.abs() < kKeyOffset).all(1);
    const torch::Tensor packed = packKeys(coords.clamp(-kKeyOffset + 1, kKeyOffset - 1));
    if (n == 0)
        return torch::zeros_like(packed);
    const torch::Tensor at = torch::searchsorted(lattice.keys, packed).clamp_max(n - 1);
    const torch::Tensor found = (lattice.keys.index_select(0, at) == packed) & inRange;
    return torch::where(found, at, torch::full_like(at, n));
}

torch::Tensor directionSteps(int featureDims)
{
    const int64_t d = featureDims;
    torch::Tensor steps = torch::full({d + 1, d}, int64_t(-1), torch::kInt64);
    for (int64_t j = 0; j < d; ++j)
        steps[j][j] = d;
    return steps;
}

} // namespace tincture::ml::lattice
