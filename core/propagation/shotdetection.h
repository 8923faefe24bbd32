#pragma once
// Shot (cut) detection on luminance, so that propagation never carries colour across a cut.
//
// Each frame is reduced to a small grey thumbnail and normalised to zero mean and unit
// contrast, so global brightness changes (film flicker, fades, exposure drift) cancel out;
// the score of frame t is the mean absolute difference between the normalised thumbnails of
// t − 1 and t. A cut is declared where the score is a local maximum, above an absolute floor,
// and several times the median score of the frames around it (an adaptive threshold: fast
// motion raises the neighbours' scores too and is not taken for a cut). Cuts closer together
// than a minimum shot length keep only the stronger one.
//
// Threading: a ShotDetector is used from one thread. Memory: one thumbnail and one score per
// frame (4 bytes), whatever the frame size.

#include "foundation/feedback.h"
#include "foundation/rational.h"
#include "foundation/result.h"
#include "image/frame.h"
#include "media/videosource.h"

#include <vector>

namespace tincture::propagation {

struct Shot
{
    FrameIndex first = 0; // inclusive
    FrameIndex last = 0;  // inclusive
};

struct ShotDetectionParams
{
    int thumbnailWidth = 64;  // frames are analysed at this width (aspect kept)
    double minContrast = 6.0; // contrast floor (0–255 levels) when normalising dark frames
    double minScore = 0.30;   // a cut's score (normalised units) is at least this
    double ratio = 3.0;       // … and this many times the local median score
    int window = 6;           // frames each side the local median is taken over
    int minShotFrames = 6;    // no shot shorter than this (except at the film's ends)
};

// Streaming detector: feed every frame's luma (Gray8, any size; other layouts are converted)
// in order, then finish().
class ShotDetector
{
public:
    explicit ShotDetector(const ShotDetectionParams &params = {});
    void add(const Frame &grey);
    // Shots covering 0 … frames − 1, in order, without gaps (empty if no frame was added).
    std::vector<Shot> finish();
    // Per frame the score against the previous frame (0 for frame 0), for plots and tuning.
    const std::vector<float> &scores() const { return m_scores; }

private:
    ShotDetectionParams m_p;
    std::vector<float> m_previous; // normalised thumbnail (OpenCV stays out of this header)
    int m_previousWidth = 0;
    int m_previousHeight = 0;
    std::vector<float> m_scores;
};

// Convenience: decodes the source (luma), polls feedback per frame, reports progress.
Result<std::vector<Shot>> detectShots(VideoSource &source, const ShotDetectionParams &params,
                                      Feedback &feedback);

} // namespace tincture::propagation
