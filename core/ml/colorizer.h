#pragma once
// The keyframe model: a Pix2Pix U-Net (Isola et al. 2017) that proposes the colour of a grey
// frame. A Colorizer is a loaded model session: load it once (it checks the manifest, the
// sha256 and every tensor's shape) and share it; colorize() may be called from any thread,
// concurrently (each call has its own tensors; the weights are read-only).
//
// Inference: the frame's BT.601 luma is resized to the working size (short side
// workingShortSide, padded to a multiple of 2^depth), the net predicts Lab chroma there, the
// chroma is upsampled to full resolution and recombined with the full-resolution lightness;
// the result is rounded so that its luma equals the input's luma exactly (Frame::luma()).
// A hint-conditioned net (hintChannels in its manifest) also takes user points (Zhang et al.
// 2017's local hints); without points it is the automatic proposal.
// LibTorch is private to core/ml: no torch type appears here.

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "image/frame.h"

#include <QString>

#include <memory>
#include <vector>

namespace tincture::ml {

struct ColorizerOptions
{
    QString device = QStringLiteral("auto"); // "auto" (CUDA if LibTorch sees one), "cpu", "cuda"
    int threads = 0;                         // CPU threads for LibTorch; 0: all cores
    int workingShortSide = 0; // the net's working short side in px; 0: the manifest's choice
    // Also run the mirror image and average the two chroma predictions (twice the time; less
    // variance, so fewer wrong colours), for the automatic proposal (also when the hint images
    // hold no point). A proposal guided by user points runs the net once: at 854×480 a
    // stroke's preview takes 136 ms so, 159 ms with the average, which gains at most 0.05 dB
    // under eval hints (docs/BENCHMARKS.md).
    bool flipAverage = true;
};

struct ColorizerInfo
{
    QString path;       // the manifest that was loaded
    QString name;       // e.g. "pix2pix-unet"
    QString sha256;     // of the weights file (lower-case hex), checked when loaded
    int baseWidth = 0;  // generator channels at the first level
    int depth = 0;      // down-sampling levels
    int iterations = 0; // training iterations
    QString trainedOn;  // one line
    bool gpu = false;   // inference runs on CUDA
};

struct ModelFiles;

// What a loaded colouriser reports, from its checked files (any session: keyframe model or
// video colouriser), and the working short side it runs at: the options' when set, else the
// manifest's inferenceShortSide (else `fallback`), never below `minimum`.
ColorizerInfo describeColorizer(const ModelFiles &files, bool gpu);
int workingShortSide(const ColorizerOptions &options, const ModelFiles &files, int fallback,
                     int minimum);

class Colorizer
{
public:
    virtual ~Colorizer() = default;

    // The manifest of the model shipped with Tincture (models/colorizer.json next to the
    // executable's share folder, or in the source tree for a build); empty if none is found.
    static QString defaultModelPath();

    // Loads a model from its manifest (.json) or the weights file next to it. Errors (missing,
    // truncated or corrupt file, sha256 or shape mismatch, unknown architecture) name the file.
    static Result<std::shared_ptr<const Colorizer>> load(const QString &path,
                                                         const ColorizerOptions &options = {});

    virtual const ColorizerInfo &info() const = 0;

    // Whether the model takes user points beside the grey (a hint-conditioned net).
    virtual bool takesHints() const = 0;

    // Colours one frame (any format; its luma is used). Returns Rgb8 (Rgb16 for a 16-bit
    // frame) of the same size whose luma equals frame.luma() exactly.
    virtual Result<Frame> colorize(const Frame &frame) const = 0;

    // The proposal guided by user points: `hints` is RGBA of the frame's size, alpha > 0
    // marking the points (each pixel's colour is its point's). They are brought to the net's
    // working size by alpha-weighted area averaging (a pixel any point touches takes their
    // mean colour there) and given as Lab a, b with a mask. With no point marked it is
    // colorize(frame). A model without hint inputs refuses (ModelMismatch).
    virtual Result<Frame> colorize(const Frame &frame, const Frame &hints) const = 0;

    // Several frames in batches; polls feedback between batches and reports (done, total).
    virtual Result<std::vector<Frame>> colorize(const std::vector<Frame> &frames,
                                                Feedback &feedback) const = 0;
};

} // namespace tincture::ml
