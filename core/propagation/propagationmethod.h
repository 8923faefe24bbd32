#pragma once
// Colour propagation: colouring every frame of a shot from one or more colour keyframes.
//
// A method reads grey frames on demand from a GreyFrameSource (random access, so a method may
// run forward and backward passes, or visit frames twice) and hands each coloured frame to a
// FrameSink exactly once, in whatever order it produces them. Neither side has to hold the
// shot: the source decodes on request, the sink writes or scores and forgets. A method keeps
// only its own running state (e.g. the previous frame), so memory is bounded per shot.
//
// Threading: a method object runs one shot at a time on one (worker) thread; create one per
// job. It polls Feedback::isCancelled() once per frame and reports (frames done, frameCount).

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "image/frame.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace tincture::propagation {

// The grey (luma) frames of one shot, indices 0 … frameCount() − 1, all the same size.
class GreyFrameSource
{
public:
    virtual ~GreyFrameSource() = default;
    virtual int frameCount() const = 0;
    // An 8-bit grey frame (Gray8). May be slow (decoding); callers should not ask twice in a row.
    virtual Result<Frame> greyFrame(int index) = 0;
};

// Where coloured frames go (a file writer, a scorer, the viewer's cache).
class FrameSink
{
public:
    virtual ~FrameSink() = default;
    // An error (including Cancelled) stops the method, which returns it unchanged.
    virtual Result<void> put(int index, const Frame &colour) = 0;
    // Where the method knows how sure it is of each pixel's colour (flow consistency, support
    // of the lattice fill, temporal distance to a keyframe): a Gray8 map of the frame's size
    // (255 sure, 0 a guess), given just before put() of the same index. Methods that compute
    // none never call it; sinks that have no use for it ignore it.
    virtual Result<void> putConfidence(int index, const Frame &confidence)
    {
        (void)index;
        (void)confidence;
        return {};
    }
};

// A colour keyframe: the true or painted colour of one frame of the shot (RGB, any depth; the
// same size as the grey frames).
struct Keyframe
{
    int index = 0;
    Frame colour;
};

class PropagationMethod
{
public:
    virtual ~PropagationMethod() = default;
    virtual QString name() const = 0; // the registry name, e.g. "flow"

    // What, besides the name and Tincture's version, determines the method's output: the
    // trained models it loaded (name, sha256), for provenance records. Empty for the methods
    // whose settings are fixed in the code.
    virtual QJsonObject parameters() const { return {}; }

    // Whether the method colours from keyframes. One that does not (per-frame mode) takes an
    // empty keyframe list, and whoever runs it proposes or reads none.
    virtual bool usesKeyframes() const { return true; }

    // Colours all frames of `shot` from `keyframes` (at least one unless !usesKeyframes();
    // indices unique and in range, any order) and puts every frame 0 … frameCount() − 1 into `sink`
    // exactly once (Rgb8).
    virtual Result<void> propagate(GreyFrameSource &shot, const std::vector<Keyframe> &keyframes,
                                   FrameSink &sink, Feedback &feedback) = 0;
};

// What methods built on a trained model ("bnn-refined", "vpn", "per-frame") load, and where the
// GPU-capable stages run (bnn's lattice filter, the refiner, vpn's network); the defaults are the
// shipped models and "auto".
struct PropagationMethodOptions
{
    QString refinerPath; // a refiner manifest (.json); empty: models/refiner.json
    QString vpnPath;     // a video propagation network manifest; empty: models/vpn.json
    // The video colouriser of "per-frame" (a manifest); empty: models/recurrent-bins.json.
    QString colorizerPath;
    // "auto" (CUDA where LibTorch sees a GPU), "cpu" or "cuda" (an error without a GPU).
    QString device = QStringLiteral("auto");
    // bnnflow's settings by name, replacing the shipped ones (the lab's tuning runs); an
    // unknown name is an error. Empty for every product use.
    QJsonObject tuning;
};

// Registry of the built-in methods.
QStringList propagationMethodNames();
// The best method's registry name: what the CLI and the studio use unless told otherwise.
QString defaultPropagationMethodName();
// One line for --help, reports and the studio's method list (no method is created for it);
// empty if unknown.
QString propagationMethodDescription(const QString &name);
// Errors: an unknown name; for "bnn-refined" and "vpn", a model that cannot be loaded (named in
// the message); tuning for a method that takes none, or of a setting it does not have.
Result<std::unique_ptr<PropagationMethod>>
createPropagationMethod(const QString &name, const PropagationMethodOptions &options = {});

// Checks keyframes against a shot (non-empty, indices unique and in range, frames non-null) and
// returns them sorted by index. For methods' use.
Result<std::vector<Keyframe>> sortedKeyframes(const std::vector<Keyframe> &keyframes,
                                              int frameCount);

} // namespace tincture::propagation
