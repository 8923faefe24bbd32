#pragma once
// FfmpegSource: a VideoSource over a file FFmpeg demuxes. Opening scans the video stream's
// packets once (no decoding) to build a presentation-order index of timestamps and keyframes;
// frame(i) then seeks to the keyframe before frame i and decodes forward, or simply decodes
// forward when i follows the last frame read. Private to core/media.

#include "media/framecache.h"
#include "media/videosource.h"

#include <memory>

namespace tincture {

class FfmpegSource final : public VideoSource
{
public:
    static Result<std::unique_ptr<VideoSource>> open(const QString &path,
                                                     const SourceOptions &options);
    ~FfmpegSource() override;

    const MediaInfo &info() const override;
    Result<Frame> frame(FrameIndex index) override;
    void setCacheBytes(int64_t bytes) override;
    double frameTimeSeconds(FrameIndex index) const override;
    int64_t framePts(FrameIndex index) const override;

private:
    struct Impl;
    explicit FfmpegSource(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace tincture
