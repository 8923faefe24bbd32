#pragma once
// The manifest that ships beside a model's weights (models/colorizer.json): what the weights
// are (architecture parameters), how to check them (byte size and sha256 of the weights file)
// and where they came from (training data, iterations, date, measured figures). Plain data and
// JSON I/O; any thread.

#include "foundation/result.h"

#include <QJsonObject>
#include <QString>

namespace tincture::ml {

struct ModelManifest
{
    static constexpr int kFormatVersion = 1;
    QString name = QStringLiteral("pix2pix-unet");
    QString weightsFile; // relative to the manifest's folder
    qint64 weightsBytes = 0;
    QString sha256; // lower-case hex of the weights file
    int baseWidth = 0;
    int depth = 0;
    int maxMultiplier = 8;
    int iterations = 0;
    QString trainedOn; // one line: the data and its terms
    QString date;      // ISO 8601
    QJsonObject training; // options of the run (crop, batch, learning rate, command)
    QJsonObject figures;  // measured quality, with the command that measured it
};

Result<ModelManifest> readManifest(const QString &path);
Result<void> writeManifest(const QString &path, const ModelManifest &manifest); // atomic
Result<QString> sha256OfFile(const QString &path);

} // namespace tincture::ml
