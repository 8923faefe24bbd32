#pragma once
// Propagation methods built on the permutohedral lattice (Adams et al. 2010):
//
//   bnn     — VPN's bilateral network stage with a fixed Gaussian ("BNN-Identity", Jampani,
//             Gadde & Gehler 2017): the chroma (plus a homogeneous weight) of the keyframe and
//             the previous outputs is splatted at lattice features (x, y, Y, t), scaled as
//             VPN's colour configuration (0.04 per pixel, 0.2 per 0–255 luma level, 0.04 per
//             frame), blurred, and sliced at the current frame's pixels. No motion.
//   bnnflow — motion-aware: the previous output's chroma is warped along DIS optical flow
//             (grey frames, current → previous); each pixel's confidence is the warped
//             confidence of the previous frame times the forward–backward flow consistency.
//             Unsure pixels (occluded, inconsistent flow, entering the frame) are re-filled by
//             normalised convolution on a lattice over (x, y, Y) of the current frame: from
//             confident pixels of similar luma nearby and, with a small weight, from the
//             keyframe at its own positions (an anchor where nothing confident is near).
//             Confident pixels keep the warp (refineMix 0: measured best, docs/EVALUATION.md).
//             Then the local result is fused with a global one: each frame matched directly
//             to the keyframe (PatchMatch on luma patches, a prior on distance), the match's
//             chroma weighted by its confidence and by how unsure the local result is (Meyer
//             et al. 2018's local/global propagation, with luma patches for their features).
//   vpn     — the Video Propagation Network for colour (Jampani, Gadde & Gehler 2017;
//             ml/videopropagationnet.h), as the authors' colour code runs its second stage:
//             bnn runs alongside as the first stage, on its own outputs; for each frame the
//             network's learned bilateral convolutions take the keyframe's chroma and the first
//             stage's chroma of the previous frames (as many as it was trained with), sampled
//             on a splatStride grid at the features (x, y, Y, t) it was trained with, to the
//             current frame's pixels, and its spatial CNN refines them. No motion. On the CPU
//             (a net of neighbourhood 0) one C++ lattice per frame serves both: the net's
//             bilateral layers take its vertices and weights, and the first stage filters on it
//             (it sees the same points at the same features: VPN's colour configuration is
//             bnn's).
//
// All three use the chain driver: several keyframes per shot, forward and backward passes blended
// by confidence and temporal distance; output luma is exactly the input's. State per pass:
// a few frames' grey and chroma. Threading as PropagationMethod (one shot at a time on one
// thread; the inner loops use OpenCV's thread pool).

#include "propagation/propagationmethod.h"

#include <memory>

namespace tincture::ml {
class LatticeFilter;
class VideoPropagationNet;
} // namespace tincture::ml

namespace tincture::propagation {

struct BnnParams
{
    float xyScale = 0.04f;   // per pixel
    float lumaScale = 0.2f;  // per 0–255 level
    float timeScale = 0.04f; // per frame
    int previousFrames = 2;  // previous outputs splatted besides the keyframe
    int splatStride = 2;     // splatted frames are sampled on this pixel grid
};

struct BnnFlowParams
{
    // Optical flow: OpenCV DIS preset (0 ultrafast, 1 fast, 2 medium), computed on the grey
    // frames downscaled by flowDownscale (1: full size). disPreset is the backward flow's,
    // which moves the colour; checkDisPreset (−1: the same) the forward flow's, which only
    // serves the consistency test.
    // The backward flow's gradient-descent iterations per patch (0: the preset's, 25 for
    // medium): 12 scores the same on the dev set (32.913 against 32.903 dB) and is 1.1× faster.
    int disPreset = 2;
    int gradientIterations = 12;
    int checkDisPreset = 1;
    int flowDownscale = 1;
    // Forward–backward consistency (the warp-error test of PROTOCOLS.md §3): a pixel whose
    // round trip misses by more than consistencyAlpha · (|f|² + |b|²) + consistencyBeta
    // (pixels²) loses confidence; confidenceDecay multiplies it every frame.
    float consistencyAlpha = 0.01f;
    float consistencyBeta = 0.5f;
    float confidenceDecay = 1.0f;
    // The re-filtering lattice on (x, y, Y) of the current frame, at 1/latticeStride size.
    float xyScale = 1.0f / 12.0f;
    float lumaScale = 1.0f / 6.0f;
    int latticeStride = 2;
    // How far the filtered chroma replaces even confident warped chroma (0: only fill).
    float refineMix = 0.0f;
    // Weight of the keyframe's own pixels in the lattice (anchor), relative to a fully
    // confident warped pixel.
    float keyWeight = 0.05f;
    // Global matching to the keyframe (internal/keyframematcher.h): each frame matched to the
    // keyframe at 1/globalScale; after the fill, where the local result is unsure (confidence
    // L) the matched chroma comes in with weight globalWeight · G · (1 − L), G the match's
    // confidence, which falls with the match's distance from the pixel's own place (σ
    // globalRadius of the frame's larger side). Chosen on the dev set, two-fold
    // (docs/EVALUATION.md): weight 1, radius 0.15; globalWeight 0 turns it off.
    float globalWeight = 1.0f;
    int globalScale = 4;
    int globalIterations = 2;
    float globalSigma = 12.0f;
    float globalRadius = 0.15f;
};

// Sets the fields of `params` named in `tuning` (the lab's tuning runs: e.g. {"globalWeight":
// 0.3}); an unknown name or a value that is not a number is an error.
Result<void> applyTuning(BnnFlowParams &params, const QJsonObject &tuning);

// bnn with the C++ lattice, or with `filter` (ml::LatticeFilter: the same filter as LibTorch
// tensor operations, on its device) when given. A filter failure while propagating falls back
// to the C++ lattice for the rest of the pass and logs a warning (tincture.propagation).
std::unique_ptr<PropagationMethod>
makeBnnMethod(const BnnParams &params = {}, std::shared_ptr<const ml::LatticeFilter> filter = {});
// bnn where `device` says: "cuda" runs the filter on the GPU (an error without one), "cpu" the
// C++ lattice, "auto" the GPU where LibTorch sees one, else the C++ lattice.
Result<std::unique_ptr<PropagationMethod>> makeBnnMethodOn(const QString &device,
                                                           const BnnParams &params = {});
std::unique_ptr<PropagationMethod> makeBnnFlowMethod(const BnnFlowParams &params = {});

namespace detail {
class ChainPropagator;
}
// bnn's propagator on the C++ lattice (vpn's first stage).
std::unique_ptr<detail::ChainPropagator> makeBnnPropagator(const BnnParams &params = {});

struct VpnParams
{
    int splatStride = 2; // input frames are sampled on this pixel grid (bnn's)
    // The lattice of a net of neighbourhood 0 on the CPU is the C++ PermutohedralLattice (the
    // same vertices and weights, built several times faster), shared with the first stage;
    // false: LibTorch's, on the net's device, and the first stage on a lattice of its own
    // (always so for other nets and on a GPU).
    bool cppLattice = true;
};
std::unique_ptr<PropagationMethod> makeVpnMethod(std::shared_ptr<const ml::VideoPropagationNet> net,
                                                 const VpnParams &params = {});

} // namespace tincture::propagation
