#include "ml/internal/net.h"

#include <algorithm>
#include <cmath>

namespace tincture::ml {
namespace {

int widthAt(const ArchParams &p, int level) // channels after encoder level `level` (0-based)
{
    return p.baseWidth * std::min(1 << std::min(level, 30), p.maxMultiplier);
}

torch::nn::Conv2dOptions downConv(int in, int out)
{
    return torch::nn::Conv2dOptions(in, out, 4).stride(2).padding(1).bias(false);
}

} // namespace

UNetGeneratorImpl::UNetGeneratorImpl(const ArchParams &params) : m_params(params)
{
    const int depth = params.depth;
    for (int i = 0; i < depth; ++i) {
        const int in = i == 0 ? 1 + params.hintChannels : widthAt(params, i - 1);
        const int out = widthAt(params, i);
        // A bias only where no BatchNorm follows (first and innermost levels).
        const bool norm = i != 0 && i != depth - 1;
        m_down.push_back(register_module("down" + std::to_string(i),
                                         torch::nn::Conv2d(downConv(in, out).bias(!norm))));
        m_downNorm.push_back(
            norm ? register_module("downnorm" + std::to_string(i), torch::nn::BatchNorm2d(out))
                 : torch::nn::BatchNorm2d(nullptr));
    }
    // Decoder block j (j = 0 innermost) turns level depth−1−j's features (concatenated with the
    // skip, except for the innermost) into level depth−2−j's width; the last one gives ab.
    for (int j = 0; j < depth; ++j) {
        const int level = depth - 1 - j;
        const int in = j == 0 ? widthAt(params, level) : 2 * widthAt(params, level);
        const bool last = level == 0;
        const int out = last ? 2 : widthAt(params, level - 1);
        m_up.push_back(register_module(
            "up" + std::to_string(j),
            torch::nn::ConvTranspose2d(
                torch::nn::ConvTranspose2dOptions(in, out, 4).stride(2).padding(1).bias(last))));
        m_upNorm.push_back(
            last ? torch::nn::BatchNorm2d(nullptr)
                 : register_module("upnorm" + std::to_string(j), torch::nn::BatchNorm2d(out)));
    }
}

torch::Tensor UNetGeneratorImpl::forward(const torch::Tensor &input)
{
    const int depth = m_params.depth;
    std::vector<torch::Tensor> skips;
    torch::Tensor x = input;
    for (int i = 0; i < depth; ++i) {
        if (i > 0)
            x = torch::leaky_relu(x, 0.2);
        x = m_down[i]->forward(x);
        if (m_downNorm[i])
            x = m_downNorm[i]->forward(x);
        skips.push_back(x);
    }
    for (int j = 0; j < depth; ++j) {
        const int level = depth - 1 - j;
        if (j > 0)
            x = torch::cat({x, skips[level]}, 1);
        x = torch::relu(x);
        x = m_up[j]->forward(x);
        if (m_upNorm[j]) {
            x = m_upNorm[j]->forward(x);
            // Dropout 0.5 in the first three decoder blocks (active in training mode only);
            // the innermost block of a shallow net is one of them.
            if (j < 3 && level > 1)
                x = torch::dropout(x, 0.5, is_training());
        }
    }
    return torch::tanh(x);
}

PatchDiscriminatorImpl::PatchDiscriminatorImpl(const ArchParams &params)
{
    namespace nn = torch::nn;
    const int w = params.discWidth;
    auto conv = [](int in, int out, int stride, bool bias) {
        return nn::Conv2d(nn::Conv2dOptions(in, out, 4).stride(stride).padding(1).bias(bias));
    };
    m_net = nn::Sequential(
        conv(3, w, 2, true), nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)),
        conv(w, 2 * w, 2, false), nn::BatchNorm2d(2 * w),
        nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)), conv(2 * w, 4 * w, 2, false),
        nn::BatchNorm2d(4 * w), nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)),
        conv(4 * w, 8 * w, 1, false), nn::BatchNorm2d(8 * w),
        nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)), conv(8 * w, 1, 1, true));
    register_module("net", m_net);
}

