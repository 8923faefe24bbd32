#pragma once
// Still-image files (PNG, TIFF, JPEG, DPX, BMP, … whatever FFmpeg reads) to and from Frames.
// Reading returns the file's natural layout: grey stays Gray8/16, alpha gives Rgba8/16, else
// Rgb8/16 (more than 8 bits per sample gives a 16-bit frame). Writing is atomic (temporary
// file, then rename) and picks PNG or TIFF from the extension. Any thread may call these.

#include "foundation/atomicoutput.h"
#include "foundation/result.h"
#include "image/frame.h"

#include <QString>

namespace tincture {

struct ImageReadLimits
{
    int maxSide = 8192;
    int64_t maxPixels = 8192LL * 4608;
};

Result<Frame> readImage(const QString &path, const ImageReadLimits &limits = {});

// PNG (.png) or TIFF (.tif/.tiff), at the frame's bit depth and layout. A file already at the
// path is replaced only with Existing::Replace (caches, the job's own temporary folders).
Result<void> writeImage(const QString &path, const Frame &frame,
                        Existing existing = Existing::Refuse);

// Encoded file bytes without touching the file system (used by writeImage and sequences).
Result<QByteArray> encodeImage(const Frame &frame, bool tiff);

} // namespace tincture
