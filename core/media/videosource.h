#pragma once
// VideoSource: frame-accurate random access to a film by frame index (presentation order),
// from a video file (anything FFmpeg demuxes) or an image sequence (a folder of numbered
// images, or a printf pattern such as "scan_%06d.dpx"). Decoded frames are RGB, 8 or 16 bits
// per sample depending on the source's bit depth, rotation metadata applied, and pass through
// a bounded FrameCache. A source is used from one thread at a time; open one per worker.

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "foundation/settings.h"
#include "image/frame.h"
#include "media/mediainfo.h"

#include <QString>

#include <memory>

namespace tincture {

struct SourceOptions
{
    int64_t cacheBytes = settings::kFrameCacheBytes.defaultValue;
    int maxFrameSide = settings::kMaxFrameSide.defaultValue;
    int64_t maxFramePixels = settings::kMaxFramePixels.defaultValue;
    Rational sequenceFps{24, 1}; // frame rate given to image sequences
    // Open a truncated or damaged file with the frames that can be read, instead of refusing it.
    bool salvageDamaged = false;
};

class VideoSource
{
public:
    // Opens and indexes the source. Errors name the path and the problem (missing, empty,
    // not media, no video stream, truncated, too large, gap in a sequence, ...).
    static Result<std::unique_ptr<VideoSource>> open(const QString &path,
                                                     const SourceOptions &options = {});
    virtual ~VideoSource() = default;

    virtual const MediaInfo &info() const = 0;
    int64_t frameCount() const { return info().frames; }

    // The frame at index (0 ≤ index < frameCount()).
    virtual Result<Frame> frame(FrameIndex index) = 0;
    // Changes the decoded-frame cache's budget (SourceOptions::cacheBytes), evicting at once.
    virtual void setCacheBytes(int64_t bytes) = 0;

    // Presentation time of a frame in seconds from the first frame.
    virtual double frameTimeSeconds(FrameIndex index) const = 0;
    // The Frame::pts that frame(index) carries (in info().timeBase), known without decoding.
    virtual int64_t framePts(FrameIndex index) const = 0;
};

} // namespace tincture
