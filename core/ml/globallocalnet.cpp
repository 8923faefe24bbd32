// LibTorch first (see net.h); no Qt here.
#include "ml/internal/globallocalnet.h"

#include <array>

namespace tincture::ml {

namespace F = torch::nn::functional;

namespace {

void addConv(torch::nn::Sequential &seq, int in, int out, int stride)
{
    seq->push_back(torch::nn::Conv2d(
        torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false)));
    seq->push_back(torch::nn::BatchNorm2d(out));
    seq->push_back(torch::nn::ReLU());
}

// {in, out, stride} per 3×3 conv.
torch::nn::Sequential convs(std::initializer_list<std::array<int, 3>> layers)
{
    torch::nn::Sequential seq;
    for (const auto &l : layers)
        addConv(seq, l[0], l[1], l[2]);
    return seq;
}

void addUpsample(torch::nn::Sequential &seq)
{
    seq->push_back(torch::nn::Upsample(torch::nn::UpsampleOptions()
                                           .scale_factor(std::vector<double>{2.0, 2.0})
                                           .mode(torch::kNearest)));
}

torch::Tensor resized(const torch::Tensor &x, int64_t h, int64_t w)
{
    return F::interpolate(x, F::InterpolateFuncOptions()
                                 .size(std::vector<int64_t>{h, w})
                                 .mode(torch::kBilinear)
                                 .align_corners(false));
}

// Pixel coordinates x + flow(x) in grid_sample's normalised [−1, 1] (align_corners: −1 is the
// first pixel's centre, +1 the last's).
torch::Tensor sampleGrid(const torch::Tensor &flow)
{
    const int64_t h = flow.size(2), w = flow.size(3);
    const auto opts = flow.options();
    const torch::Tensor xs = torch::arange(w, opts).view({1, 1, w}).expand({1, h, w});
    const torch::Tensor ys = torch::arange(h, opts).view({1, h, 1}).expand({1, h, w});
    const torch::Tensor x = (xs + flow.select(1, 0)) * (2.0 / double(std::max<int64_t>(1, w - 1)));
    const torch::Tensor y = (ys + flow.select(1, 1)) * (2.0 / double(std::max<int64_t>(1, h - 1)));
    return torch::stack({x - 1.0, y - 1.0}, 3);
}

} // namespace

ColorNetImpl::ColorNetImpl(const GlobalLocalArch &a)
{
    const int w = a.width;
    m_low = register_module("low", convs({{1, w, 2},
                                          {w, 2 * w, 1},
                                          {2 * w, 2 * w, 2},
                                          {2 * w, 4 * w, 1},
                                          {4 * w, 4 * w, 2},
                                          {4 * w, 8 * w, 1}}));
    m_mid = register_module("mid", convs({{8 * w, 8 * w, 1}, {8 * w, 4 * w, 1}}));
    m_globalConv = register_module(
        "global_conv",
        convs({{8 * w, 8 * w, 2}, {8 * w, 8 * w, 1}, {8 * w, 8 * w, 2}, {8 * w, 8 * w, 1}}));
    const int side = kGlobalSide / 32; // five halvings: three low-level, two global
    torch::nn::Sequential fc;
    fc->push_back(torch::nn::Linear(8 * w * side * side, 16 * w));
    fc->push_back(torch::nn::ReLU());
    fc->push_back(torch::nn::Linear(16 * w, 8 * w));
    fc->push_back(torch::nn::ReLU());
    m_globalFc = register_module("global_fc", fc);
    torch::nn::Sequential out;
    out->push_back(torch::nn::Linear(8 * w, 4 * w));
    out->push_back(torch::nn::ReLU());
    m_globalOut = register_module("global_out", out);
    torch::nn::Sequential cls;
    cls->push_back(torch::nn::Linear(8 * w, 4 * w));
    cls->push_back(torch::nn::ReLU());
    cls->push_back(torch::nn::Linear(4 * w, std::max(1, a.classes)));
    m_classifier = register_module("classifier", cls);
    torch::nn::Sequential fusion;
    fusion->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(8 * w, 4 * w, 1)));
    fusion->push_back(torch::nn::ReLU());
    m_fusion = register_module("fusion", fusion);
    torch::nn::Sequential c1 = convs({{4 * w, 2 * w, 1}});
    addUpsample(c1);
    m_colour1 = register_module("colour1", c1);
    torch::nn::Sequential c2 = convs({{2 * w, w, 1}, {w, w, 1}});
    addUpsample(c2);
    m_colour2 = register_module("colour2", c2);
    torch::nn::Sequential c3 = convs({{w, std::max(1, w / 2), 1}});
    c3->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(std::max(1, w / 2), 2, 3).padding(1)));
    c3->push_back(torch::nn::Sigmoid());
    m_colour3 = register_module("colour3", c3);
}

