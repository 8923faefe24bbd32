#include "ml/modelmanifest.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

namespace tincture::ml {

Result<QString> sha256OfFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(file.exists() ? ErrorCode::FileUnreadable : ErrorCode::FileNotFound,
                         QStringLiteral("%1: %2").arg(path, file.errorString()));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file))
        return makeError(ErrorCode::FileUnreadable, QStringLiteral("%1: read failed").arg(path));
    return QString::fromLatin1(hash.result().toHex());
}

Result<ModelManifest> readManifest(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(
            file.exists() ? ErrorCode::FileUnreadable : ErrorCode::FileNotFound,
            QStringLiteral("%1: cannot open the model manifest: %2").arg(path, file.errorString()));
    if (file.size() > 1 << 20)
        return makeError(ErrorCode::ModelInvalid,
                         QStringLiteral("%1: too large for a model manifest").arg(path));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (doc.isNull() || !doc.isObject())
        return makeError(ErrorCode::ModelInvalid,
                         QStringLiteral("%1: not a model manifest (JSON: %2)")
                             .arg(path, parseError.errorString()));
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("format")).toString() != QLatin1String("tincture-model"))
        return makeError(ErrorCode::ModelInvalid,
                         QStringLiteral("%1: not a Tincture model manifest (no \"format\": "
                                        "\"tincture-model\")")
                             .arg(path));
    const int version = o.value(QStringLiteral("formatVersion")).toInt();
    if (version < 1 || version > ModelManifest::kFormatVersion)
        return makeError(ErrorCode::ModelInvalid,
                         QStringLiteral("%1: manifest format version %2 is not supported (this "
                                        "Tincture reads up to %3)")
                             .arg(path)
                             .arg(version)
                             .arg(ModelManifest::kFormatVersion));
    ModelManifest m;
    m.name = o.value(QStringLiteral("name")).toString();
    m.weightsFile = o.value(QStringLiteral("weights")).toString();
    m.weightsBytes =
        o.value(QStringLiteral("weightsBytes")).toInteger(-1); // -1: not a whole number
    m.sha256 = o.value(QStringLiteral("sha256")).toString().toLower();
    const QJsonObject arch = o.value(QStringLiteral("architecture")).toObject();
    m.baseWidth = arch.value(QStringLiteral("baseWidth")).toInt();
    m.depth = arch.value(QStringLiteral("depth")).toInt();
    m.maxMultiplier = arch.value(QStringLiteral("maxMultiplier")).toInt(8);
    m.hintChannels = arch.value(QStringLiteral("hintChannels")).toInt(0);
    m.training = o.value(QStringLiteral("training")).toObject();
    m.iterations = m.training.value(QStringLiteral("iterations")).toInt();
    m.trainedOn = m.training.value(QStringLiteral("data")).toString();
    m.date = m.training.value(QStringLiteral("date")).toString();
    m.figures = o.value(QStringLiteral("figures")).toObject();
    m.tapSpacing = arch.value(QStringLiteral("tapSpacing")).toInt(0);
    m.temperature = arch.value(QStringLiteral("temperature")).toDouble(0);
    m.priorCorrection = arch.value(QStringLiteral("priorCorrection")).toDouble(0);
    const bool refiner = m.name == QLatin1String("vpn-refiner");
    const bool vpn = m.name == QLatin1String("vpn"); // depth: the lattice neighbourhood, 0–2
    const bool bins = m.name == QLatin1String("recurrent-bins");      // depth: bins per channel
    const bool globalLocal = m.name == QLatin1String("global-local"); // depth: scene classes
    const bool cnnLstm = m.name == QLatin1String("cnn-lstm");         // depth: a*b* bins
    if (m.name != QLatin1String("pix2pix-unet") && !refiner && !vpn && !bins && !globalLocal &&
        !cnnLstm)
        return makeError(ErrorCode::ModelMismatch,
                         QStringLiteral("%1: unknown model architecture \"%2\" (expected "
                                        "pix2pix-unet, vpn-refiner, vpn, recurrent-bins, "
                                        "global-local or cnn-lstm)")
                             .arg(path, m.name));
    if (refiner && (m.tapSpacing < 1 || m.tapSpacing > 16))
        return makeError(ErrorCode::ModelInvalid,
                         QStringLiteral("%1: a vpn-refiner manifest needs architecture "
                                        "tapSpacing between 1 and 16")
                             .arg(path));
    if (m.weightsFile.isEmpty() || m.weightsFile.contains(QLatin1Char('/')) ||
        m.weightsBytes <= 8 || m.sha256.size() != 64 || m.baseWidth < 1 || m.baseWidth > 1024 ||
        m.depth < (vpn           ? 0
                   : globalLocal ? 1
                                 : 2) ||
        m.depth > (vpn           ? 2
                   : bins        ? 256
                   : globalLocal ? 1000
                   : cnnLstm     ? 1000
                                 : 10) ||
        m.maxMultiplier < 1 || m.maxMultiplier > 64 ||
        (m.hintChannels != 0 && m.hintChannels != 3) ||
        !(m.temperature >= 0 && m.temperature <= 10) ||
        !(m.priorCorrection >= 0 && m.priorCorrection <= 1))
        return makeError(ErrorCode::ModelInvalid,
                         QStringLiteral("%1: incomplete manifest (weights, weightsBytes, sha256 "
                                        "and architecture baseWidth/depth are required; "
                                        "hintChannels is 0 or 3; temperature 0-10; "
                                        "priorCorrection 0-1)")
                             .arg(path));
    return m;
}

