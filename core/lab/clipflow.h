#pragma once
// The optical flows of packed clips (ml/vpntrainer.h's clip format), for the temporal losses of
// the global+local colouriser's training (ml/globallocaltrainer.h): for every frame t ≥ 1 of
// every clip, the flow from t to t − 1 and from t to frame 0, by OpenCV's Farneback on the
// clips' grey (the flow baseline's parameters, metrics/temporalmetrics.h), written in the flow
// file format of ml/internal/packedimages.h. The paper uses a pretrained FlowNet; none is in
// Debian's packages. Runs on the caller's thread; polls feedback per clip and reports (clips
// done, clips total); the file is written atomically.

#include "foundation/feedback.h"
#include "foundation/result.h"

#include <QString>

namespace tincture::lab {

// Errors: an unreadable or malformed clip file, flows beyond the format's range (±2,047 px),
// write failures (nothing is left at outPath then), Cancelled.
Result<void> packClipFlows(const QString &clipsPath, const QString &outPath, Feedback &feedback);

} // namespace tincture::lab
