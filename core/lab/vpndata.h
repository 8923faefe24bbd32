#pragma once
// Training clips for the Video Propagation Network (ml/vpntrainer.h, whose header gives the
// file format): a first-stage method (bnn: BNN-Identity) is run from a keyframe over a few
// frames, and windows of those frames are packed with, per pixel, the grey, the first stage's
// chroma (the keyframe's true chroma in frame 0) and the true chroma — the inputs the authors'
// cascade trains its second stage on.
//
// Real sequences (evaluation.h's folder layout) give a clip every clipFrames frames (frame s
// is that clip's keyframe), windowsPerClip windows each; synthetic sequences from photographs
// (syntheticsequence.h) one clip and one window each. Windows are placed at random (seeded by
// the sequence's name and the clip's start), the same for every frame of the clip.
//
// Memory: the clips are collected in memory (5 bytes a pixel: 96 × 128 px × 8 frames is 0.5 MB
// a clip) and written atomically at the end. Runs on the caller's thread; polls feedback per
// frame and reports (frames done, frames total).

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "lab/fingerprint.h"

#include <QString>
#include <QStringList>

#include <cstdint>

namespace tincture::lab {

struct VpnClipOptions
{
    QString dataDir;            // DIR/<sequence>/<frames>; may be empty when photosDir is set
    QStringList sequences;      // only these (each must exist); empty: all
    QString photosDir;          // colour photographs for synthetic sequences (empty: none)
    int syntheticSequences = 0; // how many
    int clipFrames = 8;         // frames per clip, the keyframe included
    int clipHeight = 96, clipWidth = 128;
    int clipsPerSequence = 0; // most clips per real sequence (0: as many as it holds)
    // Real sequences' frames are resized by this factor (area filter) before windows are cut,
    // so that a window holds more of the scene (synthetic ones keep their photographs' size).
    double realScale = 1.0;
    int windowsPerClip = 2;
    QString method = QStringLiteral("bnn");
    uint64_t seed = 1;
};

struct VpnClipReport
{
    QStringList sequences; // the real sequences packed
    int syntheticSequences = 0;
    int64_t clips = 0;
    int64_t frames = 0; // frames propagated
};

// Errors: missing data or photo folder or named sequence, frames smaller than a window, a
// sequence shorter than a clip, the method's errors, write failures (nothing is left at outPath
// then), Cancelled.
Result<VpnClipReport> packVpnClips(const VpnClipOptions &options, const QString &outPath,
                                   Feedback &feedback);

// The fingerprints of every picture packVpnClips reads for `options`: each frame of each real
// clip (named SEQUENCE/FILE) and the photographs of the synthetic sequences (named by file),
// for the manifest's list of training pictures. Errors: as packVpnClips', an unreadable frame.
Result<std::vector<NamedFingerprint>> vpnClipPictures(const VpnClipOptions &options,
                                                      Feedback &feedback);

} // namespace tincture::lab
