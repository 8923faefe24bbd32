#pragma once
// Internal: runs a frame-to-frame colour propagator over a shot with any number of keyframes.
//
// Frames before the first keyframe are propagated backward from it, frames after the last
// forward from it; a frame between keyframes a < b gets a forward pass from a and a backward
// pass from b, blended per pixel by confidence and temporal distance (weight of a's pass
// ∝ confidence · (b − t)), so a frame next to a keyframe takes that keyframe's colour. The
// forward pass's results are held (8-bit Cb, Cr and confidence, 3 bytes a pixel) only for
// the frames between two keyframes: memory is bounded per shot and never grows with the film.
// Keyframes themselves get their own chroma under their grey. Where the propagator's confidence
// means something (reportsConfidence), every frame's goes to the sink too (putConfidence): the
// pass's, the blend's (the passes' confidences weighted by temporal distance) between
// keyframes, and full at the keyframes.
//
// Runs on the caller's thread; polls Feedback once per pass step and reports progress in steps
// (a frame between keyframes counts twice).

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "propagation/propagationmethod.h"

#include <QJsonObject>

#include <opencv2/core.hpp>

#include <functional>
#include <memory>

namespace tincture::propagation::detail {

// One pass: started at a keyframe, then fed the following (or preceding) frames one by one.
class ChainPropagator
{
public:
    virtual ~ChainPropagator() = default;
    // keyGrey CV_8UC1, keyChroma CV_32FC2 (Cb, Cr).
    virtual void start(const cv::Mat &keyGrey, const cv::Mat &keyChroma) = 0;
    // The next frame's grey → its chroma (CV_32FC2) and confidence in [0, 1] (CV_32FC1).
    // Polls feedback between its expensive stages; false if cancelled (outputs undefined).
    virtual bool step(const cv::Mat &grey, cv::Mat &chroma, cv::Mat &confidence,
                      const Feedback &feedback) = 0;
    // Whether step's confidence is a measure of the pixel's colour (else it only weights the
    // blend between keyframes, and is not shown to users).
    virtual bool reportsConfidence() const { return false; }
};

using PropagatorFactory = std::function<std::unique_ptr<ChainPropagator>()>;

// May throw cv::Exception (the method's propagate() catches it).
Result<void> runChains(GreyFrameSource &shot, const std::vector<Keyframe> &keyframes,
                       const PropagatorFactory &factory, FrameSink &sink, Feedback &feedback);

// A PropagationMethod that runs runChains with a fresh propagator per pass and turns
// cv::Exception into an Error; `parameters` is what its parameters() reports (the models it
// loaded).
std::unique_ptr<PropagationMethod> makeChainMethod(QString name, PropagatorFactory factory,
                                                   QJsonObject parameters = {});

} // namespace tincture::propagation::detail
