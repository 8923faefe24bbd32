#pragma once
// Working resolution: colour is computed on smaller frames and delivered at the source's size.
// Chroma is low-frequency, luma is not: propagation, keyframes and scribbles run at a working
// size, and each coloured frame is brought back to full size by joint bilateral upsampling
// guided by the source's own luma at full resolution, so colour does not cross the picture's
// sharp edges. The result's luma is the source's, exactly and at its depth (8 or 16 bits).
//
// Pure functions and adapters; any thread may call them (each adapter object is used by one
// thread, as its interface says).

#include "foundation/result.h"
#include "image/frame.h"
#include "propagation/propagationmethod.h"

#include <QSize>

#include <list>
#include <utility>

namespace tincture::propagation {

// The smallest working height a film may be given (below it shot detection and the keyframe
// model see too little).
inline constexpr int kMinWorkingHeight = 64;

// The working height the CLI uses unless told otherwise: at 854×480 working lower lost more
// than 0.1 dB on held-out dev sequences (docs/EVALUATION.md, "Working resolution").
inline constexpr int kDefaultWorkingHeight = 480;

// The working size of a `source`-sized film for a working height: `workingHeight` rows, the
// width keeping the aspect ratio, both even; the source size itself when workingHeight is 0 or
// not below the source's height (never above the source).
QSize workingSize(QSize source, int workingHeight);

// `frame` (any format) resampled to `size` by area averaging (the same format).
Frame resizedArea(const Frame &frame, QSize size);

// Scribbles (RGBA, alpha > 0 marking the strokes; 8 or 16 bits) at `size`: each pixel that a
// stroke touches gets the strokes' average colour there (alpha-weighted) and full alpha, so a
// thin stroke survives the reduction; the rest stays transparent.
Frame resizedHints(const Frame &hints, QSize size);

// How chroma computed at the working size is brought to full size.
enum class ChromaUpsampling {
    // Joint bilateral upsampling (Kopf et al. 2007): each full-size pixel averages the 4×4
    // nearest working-size chroma samples, weighted by distance and by how close their luma
    // (the full-size luma averaged down) is to its own; a convex mix, so it never invents
    // colour. The product's.
    JointBilateral,
    Bilinear, // plain bilinear interpolation of the chroma (the baseline)
};

// The defaults were chosen on five dev sequences (docs/EVALUATION.md, "Working resolution").
struct DeliveryParams
{
    ChromaUpsampling upsampling = ChromaUpsampling::JointBilateral;
    double sigmaSpace = 0.5;  // in working-size pixels
    double sigmaRange = 0.16; // luma difference, for a luma in [0, 1]
};

// The full-size colour frame: the luma of `source` (any format; its depth is kept: Rgb8 out
// for an 8-bit source, Rgb16 for a 16-bit one) with the chroma of `working` (Rgb8 or Rgb16,
// at most the source's size) brought to the source's size. When both are the same size and
// `source` is 8-bit, `working` is returned as it is when its luma is already the source's.
Result<Frame> deliverColour(const Frame &source, const Frame &working,
                            const DeliveryParams &params = {});

// A GreyFrameSource at the working size: `full`'s frames resampled by area averaging. Keeps
// up to cacheBytes of the frames it made (the least recently asked for go first), so a method
// that visits a frame twice does not decode it twice at full size.
class WorkingSizeSource final : public GreyFrameSource
{
public:
    WorkingSizeSource(GreyFrameSource &full, QSize size, int64_t cacheBytes = 0)
        : m_full(full), m_size(size), m_cacheBytes(cacheBytes)
    {
    }
    int frameCount() const override { return m_full.frameCount(); }
    Result<Frame> greyFrame(int index) override;

private:
    GreyFrameSource &m_full;
    QSize m_size;
    int64_t m_cacheBytes;
    int64_t m_cached = 0;
    std::list<std::pair<int, Frame>> m_recent; // most recent first
};

// A propagation method run at a working height: the shot's grey frames and the keyframes are
// brought down to the working size, the inner method colours them, and every frame is
// delivered at the shot's size (deliverColour over the shot's own grey frame, read again).
// With a working size equal to the shot's, the inner method runs unchanged.
class WorkingResolutionMethod final : public PropagationMethod
{
public:
    WorkingResolutionMethod(std::unique_ptr<PropagationMethod> inner, int workingHeight,
                            DeliveryParams params = {});
    QString name() const override { return m_inner->name(); }
    QJsonObject parameters() const override { return m_inner->parameters(); }
    Result<void> propagate(GreyFrameSource &shot, const std::vector<Keyframe> &keyframes,
                           FrameSink &sink, Feedback &feedback) override;

private:
    std::unique_ptr<PropagationMethod> m_inner;
    int m_workingHeight;
    DeliveryParams m_params;
};

} // namespace tincture::propagation
