#pragma once
// Reading and writing the image files of an evaluation (ground truth, results) the way the
// reference Python scorer sees them. JPEG decoding differs slightly between decoders (IDCT and
// chroma upsampling); libjpeg-turbo, which OpenCV and Pillow both use here, is the reference,
// so these go through OpenCV's imread/imwrite, not the FFmpeg-based media/imageio.
// Any thread may call these.

#include "foundation/result.h"
#include "image/frame.h"

#include <QString>
#include <QStringList>

namespace tincture::lab {

// The photographs of an evaluation folder: its .jpg, .jpeg and .png files by name. Errors name
// the folder: it does not exist, or holds none.
Result<QStringList> listPhotographs(const QString &folder);

// Any 8/16-bit grey, RGB or RGBA JPEG/PNG/TIFF → Rgb8 (EXIF orientation ignored, as Pillow).
Result<Frame> readScoringImage(const QString &path);

// Rgb8/Gray8 frame → PNG (8-bit). Creates no folders.
Result<void> writeScoringImage(const QString &path, const Frame &frame);

} // namespace tincture::lab
