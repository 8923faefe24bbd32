#pragma once
// The manifest that ships beside a model's weights (models/colorizer.json, models/refiner.json):
// what the weights are (architecture name and parameters), how to check them (byte size and
// sha256 of the weights file) and where they came from (training data, iterations, date, measured
// figures). Plain data and JSON I/O; any thread.

#include "foundation/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace tincture::ml {

struct ModelManifest
{
    static constexpr int kFormatVersion = 1;
    // "pix2pix-unet" (the keyframe model: baseWidth = ngf, depth = U-Net levels),
    // "vpn-refiner" (the propagation refiner: baseWidth = channels, depth = convolutions,
    // tapSpacing = the spacing of its 3×3 filter taps in pixels) or "vpn" (the video
    // propagation network: baseWidth = channels, depth = the lattice neighbourhood, 0–2) or
    // "recurrent-bins" (the recurrent binned video colouriser: baseWidth = its width, depth =
    // bins per chroma channel) or "global-local" (the global+local video colouriser: baseWidth
    // = w, depth = the global branch's scene classes) or "cnn-lstm" (the CNN-LSTM video
    // colouriser: baseWidth = w, depth = the a*b* bins, temperature = its annealed mean's,
    // priorCorrection = its share of the prior correction).
    QString name = QStringLiteral("pix2pix-unet");
    QString weightsFile; // relative to the manifest's folder
    qint64 weightsBytes = 0;
    QString sha256; // lower-case hex of the weights file
    int baseWidth = 0;
    int depth = 0;
    int maxMultiplier = 8;
    // pix2pix-unet: user hints beside the grey input (chroma a, b and a mask: 3), or none (0).
    int hintChannels = 0;
    int tapSpacing = 0;
    double temperature = 0; // cnn-lstm: the annealed mean's T (0: Zhang et al.'s 0.38)
    // cnn-lstm: how much of the rebalancing's tilt the decoding takes out of the logits (0 … 1;
    // 0: none; above 0 the weights file must hold the class weights).
    double priorCorrection = 0;
    int iterations = 0;
    QString trainedOn;    // one line: the data and its terms
    QString date;         // ISO 8601
    QJsonObject training; // options of the run (crop, batch, learning rate, command)
    QJsonObject figures;  // measured quality, with the command that measured it
};

Result<ModelManifest> readManifest(const QString &path);
Result<void> writeManifest(const QString &path, const ModelManifest &manifest); // atomic
Result<QString> sha256OfFile(const QString &path);
// Points the manifest at a weights file in its own folder: weightsFile (the file's name),
// weightsBytes and sha256. For whoever writes a manifest beside new weights.
Result<void> describeWeights(ModelManifest &manifest, const QString &weightsPath);

// A model named by its manifest (.json) or by its weights (NAME.safetensors beside NAME.json):
// the manifest read and checked to name architecture `name`, and the weights read whole after
// checking their byte size and sha256 against it. Errors name the file at fault; `what` names
// the kind of model in the mismatch error ("keyframe model").
struct ModelFiles
{
    QString manifestPath;
    QString weightsPath;
    ModelManifest manifest;
    QByteArray weights;
};
Result<ModelFiles> readModelFiles(const QString &path, const QString &name, const QString &what);
// The same for a model of any of `names` (a mismatch lists them).
Result<ModelFiles> readModelFiles(const QString &path, const QStringList &names,
                                  const QString &what);
// The manifest of a model named by its manifest or by its weights (NAME.safetensors → NAME.json).
QString manifestPathFor(const QString &path);

// A model shipped with Tincture: $TINCTURE_MODEL_DIR/FILE, then <bin>/../share/tincture/models/
// FILE, then the source tree's models/FILE (for a build); empty if none exists.
QString shippedModelPath(const QString &fileName);

} // namespace tincture::ml
