// LibTorch first (see net.h); no Qt here.
#include "ml/internal/cnnlstmnet.h"
#include "ml/internal/binsnet.h"
#include "ml/internal/net.h"

#include <vector>

namespace tincture::ml {

namespace F = torch::nn::functional;

namespace {

// Squared distances of each pixel's a*b* (N×2×H×W) to the bins (Q×2): N×Q×H×W.
torch::Tensor binDistances(const torch::Tensor &ab, const torch::Tensor &bins)
{
    const int64_t q = bins.size(0);
    const torch::Tensor a = bins.select(1, 0).view({1, q, 1, 1});
    const torch::Tensor b = bins.select(1, 1).view({1, q, 1, 1});
    return (ab.slice(1, 0, 1) - a).square() + (ab.slice(1, 1, 2) - b).square();
}

} // namespace

CnnLstmNetImpl::CnnLstmNetImpl(const CnnLstmArch &a, const torch::Tensor &bins) : m_arch(a)
{
    const int w = a.width, hidden = 4 * w;
    m_conv1 = register_module("conv1", convBlock({{1, w, 1, 1}, {w, w, 1, 1}}));
    m_conv2 = register_module("conv2", convBlock({{w, 2 * w, 2, 1}, {2 * w, 2 * w, 1, 1}}));
    m_conv3 = register_module("conv3", convBlock({{2 * w, 4 * w, 2, 1}, {4 * w, 4 * w, 1, 1}}));
    m_conv4 = register_module("conv4", convBlock({{4 * w, 8 * w, 2, 1}, {8 * w, 8 * w, 1, 1}}));
    m_conv5 = register_module("conv5", convBlock({{8 * w, 8 * w, 1, 2}, {8 * w, 8 * w, 1, 2}}));
    m_gates = register_module(
        "lstm",
        torch::nn::Conv2d(torch::nn::Conv2dOptions(8 * w + hidden, 4 * hidden, 3).padding(1)));
    m_reduce = register_module("reduce", convBlock({{8 * w + hidden, 4 * w, 1, 1}}));
    m_dec = register_module("dec", convBlock({{8 * w, 4 * w, 1, 1}, {4 * w, 4 * w, 1, 1}}));
    m_head = register_module("head", torch::nn::Conv2d(torch::nn::Conv2dOptions(4 * w, a.bins, 1)));
    abBins = register_buffer("ab_bins", bins.to(torch::kFloat32).clone().view({a.bins, 2}));
}

torch::Tensor CnnLstmNetImpl::forward(const torch::Tensor &grey, LstmState &state)
{
    const CnnLstmFeatures f = encode(grey);
    const torch::Tensor h = remember(f.deep, state);
    return decode(f, h);
}

torch::Tensor CnnLstmNetImpl::forwardClip(const torch::Tensor &greys)
{
    const int64_t t = greys.size(0), n = greys.size(1);
    const CnnLstmFeatures f = encode(greys.flatten(0, 1));
    const torch::Tensor deep = f.deep.unflatten(0, {t, n});
    LstmState state;
    std::vector<torch::Tensor> hidden;
    for (int64_t i = 0; i < t; ++i)
        hidden.push_back(remember(deep[i], state));
    return decode(f, torch::cat(hidden)).unflatten(0, {t, n});
}

CnnLstmFeatures CnnLstmNetImpl::encode(const torch::Tensor &grey)
{
    const torch::Tensor quarter = m_conv3->forward(m_conv2->forward(m_conv1->forward(grey)));
    return {quarter, m_conv5->forward(m_conv4->forward(quarter))};
}

torch::Tensor CnnLstmNetImpl::remember(const torch::Tensor &deep, LstmState &state)
{
    const int64_t hidden = 4 * m_arch.width;
    const std::vector<int64_t> shape{deep.size(0), hidden, deep.size(2), deep.size(3)};
    torch::Tensor h = state.h, c = state.c;
    if (!h.defined() || h.sizes() != c10::IntArrayRef(shape)) {
        h = torch::zeros(shape, deep.options());
        c = torch::zeros(shape, deep.options());
    }
    const std::vector<torch::Tensor> g = m_gates->forward(torch::cat({deep, h}, 1)).chunk(4, 1);
    c = torch::sigmoid(g[1]) * c + torch::sigmoid(g[0]) * torch::tanh(g[3]);
    h = torch::sigmoid(g[2]) * torch::tanh(c);
    state = LstmState{h, c};
    return h;
}

torch::Tensor CnnLstmNetImpl::decode(const CnnLstmFeatures &f, const torch::Tensor &hidden)
{
    const torch::Tensor r = m_reduce->forward(torch::cat({f.deep, hidden}, 1));
    const torch::Tensor d = m_dec->forward(torch::cat({upsampleLike(r, f.quarter), f.quarter}, 1));
    return m_head->forward(d);
}

torch::Tensor gamutBins()
{
    // Every 8-bit sRGB colour's cell, counted on a 64 × 64 grid of cell indices offset by 32
    // (a*, b* stay within ±130).
    static const torch::Tensor cells = [] {
        torch::NoGradGuard noGrad;
        const torch::Tensor levels = torch::arange(256, torch::kFloat64) / 255.0;
        const torch::Tensor g = levels.view({256, 1}).expand({256, 256}).reshape({1, 1, -1, 1});
        const torch::Tensor b = levels.view({1, 256}).expand({256, 256}).reshape({1, 1, -1, 1});
        torch::Tensor seen = torch::zeros({64 * 64}, torch::kLong);
        for (int r = 0; r < 256; ++r) {
            const torch::Tensor rgb = torch::cat({torch::full_like(g, r / 255.0), g, b}, 1);
            const torch::Tensor cell =
                (rgbToLab(rgb).slice(1, 1, 3) / kLabGrid).round().to(torch::kLong) + 32;
            seen += torch::bincount((cell.select(1, 0) * 64 + cell.select(1, 1)).flatten(), {},
                                    64 * 64);
        }
        const torch::Tensor index = seen.nonzero().flatten();
        return torch::stack({index.div(64, "floor") - 32, index.remainder(64) - 32}, 1)
                   .to(torch::kFloat32) *
               kLabGrid;
    }();
    return cells.clone();
}

torch::Tensor nearestBin(const torch::Tensor &ab, const torch::Tensor &bins)
{
    return binDistances(ab, bins).argmin(1);
}

torch::Tensor softEncode(const torch::Tensor &ab, const torch::Tensor &bins, int neighbours,
                         double sigma)
{
    const torch::Tensor d2 = binDistances(ab, bins);
    const auto [near, index] = d2.topk(neighbours, 1, /*largest=*/false);
    torch::Tensor w = torch::exp(-near / (2.0 * sigma * sigma));
    w = w / w.sum(1, true);
    return torch::zeros_like(d2).scatter_(1, index, w);
}

torch::Tensor rebalancingWeights(const torch::Tensor &counts, const torch::Tensor &bins,
                                 double lambda, double sigma)
{
    const torch::Tensor p =
        counts.to(torch::kFloat64) / counts.sum().clamp_min(1).to(torch::kFloat64);
    const torch::Tensor c = bins.to(torch::kFloat64);
    const torch::Tensor d2 = (c.unsqueeze(1) - c.unsqueeze(0)).square().sum(2);
    torch::Tensor smoothed = torch::exp(-d2 / (2.0 * sigma * sigma)).matmul(p);
    smoothed = smoothed / smoothed.sum();
    const int64_t q = bins.size(0);
    torch::Tensor w = 1.0 / ((1.0 - lambda) * smoothed + lambda / double(q));
    w = w / (smoothed * w).sum();
    return w.to(torch::kFloat32);
}

torch::Tensor rebalancedLoss(const torch::Tensor &logits, const torch::Tensor &ab,
                             const torch::Tensor &bins, const torch::Tensor &weights)
{
    const torch::Tensor z = softEncode(ab, bins);
    const torch::Tensor v = weights.index({z.argmax(1)}); // N×h×w: the nearest bin's weight
    const torch::Tensor ce = -(z * torch::log_softmax(logits, 1)).sum(1);
    return (v * ce).mean();
}

torch::Tensor annealedAb(const torch::Tensor &logits, const torch::Tensor &bins, double temperature,
                         const torch::Tensor &shift)
{
    const torch::Tensor p =
        torch::softmax((shift.defined() ? logits - shift : logits) / temperature, 1);
    const int64_t q = bins.size(0);
    const torch::Tensor a = (p * bins.select(1, 0).view({1, q, 1, 1})).sum(1, true);
    const torch::Tensor b = (p * bins.select(1, 1).view({1, q, 1, 1})).sum(1, true);
    return torch::cat({a, b}, 1);
}

torch::Tensor chromaOfLogits(const torch::Tensor &logits, const torch::Tensor &bins,
                             const torch::Tensor &grey255, double temperature,
                             const torch::Tensor &shift)
{
    const torch::Tensor ab = upsampleLike(annealedAb(logits, bins, temperature, shift), grey255);
    const torch::Tensor rgb = labToRgb(torch::cat({lightnessOfGrey(grey255 / 255.0), ab}, 1));
    return rgbToYcc(rgb).slice(1, 1, 3);
}

torch::Tensor priorShift(const torch::Tensor &classWeights, double strength)
{
    return (classWeights.log() * strength).view({1, -1, 1, 1});
}

std::map<std::string, std::string> cnnLstmMetadata(const CnnLstmArch &a)
{
    return {{"format", "tincture-cnn-lstm"},
            {"width", std::to_string(a.width)},
            {"bins", std::to_string(a.bins)},
            {"input", "Y/255-0.5"},
            {"output", "logits of the a*b* bins (ab_bins, CIE Lab D65) at 1/4"}};
}

} // namespace tincture::ml
