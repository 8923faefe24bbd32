// The film engine's checks of the caller's keyframes and its assignment of keyframes to shots
// (declared in filmengine.h), and reading a keyframe image (internal/keyframeimage.h).

#include "media/imageio.h"
#include "pipeline/filmengine.h"
#include "pipeline/internal/keyframeimage.h"

#include <map>
#include <set>

using namespace tincture::propagation;

namespace tincture::pipeline {

namespace detail {

Result<Frame> readKeyframeImage(const QString &path, int width, int height)
{
    Result<Frame> image = readImage(path);
    if (!image)
        return image;
    if (image->width() != width || image->height() != height)
        return makeError(ErrorCode::SizeMismatch,
                         QStringLiteral("%1: the keyframe is %2×%3 but the film is %4×%5")
                             .arg(path)
                             .arg(image->width())
                             .arg(image->height())
                             .arg(width)
                             .arg(height));
    return image;
}

} // namespace detail

using detail::readKeyframeImage;

Result<void> checkKeyframes(const std::vector<KeyframeSpec> &keyframes, VideoSource &film,
                            Feedback &feedback)
{
    const int64_t frameCount = film.frameCount();
    std::set<FrameIndex> seen;
    for (const KeyframeSpec &k : keyframes) {
        if (k.frame < 0 || k.frame >= frameCount)
            return makeError(ErrorCode::OutOfRange,
                             QStringLiteral("keyframe %1 is outside the film (%2 frames)")
                                 .arg(k.frame)
                                 .arg(frameCount));
        if (!seen.insert(k.frame).second)
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("frame %1 is given twice as a keyframe").arg(k.frame));
    }
    // Read again when their keyframe is made.
    const int width = film.info().width, height = film.info().height;
    for (const KeyframeSpec &k : keyframes) {
        if (feedback.isCancelled())
            return Error::cancelled();
        if (k.image.isEmpty() && k.hints.isEmpty())
            continue;
        Result<Frame> image =
            readKeyframeImage(k.image.isEmpty() ? k.hints : k.image, width, height);
        if (!image)
            return image.error();
        if (!k.hints.isEmpty() && image->channels() != 4)
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("%1: the hint image has no alpha channel; it "
                                            "must be RGBA, alpha > 0 marking the scribbles")
                                 .arg(k.hints));
    }
    return {};
}

Result<std::vector<ShotKeyframes>> assignKeyframes(const std::vector<Shot> &shots,
                                                   const std::vector<KeyframeSpec> &keyframes,
                                                   FrameIndex first, FrameIndex last,
                                                   bool proposeMissing)
{
    std::map<FrameIndex, const KeyframeSpec *> given;
    for (const KeyframeSpec &k : keyframes)
        given.emplace(k.frame, &k);
    std::vector<ShotKeyframes> assigned;
    for (const Shot &shot : shots) {
        if (shot.last < first || shot.first > last)
            continue;
        ShotKeyframes work{shot, {}};
        for (auto it = given.lower_bound(shot.first); it != given.upper_bound(shot.last); ++it)
            work.keyframes.push_back(*it->second);
        if (work.keyframes.empty()) {
            if (!proposeMissing)
                return makeError(ErrorCode::InvalidArgument,
                                 QStringLiteral("frames %1–%2: the shot has no keyframe")
                                     .arg(shot.first)
                                     .arg(shot.last));
            KeyframeSpec model;
            model.frame = (shot.first + shot.last) / 2;
            work.keyframes.push_back(model);
        }
        assigned.push_back(std::move(work));
    }
    return assigned;
}

std::vector<ShotKeyframes> shotsWithoutKeyframes(const std::vector<Shot> &shots, FrameIndex first,
                                                 FrameIndex last)
{
    std::vector<ShotKeyframes> assigned;
    for (const Shot &shot : shots)
        if (shot.last >= first && shot.first <= last)
            assigned.push_back(ShotKeyframes{shot, {}});
    return assigned;
}

} // namespace tincture::pipeline
