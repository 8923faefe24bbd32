#pragma once
// The automatic video colourisers (../shared/seeds 001, 003, 004): models that colour every
// frame of a shot by themselves, each with its own mechanism against flicker, as opposed to the
// keyframe model (colorizer.h) whose colour propagation carries through a shot:
// "recurrent-bins" (seed 004: U and V classified into bins, each frame recoloured from its
// predecessor's binned colouring; internal/binsnet.h) and "global-local" (seed 001: Iizuka et
// al.'s ColorNet trained with short- and long-term temporal losses, each frame coloured alone;
// its temporal mechanism off is the same net trained without those losses;
// internal/globallocalnet.h) and "cnn-lstm" (seed 003: a CNN whose convolutional LSTM carries
// its memory from frame to frame, classifying a*b* into the in-gamut bins; its temporal
// mechanism off resets the memory at every frame; internal/cnnlstmnet.h).
//
// A VideoColorizer is a loaded model, shareable and read-only; a Run colours one shot's frames
// in order and holds the temporal state (e.g. the previous frame's colouring). A Run is used by
// one thread at a time; several Runs of one model may run concurrently.
// Inference: the frame's BT.601 luma is resized to the model's working short side, the net
// predicts chroma there, the chroma is upsampled to full resolution and the result rounded so
// that its luma equals the input's exactly (Frame::luma()), as the keyframe model does.
// LibTorch is private to core/ml: no torch type appears here.

#include "foundation/result.h"
#include "image/frame.h"
#include "ml/colorizer.h"

#include <QString>
#include <QStringList>

#include <memory>

namespace tincture::ml {

class VideoColorizer
{
public:
    virtual ~VideoColorizer() = default;

    class Run
    {
    public:
        virtual ~Run() = default;
        // Colours the shot's next frame (any format; its luma is used; every frame of a run the
        // same size). Rgb8, or Rgb16 for a 16-bit frame.
        virtual Result<Frame> next(const Frame &frame) = 0;
    };

    // Loads a manifest (.json) or the weights next to it. Errors name the file (missing,
    // corrupt, sha256 or shape mismatch, an architecture that is not a video colouriser).
    static Result<std::shared_ptr<const VideoColorizer>> load(const QString &path,
                                                              const ColorizerOptions &options = {});

    virtual const ColorizerInfo &info() const = 0;
    // A run over one shot; `temporal` false switches the model's temporal mechanism off (every
    // frame coloured alone), for measuring what the mechanism does.
    virtual std::unique_ptr<Run> start(bool temporal = true) const = 0;
    // What start(false) runs, for reports: by default every frame coloured alone.
    virtual QString withoutTemporal() const { return QStringLiteral("each frame alone"); }
};

// Whether a manifest's architecture name is one of the video colourisers'.
bool isVideoColorizerArchitecture(const QString &name);

// The colourisers a user can choose by name (--colorizer, the studio's parameters panel):
// "pix2pix" (the keyframe model, models/colorizer.json) and each video colouriser whose
// manifest is shipped (models/NAME.json); in that order.
QStringList colorizerNames();
// The manifest of a named colouriser; an unknown name or one that is not installed is an
// error listing the names there are.
Result<QString> colorizerManifest(const QString &name);

} // namespace tincture::ml
