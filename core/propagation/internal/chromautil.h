#pragma once
// Internal helpers of the propagation methods (not installed for other libraries): grey frames
// as OpenCV matrices, a keyframe's chroma as floating-point (Cb, Cr), and the luma-exact
// composition of a grey frame with chroma. Pure functions; any thread may call them; they may
// throw cv::Exception, which the methods catch at their entry point.

#include "foundation/result.h"
#include "image/frame.h"

#include <opencv2/core.hpp>

#include <vector>

namespace tincture::propagation::detail {

// Deep copies between Frames and Mats (Frames share their buffers, so never wrap one and
// write): a frame's rows as a Mat of `type` (CV_8UC3 for Rgb8), an RGB CV_8UC3 Mat as Rgb8.
cv::Mat toMat(const Frame &frame, int type);
Frame toRgbFrame(const cv::Mat &rgb);
Frame toGreyFrame(const cv::Mat &grey); // CV_8UC1 → Gray8

// The frame's 8-bit luma as a CV_8UC1 copy (grey frames as they are, RGB through Frame::luma).
cv::Mat greyMat(const Frame &frame);

// Full-range BT.601 (Cb, Cr) of an RGB frame as CV_32FC2, in 0–255 units, unrounded.
cv::Mat chromaOf(const Frame &colour);

// An Rgb8 frame whose Frame::luma() is exactly `grey` and whose chroma is as close to `chroma`
// (CV_32FC2 (Cb, Cr)) as the 8-bit grid allows (colour::quantiseLumaExact8). Rows in parallel.
Frame composeLumaExact(const cv::Mat &grey, const cv::Mat &chroma);

// "frame N is W×H, the keyframe W'×H'".
Error frameSizeError(int index, cv::Size frame, cv::Size key);

// Lattice features of a grey frame's pixels on a grid of `stride`: (x · xyScale, y · xyScale,
// Y · lumaScale[, t]) appended to `features` (row-major, 3 or 4 per point, pixel coordinates
// of the full frame). With stride > 1 the grid points sample the centre of each block.
void appendFeatures(std::vector<float> &features, const cv::Mat &grey, int stride, float xyScale,
                    float lumaScale, const float *t = nullptr);

// The chroma of a lattice's normalised filter: `sliced` holds per pixel (row-major) Cb·w, Cr·w
// and the homogeneous weight w; the result (CV_32FC2 of `size`) is their ratio, neutral grey
// (128) where no input point reached (w ≤ 1e-6).
cv::Mat normalisedChroma(const std::vector<float> &sliced, cv::Size size);

} // namespace tincture::propagation::detail
