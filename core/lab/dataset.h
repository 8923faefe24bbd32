#pragma once
// Preparing training data for the keyframe model: a folder of colour photographs becomes one
// packed dataset file (format in trainer.h) that the trainer reads without Qt or OpenCV.
// Each photograph is centre-cropped to a square and resized (area filter) to side × side;
// greyscale photographs (no chroma anywhere) and unreadable files are skipped with a warning.
// Runs on the caller's thread; polls feedback per image and reports (done, total).

#include "foundation/feedback.h"
#include "foundation/result.h"

#include <QString>

namespace tincture::lab {

struct PackReport
{
    int packed = 0;
    int skipped = 0;
};

// Writes outPath atomically. Errors: no images in folder, none usable, write failure.
Result<PackReport> packDataset(const QString &folder, const QString &outPath, int side,
                               Feedback &feedback);

} // namespace tincture::lab
