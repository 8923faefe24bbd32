#pragma once
// Preparing training data for the keyframe model: a folder of colour photographs becomes one
// packed dataset file (format in trainer.h) that the trainer reads without Qt or OpenCV.
// Each photograph is centre-cropped to a square and resized (area filter) to side × side;
// greyscale photographs (no chroma anywhere) and unreadable files are skipped with a warning,
// and so is a photograph that is the same picture as one on the exclusion list (by content:
// lab/fingerprint.h), the warning naming both.
// Runs on the caller's thread; polls feedback per image and reports (done, total).

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "lab/fingerprint.h"

#include <QString>

namespace tincture::lab {

struct PackReport
{
    int packed = 0;
    int skipped = 0;                        // unreadable, too small, grey or excluded
    int excluded = 0;                       // of those, on the exclusion list
    std::vector<NamedFingerprint> pictures; // what was packed, in order: file name, fingerprint
};

// Writes outPath atomically. Errors: no images in folder, none usable, write failure.
Result<PackReport> packDataset(const QString &folder, const QString &outPath, int side,
                               Feedback &feedback,
                               const std::vector<NamedFingerprint> &exclude = {});

} // namespace tincture::lab
