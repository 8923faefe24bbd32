#include "propagation/propagationmethod.h"

#include "propagation/baselines.h"
#include "propagation/latticemethods.h"

#include <algorithm>

namespace tincture {

namespace {

struct Entry
{
    const char *name;
    std::unique_ptr<PropagationMethod> (*make)();
};

// Order: how they are listed in --help and reports.
constexpr Entry kMethods[] = {
    {"grey", makeGreyBaseline},
    {"copy0", makeCopyFirstBaseline},
    {"flow", makeFlowBaseline},
    {"bnn", [] { return makeBnnMethod(); }},
    {"bnnflow", [] { return makeBnnFlowMethod(); }},
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
    auto method = createPropagationMethod(name);
    return method ? (*method)->description() : QString();
}

Result<std::unique_ptr<PropagationMethod>> createPropagationMethod(const QString &name)
{
    for (const Entry &e : kMethods)
        if (name == QLatin1String(e.name))
            return e.make();
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

} // namespace tincture
