// LibTorch before any Qt header: Qt's `slots` macro breaks <torch/torch.h>.
#include "ml/internal/binsnet.h"
#include "ml/internal/cnnlstmnet.h"
#include "ml/internal/frametensors.h"
#include "ml/internal/globallocalnet.h"

#include "ml/modelmanifest.h"
#include "ml/safetensorsread.h"
#include "ml/videocolorizer.h"

#include <QJsonObject>

namespace tincture::ml {
namespace {

namespace F = torch::nn::functional;

const QString kRecurrentBins = QStringLiteral("recurrent-bins");
const QString kGlobalLocal = QStringLiteral("global-local");
const QString kCnnLstm = QStringLiteral("cnn-lstm");

// A frame's luma at the working size: short side `shortSide` (never above the frame's), padded
// by edge replication to a multiple of 8 (the nets' three halvings), as the net input
// Y/255 − 0.5.
struct WorkingGrey
{
    std::vector<Frame> lumas;
    torch::Tensor luma; // 1×1×H×W in [0, 1], full size
    torch::Tensor grey; // 1×1×ph×pw net input, on the model's device
    int ww = 0, wh = 0; // the working size before padding
};

WorkingGrey workingGrey(const Frame &frame, int shortSide, torch::Device device)
{
    WorkingGrey g;
    const int w = frame.width(), h = frame.height();
    const std::vector<const Frame *> frames{&frame};
    g.luma = lumaTensor(frames, g.lumas);
    const double scale = std::min(1.0, double(shortSide) / std::min(w, h));
    g.ww = std::max(1, int(std::lround(w * scale)));
    g.wh = std::max(1, int(std::lround(h * scale)));
    const int pw = (g.ww + 7) / 8 * 8, ph = (g.wh + 7) / 8 * 8;
    torch::Tensor small = scale < 1.0
                              ? F::interpolate(g.luma, F::InterpolateFuncOptions()
                                                           .size(std::vector<int64_t>{g.wh, g.ww})
                                                           .mode(torch::kArea))
                              : g.luma;
    small = F::pad(greyInput(small * 255.0),
                   F::PadFuncOptions({0, pw - g.ww, 0, ph - g.wh}).mode(torch::kReplicate));
    g.grey = small.to(device);
    return g;
}

// The frame of the working-size chroma (1×2×ph×pw, Cb and Cr in 0–255) under its own luma:
// the chroma upsampled to full size, rounded so that the luma is the input's exactly.
Frame frameOfChroma(torch::Tensor chroma, const WorkingGrey &g, const Frame &frame)
{
    const int w = frame.width(), h = frame.height();
    chroma = chroma.to(torch::kCPU).slice(2, 0, g.wh).slice(3, 0, g.ww);
    if (g.wh != h || g.ww != w)
        chroma = F::interpolate(chroma, F::InterpolateFuncOptions()
                                            .size(std::vector<int64_t>{h, w})
                                            .mode(torch::kBilinear)
                                            .align_corners(false));
    const torch::Tensor &luma = g.luma;
    const torch::Tensor cb = (chroma.slice(1, 0, 1) - 128.0) / 255.0;
    const torch::Tensor cr = (chroma.slice(1, 1, 2) - 128.0) / 255.0;
    const torch::Tensor rgb =
        torch::cat({luma + 1.402 * cr, luma - 0.344136 * cb - 0.714136 * cr, luma + 1.772 * cb}, 1)
            .clamp(0.0, 1.0)
            .permute({0, 2, 3, 1})
            .contiguous();
    const std::vector<const Frame *> frames{&frame};
    return std::move(framesOfRgb(rgb, g.lumas, frames).front());
}

class RecurrentBinsColorizer final : public VideoColorizer,
                                     public std::enable_shared_from_this<RecurrentBinsColorizer>
{
public:
    RecurrentBinsColorizer(RecurrentBinsNet net, ColorizerInfo info, int shortSide,
                           torch::Device device)
        : m_net(std::move(net)), m_info(std::move(info)), m_shortSide(shortSide), m_device(device)
    {
    }
    const ColorizerInfo &info() const override { return m_info; }
    std::unique_ptr<Run> start(bool temporal) const override;

    // The net's state between frames: the previous frame's grey input and binned colouring, at
    // the working size.
    struct State
    {
        torch::Tensor grey, binned;
    };
    Result<Frame> colourFrame(const Frame &frame, bool temporal, State &state) const;

private:
    mutable RecurrentBinsNet m_net; // eval mode, read-only after loading
    ColorizerInfo m_info;
    int m_shortSide;
    torch::Device m_device;
};

class RecurrentBinsRun final : public VideoColorizer::Run
{
public:
    RecurrentBinsRun(std::shared_ptr<const RecurrentBinsColorizer> model, bool temporal)
        : m_model(std::move(model)), m_temporal(temporal)
    {
    }
    Result<Frame> next(const Frame &frame) override
    {
        return m_model->colourFrame(frame, m_temporal, m_state);
    }

private:
    std::shared_ptr<const RecurrentBinsColorizer> m_model;
    bool m_temporal;
    RecurrentBinsColorizer::State m_state;
};

std::unique_ptr<VideoColorizer::Run> RecurrentBinsColorizer::start(bool temporal) const
{
    return std::make_unique<RecurrentBinsRun>(shared_from_this(), temporal);
}

Result<Frame> RecurrentBinsColorizer::colourFrame(const Frame &frame, bool temporal,
                                                  State &state) const
{
    if (frame.isNull())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("an empty frame"));
    try {
        torch::NoGradGuard noGrad;
        const WorkingGrey g = workingGrey(frame, m_shortSide, m_device);
        const torch::Tensor &grey = g.grey;
        const int B = m_net->arch().bins;
        torch::Tensor logits = m_net->colour->forward(grey);
        if (temporal && state.grey.defined() && state.grey.sizes() == grey.sizes())
            logits = m_net->consistency->forward(grey, logits, state.grey, state.binned);
        if (temporal) {
            state.grey = grey;
            state.binned = chromaInput(argmaxChroma(logits, B));
        }
        return frameOfChroma(annealedChroma(logits, B), g, frame);
    } catch (const c10::Error &e) {
        return makeError(ErrorCode::Internal,
                         QStringLiteral("%1: LibTorch failed").arg(m_info.path),
                         QString::fromStdString(e.what_without_backtrace()));
    }
}

// Seed 001: each frame coloured alone by the ColorNet trained with the temporal losses, or,
// with the temporal mechanism off, by its copy trained without them.
class GlobalLocalColorizer final : public VideoColorizer,
                                   public std::enable_shared_from_this<GlobalLocalColorizer>
{
public:
    GlobalLocalColorizer(GlobalLocalNet net, ColorizerInfo info, int shortSide,
                         torch::Device device)
        : m_net(std::move(net)), m_info(std::move(info)), m_shortSide(shortSide), m_device(device)
    {
    }
    const ColorizerInfo &info() const override { return m_info; }
    std::unique_ptr<Run> start(bool temporal) const override;
    QString withoutTemporal() const override
    {
        return QStringLiteral("the same net trained without the temporal losses");
    }
    Result<Frame> colourFrame(const Frame &frame, bool temporal) const;

private:
    mutable GlobalLocalNet m_net; // eval mode, read-only after loading
    ColorizerInfo m_info;
    int m_shortSide;
    torch::Device m_device;
};

class GlobalLocalRun final : public VideoColorizer::Run
{
public:
    GlobalLocalRun(std::shared_ptr<const GlobalLocalColorizer> model, bool temporal)
        : m_model(std::move(model)), m_temporal(temporal)
    {
    }
    Result<Frame> next(const Frame &frame) override
    {
        return m_model->colourFrame(frame, m_temporal);
    }

private:
    std::shared_ptr<const GlobalLocalColorizer> m_model;
    bool m_temporal;
};

std::unique_ptr<VideoColorizer::Run> GlobalLocalColorizer::start(bool temporal) const
{
    return std::make_unique<GlobalLocalRun>(shared_from_this(), temporal);
}

Result<Frame> GlobalLocalColorizer::colourFrame(const Frame &frame, bool temporal) const
{
    if (frame.isNull())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("an empty frame"));
    try {
        torch::NoGradGuard noGrad;
        const WorkingGrey g = workingGrey(frame, m_shortSide, m_device);
        ColorNet &net = temporal ? m_net->temporal : m_net->plain;
        return frameOfChroma(net->forward(g.grey) * 255.0, g, frame);
    } catch (const c10::Error &e) {
        return makeError(ErrorCode::Internal,
                         QStringLiteral("%1: LibTorch failed").arg(m_info.path),
                         QString::fromStdString(e.what_without_backtrace()));
    }
}

