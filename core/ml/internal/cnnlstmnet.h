#pragma once
// Private to core/ml (includes LibTorch). The CNN-LSTM video colouriser ("cnn-lstm", seed 003:
// Thomas et al., "Automatic Image and Video Colourisation using Deep Learning"): a CNN whose
// deepest features pass through a convolutional LSTM that carries them from frame to frame,
// classifying each pixel's colour into the in-gamut bins of CIE Lab's a*b* plane on a grid of
// 10 (Zhang, Isola & Efros 2016), trained with soft-encoded, class-rebalanced cross-entropy and
// decoded by the annealed mean.
//
// Network (widths in units of w):
//   five conv layers, each two 3×3 conv + BatchNorm + ReLU: w (full size), 2w (1/2), 4w (1/4),
//   8w (1/8), 8w (1/8, dilated 2);
//   a ConvLSTM cell at 1/8 (3×3 gates over the features and the hidden state, hidden 4w): its
//   hidden and cell states are the memory carried to the next frame; zero for the first frame
//   of a shot and for a single image (the paper: "If single image, LSTM is omitted" — here it
//   runs with no memory, so one set of weights serves both);
//   decoder: 3×3 conv of [features, hidden] to 4w, ×2 upsampling, beside the 1/4 features,
//   two 3×3 convs 4w, 1×1 head of Q logits at 1/4 of the frame (Zhang's output scale).
// Colour space: CIE L*a*b* (D65, sRGB primaries; net.h's conversions). The a*b* bins are the cells
// of the 10-unit grid (centres at multiples of 10) that some 8-bit sRGB colour falls in when
// rounded to the nearest centre: 261 of them (gamutBins()). Zhang et al.'s list of 313 was taken
// from their training data's gamut and is not available here (not in Debian's packages); the seed's
// own text says Q = 310. The centres are stored with the weights (buffer "ab_bins"). Input: BT.601
// luma Y/255 − 0.5. Output: a*b* by the annealed mean (T: the manifest's, 0.38 by default) of
// the logits less the manifest's share of the prior correction (priorShift(); none by default)
// at 1/4, upsampled; with the frame's own L* (that of its grey level) converted to sRGB and from
// there to BT.601 Cb, Cr (the product keeps the input's luma exactly). Builds with LibTorch and
// the standard library alone.

#include <torch/torch.h>

#include <map>
#include <string>

namespace tincture::ml {

struct CnnLstmArch
{
    int width = 16; // w; the LSTM's hidden state has 4w channels
    int bins = 261; // Q
};

inline constexpr double kLabTemperature = 0.38; // Zhang et al.'s annealed mean
// The weights file's tensor beside the net's: the rebalancing weights (Q) it was trained with.
inline constexpr const char *kClassWeightsTensor = "class_weights";
inline constexpr double kLabGrid = 10.0;

// The memory between frames: undefined (no memory) or the LSTM's hidden and cell states.
struct LstmState
{
    torch::Tensor h, c;
};

// A frame's features at 1/4 and at 1/8 (the LSTM's input).
struct CnnLstmFeatures
{
    torch::Tensor quarter, deep;
};

class CnnLstmNetImpl : public torch::nn::Module
{
public:
    // abBins: Q×2 centres (gamutBins()); copied into the "ab_bins" buffer.
    CnnLstmNetImpl(const CnnLstmArch &arch, const torch::Tensor &abBins);
    const CnnLstmArch &arch() const { return m_arch; }
    // grey: N×1×H×W net input (H, W multiples of 8) → N×Q×H/4×W/4 logits; `state` is read (no
    // memory when undefined or of another size) and replaced by the new memory.
    torch::Tensor forward(const torch::Tensor &grey, LstmState &state);
    // A batch of clips from no memory: greys T×N×1×H×W → logits T×N×Q×H/4×W/4. The frames pass
    // the conv layers and the decoder as one batch of T·N (so BatchNorm sees them all, as it
    // sees a photograph batch); only the LSTM runs frame by frame. The same as forward() frame
    // by frame (up to BatchNorm's batch statistics in training).
    torch::Tensor forwardClip(const torch::Tensor &greys);
    torch::Tensor abBins;

private:
    CnnLstmFeatures encode(const torch::Tensor &grey);
    torch::Tensor remember(const torch::Tensor &deep, LstmState &state);
    torch::Tensor decode(const CnnLstmFeatures &f, const torch::Tensor &hidden);

    CnnLstmArch m_arch;
    torch::nn::Sequential m_conv1{nullptr}, m_conv2{nullptr}, m_conv3{nullptr}, m_conv4{nullptr},
        m_conv5{nullptr};
    torch::nn::Conv2d m_gates{nullptr};
    torch::nn::Sequential m_reduce{nullptr}, m_dec{nullptr};
    torch::nn::Conv2d m_head{nullptr};
};
TORCH_MODULE(CnnLstmNet);

// The in-gamut a*b* cells (Q×2 centres, float), in a fixed order (a, then b, ascending).
torch::Tensor gamutBins();

// Zhang et al.'s soft encoding: each pixel's a*b* (N×2×H×W) as weights on its `neighbours`
// nearest bins, Gaussian in the distance (σ = 5), summing to 1: N×Q×H×W.
torch::Tensor softEncode(const torch::Tensor &ab, const torch::Tensor &bins, int neighbours = 5,
                         double sigma = 5.0);
// Index of each pixel's nearest bin: N×H×W, int64.
torch::Tensor nearestBin(const torch::Tensor &ab, const torch::Tensor &bins);
// Class rebalancing from the counts of the pixels' nearest bins (Q): the distribution smoothed
// by a Gaussian over the bin centres (σ = 5), mixed with the uniform one (λ = 0.5), inverted
// and normalised so that its expectation under the smoothed distribution is 1.
torch::Tensor rebalancingWeights(const torch::Tensor &counts, const torch::Tensor &bins,
                                 double lambda = 0.5, double sigma = 5.0);
// Σ_pixels v(nearest) · −Σ_q Z log softmax(logits) / pixels, with `weights` v (Q) and the
// soft-encoded truth Z.
torch::Tensor rebalancedLoss(const torch::Tensor &logits, const torch::Tensor &ab,
                             const torch::Tensor &bins, const torch::Tensor &weights);
// The annealed mean of the bins' centres: softmax((logits − shift) / T) · centres, N×2×h×w;
// shift: 1×Q×1×1 (priorShift()) or undefined (none).
torch::Tensor annealedAb(const torch::Tensor &logits, const torch::Tensor &bins,
                         double temperature = kLabTemperature, const torch::Tensor &shift = {});
// The colour of logits on their grey: a*b* (annealed mean, shift as annealedAb) upsampled to the
// grey's size, with the grey's L*, as BT.601 full-range Cb, Cr in 0–255 (N×2×H×W). grey255:
// N×1×H×W.
torch::Tensor chromaOfLogits(const torch::Tensor &logits, const torch::Tensor &bins,
                             const torch::Tensor &grey255, double temperature = kLabTemperature,
                             const torch::Tensor &shift = {});
// The prior correction of logits trained with rebalancing weights v (Q): the rebalanced loss
// weighs each pixel by v of its true bin, so the distribution it teaches is about v(q)·p(q),
// tilted towards the rare colours; subtracting strength · log v from the logits takes that tilt
// back out (strength 1: all of it, 0: none). → 1×Q×1×1.
torch::Tensor priorShift(const torch::Tensor &classWeights, double strength);

std::map<std::string, std::string> cnnLstmMetadata(const CnnLstmArch &arch);

} // namespace tincture::ml
