// LibTorch before any Qt header: Qt's `slots` macro breaks <torch/torch.h>.
#include "ml/safetensorsread.h"
#include "ml/internal/net.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstring>
#include <vector>

namespace tincture::ml {

namespace {

Error modelError(ErrorCode code, const QString &path, const QString &what)
{
    return makeError(code, QStringLiteral("%1: %2").arg(path, what));
}

} // namespace

Result<void> loadSafetensors(const QString &path, const QByteArray &bytes,
                             torch::nn::Module &module,
                             std::map<std::string, torch::Tensor> *optional)
{
    if (bytes.size() < 16)
        return modelError(ErrorCode::ModelInvalid, path, QStringLiteral("truncated weights file"));
    uint64_t headerBytes = 0;
    std::memcpy(&headerBytes, bytes.constData(), 8);
    if (headerBytes == 0 || headerBytes > uint64_t(bytes.size() - 8) || headerBytes > (64u << 20))
        return modelError(ErrorCode::ModelInvalid, path,
                          QStringLiteral("not a safetensors file (bad header length)"));
    QJsonParseError parseError;
    const QJsonDocument doc =
        QJsonDocument::fromJson(bytes.mid(8, qsizetype(headerBytes)), &parseError);
    if (!doc.isObject())
        return modelError(
            ErrorCode::ModelInvalid, path,
            QStringLiteral("corrupt safetensors header (%1)").arg(parseError.errorString()));
    const QJsonObject header = doc.object();
    const char *data = bytes.constData() + 8 + headerBytes;
    const qint64 dataBytes = bytes.size() - 8 - qint64(headerBytes);

    // The file's tensor `key` into `tensor`; an undefined `tensor` takes the file's shape.
    auto read = [&](const QString &key, const QJsonObject &entry,
                    torch::Tensor &tensor) -> Result<void> {
        if (entry.value(QStringLiteral("dtype")).toString() != QLatin1String("F32"))
            return modelError(ErrorCode::ModelInvalid, path,
                              QStringLiteral("tensor \"%1\" is not F32").arg(key));
        const QJsonArray shape = entry.value(QStringLiteral("shape")).toArray();
        if (!tensor.defined()) {
            std::vector<int64_t> sizes;
            for (const QJsonValue &d : shape)
                sizes.push_back(d.toInteger(-1));
            if (sizes.size() > 8 ||
                std::any_of(sizes.begin(), sizes.end(), [](int64_t d) { return d < 0; }))
                return modelError(ErrorCode::ModelInvalid, path,
                                  QStringLiteral("tensor \"%1\" has a bad shape").arg(key));
            tensor = torch::empty(sizes, torch::kFloat32);
        }
        bool same = shape.size() == tensor.dim();
        for (int d = 0; same && d < shape.size(); ++d)
            same = shape[d].toInteger(-1) == tensor.size(d);
        if (!same)
            return modelError(ErrorCode::ModelMismatch, path,
                              QStringLiteral("tensor \"%1\" has the wrong shape for the "
                                             "manifest's architecture")
                                  .arg(key));
        const QJsonArray offsets = entry.value(QStringLiteral("data_offsets")).toArray();
        const qint64 begin = offsets.size() == 2 ? offsets[0].toInteger(-1) : -1;
        const qint64 end = offsets.size() == 2 ? offsets[1].toInteger(-1) : -1;
        if (begin < 0 || end > dataBytes || end - begin != qint64(tensor.numel()) * 4)
            return modelError(ErrorCode::ModelInvalid, path,
                              QStringLiteral("tensor \"%1\" lies outside the file (truncated "
                                             "or corrupt)")
                                  .arg(key));
        std::vector<float> values(size_t(tensor.numel()));
        std::memcpy(values.data(), data + begin, size_t(end - begin));
        tensor.copy_(torch::from_blob(values.data(), tensor.sizes(), torch::kFloat32));
        if (!torch::isfinite(tensor).all().item<bool>())
            return modelError(
                ErrorCode::ModelInvalid, path,
                QStringLiteral("tensor \"%1\" holds NaN or infinite values").arg(key));
        return {};
    };

    torch::NoGradGuard noGrad;
    int expected = 0;
    for (auto &[name, tensor] : namedState(module)) {
        if (name.find("num_batches_tracked") != std::string::npos)
            continue;
        ++expected;
        const QString key = QString::fromStdString(name);
        const QJsonObject entry = header.value(key).toObject();
        if (entry.isEmpty())
            return modelError(ErrorCode::ModelMismatch, path,
                              QStringLiteral("tensor \"%1\" is missing: the weights do not "
                                             "match the manifest's architecture")
                                  .arg(key));
        if (auto r = read(key, entry, tensor); !r)
            return r;
    }
    if (optional)
        for (auto &[name, tensor] : *optional) {
            const QString key = QString::fromStdString(name);
            tensor = torch::Tensor();
            const QJsonObject entry = header.value(key).toObject();
            if (entry.isEmpty())
                continue;
            ++expected;
            if (auto r = read(key, entry, tensor); !r)
                return r;
        }
    if (header.size() - (header.contains(QStringLiteral("__metadata__")) ? 1 : 0) != expected)
        return modelError(ErrorCode::ModelMismatch, path,
                          QStringLiteral("the file holds tensors that the manifest's "
                                         "architecture does not have"));
    return {};
}

Result<torch::Device> inferenceDevice(const QString &device)
{
    const bool cudaWanted = device == QLatin1String("cuda");
    if (cudaWanted && !torch::cuda::is_available())
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("CUDA was requested but LibTorch sees no GPU"));
    if (cudaWanted || (device == QLatin1String("auto") && torch::cuda::is_available()))
        return torch::Device(torch::kCUDA);
    return torch::Device(torch::kCPU);
}

} // namespace tincture::ml
