#include "ml/internal/bilateralconv.h"

#include "ml/internal/torchlattice.h"

#include <algorithm>
#include <stdexcept>

namespace tincture::ml {

namespace {

constexpr int64_t kChunk = 32768; // points per splat or slice step

// Inference on the CPU: splat and slice as plain loops over the points' d + 1 vertices (the
// tensor path's index_add_ and index_select go row by row through LibTorch's dispatcher, and
// its temporaries are points × (d + 1) × C). values: N × C float32, vertex: N × (d + 1) int64,
// weight: N × (d + 1) float32, all contiguous.
torch::Tensor splatLoop(const torch::Tensor &values, const torch::Tensor &vertex,
                        const torch::Tensor &weight, int64_t vertexCount)
{
    const int64_t n = values.size(0), c = values.size(1), d1 = vertex.size(1);
    torch::Tensor out = torch::zeros({vertexCount + 1, c}, values.options());
    const float *val = values.data_ptr<float>(), *w = weight.data_ptr<float>();
    const int64_t *v = vertex.data_ptr<int64_t>();
    float *o = out.data_ptr<float>();
    // Points share vertices, so the threads split the channels instead: each adds its own
    // columns over all the points.
    at::parallel_for(0, c, 8, [&](int64_t k0, int64_t k1) {
        for (int64_t p = 0; p < n; ++p)
            for (int64_t r = 0; r < d1; ++r) {
                float *dst = o + v[p * d1 + r] * c;
                const float wr = w[p * d1 + r];
                const float *src = val + p * c;
                for (int64_t k = k0; k < k1; ++k)
                    dst[k] += wr * src[k];
            }
    });
    return out;
}

torch::Tensor sliceLoop(const torch::Tensor &lattice, const torch::Tensor &vertex,
                        const torch::Tensor &weight)
{
    const int64_t n = vertex.size(0), c = lattice.size(1), d1 = vertex.size(1);
    torch::Tensor out = torch::empty({n, c}, lattice.options());
    const float *lat = lattice.data_ptr<float>(), *w = weight.data_ptr<float>();
    const int64_t *v = vertex.data_ptr<int64_t>();
    float *o = out.data_ptr<float>();
    at::parallel_for(0, n, 4096, [&](int64_t begin, int64_t end) {
        for (int64_t p = begin; p < end; ++p) {
            float *dst = o + p * c;
            std::fill(dst, dst + c, 0.0f);
            for (int64_t r = 0; r < d1; ++r) {
                const float *src = lat + v[p * d1 + r] * c;
                const float wr = w[p * d1 + r];
                for (int64_t k = 0; k < c; ++k)
                    dst[k] += wr * src[k];
            }
        }
    });
    return out;
}

} // namespace

int bilateralTaps(int featureDims, int neighbourhood)
{
    int all = 1, inner = 1;
    for (int i = 0; i <= featureDims; ++i) {
        all *= neighbourhood + 1;
        inner *= neighbourhood;
    }
    return all - inner;
}

torch::Tensor bilateralTapOffsets(int featureDims, int neighbourhood)
{
    const int d1 = featureDims + 1, n = neighbourhood;
    const torch::Tensor steps = lattice::directionSteps(featureDims);
    std::vector<torch::Tensor> offsets;
    std::vector<int64_t> a(size_t(d1), 0);
    for (;;) { // every a ∈ {0 … n}^(d+1), lexicographic from all zeros
        if (*std::min_element(a.begin(), a.end()) == 0)
            offsets.push_back((torch::tensor(a, torch::kInt64).unsqueeze(1) * steps).sum(0));
        int i = d1 - 1;
        while (i >= 0 && a[size_t(i)] == n)
            a[size_t(i--)] = 0;
        if (i < 0)
            break;
        ++a[size_t(i)];
    }
    return torch::stack(offsets, 0);
}

namespace {

// The homogeneous channel of the points (vertex, weight) as seen at the output points: splatted,
// summed over each vertex's taps, sliced.
torch::Tensor homogeneous(const BilateralGeometry &g, const torch::Tensor &vertex,
                          const torch::Tensor &weight)
{
    torch::Tensor density = torch::zeros({g.vertexCount + 1}, weight.options());
    density.index_add_(0, vertex.flatten(), weight.flatten());
    const torch::Tensor spread =
        torch::cat({density.index_select(0, g.taps.flatten()).view_as(g.taps).sum(1),
                    torch::zeros({1}, density.options())});
    return (spread.index_select(0, g.outVertex.flatten()).view_as(g.outWeight) * g.outWeight)
        .sum(1);
}

// g (input → output) with its normaliser, and the output → output geometry on the same lattice.
std::pair<BilateralGeometry, BilateralGeometry> withinAndNorms(BilateralGeometry g)
{
    BilateralGeometry within = g;
    within.inVertex = g.outVertex;
    within.inWeight = g.outWeight;
    g.norm = homogeneous(g, g.inVertex, g.inWeight);
    within.norm = homogeneous(within, within.inVertex, within.inWeight);
    return {std::move(g), std::move(within)};
}

} // namespace

std::optional<std::pair<BilateralGeometry, BilateralGeometry>>
bilateralGeometryPair(const torch::Tensor &inFeatures, const torch::Tensor &outFeatures,
                      int neighbourhood)
{
    torch::NoGradGuard noGrad;
    const int64_t nIn = inFeatures.size(0), nOut = outFeatures.size(0);
    const int d = int(inFeatures.size(1));
    if (outFeatures.size(1) != d || d < 1 || d > lattice::kMaxFeatureDims || neighbourhood < 0)
        throw std::invalid_argument("bilateralGeometry: features of 1 … 4 dimensions, the same "
                                    "for input and output, and a neighbourhood ≥ 0");
    const std::optional<lattice::TorchLattice> lat =
        lattice::build(torch::cat({inFeatures, outFeatures}, 0).to(torch::kFloat32));
    if (!lat)
        return std::nullopt;
    BilateralGeometry g;
    g.featureDims = d;
    g.neighbourhood = neighbourhood;
    g.vertexCount = lat->vertexCount();
    g.inVertex = lat->vertexOf.narrow(0, 0, nIn);
    g.inWeight = lat->weights.narrow(0, 0, nIn);
    g.outVertex = lat->vertexOf.narrow(0, nIn, nOut);
    g.outWeight = lat->weights.narrow(0, nIn, nOut);
    const torch::Tensor offsets = bilateralTapOffsets(d, neighbourhood).to(inFeatures.device());
    std::vector<torch::Tensor> columns;
    for (int64_t k = 0; k < offsets.size(0); ++k)
        columns.push_back(lattice::findVertices(*lat, lat->coords + offsets[k].unsqueeze(0)));
    g.taps = torch::stack(columns, 1);
    return withinAndNorms(std::move(g));
}

std::pair<BilateralGeometry, BilateralGeometry>
bilateralGeometryPairAtVertices(int featureDims, const torch::Tensor &inVertex,
                                const torch::Tensor &inWeight, const torch::Tensor &outVertex,
                                const torch::Tensor &outWeight, int64_t vertexCount)
{
    torch::NoGradGuard noGrad;
    const int64_t d1 = featureDims + 1;
    if (featureDims < 1 || featureDims > lattice::kMaxFeatureDims || inVertex.dim() != 2 ||
        inVertex.size(1) != d1 || outVertex.dim() != 2 || outVertex.size(1) != d1 ||
        !inWeight.sizes().equals(inVertex.sizes()) ||
        !outWeight.sizes().equals(outVertex.sizes()) || vertexCount < 0)
        throw std::invalid_argument("bilateralGeometryPairAtVertices: N × (d + 1) vertices and "
                                    "weights for 1 … 4 features");
    BilateralGeometry g;
    g.featureDims = featureDims;
    g.neighbourhood = 0;
    g.vertexCount = vertexCount;
    g.inVertex = inVertex;
    g.inWeight = inWeight;
    g.outVertex = outVertex;
    g.outWeight = outWeight;
    g.taps = torch::arange(vertexCount, inVertex.options().dtype(torch::kInt64)).unsqueeze(1);
    return withinAndNorms(std::move(g));
}

std::optional<BilateralGeometry> bilateralGeometry(const torch::Tensor &inFeatures,
                                                   const torch::Tensor &outFeatures,
                                                   int neighbourhood)
{
    auto pair = bilateralGeometryPair(inFeatures, outFeatures, neighbourhood);
    if (!pair)
        return std::nullopt;
    return std::move(pair->first);
}

BilateralConvImpl::BilateralConvImpl(int featureDims, int inChannels, int outChannels,
                                     int neighbourhood, double initStd, double initBias)
    : m_d(featureDims), m_n(neighbourhood)
{
    weight = register_parameter(
        "weight",
        torch::randn({outChannels, inChannels, bilateralTaps(featureDims, neighbourhood)}) *
            initStd);
    bias = register_parameter("bias", torch::full({outChannels}, initBias));
}

torch::Tensor BilateralConvImpl::forward(const torch::Tensor &values, const BilateralGeometry &g)
{
    const int64_t cin = weight.size(1), cout = weight.size(0), taps = weight.size(2);
    const int64_t d1 = m_d + 1, nIn = values.size(0), nOut = g.outVertex.size(0);
    if (g.featureDims != m_d || g.neighbourhood != m_n || values.size(1) != cin ||
        g.inVertex.size(0) != nIn)
        throw std::invalid_argument("BilateralConv: the geometry or the values do not match "
                                    "the layer");
    const auto opt = values.options();
    const torch::Tensor norm = g.norm.to(opt.dtype());
    const torch::Tensor safe = torch::where(norm > 0, norm, torch::ones_like(norm));
    if (taps == 1 && !torch::GradMode::is_enabled() && values.device().is_cpu() &&
        values.scalar_type() == torch::kFloat32) {
        // Inference with the vertex alone: splat, slice, normalise (C_in channels), then the
        // filter — the tensor path's sums in another order.
        auto dense = [](const torch::Tensor &t, torch::ScalarType type) {
            return t.to(type).contiguous();
        };
        const torch::Tensor sliced =
            sliceLoop(splatLoop(values.contiguous(), dense(g.inVertex, torch::kInt64),
                                dense(g.inWeight, torch::kFloat32), g.vertexCount),
                      dense(g.outVertex, torch::kInt64), dense(g.outWeight, torch::kFloat32));
        return torch::addmm(bias, sliced / safe.unsqueeze(1), weight.select(2, 0).t());
    }
    const torch::Tensor inWeight = g.inWeight.to(opt.dtype());
    const torch::Tensor outWeight = g.outWeight.to(opt.dtype());
    // Splat: V + 1 rows, the last one zero (where a missing neighbour points). In chunks of
    // points, so that no temporary grows with the frame: at 854×480 one (points × (d + 1) × C)
    // temporary is 260 MB, and fresh pages for it cost more than the arithmetic.
    torch::Tensor splatted = torch::zeros({g.vertexCount + 1, cin}, opt);
    for (int64_t first = 0; first < nIn; first += kChunk) {
        const int64_t n = std::min(kChunk, nIn - first);
        splatted.index_add_(
            0, g.inVertex.narrow(0, first, n).flatten(),
            (inWeight.narrow(0, first, n).unsqueeze(2) * values.narrow(0, first, n).unsqueeze(1))
                .view({n * d1, cin}));
    }
    // Slices `lattice` (V + 1 rows) at the output points, in chunks.
    auto slice = [&](const torch::Tensor &lattice) {
        std::vector<torch::Tensor> parts;
        for (int64_t first = 0; first < nOut; first += kChunk) {
            const int64_t n = std::min(kChunk, nOut - first);
            parts.push_back((lattice.index_select(0, g.outVertex.narrow(0, first, n).flatten())
                                 .view({n, d1, lattice.size(1)}) *
                             outWeight.narrow(0, first, n).unsqueeze(2))
                                .sum(1));
        }
        return parts.size() == 1 ? parts.front() : torch::cat(parts, 0);
    };
    torch::Tensor sliced;
    if (taps == 1) {
        // The vertex alone: the filter is one C_out × C_in matrix at every vertex, so it is
        // applied after the slice, to C_in channels at the output points instead of C_out at
        // every vertex (the same sums, in another order).
        sliced = slice(splatted).matmul(weight.select(2, 0).t());
    } else {
        // Convolve: every vertex gathers its taps' values, one matrix product with the filter.
        const torch::Tensor gathered =
            splatted.index_select(0, g.taps.flatten()).view({g.vertexCount, taps * cin});
        const torch::Tensor filter = weight.permute({2, 1, 0}).reshape({taps * cin, cout});
        sliced = slice(torch::cat({gathered.matmul(filter), torch::zeros({1, cout}, opt)}, 0));
    }
    return sliced / safe.unsqueeze(1) + bias.to(opt.dtype());
}

} // namespace tincture::ml