torch::Tensor ColorNetImpl::forward(const torch::Tensor &grey, torch::Tensor *classLogits)
{
    const torch::Tensor local = m_mid->forward(m_low->forward(grey));
    const torch::Tensor small = grey.size(2) == kGlobalSide && grey.size(3) == kGlobalSide
                                    ? grey
                                    : resized(grey, kGlobalSide, kGlobalSide);
    const torch::Tensor g = m_globalConv->forward(m_low->forward(small)).flatten(1);
    const torch::Tensor hidden = m_globalFc->forward(g);
    if (classLogits)
        *classLogits = m_classifier->forward(hidden);
    const torch::Tensor global = m_globalOut->forward(hidden);
    const torch::Tensor fused = m_fusion->forward(torch::cat(
        {local, global.view({global.size(0), global.size(1), 1, 1})
                    .expand({global.size(0), global.size(1), local.size(2), local.size(3)})},
        1));
    const torch::Tensor half = m_colour3->forward(m_colour2->forward(m_colour1->forward(fused)));
    return resized(half, grey.size(2), grey.size(3));
}

GlobalLocalNetImpl::GlobalLocalNetImpl(const GlobalLocalArch &arch) : m_arch(arch)
{
    temporal = register_module("temporal", ColorNet(arch));
    plain = register_module("plain", ColorNet(arch));
}

torch::Tensor warpByFlow(const torch::Tensor &image, const torch::Tensor &flow)
{
    return F::grid_sample(image, sampleGrid(flow),
                          F::GridSampleFuncOptions()
                              .mode(torch::kBilinear)
                              .padding_mode(torch::kBorder)
                              .align_corners(true));
}

torch::Tensor insideMask(const torch::Tensor &flow)
{
    const int64_t h = flow.size(2), w = flow.size(3);
    const auto opts = flow.options();
    const torch::Tensor x = torch::arange(w, opts).view({1, 1, w}) + flow.select(1, 0);
    const torch::Tensor y = torch::arange(h, opts).view({1, h, 1}) + flow.select(1, 1);
    return (x.ge(0) & x.le(double(w - 1)) & y.ge(0) & y.le(double(h - 1)))
        .unsqueeze(1)
        .to(flow.scalar_type());
}

torch::Tensor visibilityMask(const torch::Tensor &greyT, const torch::Tensor &greyOther,
                             const torch::Tensor &flow, double alpha)
{
    const torch::Tensor d = greyT - warpByFlow(greyOther, flow);
    return torch::exp(-alpha * d.square()) * insideMask(flow);
}

torch::Tensor temporalLoss(const torch::Tensor &outT, const torch::Tensor &outOther,
                           const torch::Tensor &flow, const torch::Tensor &mask)
{
    return (mask * (outT - warpByFlow(outOther, flow)).abs().sum(1, true)).mean();
}

std::map<std::string, std::string> globalLocalMetadata(const GlobalLocalArch &a)
{
    return {{"format", "tincture-global-local"},
            {"width", std::to_string(a.width)},
            {"classes", std::to_string(a.classes)},
            {"input", "Y/255-0.5"},
            {"output", "Cb/255, Cr/255 (BT.601 full range); nets: temporal., plain."}};
}

} // namespace tincture::ml
