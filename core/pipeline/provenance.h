#pragma once
// Provenance: how each frame got its colour — for every shot, the frames it covers, the
// propagation method, and its keyframes (frame number, where the colour came from, the
// keyframe model's name and sha256 when it was used, a sha256 of the keyframe's pixels and
// of the strokes or hints painted on it, λ), and the Tincture version. The film engine makes
// it; it goes into the project file (per shot), beside every export as a sidecar JSON, and
// into the container's metadata where the container allows (media/filmwriter.h);
// `tincture-cli info` prints it back. Plain data and JSON; any thread.

#include "foundation/rational.h"
#include "foundation/result.h"
#include "image/frame.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <vector>

namespace tincture::pipeline {

struct ModelIdentity
{
    QString name;   // e.g. "pix2pix-unet"
    QString sha256; // of the weights
    bool operator==(const ModelIdentity &) const = default;
};

struct KeyframeProvenance
{
    FrameIndex frame = 0;
    // "model" (the keyframe model's proposal), "image" (a colour image given as is),
    // "hints" (scribbles from an RGBA image, solved over the model's proposal), "strokes" (the
    // studio's brush strokes, solved over the model's proposal), "grey" (no model was there,
    // no stroke painted), "unrecorded" (a studio keyframe whose prior's model a cache from an
    // older Tincture does not record).
    QString source;
    ModelIdentity model;    // empty for "image"
    QString colourSha256;   // of the keyframe's pixels (pixelSha256)
    QString strokesSha256;  // of the hint image's pixels or the strokes; empty otherwise
    double priorWeight = 0; // λ of the solve; 0 for "model" and "image"
    bool operator==(const KeyframeProvenance &) const = default;
};

struct ShotProvenance
{
    FrameIndex first = 0; // inclusive
    FrameIndex last = 0;
    QString method;               // the propagation method's registry name
    QJsonObject methodParameters; // its trained models (PropagationMethod::parameters())
    int workingHeight = 0;        // the rows its colour was computed at; 0: the film's own
    std::vector<KeyframeProvenance> keyframes;
    bool operator==(const ShotProvenance &) const = default;

    QJsonObject toJson() const;
    static Result<ShotProvenance> fromJson(const QJsonObject &json);
};

struct Provenance
{
    QString version;      // Tincture's
    QString source;       // the film's file name
    FrameIndex first = 0; // the film's frames in the output (its frame 0 is the film's first)
    FrameIndex last = -1;
    std::vector<ShotProvenance> shots;
    bool operator==(const Provenance &) const = default;

    QJsonObject toJson() const;
    QByteArray toBytes() const; // compact JSON
    static Result<Provenance> fromJson(const QJsonObject &json);
};

// The version this build of Tincture reports.
QString tinctureVersion();

// sha256 (lower-case hex) of a frame's size, layout and pixels: equal frames, equal hashes.
QString pixelSha256(const Frame &frame);

} // namespace tincture::pipeline
