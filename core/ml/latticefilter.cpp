// LibTorch before any Qt header: Qt's `slots` macro breaks <torch/torch.h>.
#include "ml/safetensorsread.h"

#include "ml/latticefilter.h"

#include <cmath>
#include <cstring>

namespace tincture::ml {

namespace {

// A vertex key packs the first d lattice coordinates, 15 bits each with an offset, into one
// int64 (d ≤ 4: 60 bits, always positive, so sorting keys is a total order).
constexpr int kKeyBits = 15;
constexpr int64_t kKeyOffset = int64_t(1) << (kKeyBits - 1);
constexpr int64_t kKeyMask = (int64_t(1) << kKeyBits) - 1;
constexpr float kMaxFeature = 3000.0f; // PermutohedralLattice::kMaxFeature

torch::Tensor packKeys(const torch::Tensor &coords) // (…, d) int64 → (…) int64
{
    const int64_t d = coords.size(-1);
    torch::Tensor key = torch::zeros(coords.sizes().slice(0, coords.dim() - 1), coords.options());
    for (int64_t i = 0; i < d; ++i)
        key = key + (coords.select(-1, i) + kKeyOffset) * (int64_t(1) << (kKeyBits * i));
    return key;
}

class TorchLatticeFilter final : public LatticeFilter
{
public:
    TorchLatticeFilter(int featureDims, int valueDims, torch::Device device)
        : m_d(featureDims), m_vd(valueDims), m_device(device)
    {
        const double invStdDev = std::sqrt(2.0 / 3.0) * (m_d + 1);
        for (int i = 0; i < m_d; ++i)
            m_scale.push_back(float(invStdDev / std::sqrt(double(i + 1) * (i + 2))));
    }

    bool onGpu() const override { return m_device.is_cuda(); }
    QString deviceName() const override { return QString::fromStdString(m_device.str()); }

    Result<void> filter(const std::vector<LatticePointSet> &splat, const float *query,
                        size_t queryCount, float *out) const override
    {
        try {
            torch::NoGradGuard noGrad;
            return run(splat, query, queryCount, out);
        } catch (const c10::Error &e) {
            return makeError(
                ErrorCode::Internal,
                QStringLiteral("lattice filter on %1: LibTorch failed").arg(deviceName()),
                QString::fromStdString(e.what_without_backtrace()));
        }
    }

private:
    struct Embedded
    {
        torch::Tensor keys;    // N × (d + 1) packed vertex keys
        torch::Tensor weights; // N × (d + 1) barycentric weights
    };

    // PermutohedralLattice's embedRange, for all points at once.
    Result<Embedded> embed(const torch::Tensor &features) const
    {
        const int64_t D = m_d, d1 = m_d + 1, n = features.size(0);
        const auto fopt = features.options();
        const auto lopt = fopt.dtype(torch::kInt64);
        const torch::Tensor scale = torch::tensor(m_scale, torch::kFloat32).to(m_device);
        const torch::Tensor cf = features.clamp(-kMaxFeature, kMaxFeature) * scale;
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
        if (coords.abs().max().item<int64_t>() >= kKeyOffset)
            return makeError(ErrorCode::OutOfRange,
                             QStringLiteral("lattice filter: features too large for the "
                                            "lattice's keys"));
        return Embedded{packKeys(coords), bary.narrow(1, 0, d1).contiguous()};
    }

