#pragma once
// A keyframe model, a propagation refiner, a video propagation network or a video colouriser,
// with seeded random weights and its manifest, written into a folder, for tests that link
// tincture::ml and tincture_mltrain. Returns the manifest's path (empty on failure).

#include "ml/binstrainer.h"
#include "ml/cnnlstmtrainer.h"
#include "ml/globallocaltrainer.h"
#include "ml/modelmanifest.h"
#include "ml/refinertrainer.h"
#include "ml/trainer.h"
#include "ml/vpntrainer.h"

#include <QDir>
#include <QFile>

namespace tincture::test {

// DIR/NAME.json for the weights DIR/NAME.safetensors, `m` completed with their size and sha256.
inline QString writeManifestBeside(const QString &dir, const QString &name, ml::ModelManifest m)
{
    if (!ml::describeWeights(m, QDir(dir).filePath(name + QStringLiteral(".safetensors"))))
        return {};
    const QString path = QDir(dir).filePath(name + QStringLiteral(".json"));
    return ml::writeManifest(path, m) ? path : QString();
}

// A keyframe model (Pix2Pix U-Net) of 0 iterations; hintChannels 3 takes user points, 0 not.
inline QString writeRandomColorizerModel(const QString &dir, const QString &name, int hintChannels,
                                         uint64_t seed = 5, int baseWidth = 8, int depth = 4)
{
    const QString weights = QDir(dir).filePath(name + QStringLiteral(".safetensors"));
    if (!ml::writeRandomGenerator(QFile::encodeName(weights).toStdString(), baseWidth, depth, seed,
                                  hintChannels)
             .empty())
        return {};
    ml::ModelManifest m;
    if (!ml::describeWeights(m, weights))
        return {};
    m.baseWidth = baseWidth;
    m.depth = depth;
    m.hintChannels = hintChannels;
    m.trainedOn = QStringLiteral("nothing (random weights for a test)");
    m.training.insert(QStringLiteral("inferenceShortSide"), 64);
    const QString path = QDir(dir).filePath(name + QStringLiteral(".json"));
    return ml::writeManifest(path, m) ? path : QString();
}

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

inline QString writeRandomVpnModel(const QString &dir, const QString &name, int channels = 4,
                                   uint64_t seed = 7)
{
    const QString weights = QDir(dir).filePath(name + QStringLiteral(".safetensors"));
    if (!ml::writeRandomVpn(QFile::encodeName(weights).toStdString(), channels, 0, seed).empty())
        return {};
    ml::ModelManifest m;
    m.name = QStringLiteral("vpn");
    if (!ml::describeWeights(m, weights))
        return {};
    m.baseWidth = channels;
    m.depth = 0;
    m.trainedOn = QStringLiteral("random weights (test)");
    const QString path = QDir(dir).filePath(name + QStringLiteral(".json"));
    return ml::writeManifest(path, m) ? path : QString();
}

// The recurrent binned video colouriser ("recurrent-bins"), its consistency net random too.
inline QString writeRandomRecurrentBinsModel(const QString &dir, const QString &name, int width = 4,
                                             int bins = 30, uint64_t seed = 9)
{
    const QString weights = QDir(dir).filePath(name + QStringLiteral(".safetensors"));
    if (!ml::writeRandomRecurrentBins(QFile::encodeName(weights).toStdString(), width, bins, seed)
             .empty())
        return {};
    ml::ModelManifest m;
    m.name = QStringLiteral("recurrent-bins");
    m.baseWidth = width;
    m.depth = bins;
    m.trainedOn = QStringLiteral("random weights (test)");
    m.training.insert(QStringLiteral("inferenceShortSide"), 48);
    return writeManifestBeside(dir, name, m);
}

// The global+local video colouriser ("global-local"), its two nets different.
inline QString writeRandomGlobalLocalModel(const QString &dir, const QString &name, int width = 2,
                                           int classes = 3, uint64_t seed = 9)
{
    const QString weights = QDir(dir).filePath(name + QStringLiteral(".safetensors"));
    if (!ml::writeRandomGlobalLocal(QFile::encodeName(weights).toStdString(), width, classes, seed)
             .empty())
        return {};
    ml::ModelManifest m;
    m.name = QStringLiteral("global-local");
    m.baseWidth = width;
    m.depth = classes;
    m.trainedOn = QStringLiteral("random weights (test)");
    m.training.insert(QStringLiteral("inferenceShortSide"), 48);
    return writeManifestBeside(dir, name, m);
}

// The CNN-LSTM video colouriser ("cnn-lstm"), with the gamut's bins.
inline QString writeRandomCnnLstmModel(const QString &dir, const QString &name, int width = 2,
                                       uint64_t seed = 9)
{
    const QString weights = QDir(dir).filePath(name + QStringLiteral(".safetensors"));
    int bins = 0;
    if (!ml::writeRandomCnnLstm(QFile::encodeName(weights).toStdString(), width, seed, bins)
             .empty())
        return {};
    ml::ModelManifest m;
    m.name = QStringLiteral("cnn-lstm");
    m.baseWidth = width;
    m.depth = bins;
    m.trainedOn = QStringLiteral("random weights (test)");
    m.training.insert(QStringLiteral("inferenceShortSide"), 48);
    return writeManifestBeside(dir, name, m);
}

} // namespace tincture::test