// Seed 003: each frame through the CNN whose LSTM carries its memory to the next frame; with
// the temporal mechanism off the memory is reset at every frame (each frame as a single image).
class CnnLstmColorizer final : public VideoColorizer,
                               public std::enable_shared_from_this<CnnLstmColorizer>
{
public:
    // shift: the prior correction (priorShift()) on the device, or undefined.
    CnnLstmColorizer(CnnLstmNet net, ColorizerInfo info, int shortSide, double temperature,
                     torch::Tensor shift, torch::Device device)
        : m_net(std::move(net)), m_info(std::move(info)), m_shortSide(shortSide),
          m_temperature(temperature), m_shift(std::move(shift)), m_device(device)
    {
    }
    const ColorizerInfo &info() const override { return m_info; }
    std::unique_ptr<Run> start(bool temporal) const override;
    QString withoutTemporal() const override
    {
        return QStringLiteral("its LSTM's memory reset at every frame");
    }
    Result<Frame> colourFrame(const Frame &frame, LstmState &memory) const;

private:
    mutable CnnLstmNet m_net; // eval mode, read-only after loading
    ColorizerInfo m_info;
    int m_shortSide;
    double m_temperature; // the annealed mean's
    torch::Tensor m_shift;
    torch::Device m_device;
};

class CnnLstmRun final : public VideoColorizer::Run
{
public:
    CnnLstmRun(std::shared_ptr<const CnnLstmColorizer> model, bool temporal)
        : m_model(std::move(model)), m_temporal(temporal)
    {
    }
    Result<Frame> next(const Frame &frame) override
    {
        if (!m_temporal)
            m_memory = LstmState{};
        return m_model->colourFrame(frame, m_memory);
    }

private:
    std::shared_ptr<const CnnLstmColorizer> m_model;
    bool m_temporal;
    LstmState m_memory;
};

