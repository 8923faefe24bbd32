// LibTorch first (see net.h); no Qt here.
#include "ml/internal/binsnet.h"

#include <array>

namespace tincture::ml {

namespace F = torch::nn::functional;

namespace {

// 3×3 convolution, BatchNorm, ReLU.
void addConv(torch::nn::Sequential &seq, int in, int out, int stride = 1, int dilation = 1)
{
    seq->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3)
                                         .stride(stride)
                                         .padding(dilation)
                                         .dilation(dilation)
                                         .bias(false)));
    seq->push_back(torch::nn::BatchNorm2d(out));
    seq->push_back(torch::nn::ReLU());
}

torch::Tensor binCentres(int bins, const torch::TensorOptions &options)
{
    return (torch::arange(bins, options) + 0.5) * (256.0 / bins);
}

} // namespace

torch::nn::Sequential convBlock(std::initializer_list<std::array<int, 4>> convs)
{
    torch::nn::Sequential seq;
    for (const auto &c : convs)
        addConv(seq, c[0], c[1], c[2], c[3]);
    return seq;
}

torch::Tensor upsampleLike(const torch::Tensor &x, const torch::Tensor &like)
{
    return F::interpolate(x, F::InterpolateFuncOptions()
                                 .size(std::vector<int64_t>{like.size(2), like.size(3)})
                                 .mode(torch::kBilinear)
                                 .align_corners(false));
}

torch::Tensor greyInput(const torch::Tensor &y255)
{
    return y255 / 255.0 - 0.5;
}

torch::Tensor chromaInput(const torch::Tensor &chroma255)
{
    return (chroma255 - 128.0) / 128.0;
}

BinsColourNetImpl::BinsColourNetImpl(const BinsArch &a)
{
    const int w = a.width;
    m_enc1 = register_module("enc1", convBlock({{1, w, 1, 1}, {w, w, 1, 1}}));
    m_enc2 = register_module("enc2", convBlock({{w, 2 * w, 2, 1}, {2 * w, 2 * w, 1, 1}}));
    m_enc3 = register_module("enc3", convBlock({{2 * w, 4 * w, 2, 1}, {4 * w, 4 * w, 1, 1}}));
    m_enc4 = register_module(
        "enc4", convBlock({{4 * w, 8 * w, 2, 1}, {8 * w, 8 * w, 1, 2}, {8 * w, 8 * w, 1, 4}}));
    m_dec3 = register_module("dec3", convBlock({{12 * w, 4 * w, 1, 1}}));
    m_dec2 = register_module("dec2", convBlock({{6 * w, 2 * w, 1, 1}}));
    m_dec1 = register_module("dec1", convBlock({{3 * w, w, 1, 1}}));
    m_head = register_module("head", torch::nn::Conv2d(torch::nn::Conv2dOptions(w, 2 * a.bins, 1)));
}

torch::Tensor BinsColourNetImpl::forward(const torch::Tensor &grey)
{
    const torch::Tensor e1 = m_enc1->forward(grey);
    const torch::Tensor e2 = m_enc2->forward(e1);
    const torch::Tensor e3 = m_enc3->forward(e2);
    const torch::Tensor e4 = m_enc4->forward(e3);
    const torch::Tensor d3 = m_dec3->forward(torch::cat({upsampleLike(e4, e3), e3}, 1));
    const torch::Tensor d2 = m_dec2->forward(torch::cat({upsampleLike(d3, e2), e2}, 1));
    const torch::Tensor d1 = m_dec1->forward(torch::cat({upsampleLike(d2, e1), e1}, 1));
    return m_head->forward(d1);
}

BinsConsistencyNetImpl::BinsConsistencyNetImpl(const BinsArch &a) : m_bins(a.bins)
{
    const int w = a.width;
    m_enc1 = register_module("enc1", convBlock({{6, w, 1, 1}, {w, w, 1, 1}}));
    m_enc2 = register_module("enc2", convBlock({{w, 2 * w, 2, 1}, {2 * w, 2 * w, 1, 1}}));
    m_enc3 = register_module("enc3", convBlock({{2 * w, 4 * w, 2, 1}, {4 * w, 4 * w, 1, 2}}));
    m_dec2 = register_module("dec2", convBlock({{6 * w, 2 * w, 1, 1}}));
    m_dec1 = register_module("dec1", convBlock({{3 * w, w, 1, 1}}));
    m_head = register_module("head", torch::nn::Conv2d(torch::nn::Conv2dOptions(w, 2 * a.bins, 1)));
    torch::NoGradGuard noGrad;
    m_head->weight.zero_();
    m_head->bias.zero_();
}

