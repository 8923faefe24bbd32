#include "propagation/propagationmethod.h"

#include "propagation/internal/baselines.h"
#include "propagation/internal/latticemethods.h"
#include "propagation/internal/perframe.h"
#include "propagation/internal/refinedmethod.h"

#include "ml/chromarefiner.h"
#include "ml/videocolorizer.h"
#include "ml/videopropagationnet.h"

#include <algorithm>

namespace tincture::propagation {

namespace {

using Made = Result<std::unique_ptr<PropagationMethod>>;

// The bilateral stage ("bnn") followed by the trained spatial refiner.
Made makeBnnRefined(const PropagationMethodOptions &options)
{
    const QString path =
        options.refinerPath.isEmpty() ? ml::ChromaRefiner::defaultModelPath() : options.refinerPath;
    auto refiner = ml::ChromaRefiner::load(path, options.device);
    if (!refiner)
        return refiner.error();
    auto bnn = makeBnnMethodOn(options.device);
    if (!bnn)
        return bnn.error();
    return detail::makeRefinedMethod(QStringLiteral("bnn-refined"), std::move(*bnn),
                                     std::move(*refiner));
}

// The Video Propagation Network (Jampani et al. 2017) for colour, trained.
Made makeVpn(const PropagationMethodOptions &options)
{
    const QString path =
        options.vpnPath.isEmpty() ? ml::VideoPropagationNet::defaultModelPath() : options.vpnPath;
    auto net = ml::VideoPropagationNet::load(path, options.device);
    if (!net)
        return net.error();
    return makeVpnMethod(std::move(*net));
}

// Per-frame mode: a video colouriser colours each frame; nothing is propagated.
Made makePerFrame(const PropagationMethodOptions &options)
{
    QString path = options.colorizerPath;
    if (path.isEmpty()) {
        auto shipped = ml::colorizerManifest(QStringLiteral("recurrent-bins"));
        if (!shipped)
            return shipped.error();
        path = *shipped;
    }
    ml::ColorizerOptions o;
    o.device = options.device;
    auto model = ml::VideoColorizer::load(path, o);
    if (!model)
        return model.error();
    return detail::makePerFrameMethod(std::move(*model));
}

struct Entry
{
    const char *name;
    const char *description;
    Made (*make)(const PropagationMethodOptions &);
};

// Order: how they are listed in --help and reports.
constexpr Entry kMethods[] = {
    {"grey", "no colour outside keyframes (baseline)",
     [](const PropagationMethodOptions &) -> Made { return makeGreyBaseline(); }},
    {"copy0", "keyframe chroma copied to every frame (baseline)",
     [](const PropagationMethodOptions &) -> Made { return makeCopyFirstBaseline(); }},
    {"flow", "keyframe chroma carried along Farneback optical flow (baseline)",
     [](const PropagationMethodOptions &) -> Made { return makeFlowBaseline(); }},
    {"bnn",
     "VPN bilateral stage with a fixed Gaussian (BNN-Identity): keyframe and previous outputs "
     "filtered over (x, y, Y, t); no motion",
     [](const PropagationMethodOptions &o) -> Made { return makeBnnMethodOn(o.device); }},
    {"bnn-refined",
     "the bnn bilateral stage, then a trained spatial CNN that re-filters each frame's chroma "
     "guided by its grey (models/refiner.json)",
     makeBnnRefined},
    {"vpn",
     "Video Propagation Network: learned bilateral convolutions over (x, y, Y, t) from the "
     "keyframe and bnn's previous frames, then a spatial CNN (models/vpn.json)",
     makeVpn},
    {"bnnflow",
     "chroma warped along DIS optical flow with forward-backward confidence, re-filtered and "
     "filled on a bilateral lattice over (x, y, Y), fused where unsure with the keyframe's "
     "colour found by matching each frame to it",
     [](const PropagationMethodOptions &o) -> Made {
         BnnFlowParams params;
         if (Result<void> ok = applyTuning(params, o.tuning); !ok)
             return ok.error();
         return makeBnnFlowMethod(params);
     }},
    {"per-frame",
     "no propagation: a video colouriser colours every frame from its grey, its temporal "
     "mechanism on, and the keyframes are not used (models/recurrent-bins.json unless another "
     "is chosen)",
     makePerFrame},
};

} // namespace

QString defaultPropagationMethodName()
{
    return QStringLiteral("bnnflow");
}

QStringList propagationMethodNames()
{
    QStringList names;
    for (const Entry &e : kMethods)
        names << QString::fromLatin1(e.name);
    return names;
}

QString propagationMethodDescription(const QString &name)
{
    for (const Entry &e : kMethods)
        if (name == QLatin1String(e.name))
            return QString::fromUtf8(e.description);
    return {};
}

Result<std::unique_ptr<PropagationMethod>>
createPropagationMethod(const QString &name, const PropagationMethodOptions &options)
{
    for (const Entry &e : kMethods)
        if (name == QLatin1String(e.name)) {
            if (!options.tuning.isEmpty() && name != QLatin1String("bnnflow"))
                return makeError(
                    ErrorCode::InvalidArgument,
                    QStringLiteral("the propagation method '%1' takes no tuning").arg(name));
            return e.make(options);
        }
    return makeError(ErrorCode::InvalidArgument,
                     QStringLiteral("unknown propagation method '%1' (known: %2)")
                         .arg(name, propagationMethodNames().join(QStringLiteral(", "))));
}

Result<std::vector<Keyframe>> sortedKeyframes(const std::vector<Keyframe> &keyframes,
                                              int frameCount)
{
    if (keyframes.empty())
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("propagation needs at least one keyframe"));
    std::vector<Keyframe> sorted = keyframes;
    std::sort(sorted.begin(), sorted.end(),
              [](const Keyframe &a, const Keyframe &b) { return a.index < b.index; });
    for (size_t i = 0; i < sorted.size(); ++i) {
        const Keyframe &k = sorted[i];
        if (k.index < 0 || k.index >= frameCount)
            return makeError(ErrorCode::OutOfRange,
                             QStringLiteral("keyframe %1 is outside the shot (0–%2)")
                                 .arg(k.index)
                                 .arg(frameCount - 1));
        if (k.colour.isNull())
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("keyframe %1 has no image").arg(k.index));
        if (i > 0 && sorted[i - 1].index == k.index)
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("two keyframes at frame %1").arg(k.index));
    }
    return sorted;
}

} // namespace tincture::propagation
