// LibTorch before any Qt header: Qt's `slots` macro breaks <torch/torch.h>.
#include "ml/internal/net.h"
#include "ml/internal/frametensors.h"

#include "colour/colourspace.h"
#include "ml/colorizer.h"
#include "ml/modelmanifest.h"
#include "ml/safetensorsread.h"
#include "ml/videocolorizer.h"

#include <QFileInfo>
#include <QJsonObject>

namespace tincture::ml {
namespace {

class TorchColorizer final : public Colorizer
{
public:
    TorchColorizer(UNetGenerator generator, ColorizerInfo info, int workingShortSide,
                   torch::Device device, bool flipAverage)
        : m_generator(std::move(generator)), m_info(std::move(info)), m_shortSide(workingShortSide),
          m_device(device), m_flipAverage(flipAverage)
    {
    }

    const ColorizerInfo &info() const override { return m_info; }
    bool takesHints() const override { return m_generator->params().hintChannels > 0; }
    Result<Frame> colorize(const Frame &frame) const override;
    Result<Frame> colorize(const Frame &frame, const Frame &hints) const override;
    Result<std::vector<Frame>> colorize(const std::vector<Frame> &frames,
                                        Feedback &feedback) const override;

private:
    // `hints`: null, or one RGBA frame per frame (null entries: no points).
    Result<std::vector<Frame>> colorizeSameSize(const std::vector<const Frame *> &frames,
                                                const std::vector<const Frame *> &hints = {}) const;

