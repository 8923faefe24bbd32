#pragma once
// Scribble colourisation of one grey Frame (Levin, Lischinski & Weiss 2004, optionally
// repainting a model's keyframe): the Frame-level entry point of tincture_colour. The
// equations and the solver are described in scribblesolver.h; this validates the inputs,
// converts to YIQ planes, runs a ScribbleSolver and returns RGB whose BT.601 luma, computed
// exactly as Frame::luma() does, equals the grey input (8-bit grey gives Rgb8, 16-bit Rgb16).
// Any thread may call it; nothing is shared between calls.

#include "colour/scribblesolver.h"
#include "foundation/feedback.h"
#include "foundation/result.h"
#include "image/frame.h"

#include <cstdint>

namespace tincture::colour {

struct ScribbleInput
{
    Frame grey;  // any layout: a colour frame contributes its BT.601 luma only
    Frame hints; // RGBA of grey's size: alpha > 0 marks a scribble of that RGB colour
    Frame prior; // optional (null: none): the keyframe model's output, RGB or RGBA, grey's size
    Frame keep;  // optional mask of grey's size (first channel non-zero: keep the prior there)
};

struct ScribbleParams
{
    double priorWeight = 0.0; // λ of the prior's data term; ignored without a prior
    int maxSide = 8192;       // larger images are refused (LimitExceeded)
    int64_t maxPixels = 40'000'000;
    double tolerance = ScribbleSolverOptions{}.tolerance; // relative residual of the system
    int maxIterations = 100;
    int threads = 0; // 0: all cores
};

// Errors: InvalidArgument (missing or malformed input), SizeMismatch, LimitExceeded,
// Cancelled. Warnings via feedback: no scribbles (the result is the prior, or grey), a solve
// that stopped before its tolerance.
Result<Frame> colouriseScribbles(const ScribbleInput &input, const ScribbleParams &params,
                                 Feedback &feedback);

} // namespace tincture::colour
