#pragma once
// Private to core/pipeline: a keyframe or hint image given by the caller, read and checked to
// be of the film's size (the film engine and the keyframe checks share it).

#include "foundation/result.h"
#include "image/frame.h"

#include <QString>

namespace tincture::pipeline::detail {

Result<Frame> readKeyframeImage(const QString &path, int width, int height);

} // namespace tincture::pipeline::detail