torch::Tensor PatchDiscriminatorImpl::forward(const torch::Tensor &lightness,
                                              const torch::Tensor &ab)
{
    return m_net->forward(torch::cat({lightness, ab}, 1));
}

namespace {

torch::Tensor srgbToLinear(const torch::Tensor &c)
{
    return torch::where(c <= 0.04045, c / 12.92, torch::pow((c + 0.055) / 1.055, 2.4));
}

torch::Tensor linearToSrgb(const torch::Tensor &c)
{
    const torch::Tensor cc = c.clamp_min(0.0);
    return torch::where(cc <= 0.0031308, cc * 12.92,
                        1.055 * torch::pow(cc.clamp_min(1e-12), 1.0 / 2.4) - 0.055);
}

constexpr double kDelta = 6.0 / 29.0;

torch::Tensor labF(const torch::Tensor &t)
{
    return torch::where(t > kDelta * kDelta * kDelta, torch::pow(t.clamp_min(1e-12), 1.0 / 3.0),
                        t / (3 * kDelta * kDelta) + 4.0 / 29.0);
}

torch::Tensor labFInverse(const torch::Tensor &f)
{
    return torch::where(f > kDelta, f * f * f, 3 * kDelta * kDelta * (f - 4.0 / 29.0));
}

constexpr double kWhite[3] = {0.95047, 1.0, 1.08883};

} // namespace

torch::Tensor rgbToLab(const torch::Tensor &rgb)
{
    const torch::Tensor lin = srgbToLinear(rgb);
    const auto r = lin.select(1, 0), g = lin.select(1, 1), b = lin.select(1, 2);
    const auto x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / kWhite[0];
    const auto y = (0.2126729 * r + 0.7151522 * g + 0.0721750 * b) / kWhite[1];
    const auto z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / kWhite[2];
    const auto fx = labF(x), fy = labF(y), fz = labF(z);
    return torch::stack({116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)}, 1);
}

torch::Tensor labToRgb(const torch::Tensor &lab)
{
    const auto l = lab.select(1, 0), a = lab.select(1, 1), bb = lab.select(1, 2);
    const auto fy = (l + 16.0) / 116.0;
    const auto x = labFInverse(fy + a / 500.0) * kWhite[0];
    const auto y = labFInverse(fy) * kWhite[1];
    const auto z = labFInverse(fy - bb / 200.0) * kWhite[2];
    const auto r = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z;
    const auto g = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z;
    const auto b = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z;
    return linearToSrgb(torch::stack({r, g, b}, 1)).clamp(0.0, 1.0);
}

torch::Tensor luma601(const torch::Tensor &rgb)
{
    return (0.299 * rgb.select(1, 0) + 0.587 * rgb.select(1, 1) + 0.114 * rgb.select(1, 2))
        .unsqueeze(1);
}

torch::Tensor lightnessOfGrey(const torch::Tensor &y)
{
    // For R = G = B the XYZ of the grey is the white point times its linear value.
    return 116.0 * labF(srgbToLinear(y)) - 16.0;
}

torch::Tensor colourfulness(const torch::Tensor &rgb)
{
    const torch::Tensor c = rgb * 255.0;
    const auto rg = (c.select(1, 0) - c.select(1, 1)).flatten(1);
    const auto yb = (0.5 * (c.select(1, 0) + c.select(1, 1)) - c.select(1, 2)).flatten(1);
    const auto sigma = torch::sqrt(rg.var(1, false) + yb.var(1, false));
    const auto mu = torch::sqrt(rg.mean(1).square() + yb.mean(1).square());
    return sigma + 0.3 * mu;
}

std::vector<std::pair<std::string, torch::Tensor>> namedState(torch::nn::Module &module)
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto &p : module.named_parameters(true))
        out.emplace_back(p.key(), p.value());
    for (const auto &b : module.named_buffers(true))
        out.emplace_back(b.key(), b.value());
    return out;
}

} // namespace tincture::ml