    mutable UNetGenerator m_generator; // eval mode, read-only after loading
    ColorizerInfo m_info;
    int m_shortSide;
    torch::Device m_device;
    bool m_flipAverage;
};

// Whether any of the hint images holds a point (alpha > 0 in its 8-bit RGBA form).
bool anyPoint(const std::vector<const Frame *> &hints)
{
    for (const Frame *f : hints) {
        const Frame eight = f->converted(PixelFormat::Rgba8);
        for (int y = 0; y < eight.height(); ++y)
            for (int x = 0; x < eight.width(); ++x)
                if (eight.constRow(y)[4 * x + 3] != 0)
                    return true;
    }
    return false;
}

// User points at the net's working size (ww × wh, padded with zeros to pw × ph): N×3: Lab a,
// b / 110 and the mask. Premultiplied colour and alpha are area-averaged, so a pixel that any
// point covers takes the points' mean colour there.
torch::Tensor hintTensor(const std::vector<const Frame *> &hints, int w, int h, int ww, int wh,
                         int pw, int ph)
{
    namespace F = torch::nn::functional;
    torch::Tensor rgba = torch::zeros({int64_t(hints.size()), 4, h, w}, torch::kFloat32);
    auto acc = rgba.accessor<float, 4>();
    for (size_t n = 0; n < hints.size(); ++n) {
        if (hints[n] == nullptr)
            continue;
        const Frame eight = hints[n]->converted(PixelFormat::Rgba8);
        for (int y = 0; y < h; ++y) {
            const uint8_t *p = eight.constRow(y);
            for (int x = 0; x < w; ++x, p += 4) {
                if (p[3] == 0)
                    continue;
                const float a = p[3] / 255.0f;
                acc[int64_t(n)][0][y][x] = a * p[0] / 255.0f;
                acc[int64_t(n)][1][y][x] = a * p[1] / 255.0f;
                acc[int64_t(n)][2][y][x] = a * p[2] / 255.0f;
                acc[int64_t(n)][3][y][x] = a;
            }
        }
    }
    if (ww != w || wh != h)
        rgba = F::interpolate(
            rgba,
            F::InterpolateFuncOptions().size(std::vector<int64_t>{wh, ww}).mode(torch::kArea));
    const torch::Tensor alpha = rgba.slice(1, 3, 4);
    const torch::Tensor mask = (alpha > 1e-6).to(torch::kFloat32);
    const torch::Tensor rgb = rgba.slice(1, 0, 3) / alpha.clamp_min(1e-6);
    const torch::Tensor ab = rgbToLab(rgb.clamp(0.0, 1.0)).slice(1, 1, 3) / kAbScale * mask;
    return F::pad(torch::cat({ab, mask}, 1), F::PadFuncOptions({0, pw - ww, 0, ph - wh}));
}

Result<std::vector<Frame>>
TorchColorizer::colorizeSameSize(const std::vector<const Frame *> &frames,
                                 const std::vector<const Frame *> &hints) const
{
    namespace F = torch::nn::functional;
    const int w = frames[0]->width(), h = frames[0]->height();
    std::vector<Frame> lumas;
    const torch::Tensor luma = lumaTensor(frames, lumas);
    torch::NoGradGuard noGrad;

    // The net's working size: short side m_shortSide (never above the frame's own), padded by
    // edge replication to a multiple of 2^depth.
    const double scale = std::min(1.0, double(m_shortSide) / std::min(w, h));
    const int ww = std::max(1, int(std::lround(w * scale)));
    const int wh = std::max(1, int(std::lround(h * scale)));
    const int unit = 1 << m_info.depth;
    const int pw = (ww + unit - 1) / unit * unit, ph = (wh + unit - 1) / unit * unit;
    torch::Tensor small =
        scale < 1.0
            ? F::interpolate(
                  luma,
                  F::InterpolateFuncOptions().size(std::vector<int64_t>{wh, ww}).mode(torch::kArea))
            : luma;
    torch::Tensor lightness = lightnessOfGrey(small) / 50.0 - 1.0;
    lightness =
        F::pad(lightness, F::PadFuncOptions({0, pw - ww, 0, ph - wh}).mode(torch::kReplicate));
    const int hintChannels = m_generator->params().hintChannels;
    if (hintChannels > 0) // without points, zeros: the automatic proposal
        lightness = torch::cat(
            {lightness, hints.empty() ? torch::zeros({lightness.size(0), hintChannels, ph, pw})
                                      : hintTensor(hints, w, h, ww, wh, pw, ph)},
            1);
    const torch::Tensor input = lightness.to(m_device);
    torch::Tensor ab = m_generator->forward(input);
    // The mirror image's prediction, mirrored back, averaged in: for the automatic proposal
    // only. A proposal guided by points is what a stroke waits for; it runs the net once.
    if (m_flipAverage && (hints.empty() || !anyPoint(hints)))
        ab = 0.5 * (ab + m_generator->forward(input.flip({3})).flip({3}));
    ab = ab.to(torch::kCPU);
    ab = ab.slice(2, 0, wh).slice(3, 0, ww);
    if (wh != h || ww != w)
        ab = F::interpolate(ab, F::InterpolateFuncOptions()
                                    .size(std::vector<int64_t>{h, w})
                                    .mode(torch::kBilinear)
                                    .align_corners(false));
    const torch::Tensor lab = torch::cat({lightnessOfGrey(luma), ab * kAbScale}, 1);
    const torch::Tensor rgb = labToRgb(lab).permute({0, 2, 3, 1}).contiguous();

    return framesOfRgb(rgb, lumas, frames);
}

Result<Frame> TorchColorizer::colorize(const Frame &frame) const
{
    Feedback feedback;
    auto frames = colorize(std::vector<Frame>{frame}, feedback);
    if (!frames)
        return frames.error();
    return std::move(frames.value().front());
}

Result<Frame> TorchColorizer::colorize(const Frame &frame, const Frame &hints) const
{
    if (!takesHints())
        return makeError(ErrorCode::ModelMismatch,
                         QStringLiteral("%1: this keyframe model takes no user points (it has "
                                        "no hint inputs)")
                             .arg(m_info.path));
    if (frame.isNull() || hints.isNull() || hints.channels() != 4 ||
        hints.width() != frame.width() || hints.height() != frame.height())
        return makeError(ErrorCode::SizeMismatch,
                         QStringLiteral("the hints must be RGBA of the frame's size (%1×%2)")
                             .arg(frame.width())
                             .arg(frame.height()));
    try {
        auto out = colorizeSameSize({&frame}, {&hints});
        if (!out)
            return out.error();
        return std::move(out.value().front());
    } catch (const c10::Error &e) {
        return makeError(ErrorCode::Internal, QStringLiteral("the keyframe model failed"),
                         QString::fromStdString(e.what_without_backtrace()));
    }
}

Result<std::vector<Frame>> TorchColorizer::colorize(const std::vector<Frame> &frames,
                                                    Feedback &feedback) const
{
    constexpr size_t kBatch = 4;
    std::vector<Frame> out;
    out.reserve(frames.size());
    try {
        size_t i = 0;
        while (i < frames.size()) {
            if (feedback.isCancelled())
                return Error::cancelled();
            std::vector<const Frame *> batch;
            for (; i < frames.size() && batch.size() < kBatch; ++i) {
                const Frame &f = frames[i];
                if (f.isNull() || f.width() < 1 || f.height() < 1)
                    return makeError(ErrorCode::InvalidArgument,
                                     QStringLiteral("frame %1 is empty").arg(i));
                if (!batch.empty() &&
                    (f.width() != batch[0]->width() || f.height() != batch[0]->height()))
                    break;
                batch.push_back(&f);
            }
            auto coloured = colorizeSameSize(batch);
            if (!coloured)
                return coloured.error();
            for (Frame &f : coloured.value())
                out.push_back(std::move(f));
            feedback.reportProgress(int64_t(out.size()), int64_t(frames.size()));
        }
    } catch (const c10::Error &e) {
        return makeError(ErrorCode::Internal, QStringLiteral("the keyframe model failed"),
                         QString::fromStdString(e.what_without_backtrace()));
    }
    return out;
}

// A video colouriser as a keyframe model: each frame coloured as the first of a shot (alone:
// there is no predecessor), by the model as shipped; it takes no hints.
class VideoKeyframeColorizer final : public Colorizer
{
public:
    explicit VideoKeyframeColorizer(std::shared_ptr<const VideoColorizer> model)
        : m_model(std::move(model))
    {
    }
    const ColorizerInfo &info() const override { return m_model->info(); }
    bool takesHints() const override { return false; }
    Result<Frame> colorize(const Frame &frame) const override
    {
        return m_model->start(true)->next(frame);
    }
    Result<Frame> colorize(const Frame &frame, const Frame &hints) const override
    {
        (void)frame;
        (void)hints;
        return makeError(ErrorCode::ModelMismatch,
                         QStringLiteral("%1: a \"%2\" model takes no hints")
                             .arg(m_model->info().path, m_model->info().name));
    }
    Result<std::vector<Frame>> colorize(const std::vector<Frame> &frames,
                                        Feedback &feedback) const override
    {
        std::vector<Frame> out;
        for (const Frame &f : frames) {
            if (feedback.isCancelled())
                return Error::cancelled();
            auto coloured = colorize(f);
            if (!coloured)
                return coloured.error();
            out.push_back(std::move(coloured).value());
            feedback.reportProgress(int64_t(out.size()), int64_t(frames.size()));
        }
        return out;
    }

private:
    std::shared_ptr<const VideoColorizer> m_model;
};

} // namespace

ColorizerInfo describeColorizer(const ModelFiles &files, bool gpu)
{
    const ModelManifest &m = files.manifest;
    ColorizerInfo info;
    info.path = QFileInfo(files.manifestPath).absoluteFilePath();
    info.name = m.name;
    info.sha256 = m.sha256;
    info.baseWidth = m.baseWidth;
    info.depth = m.depth;
    info.iterations = m.iterations;
    info.trainedOn = m.trainedOn;
    info.gpu = gpu;
    return info;
}

int workingShortSide(const ColorizerOptions &options, const ModelFiles &files, int fallback,
                     int minimum)
{
    int side = options.workingShortSide;
    if (side <= 0)
        side = files.manifest.training.value(QStringLiteral("inferenceShortSide")).toInt(fallback);
    return std::max(side, minimum);
}

QString Colorizer::defaultModelPath()
{
    return shippedModelPath(QStringLiteral("colorizer.json"));
}

Result<std::shared_ptr<const Colorizer>> Colorizer::load(const QString &path,
                                                         const ColorizerOptions &options)
{
    if (path.isEmpty())
        return makeError(ErrorCode::NoModel,
                         QStringLiteral("no keyframe model found (looked for models/"
                                        "colorizer.json; set TINCTURE_MODEL_DIR or pass --model)"));
    // A video colouriser proposes keyframes too: each frame coloured alone.
    if (auto manifest = readManifest(manifestPathFor(path));
        manifest && isVideoColorizerArchitecture(manifest->name)) {
        auto video = VideoColorizer::load(path, options);
        if (!video)
            return video.error();
        return std::shared_ptr<const Colorizer>(
            std::make_shared<VideoKeyframeColorizer>(std::move(video).value()));
    }
    auto files =
        readModelFiles(path, QStringLiteral("pix2pix-unet"), QStringLiteral("keyframe model"));
    if (!files)
        return files.error();
    const ModelManifest &m = files->manifest;
    const QString &weightsPath = files->weightsPath;
    const QByteArray &bytes = files->weights;
    try {
        if (options.threads > 0)
            torch::set_num_threads(options.threads);
        auto chosen = inferenceDevice(options.device);
        if (!chosen)
            return chosen.error();
        const torch::Device device = *chosen;
        ArchParams arch;
        arch.baseWidth = m.baseWidth;
        arch.depth = m.depth;
        arch.maxMultiplier = m.maxMultiplier;
        arch.hintChannels = m.hintChannels;
        UNetGenerator generator(arch);
        if (auto loaded = loadSafetensors(weightsPath, bytes, *generator); !loaded)
            return loaded.error();
        generator->eval();
        generator->to(device);
        ColorizerInfo info = describeColorizer(*files, device.is_cuda());
        const int shortSide = workingShortSide(options, *files, 256, 1 << m.depth);
        return std::shared_ptr<const Colorizer>(std::make_shared<TorchColorizer>(
            std::move(generator), std::move(info), shortSide, device, options.flipAverage));
    } catch (const c10::Error &e) {
        return makeError(ErrorCode::ModelInvalid,
                         QStringLiteral("%1: LibTorch could not build the model").arg(weightsPath),
                         QString::fromStdString(e.what_without_backtrace()));
    }
}

} // namespace tincture::ml
