#pragma once
// A propagation refiner with seeded random weights and its manifest, written into a folder, for
// tests that link tincture::ml and tincture_mltrain. Returns the manifest's path (empty on
// failure).

#include "ml/modelmanifest.h"
#include "ml/refinertrainer.h"

#include <QDir>
#include <QFile>

namespace tincture::test {

inline QString writeRandomRefinerModel(const QString &dir, const QString &name, int width = 6,
                                       int depth = 3, int tapSpacing = 2, uint64_t seed = 7)
{
    const QString weights = QDir(dir).filePath(name + QStringLiteral(".safetensors"));
    if (!ml::writeRandomRefiner(QFile::encodeName(weights).toStdString(), width, depth, tapSpacing,
                                seed)
             .empty())
        return {};
    ml::ModelManifest m;
    m.name = QStringLiteral("vpn-refiner");
    if (!ml::describeWeights(m, weights))
        return {};
    m.baseWidth = width;
    m.depth = depth;
    m.tapSpacing = tapSpacing;
    m.trainedOn = QStringLiteral("random weights (test)");
    const QString path = QDir(dir).filePath(name + QStringLiteral(".json"));
    return ml::writeManifest(path, m) ? path : QString();
}

} // namespace tincture::test
