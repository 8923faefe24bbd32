#pragma once
// Temporal metrics of a colourised shot, as defined in ../shared/PROTOCOLS.md:
// warp error / flicker (§3, Lai et al., ECCV 2018) and colour distribution consistency (§4, CDC).
// Both stream: a caller feeds frames in order and nothing of the whole shot is kept.
// Functions are pure; a meter object belongs to one thread at a time.

#include "foundation/result.h"
#include "image/frame.h"

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

namespace tincture::metrics {

// Dense optical flow: pixel (x, y) of the first frame moves to (x + dx, y + dy) in the second.
struct FlowField
{
    int width = 0;
    int height = 0;
    std::vector<float> dx; // row-major, width × height
    std::vector<float> dy;

    float u(int x, int y) const { return dx[size_t(y) * size_t(width) + size_t(x)]; }
    float v(int x, int y) const { return dy[size_t(y) * size_t(width) + size_t(x)]; }
};

// OpenCV's Farneback parameters; the defaults are the flow baseline's
// (calcOpticalFlowFarneback(…, 0.5, 4, 21, 3, 7, 1.5, 0)).
struct FarnebackParams
{
    double pyrScale = 0.5;
    int levels = 4;
    int winSize = 21;
    int iterations = 3;
    int polyN = 7;
    double polySigma = 1.5;
};

// Flow from `from` to `to` (both converted to 8-bit grey first; same size).
Result<FlowField> farnebackFlow(const Frame &from, const Frame &to,
                                const FarnebackParams &params = {});

// Valid (non-occluded) mask in frame t's coordinates, 1 = valid, for forward flow f (t → t+1)
// and backward flow b (t+1 → t). Occluded where |f + b(x + f)|² > 0.01·(|f|² + |b(x + f)|²)
// + 0.5, on motion boundaries where |∇f|² > 0.01·|f|² + 0.002 (forward differences), and where
// x + f leaves the frame. This is Lai et al.'s detect_occlusion as their evaluation calls it
// (the warped flow is the backward flow sampled along the forward flow).
Result<std::vector<uint8_t>> validMask(const FlowField &forward, const FlowField &backward);

// E_t = Σ M ⊙ (warp(O_{t+1}) − O_t)² / Σ M with RGB in [0, 1], summed over the channels;
// warp(O_{t+1})(x) samples O_{t+1} bilinearly at x + f(x). 0 when every pixel is occluded.
Result<double> warpErrorWithFlow(const Frame &outputT, const Frame &outputT1,
                                 const FlowField &forward, const FlowField &backward);

// E_t with both flows computed by Farneback on the grey input frames (never on the outputs, so
// the measure does not depend on the method).
Result<double> warpError(const Frame &greyT, const Frame &greyT1, const Frame &outputT,
                         const Frame &outputT1, const FarnebackParams &params = {});

// Colour distribution consistency (Liu et al.): per channel a 256-bin histogram per frame
// normalised by H·W; Jensen–Shannon divergence (natural log) of frames (i, i + d) for
// d = 1, 2, 4, mean over pairs, weighted ⅓ each (a d with no pair in a short clip is left out
// and the others reweighted), averaged over R, G, B. Lower is more consistent.
// Keeps the last four histograms only.
class CdcMeter
{
public:
    Result<void> add(const Frame &frame);
    int frameCount() const { return m_frames; }
    // Needs at least two frames.
    Result<double> value() const;

    using Histogram = std::array<double, 3 * 256>;
    static double jensenShannon(const double *p, const double *q, int bins);

private:
    std::deque<Histogram> m_recent; // newest last, at most 4
    std::array<double, 3> m_sum{};  // Σ JS (already averaged over channels) per d = 1, 2, 4
    std::array<int64_t, 3> m_pairs{};
    int m_frames = 0;
};

} // namespace tincture::metrics
