#pragma once
// Training data for the propagation refiner (VPN's spatial CNN, ml/refinertrainer.h): a
// method is run on colour sequences under the evaluation protocol (frame 0's true colour is the
// keyframe, evaluation.h's folder layout), and random square patches of its outputs are packed
// beside the truth: per pixel the grey, the propagated chroma and the true chroma (the patch
// file format is in ml/refinertrainer.h). Frame 0 (the keyframe itself) is left out.
//
// Synthetic sequences from still photographs (syntheticsequence.h) add occlusion and
// disocclusion with colour known in every frame.
//
// Memory: the patches are collected in memory (5 bytes a pixel: 64 px × 8 patches × 770
// frames is 126 MB) and written atomically at the end. Runs on the caller's thread; polls
// feedback per frame and reports (frames done, frames total).

#include "foundation/feedback.h"
#include "foundation/result.h"

#include <QString>
#include <QStringList>

#include <cstdint>

namespace tincture::lab {

struct RefinerDataOptions
{
    QString dataDir;            // DIR/<sequence>/<frames>; may be empty when photosDir is set
    QStringList sequences;      // only these (each must exist); empty: all
    QString photosDir;          // colour photographs for synthetic sequences (empty: none)
    int syntheticSequences = 0; // how many
    int syntheticFrames = 8;    // frames per synthetic sequence
    int syntheticPatchesPerFrame = 2;
    QString method = QStringLiteral("bnn");
    int patchSide = 64;
    int patchesPerFrame = 8;
    int maxFrames = 0; // first N frames per sequence; 0: all
    uint64_t seed = 1;
};

struct RefinerDataReport
{
    QStringList sequences; // those packed (not the synthetic ones)
    int syntheticSequences = 0;
    int64_t frames = 0;
    int64_t patches = 0;
};

// Errors: missing data or photo folder or named sequence, frames smaller than a patch, the method's
// errors, write failures (nothing is left at outPath then), Cancelled.
Result<RefinerDataReport> packRefinerData(const RefinerDataOptions &options, const QString &outPath,
                                          Feedback &feedback);

} // namespace tincture::lab
