#pragma once
// KeyframeSolver: repaints one keyframe. It holds the grey frame, the keyframe model's
// proposal (the prior) and a ScribbleSolver kept warm between strokes, so that after each
// stroke only a short re-solve runs. solve() turns the rasterised strokes into constraints:
// painted pixels are hard colour constraints, "keep" pixels hold the prior's colour, and
// elsewhere the colour is pulled towards the prior with weight λ (PROTOCOLS.md §6 extended,
// see scribblesolver.h). Without strokes the result is the prior itself (or grey).
//
// At a working height the solve runs on the frame brought down to that many rows
// (propagation/workingresolution.h): the strokes are given at the frame's own size, reduced so
// that a thin stroke survives, and the colour is delivered back at the frame's size over its
// own luma (joint bilateral upsampling). Strokes stay in the frame's coordinates; only the
// solve is smaller. λ is meant in the frame's pixels: a stroke's colour fades over about 1/√λ
// of them at any working height (the solve's λ is scaled by the square of the reduction),
// so a working height changes the speed, not the look.
//
// Threads: solve() may be called from any thread; calls are serialised (the solver is used
// by one at a time). For latest-request-wins, cancel the stale call's Feedback: it returns
// Cancelled at its next iteration and the next call starts from its partial solution.

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "image/frame.h"
#include "project/strokeraster.h"

#include <QSize>

#include <memory>

namespace tincture::pipeline {

class KeyframeSolver
{
public:
    // grey: any layout (its BT.601 luma is used); prior: RGB of grey's size or of the working
    // size, or null. workingHeight: the rows the solve runs at (0, or not below grey's height:
    // grey's own size).
    KeyframeSolver(const Frame &grey, const Frame &prior, double priorWeight,
                   int workingHeight = 0);
    ~KeyframeSolver();
    KeyframeSolver(const KeyframeSolver &) = delete;
    KeyframeSolver &operator=(const KeyframeSolver &) = delete;

    // Replaces the prior (as the constructor takes it), e.g. the model's proposal guided by the
    // latest strokes; the warm solution is kept.
    void setPrior(const Frame &prior);

    int width() const; // the grey frame's: the size of the masks solve() takes
    int height() const;
    QSize workingSize() const; // the size the solve runs at
    const Frame &grey() const; // the grey frame's luma (Gray8), at its own size
    // Rgb8 of the grey frame's size whose luma equals the grey luma exactly.
    Result<Frame> solve(const project::StrokeMasks &masks, Feedback &feedback);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace tincture::pipeline
