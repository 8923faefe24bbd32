#pragma once
// Per-frame quality metrics of a coloured film (or shot), streamed: flicker (warp error E_t,
// ../shared/PROTOCOLS.md §3), colourfulness (§2) and, against a reference, RGB PSNR and SSIM
// (§5). `tincture-lab eval video` and the studio's metric plots use it.
//
// Threading: measureVideo runs on the caller's thread (a worker, never the GUI thread); the
// getters are called from that thread only, in index order, each index once. Pure otherwise.

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "image/frame.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

namespace tincture::metrics {

struct FrameMetrics
{
    int64_t index = 0;
    // Warp error E_t between frames t and t+1 (PROTOCOLS.md §3); NaN for the last frame.
    double flicker = std::numeric_limits<double>::quiet_NaN();
    double colourfulness = 0.0;                             // Hasler–Süsstrunk, signed (§2)
    double psnr = std::numeric_limits<double>::quiet_NaN(); // RGB PSNR vs the reference, if any
    double ssim = std::numeric_limits<double>::quiet_NaN(); // vs the reference, if any
    // The propagation's mean per-pixel confidence in [0, 1], where the method gave one (not
    // measured here: measureVideo leaves it NaN, the studio's cache fills it in).
    double confidence = std::numeric_limits<double>::quiet_NaN();
};

using FrameGetter = std::function<Result<Frame>(int64_t index)>;

// Per-frame metrics of a coloured sequence of frameCount frames. Flow for the warp error is
// computed on the grey (luma) of the result frames (equal to the input's grey for Tincture's
// outputs). reference may be empty (no PSNR/SSIM). Reads each frame once, in order (streaming,
// two frames in memory); polls feedback per frame, reports (done, frameCount). Frames of a
// different size than the first → error.
Result<std::vector<FrameMetrics>> measureVideo(int64_t frameCount, const FrameGetter &result,
                                               const FrameGetter &reference, Feedback &feedback);

// Means over the frames; NaN where a metric is absent (no reference, or a single frame for
// flicker). A PSNR of +inf (identical frames) makes the mean PSNR +inf.
struct VideoMetricsSummary
{
    double meanFlicker = std::numeric_limits<double>::quiet_NaN();
    double meanColourfulness = std::numeric_limits<double>::quiet_NaN();
    double meanPsnr = std::numeric_limits<double>::quiet_NaN();
    double meanSsim = std::numeric_limits<double>::quiet_NaN();
};

VideoMetricsSummary summarise(const std::vector<FrameMetrics> &frames);

} // namespace tincture::metrics
