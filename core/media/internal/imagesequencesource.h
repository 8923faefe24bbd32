#pragma once
// ImageSequenceSource: a VideoSource over numbered still images (PNG, TIFF, JPEG, DPX, ...),
// given as a folder holding one sequence or as a printf pattern ("scan_%06d.dpx"). Numbers must
// be contiguous and every frame the first frame's size; a gap is refused at open, a frame of
// another size when it is read. Private to core/media.

#include "media/framecache.h"
#include "media/videosource.h"

#include <QStringList>

namespace tincture {

class ImageSequenceSource final : public VideoSource
{
public:
    static Result<std::unique_ptr<VideoSource>> open(const QString &path,
                                                     const SourceOptions &options);

    const MediaInfo &info() const override { return m_info; }
    Result<Frame> frame(FrameIndex index) override;
    void setCacheBytes(int64_t bytes) override { m_cache.setBudgetBytes(bytes); }
    double frameTimeSeconds(FrameIndex index) const override;
    int64_t framePts(FrameIndex index) const override;

private:
    explicit ImageSequenceSource(const SourceOptions &options)
        : m_options(options), m_cache(options.cacheBytes)
    {
    }
    SourceOptions m_options;
    MediaInfo m_info;
    QStringList m_files;
    PixelFormat m_format = PixelFormat::Rgb8;
    FrameCache m_cache;
};

} // namespace tincture