torch::Tensor BinsConsistencyNetImpl::forward(const torch::Tensor &grey,
                                              const torch::Tensor &colourLogits,
                                              const torch::Tensor &prevGrey,
                                              const torch::Tensor &prevBinned)
{
    const torch::Tensor own = chromaInput(annealedChroma(colourLogits, m_bins));
    const torch::Tensor x = torch::cat({grey, own, prevGrey, prevBinned}, 1);
    const torch::Tensor e1 = m_enc1->forward(x);
    const torch::Tensor e2 = m_enc2->forward(e1);
    const torch::Tensor e3 = m_enc3->forward(e2);
    const torch::Tensor d2 = m_dec2->forward(torch::cat({upsampleLike(e3, e2), e2}, 1));
    const torch::Tensor d1 = m_dec1->forward(torch::cat({upsampleLike(d2, e1), e1}, 1));
    return colourLogits + m_head->forward(d1);
}

RecurrentBinsNetImpl::RecurrentBinsNetImpl(const BinsArch &arch) : m_arch(arch)
{
    colour = register_module("colour", BinsColourNet(arch));
    consistency = register_module("consistency", BinsConsistencyNet(arch));
}

torch::Tensor chromaBins(const torch::Tensor &chroma255, int bins)
{
    return (chroma255 * (bins / 256.0)).floor().clamp(0, bins - 1).to(torch::kLong);
}

torch::Tensor argmaxChroma(const torch::Tensor &logits, int bins)
{
    const torch::Tensor u = logits.slice(1, 0, bins).argmax(1, true);
    const torch::Tensor v = logits.slice(1, bins, 2 * bins).argmax(1, true);
    return (torch::cat({u, v}, 1).to(logits.scalar_type()) + 0.5) * (256.0 / bins);
}

torch::Tensor annealedChroma(const torch::Tensor &logits, int bins, double temperature)
{
    const torch::Tensor centres = binCentres(bins, logits.options()).view({1, bins, 1, 1});
    auto channel = [&](int c) {
        const torch::Tensor p =
            torch::softmax(logits.slice(1, c * bins, (c + 1) * bins) / temperature, 1);
        return (p * centres).sum(1, true);
    };
    return torch::cat({channel(0), channel(1)}, 1);
}

torch::Tensor binsLoss(const torch::Tensor &logits, const torch::Tensor &truthBins, int bins)
{
    const torch::Tensor u = F::cross_entropy(logits.slice(1, 0, bins), truthBins.select(1, 0));
    const torch::Tensor v =
        F::cross_entropy(logits.slice(1, bins, 2 * bins), truthBins.select(1, 1));
    return 0.5 * (u + v);
}

torch::Tensor rgbToYcc(const torch::Tensor &rgb)
{
    const torch::Tensor r = rgb.slice(1, 0, 1), g = rgb.slice(1, 1, 2), b = rgb.slice(1, 2, 3);
    const torch::Tensor y = 255.0 * (0.299 * r + 0.587 * g + 0.114 * b);
    const torch::Tensor cb = 128.0 + 255.0 * (-0.168736 * r - 0.331264 * g + 0.5 * b);
    const torch::Tensor cr = 128.0 + 255.0 * (0.5 * r - 0.418688 * g - 0.081312 * b);
    return torch::cat({y, cb, cr}, 1);
}

torch::Tensor yccToRgb(const torch::Tensor &ycc)
{
    const torch::Tensor y = ycc.slice(1, 0, 1), cb = ycc.slice(1, 1, 2) - 128.0,
                        cr = ycc.slice(1, 2, 3) - 128.0;
    return (torch::cat({y + 1.402 * cr, y - 0.344136 * cb - 0.714136 * cr, y + 1.772 * cb}, 1) /
            255.0)
        .clamp(0.0, 1.0);
}

std::map<std::string, std::string> binsMetadata(const BinsArch &a)
{
    return {{"format", "tincture-recurrent-bins"},
            {"width", std::to_string(a.width)},
            {"bins", std::to_string(a.bins)},
            {"input", "Y/255-0.5; previous frame's bin centres (C-128)/128"},
            {"output", "logits of U's then V's bins (BT.601 full range, 0-255)"}};
}

} // namespace tincture::ml
