// LibTorch before any Qt header: Qt's `slots` macro breaks <torch/torch.h>.
#include "ml/internal/vpnnet.h"
#include "ml/safetensorsread.h"

#include "ml/modelmanifest.h"
#include "ml/videopropagationnet.h"

#include <QFileInfo>

#include <QJsonObject>

#include <algorithm>
#include <cstring>

namespace tincture::ml {

namespace {

static_assert(VideoPropagationNet::kFeatureDims == kVpnFeatureDims);

class TorchVpn final : public VideoPropagationNet
{
public:
    TorchVpn(VpnNet net, VideoPropagationNetInfo info, torch::Device device)
        : m_net(std::move(net)), m_info(std::move(info)), m_device(device)
    {
    }

    const VideoPropagationNetInfo &info() const override { return m_info; }

    Result<void> predict(const float *inFeatures, const float *inChroma, size_t inCount,
                         const float *outFeatures, int width, int height,
                         float *outChroma) const override
    {
        if (inCount == 0 || width < 1 || height < 1 || !inFeatures || !inChroma || !outFeatures ||
            !outChroma)
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("vpn: no input points or an empty frame"));
        try {
            torch::NoGradGuard noGrad;
            const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
            const auto n = int64_t(inCount), hw = int64_t(width) * height;
            const torch::Tensor inF =
                torch::from_blob(const_cast<float *>(inFeatures), {n, kVpnFeatureDims}, f32)
                    .to(m_device);
            const torch::Tensor outF =
                torch::from_blob(const_cast<float *>(outFeatures), {hw, kVpnFeatureDims}, f32)
                    .to(m_device);
            const auto geometry = bilateralGeometryPair(inF, outF, m_info.neighbourhood);
            if (!geometry)
                return makeError(ErrorCode::OutOfRange,
                                 QStringLiteral("vpn: features too large for the lattice's keys"));
            run(inChroma, n, *geometry, width, height, outChroma);
            return {};
        } catch (const c10::Error &e) {
            return libTorchFailed(e);
        }
    }

    Result<void> predictOnLattice(const int32_t *inVertices, const float *inWeights,
                                  const float *inChroma, size_t inCount, const int32_t *outVertices,
                                  const float *outWeights, size_t vertexCount, int width,
                                  int height, float *outChroma) const override
    {
        if (inCount == 0 || width < 1 || height < 1 || vertexCount == 0 || !inVertices ||
            !inWeights || !inChroma || !outVertices || !outWeights || !outChroma)
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("vpn: no input points or an empty frame"));
        if (m_info.neighbourhood != 0)
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("vpn: a net of neighbourhood %1 needs the lattice's "
                                            "coordinates; give it the features")
                                 .arg(m_info.neighbourhood));
        try {
            torch::NoGradGuard noGrad;
            constexpr int64_t d1 = kVpnFeatureDims + 1;
            const auto n = int64_t(inCount), hw = int64_t(width) * height;
            auto vertices = [&](const int32_t *v, int64_t rows) {
                return torch::from_blob(const_cast<int32_t *>(v), {rows, d1}, torch::kInt32)
                    .to(m_device, torch::kInt64);
            };
            auto weights = [&](const float *w, int64_t rows) {
                return torch::from_blob(const_cast<float *>(w), {rows, d1}, torch::kFloat32)
                    .to(m_device);
            };
            const auto geometry = bilateralGeometryPairAtVertices(
                kVpnFeatureDims, vertices(inVertices, n), weights(inWeights, n),
                vertices(outVertices, hw), weights(outWeights, hw), int64_t(vertexCount));
            run(inChroma, n, geometry, width, height, outChroma);
            return {};
        } catch (const c10::Error &e) {
            return libTorchFailed(e);
        }
    }

private:
    // The net on the input points' chroma (n × 2, 0–255) → outChroma (height × width × 2).
    void run(const float *inChroma, int64_t n,
             const std::pair<BilateralGeometry, BilateralGeometry> &geometry, int width, int height,
             float *outChroma) const
    {
        const torch::Tensor chroma =
            (torch::from_blob(const_cast<float *>(inChroma), {n, 2}, torch::kFloat32) / 255.0)
                .to(m_device);
        const torch::Tensor out =
            (m_net->forward(chroma, geometry.first, geometry.second, height, width) * 255.0)
                .clamp(0.0, 255.0)
                .squeeze(0)
                .permute({1, 2, 0})
                .contiguous()
                .to(torch::kCPU);
        std::memcpy(outChroma, out.data_ptr<float>(),
                    size_t(width) * size_t(height) * 2 * sizeof(float));
    }

    static Error libTorchFailed(const c10::Error &e)
    {
        return makeError(ErrorCode::Internal, QStringLiteral("vpn: LibTorch failed"),
                         QString::fromStdString(e.what_without_backtrace()));
    }

    mutable VpnNet m_net; // eval mode, read-only after loading
    VideoPropagationNetInfo m_info;
    torch::Device m_device;
};

} // namespace

QString VideoPropagationNet::defaultModelPath()
{
    return shippedModelPath(QStringLiteral("vpn.json"));
}

Result<std::shared_ptr<const VideoPropagationNet>> VideoPropagationNet::load(const QString &path,
                                                                             const QString &device)
{
    if (path.isEmpty())
        return makeError(ErrorCode::NoModel,
                         QStringLiteral("no video propagation network found (looked for models/"
                                        "vpn.json; set TINCTURE_MODEL_DIR or pass --vpn)"));
    auto files =
        readModelFiles(path, QStringLiteral("vpn"), QStringLiteral("video propagation network"));
    if (!files)
        return files.error();
    const ModelManifest &m = files->manifest;
    const QString &weightsPath = files->weightsPath;
    if (m.baseWidth < 1 || m.baseWidth > 512 || m.depth < 0 || m.depth > 2)
        return makeError(ErrorCode::ModelMismatch,
                         QStringLiteral("%1: a video propagation network of %2 channels and "
                                        "neighbourhood %3 is not one Tincture builds")
                             .arg(files->manifestPath)
                             .arg(m.baseWidth)
                             .arg(m.depth));
    try {
        auto chosen = inferenceDevice(device);
        if (!chosen)
            return chosen.error();
        const torch::Device dev = *chosen;
        VpnNet net(VpnArch{m.baseWidth, m.baseWidth, m.depth});
        if (auto loaded = loadSafetensors(weightsPath, files->weights, *net); !loaded)
            return loaded.error();
        net->eval();
        net->to(dev);
        VideoPropagationNetInfo info;
        info.path = QFileInfo(files->manifestPath).absoluteFilePath();
        info.name = m.name;
        info.sha256 = m.sha256;
        info.channels = m.baseWidth;
        info.neighbourhood = m.depth;
        info.iterations = m.iterations;
        info.trainedOn = m.trainedOn;
        info.gpu = dev.is_cuda();
        const VpnFeatureScales scales;
        info.xyScale = scales.xy;
        info.lumaScale = scales.luma;
        info.timeScale = scales.time;
        info.previousFrames =
            std::clamp(m.training.value(QStringLiteral("previousFrames")).toInt(2), 0, 100);
        return std::shared_ptr<const VideoPropagationNet>(
            std::make_shared<TorchVpn>(std::move(net), std::move(info), dev));
    } catch (const c10::Error &e) {
        return makeError(
            ErrorCode::ModelInvalid,
            QStringLiteral("%1: LibTorch could not build the video propagation network")
                .arg(weightsPath),
            QString::fromStdString(e.what_without_backtrace()));
    }
}

} // namespace tincture::ml
