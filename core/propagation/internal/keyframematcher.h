#pragma once
// Internal: global matching of frames to a keyframe (the long-range half of Meyer et al.
// 2018's local/global propagation). For each pixel of a frame reduced by `scale`, the keyframe
// pixel anywhere in the keyframe whose patch of luma is most alike, found by PatchMatch
// (Barnes et al. 2009: random initialisation, propagation from the scanline neighbours,
// random search at halving radii), started from the previous frame's field so that a few
// iterations a frame suffice. The match gives that keyframe pixel's chroma and a confidence
// exp(−d / sigma²), d the patch's mean squared luma difference. Colour does not depend on
// where a thing is: what came back after an occlusion, or a place the camera returns to,
// finds its keyframe colour again however far it moved.
//
// Deterministic (a fixed seed per pass). One thread; not thread-safe. May throw cv::Exception.

#include <opencv2/core.hpp>

#include <cstdint>
#include <random>

namespace tincture::propagation::detail {

struct KeyframeMatchParams
{
    int scale = 4;       // frames are matched at 1/scale of their size (area reduction)
    int patchRadius = 2; // patches of (2r + 1)² pixels of the reduced frames
    int iterations = 2;  // PatchMatch iterations a frame (the first frame gets twice as many)
    float sigma = 12.0f; // luma levels (0–255): the confidence's scale
    // > 0: the confidence also falls with the match's distance from the pixel's own place,
    // exp(−|Δ|² / (2 (radius · the reduced frame's larger side)²)); 0: no such prior.
    float radius = 0.0f;
};

class KeyframeMatcher
{
public:
    explicit KeyframeMatcher(const KeyframeMatchParams &params = {});

    // The keyframe's grey (CV_8UC1) and chroma (CV_32FC2), at full size. Forgets the field.
    void setKeyframe(const cv::Mat &grey, const cv::Mat &chroma);
    // Matches a frame (CV_8UC1, the keyframe's size): chroma (CV_32FC2) and confidence
    // (CV_32FC1), both at the reduced size (reducedSize()).
    void match(const cv::Mat &grey, cv::Mat &chroma, cv::Mat &confidence);
    cv::Size reducedSize() const { return m_size; }
    int scale() const { return m_p.scale; }

private:
    float distance(const cv::Mat &frame, int x, int y, int kx, int ky, float best) const;
    void improve(const cv::Mat &frame, int x, int y, int kx, int ky, cv::Vec2i &at, float &best);
    void reduce(const cv::Mat &grey, cv::Mat &out) const;

    KeyframeMatchParams m_p;
    cv::Size m_size;     // the reduced frames' size
    cv::Mat m_keyGrey;   // CV_32FC1, padded by patchRadius (replicated borders)
    cv::Mat m_keyChroma; // CV_32FC2, reduced, unpadded
    cv::Mat m_frame;     // CV_32FC1, the frame being matched, padded the same way
    cv::Mat m_field;     // CV_32SC2: per reduced pixel, its match's (x, y) in the keyframe
    cv::Mat m_cost;      // CV_32FC1: the match's patch distance
    std::mt19937 m_random;
};

} // namespace tincture::propagation::detail
