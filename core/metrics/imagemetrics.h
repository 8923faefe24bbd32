#pragma once
// Image quality metrics on Frames, as defined in ../shared/PROTOCOLS.md (§1, §2, §5).
// All values are on the 0–255 scale: 8-bit samples as they are, 16-bit samples divided by 257
// (full precision kept). Grey frames count as RGB with R = G = B; alpha is ignored. Pairs must
// have the same size. Pure functions of their inputs; any thread may call them.

#include "foundation/result.h"
#include "image/frame.h"

namespace tincture::metrics {

// Root mean square difference over all H×W×3 values.
Result<double> rmse(const Frame &a, const Frame &b);

// 20·log10(255 / RMSE) over all H×W×3 values; +infinity for identical frames.
Result<double> psnr(const Frame &a, const Frame &b);

// PSNR per channel of full-range BT.601 YCbCr (Pillow's conversion of the 8-bit RGB frames;
// see ycbcr.h); +infinity for identical channels.
struct YCbCrPsnr
{
    double y = 0.0;
    double cb = 0.0;
    double cr = 0.0;
};
Result<YCbCrPsnr> psnrYCbCr(const Frame &a, const Frame &b);

// The propagation/keyframe score of PROTOCOLS §1/§2: the result's Cb, Cr under the truth's Y
// (Pillow's integer arithmetic), back to 8-bit RGB, then 20·log10(255 / (RMSE + 1e-27)) against
// the truth. The 1e-27 is the reference scorer's, so a perfect frame scores ~588 dB, not inf.
Result<double> chromaPsnr(const Frame &result, const Frame &truth);

// Mean SSIM (PROTOCOLS §5): Gaussian window 11×11, σ 1.5, C1 = (0.01·255)², C2 = (0.03·255)²,
// over the valid region (positions where the whole window fits), averaged over R, G, B.
// Frames must be at least 11×11.
Result<double> ssim(const Frame &a, const Frame &b);

// Hasler & Süsstrunk (2003) colourfulness with signed opponent channels rg = R − G,
// yb = ½(R + G) − B: M = sqrt(σ_rg² + σ_yb²) + 0.3·sqrt(μ_rg² + μ_yb²) (population σ).
Result<double> colourfulness(const Frame &frame);

// The variant some colourisation code uses, with |R − G| and |½(R + G) − B|. A different
// metric: report it under this name, never as "colourfulness".
Result<double> colourfulnessAbsolute(const Frame &frame);

} // namespace tincture::metrics
