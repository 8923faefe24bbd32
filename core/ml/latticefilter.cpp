// LibTorch before any Qt header: Qt's `slots` macro breaks <torch/torch.h>.
#include "ml/safetensorsread.h"

#include "ml/internal/torchlattice.h"
#include "ml/latticefilter.h"

#include <cstring>
#include <optional>

namespace tincture::ml {

namespace {

class TorchLatticeFilter final : public LatticeFilter
{
public:
    TorchLatticeFilter(int featureDims, int valueDims, torch::Device device)
        : m_d(featureDims), m_vd(valueDims), m_device(device)
    {
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
        const std::optional<lattice::TorchLattice> lat =
            lattice::build(torch::cat(features, 0).to(m_device));
        if (!lat)
            return makeError(ErrorCode::OutOfRange,
                             QStringLiteral("lattice filter: features too large for the "
                                            "lattice's keys"));
        const int64_t vertexCount = lat->vertexCount();
        const torch::Tensor &vertexOf = lat->vertexOf;
        // Splat.
        torch::Tensor vertices = torch::zeros({vertexCount + 1, m_vd}, fopt.device(m_device));
        if (splatCount > 0) {
            const torch::Tensor v = torch::cat(values, 0).to(m_device);
            const torch::Tensor w = lat->weights.narrow(0, 0, splatCount);
            vertices.index_add_(0, vertexOf.narrow(0, 0, splatCount).flatten(),
                                (w.unsqueeze(2) * v.unsqueeze(1)).view({-1, m_vd}));
        }
        // Blur along each lattice direction; row vertexCount stays 0 (a missing neighbour).
        const torch::Tensor steps = lattice::directionSteps(m_d).to(m_device);
        for (int j = 0; j <= m_d; ++j) {
            const torch::Tensor step = steps[j].unsqueeze(0);
            const torch::Tensor a = lattice::findVertices(*lat, lat->coords - step);
            const torch::Tensor b = lattice::findVertices(*lat, lat->coords + step);
            torch::Tensor next =
                vertices.narrow(0, 0, vertexCount) * 0.5f + vertices.index_select(0, a) * 0.25f;
            next = next + vertices.index_select(0, b) * 0.25f;
            vertices = torch::cat({next, torch::zeros({1, m_vd}, next.options())}, 0);
        }
        // Slice.
        const torch::Tensor qs = vertexOf.narrow(0, splatCount, q);
        const torch::Tensor qw = lat->weights.narrow(0, splatCount, q);
        const torch::Tensor gathered = vertices.index_select(0, qs.flatten()).view({q, d1, m_vd});
        // Summed over the simplex's vertices in order, as the CPU lattice does.
        torch::Tensor sliced = torch::zeros({q, m_vd}, gathered.options());
        for (int64_t r = 0; r < d1; ++r)
            sliced = sliced + gathered.select(1, r) * qw.select(1, r).unsqueeze(1);
        const torch::Tensor result = sliced.to(torch::kCPU).contiguous();
        std::memcpy(out, result.data_ptr<float>(), size_t(q) * size_t(m_vd) * sizeof(float));
        return {};
    }

    int m_d, m_vd;
    torch::Device m_device;
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
