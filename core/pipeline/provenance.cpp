#include "pipeline/provenance.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace tincture::pipeline {

namespace {

Error badProvenance(const QString &what)
{
    return makeError(ErrorCode::InvalidArgument, QStringLiteral("provenance: %1").arg(what));
}

QJsonObject keyframeJson(const KeyframeProvenance &k)
{
    QJsonObject o;
    o[QStringLiteral("frame")] = double(k.frame);
    o[QStringLiteral("source")] = k.source;
    if (!k.model.name.isEmpty() || !k.model.sha256.isEmpty())
        o[QStringLiteral("model")] = QJsonObject{{QStringLiteral("name"), k.model.name},
                                                 {QStringLiteral("sha256"), k.model.sha256}};
    o[QStringLiteral("colour_sha256")] = k.colourSha256;
    if (!k.strokesSha256.isEmpty())
        o[QStringLiteral("strokes_sha256")] = k.strokesSha256;
    if (k.priorWeight > 0)
        o[QStringLiteral("prior_weight")] = k.priorWeight;
    return o;
}

} // namespace

QJsonObject ShotProvenance::toJson() const
{
    QJsonArray keys;
    for (const KeyframeProvenance &k : keyframes)
        keys.append(keyframeJson(k));
    QJsonObject o{{QStringLiteral("first"), double(first)},
                  {QStringLiteral("last"), double(last)},
                  {QStringLiteral("method"), method},
                  {QStringLiteral("keyframes"), keys}};
    if (!methodParameters.isEmpty())
        o[QStringLiteral("method_parameters")] = methodParameters;
    if (workingHeight > 0)
        o[QStringLiteral("working_height")] = workingHeight;
    return o;
}

Result<ShotProvenance> ShotProvenance::fromJson(const QJsonObject &json)
{
    ShotProvenance shot;
    if (!json.value(QStringLiteral("first")).isDouble() ||
        !json.value(QStringLiteral("last")).isDouble())
        return badProvenance(QStringLiteral("a shot without first and last frames"));
    shot.first = FrameIndex(json.value(QStringLiteral("first")).toDouble());
    shot.last = FrameIndex(json.value(QStringLiteral("last")).toDouble());
    shot.method = json.value(QStringLiteral("method")).toString();
    shot.methodParameters = json.value(QStringLiteral("method_parameters")).toObject();
    shot.workingHeight = std::clamp(json.value(QStringLiteral("working_height")).toInt(), 0, 65535);
    for (const QJsonValue &v : json.value(QStringLiteral("keyframes")).toArray()) {
        const QJsonObject o = v.toObject();
        if (!o.value(QStringLiteral("frame")).isDouble())
            return badProvenance(QStringLiteral("a keyframe without a frame number"));
        KeyframeProvenance k;
        k.frame = FrameIndex(o.value(QStringLiteral("frame")).toDouble());
        k.source = o.value(QStringLiteral("source")).toString();
        const QJsonObject model = o.value(QStringLiteral("model")).toObject();
        k.model.name = model.value(QStringLiteral("name")).toString();
        k.model.sha256 = model.value(QStringLiteral("sha256")).toString();
        k.colourSha256 = o.value(QStringLiteral("colour_sha256")).toString();
        k.strokesSha256 = o.value(QStringLiteral("strokes_sha256")).toString();
        k.priorWeight = o.value(QStringLiteral("prior_weight")).toDouble();
        shot.keyframes.push_back(k);
    }
    return shot;
}

QJsonObject Provenance::toJson() const
{
    QJsonArray list;
    for (const ShotProvenance &s : shots)
        list.append(s.toJson());
    return QJsonObject{{QStringLiteral("tincture"), version},
                       {QStringLiteral("source"), source},
                       {QStringLiteral("first"), double(first)},
                       {QStringLiteral("last"), double(last)},
                       {QStringLiteral("shots"), list}};
}

QByteArray Provenance::toBytes() const
{
    return QJsonDocument(toJson()).toJson(QJsonDocument::Compact);
}

Result<Provenance> Provenance::fromJson(const QJsonObject &json)
{
    Provenance p;
    p.version = json.value(QStringLiteral("tincture")).toString();
    p.source = json.value(QStringLiteral("source")).toString();
    p.first = FrameIndex(json.value(QStringLiteral("first")).toDouble(0));
    p.last = FrameIndex(json.value(QStringLiteral("last")).toDouble(-1));
    if (!json.value(QStringLiteral("shots")).isArray())
        return badProvenance(QStringLiteral("no list of shots"));
    for (const QJsonValue &v : json.value(QStringLiteral("shots")).toArray()) {
        Result<ShotProvenance> shot = ShotProvenance::fromJson(v.toObject());
        if (!shot)
            return shot.error();
        p.shots.push_back(std::move(shot).value());
    }
    return p;
}

QString tinctureVersion()
{
    return QStringLiteral(TINCTURE_VERSION);
}

QString pixelSha256(const Frame &frame)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const QByteArray header = QStringLiteral("%1x%2:%3\n")
                                  .arg(frame.width())
                                  .arg(frame.height())
                                  .arg(int(frame.format()))
                                  .toLatin1();
    hash.addData(header);
    for (int y = 0; y < frame.height(); ++y)
        hash.addData(QByteArrayView(reinterpret_cast<const char *>(frame.constRow(y)),
                                    qsizetype(frame.strideBytes())));
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace tincture::pipeline
