// Fuzz target: a film file from outside — FFmpeg's demuxers and decoders behind VideoSource
// (open and index, then the first, a middle and the last frame, as the studio's first look
// and the pipeline's random access do). Limits keep a hostile header from asking for
// gigabytes.

#include "fuzzsupport.h"
#include "media/videosource.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace tincture;
    const QString path = fuzz::inputFile(data, size);
    SourceOptions options;
    options.cacheBytes = 8 << 20;
    options.maxFrameSide = 1024;
    options.maxFramePixels = 1 << 20;
    options.salvageDamaged = size % 2 == 1; // both ways of opening
    Result<std::unique_ptr<VideoSource>> source = VideoSource::open(path, options);
    fuzz::report(source);
    if (!source)
        return 0;
    const int64_t frames = (*source)->frameCount();
    for (const int64_t index : {int64_t(0), frames / 2, frames - 1})
        if (index >= 0 && index < frames)
            (void)(*source)->frame(index);
    (void)(*source)->frameTimeSeconds(frames > 0 ? frames - 1 : 0);
    return 0;
}