    Result<void> run(const std::vector<LatticePointSet> &splat, const float *query,
                     size_t queryCount, float *out) const
    {
        const int64_t d1 = m_d + 1;
        const auto fopt = torch::TensorOptions().dtype(torch::kFloat32);
        // All points (splatted sets, then the query) in one embedding.
        std::vector<torch::Tensor> features, values;
        int64_t splatCount = 0;
        for (const LatticePointSet &s : splat) {
            if (s.count == 0)
                continue;
            const auto n = int64_t(s.count);
            features.push_back(torch::from_blob(const_cast<float *>(s.features), {n, m_d}, fopt));
            values.push_back(torch::from_blob(const_cast<float *>(s.values), {n, m_vd}, fopt));
            splatCount += n;
        }
        const auto q = int64_t(queryCount);
        features.push_back(torch::from_blob(const_cast<float *>(query), {q, m_d}, fopt));
        auto embedded = embed(torch::cat(features, 0).to(m_device));
        if (!embedded)
            return embedded.error();
        // One vertex per distinct key; `slot` maps each (point, simplex vertex) to its vertex.
        [[maybe_unused]] const auto [keys, inverse, counts] =
            torch::_unique2(embedded->keys.flatten(), /*sorted=*/true, /*return_inverse=*/true);
        const int64_t vertexCount = keys.size(0);
        const torch::Tensor vertexOf = inverse.view({-1, d1});
        // Splat.
        torch::Tensor lattice = torch::zeros({vertexCount + 1, m_vd}, fopt.device(m_device));
        if (splatCount > 0) {
            const torch::Tensor v = torch::cat(values, 0).to(m_device);
            const torch::Tensor w = embedded->weights.narrow(0, 0, splatCount);
            lattice.index_add_(0, vertexOf.narrow(0, 0, splatCount).flatten(),
                               (w.unsqueeze(2) * v.unsqueeze(1)).view({-1, m_vd}));
        }
        // Blur along each lattice direction; row vertexCount stays 0 (a missing neighbour).
        const torch::Tensor coords = unpackKeys(keys);
        for (int j = 0; j <= m_d; ++j) {
            torch::Tensor n1 = coords + 1, n2 = coords - 1;
            if (j < m_d) {
                n1.select(1, j).copy_(coords.select(1, j) - m_d);
                n2.select(1, j).copy_(coords.select(1, j) + m_d);
            }
            const torch::Tensor a = neighbourIndex(keys, n1), b = neighbourIndex(keys, n2);
            torch::Tensor next =
                lattice.narrow(0, 0, vertexCount) * 0.5f + lattice.index_select(0, a) * 0.25f;
            next = next + lattice.index_select(0, b) * 0.25f;
            lattice = torch::cat({next, torch::zeros({1, m_vd}, next.options())}, 0);
        }
        // Slice.
        const torch::Tensor qs = vertexOf.narrow(0, splatCount, q);
        const torch::Tensor qw = embedded->weights.narrow(0, splatCount, q);
        const torch::Tensor gathered = lattice.index_select(0, qs.flatten()).view({q, d1, m_vd});
        // Summed over the simplex's vertices in order, as the CPU lattice does.
        torch::Tensor sliced = torch::zeros({q, m_vd}, gathered.options());
        for (int64_t r = 0; r < d1; ++r)
            sliced = sliced + gathered.select(1, r) * qw.select(1, r).unsqueeze(1);
        const torch::Tensor result = sliced.to(torch::kCPU).contiguous();
        std::memcpy(out, result.data_ptr<float>(), size_t(q) * size_t(m_vd) * sizeof(float));
        return {};
    }

    torch::Tensor unpackKeys(const torch::Tensor &keys) const // V → V × d coordinates
    {
        std::vector<torch::Tensor> cols;
        for (int i = 0; i < m_d; ++i)
            cols.push_back(keys.div(int64_t(1) << (kKeyBits * i), "floor").bitwise_and(kKeyMask) -
                           kKeyOffset);
        return torch::stack(cols, 1);
    }

    // The vertex of each neighbour key, or keys.size(0) (the zero row) where there is none.
    static torch::Tensor neighbourIndex(const torch::Tensor &keys, const torch::Tensor &coords)
    {
        const int64_t n = keys.size(0);
        const torch::Tensor inRange = (coords.abs() < kKeyOffset).all(1);
        const torch::Tensor packed = packKeys(coords.clamp(-kKeyOffset + 1, kKeyOffset - 1));
        const torch::Tensor at = torch::searchsorted(keys, packed).clamp_max(n - 1);
        const torch::Tensor found = (keys.index_select(0, at) == packed) & inRange;
        return torch::where(found, at, torch::full_like(at, n));
    }

    int m_d, m_vd;
    torch::Device m_device;
    std::vector<float> m_scale;
};

} // namespace

Result<std::shared_ptr<const LatticeFilter>> LatticeFilter::create(int featureDims, int valueDims,
                                                                   const QString &device)
{
    if (featureDims < 1 || featureDims > 4 || valueDims < 1)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("lattice filter: %1 features, %2 values (1–4, ≥ 1)")
                             .arg(featureDims)
                             .arg(valueDims));
    try {
        auto dev = inferenceDevice(device);
        if (!dev)
            return dev.error();
        return std::shared_ptr<const LatticeFilter>(
            std::make_shared<TorchLatticeFilter>(featureDims, valueDims, *dev));
    } catch (const c10::Error &e) {
        return makeError(ErrorCode::Internal, QStringLiteral("lattice filter: LibTorch failed"),
                         QString::fromStdString(e.what_without_backtrace()));
    }
}

} // namespace tincture::ml