std::unique_ptr<VideoColorizer::Run> CnnLstmColorizer::start(bool temporal) const
{
    return std::make_unique<CnnLstmRun>(shared_from_this(), temporal);
}

Result<Frame> CnnLstmColorizer::colourFrame(const Frame &frame, LstmState &memory) const
{
    if (frame.isNull())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("an empty frame"));
    try {
        torch::NoGradGuard noGrad;
        const WorkingGrey g = workingGrey(frame, m_shortSide, m_device);
        const torch::Tensor logits = m_net->forward(g.grey, memory);
        return frameOfChroma(
            chromaOfLogits(logits, m_net->abBins, (g.grey + 0.5) * 255.0, m_temperature, m_shift),
            g, frame);
    } catch (const c10::Error &e) {
        return makeError(ErrorCode::Internal,
                         QStringLiteral("%1: LibTorch failed").arg(m_info.path),
                         QString::fromStdString(e.what_without_backtrace()));
    }
}

} // namespace

bool isVideoColorizerArchitecture(const QString &name)
{
    return name == kRecurrentBins || name == kGlobalLocal || name == kCnnLstm;
}

Result<std::shared_ptr<const VideoColorizer>> VideoColorizer::load(const QString &path,
                                                                   const ColorizerOptions &options)
{
    auto files = readModelFiles(path, QStringList{kRecurrentBins, kGlobalLocal, kCnnLstm},
                                QStringLiteral("video colouriser"));
    if (!files)
        return files.error();
    const ModelManifest &m = files->manifest;
    const QString &name = m.name;
    try {
        if (options.threads > 0)
            torch::set_num_threads(options.threads);
        auto chosen = inferenceDevice(options.device);
        if (!chosen)
            return chosen.error();
        const torch::Device device = *chosen;
        ColorizerInfo info = describeColorizer(*files, device.is_cuda());
        const int shortSide = workingShortSide(options, *files, 160, 8);
        if (name == kGlobalLocal) {
            GlobalLocalNet net(GlobalLocalArch{m.baseWidth, m.depth});
            if (auto loaded = loadSafetensors(files->weightsPath, files->weights, *net); !loaded)
                return loaded.error();
            net->eval();
            net->to(device);
            return std::shared_ptr<const VideoColorizer>(std::make_shared<GlobalLocalColorizer>(
                std::move(net), std::move(info), shortSide, device));
        }
        if (name == kCnnLstm) {
            // The bins' centres are read with the weights; these only give the buffer its shape.
            CnnLstmNet net(CnnLstmArch{m.baseWidth, m.depth}, torch::zeros({m.depth, 2}));
            std::map<std::string, torch::Tensor> extra{{kClassWeightsTensor, {}}};
            if (auto loaded = loadSafetensors(files->weightsPath, files->weights, *net, &extra);
                !loaded)
                return loaded.error();
            const torch::Tensor &classWeights = extra[kClassWeightsTensor];
            torch::Tensor shift;
            if (m.priorCorrection > 0) {
                if (!classWeights.defined() || classWeights.dim() != 1 ||
                    classWeights.size(0) != m.depth || !(classWeights > 0).all().item<bool>())
                    return makeError(ErrorCode::ModelMismatch,
                                     QStringLiteral("%1: the manifest asks for a prior "
                                                    "correction, but the weights file holds no "
                                                    "positive class_weights of its %2 bins")
                                         .arg(files->weightsPath)
                                         .arg(m.depth));
                shift = priorShift(classWeights, m.priorCorrection).to(device);
            }
            net->eval();
            net->to(device);
            return std::shared_ptr<const VideoColorizer>(std::make_shared<CnnLstmColorizer>(
                std::move(net), std::move(info), shortSide,
                m.temperature > 0 ? m.temperature : kLabTemperature, shift, device));
        }
        RecurrentBinsNet net(BinsArch{m.baseWidth, m.depth});
        if (auto loaded = loadSafetensors(files->weightsPath, files->weights, *net); !loaded)
            return loaded.error();
        net->eval();
        net->to(device);
        return std::shared_ptr<const VideoColorizer>(std::make_shared<RecurrentBinsColorizer>(
            std::move(net), std::move(info), shortSide, device));
    } catch (const c10::Error &e) {
        return makeError(
            ErrorCode::ModelInvalid,
            QStringLiteral("%1: LibTorch could not build the model").arg(files->weightsPath),
            QString::fromStdString(e.what_without_backtrace()));
    }
}

QStringList colorizerNames()
{
    QStringList names{QStringLiteral("pix2pix")};
    for (const QString &name : {kRecurrentBins, kGlobalLocal, kCnnLstm})
        if (!shippedModelPath(name + QStringLiteral(".json")).isEmpty())
            names << name;
    return names;
}

Result<QString> colorizerManifest(const QString &name)
{
    const QStringList names = colorizerNames();
    QString path;
    if (name == QLatin1String("pix2pix"))
        path = Colorizer::defaultModelPath();
    else if (names.contains(name))
        path = shippedModelPath(name + QStringLiteral(".json"));
    if (path.isEmpty())
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("no colouriser \"%1\"; available: %2")
                             .arg(name, names.join(QStringLiteral(", "))));
    return path;
}

} // namespace tincture::ml