namespace {

Result<QByteArray> readVerifiedWeights(const QString &weightsPath, const ModelManifest &m)
{
    QFile file(weightsPath);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(file.exists() ? ErrorCode::FileUnreadable : ErrorCode::FileNotFound,
                         QStringLiteral("%1: cannot open the model weights: %2")
                             .arg(weightsPath, file.errorString()));
    if (file.size() != m.weightsBytes)
        return makeError(ErrorCode::ModelInvalid,
                         QStringLiteral("%1: %2 bytes, but the manifest says %3 (truncated or "
                                        "replaced)")
                             .arg(weightsPath)
                             .arg(file.size())
                             .arg(m.weightsBytes));
    const QByteArray bytes = file.readAll();
    const QString sha =
        QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    if (sha != m.sha256)
        return makeError(ErrorCode::ModelInvalid,
                         QStringLiteral("%1: sha256 does not match the manifest (corrupt or "
                                        "replaced)")
                             .arg(weightsPath));
    return bytes;
}

} // namespace

Result<void> describeWeights(ModelManifest &manifest, const QString &weightsPath)
{
    auto sha = sha256OfFile(weightsPath);
    if (!sha)
        return sha.error();
    const QFileInfo info(weightsPath);
    manifest.weightsFile = info.fileName();
    manifest.weightsBytes = info.size();
    manifest.sha256 = *sha;
    return {};
}

QString manifestPathFor(const QString &path)
{
    return path.endsWith(QLatin1String(".safetensors"))
               ? path.left(path.size() - 12) + QStringLiteral(".json")
               : path;
}

Result<ModelFiles> readModelFiles(const QString &path, const QString &name, const QString &what)
{
    return readModelFiles(path, QStringList{name}, what);
}

Result<ModelFiles> readModelFiles(const QString &path, const QStringList &names,
                                  const QString &what)
{
    ModelFiles files;
    files.manifestPath = manifestPathFor(path);
    auto manifest = readManifest(files.manifestPath);
    if (!manifest)
        return manifest.error();
    files.manifest = *manifest;
    if (!names.contains(files.manifest.name))
        return makeError(ErrorCode::ModelMismatch,
                         QStringLiteral("%1: a \"%2\" model, not a %3 (%4)")
                             .arg(files.manifestPath, files.manifest.name, what,
                                  names.join(QStringLiteral(" or "))));
    files.weightsPath = QFileInfo(files.manifestPath).dir().filePath(files.manifest.weightsFile);
    auto weights = readVerifiedWeights(files.weightsPath, files.manifest);
    if (!weights)
        return weights.error();
    files.weights = std::move(*weights);
    return files;
}

