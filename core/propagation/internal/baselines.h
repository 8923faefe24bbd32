#pragma once
// The baseline propagation methods that the dev-set table compares against
// (../shared/PROTOCOLS.md §1), reproducing ../shared/tools/propagation_score.py --baseline:
//   grey  — no colour (Cb = Cr = 128) except on keyframes;
//   copy0 — the keyframe's chroma copied unchanged to every frame;
//   flow  — the keyframe's chroma carried from frame to frame along OpenCV Farneback flow
//           (calcOpticalFlowFarneback(current, previous, 0.5, 4, 21, 3, 7, 1.5)) with bilinear
//           remapping (border replicated) in floating point.
// All three put the chroma under each frame's own grey as Y (OpenCV's full-range YCrCb
// conversions, chroma truncated to 8 bits as the script's astype(uint8) does). With several
// keyframes each one starts a new chain forward to the next; frames before the first keyframe
// are chained backward from it. State: one grey frame and one chroma plane.

#include "propagation/propagationmethod.h"

#include <memory>

namespace tincture::propagation {

std::unique_ptr<PropagationMethod> makeGreyBaseline();
std::unique_ptr<PropagationMethod> makeCopyFirstBaseline();
std::unique_ptr<PropagationMethod> makeFlowBaseline();

} // namespace tincture::propagation
