#pragma once
// Internal helpers of tincture_metrics (not installed, not for other libraries).

#include "foundation/result.h"
#include "image/frame.h"

namespace tincture::metrics {

// Checks that both frames are non-null and of equal size; `what` names the metric.
Result<void> checkPair(const Frame &a, const Frame &b, const char *what);
Result<void> checkFrame(const Frame &a, const char *what);

// 8-bit RGB view of any frame (no copy when it already is one).
Frame toRgb8(const Frame &frame);

} // namespace tincture::metrics