QString shippedModelPath(const QString &fileName)
{
    QStringList candidates;
    const QString env = qEnvironmentVariable("TINCTURE_MODEL_DIR");
    if (!env.isEmpty())
        candidates << QDir(env).filePath(fileName);
    if (QCoreApplication::instance())
        candidates << QCoreApplication::applicationDirPath() +
                          QStringLiteral("/../share/tincture/models/") + fileName;
#ifdef TINCTURE_SOURCE_MODELS_DIR
    candidates << QStringLiteral(TINCTURE_SOURCE_MODELS_DIR "/") + fileName;
#endif
    for (const QString &c : candidates)
        if (QFileInfo::exists(c))
            return QFileInfo(c).canonicalFilePath();
    return {};
}

Result<void> writeManifest(const QString &path, const ModelManifest &m)
{
    QJsonObject arch;
    if (m.name == QLatin1String("vpn"))
        arch = QJsonObject{
            {QStringLiteral("network"),
             QStringLiteral("VPN for colour: two learned bilateral convolutions (permutohedral "
                            "lattice over x, y, Y, t; ReLU), a 1x1 fusion, a spatial CNN of three "
                            "3x3 convolutions, a 1x1 output fusion")},
            {QStringLiteral("baseWidth"), m.baseWidth},
            {QStringLiteral("depth"), m.depth},
            {QStringLiteral("input"),
             QStringLiteral("input points' (Cb, Cr)/255 at features (0.04 x, 0.04 y, 0.2 Y, "
                            "0.04 t)")},
            {QStringLiteral("output"), QStringLiteral("the frame's (Cb, Cr)/255")}};
    else if (m.name == QLatin1String("recurrent-bins"))
        arch = QJsonObject{
            {QStringLiteral("network"),
             QStringLiteral(
                 "recurrent binned colouriser (seed 004): a colour net (encoder-decoder, "
                 "3x3 conv + BatchNorm + ReLU, widths w-8w, skips) classifying U and V "
                 "into bins, and a consistency net recolouring each frame from its "
                 "grey, the colour net's answer and its predecessor's grey and binned "
                 "colouring")},
            {QStringLiteral("baseWidth"), m.baseWidth},
            {QStringLiteral("depth"), m.depth},
            {QStringLiteral("input"),
             QStringLiteral("BT.601 Y/255 - 0.5; the predecessor's bin centres (C - 128)/128")},
            {QStringLiteral("output"),
             QStringLiteral("logits of depth bins of U (Cb), then of V (Cr), BT.601 full range; "
                            "colour: their annealed mean (T = 0.38)")}};
    else if (m.name == QLatin1String("global-local"))
        arch = QJsonObject{
            {QStringLiteral("network"),
             QStringLiteral("global+local colouriser (seed 001): Iizuka et al.'s ColorNet "
                            "(shared low-level features, mid-level features, a global branch "
                            "with a scene classifier, fusion, colourisation network; widths "
                            "w-16w), two copies: \"temporal\" trained with the short- and "
                            "long-term temporal losses, \"plain\" without")},
            {QStringLiteral("baseWidth"), m.baseWidth},
            {QStringLiteral("depth"), m.depth},
            {QStringLiteral("input"), QStringLiteral("BT.601 Y/255 - 0.5")},
            {QStringLiteral("output"),
             QStringLiteral("Cb/255, Cr/255 (BT.601 full range), sigmoid")}};
    else if (m.name == QLatin1String("cnn-lstm"))
        arch = QJsonObject{
            {QStringLiteral("network"),
             QStringLiteral("CNN-LSTM colouriser (seed 003): five conv layers (3x3 conv + "
                            "BatchNorm + ReLU, widths w-8w, to 1/8), a convolutional LSTM at "
                            "1/8 (hidden 4w) carried from frame to frame, a decoder to 1/4 and "
                            "a 1x1 head of logits over the in-gamut a*b* bins")},
            {QStringLiteral("baseWidth"), m.baseWidth},
            {QStringLiteral("depth"), m.depth},
            {QStringLiteral("input"), QStringLiteral("BT.601 Y/255 - 0.5")},
            {QStringLiteral("output"),
             QStringLiteral("logits of depth a*b* bins (CIE Lab D65, grid 10; centres in "
                            "ab_bins) at 1/4; colour: the annealed mean (T = temperature) of "
                            "the logits less priorCorrection x log(class_weights), with the "
                            "grey's L*")},
            {QStringLiteral("temperature"), m.temperature > 0 ? m.temperature : 0.38},
            {QStringLiteral("priorCorrection"), m.priorCorrection}};
    else if (m.name == QLatin1String("vpn-refiner"))
        arch = QJsonObject{
            {QStringLiteral("network"),
             QStringLiteral("VPN spatial CNN: 3x3 convolutions (ReLU; dilation 2 in the middle "
                            "layers) predicting per-pixel weights of a 3x3 filter on the chroma")},
            {QStringLiteral("baseWidth"), m.baseWidth},
            {QStringLiteral("depth"), m.depth},
            {QStringLiteral("tapSpacing"), m.tapSpacing},
            {QStringLiteral("input"),
             QStringLiteral("BT.601 Y/255 - 0.5, propagated (Cb, Cr - 128)/128")},
            {QStringLiteral("output"),
             QStringLiteral("softmax weights of the 9 taps; chroma = their weighted mean")}};
    else
        arch = QJsonObject{
            {QStringLiteral("generator"), QStringLiteral("U-Net (Pix2Pix)")},
            {QStringLiteral("baseWidth"), m.baseWidth},
            {QStringLiteral("depth"), m.depth},
            {QStringLiteral("maxMultiplier"), m.maxMultiplier},
            {QStringLiteral("hintChannels"), m.hintChannels},
            {QStringLiteral("input"),
             m.hintChannels == 0 ? QStringLiteral("CIE Lab L of the BT.601 grey, scaled L/50 - 1")
                                 : QStringLiteral("CIE Lab L of the BT.601 grey, scaled L/50 - 1; "
                                                  "the hints' Lab a, b divided by 110 (0 where "
                                                  "none); the hint mask (1 where a hint is)")},
            {QStringLiteral("output"), QStringLiteral("CIE Lab a, b divided by 110")},
            {QStringLiteral("discriminator"),
             QStringLiteral("70x70 PatchGAN (training only, not shipped)")}};
    QJsonObject training = m.training;
    training.insert(QStringLiteral("iterations"), m.iterations);
    training.insert(QStringLiteral("data"), m.trainedOn);
    training.insert(QStringLiteral("date"), m.date);
    const QJsonObject o{
        {QStringLiteral("format"), QStringLiteral("tincture-model")},
        {QStringLiteral("formatVersion"), ModelManifest::kFormatVersion},
        {QStringLiteral("name"), m.name},
        {QStringLiteral("weights"), m.weightsFile},
        {QStringLiteral("weightsFormat"), QStringLiteral("safetensors (little-endian F32)")},
        {QStringLiteral("weightsBytes"), double(m.weightsBytes)},
        {QStringLiteral("sha256"), m.sha256},
        {QStringLiteral("architecture"), arch},
        {QStringLiteral("training"), training},
        {QStringLiteral("figures"), m.figures}};
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(ErrorCode::WriteFailed,
                         QStringLiteral("%1: cannot write: %2").arg(path, file.errorString()));
    file.write(QJsonDocument(o).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return makeError(ErrorCode::WriteFailed,
                         QStringLiteral("%1: write failed: %2").arg(path, file.errorString()));
    return {};
}

} // namespace tincture::ml
