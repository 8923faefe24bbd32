#include "media/mediainfo.h"

#include <QJsonDocument>

namespace tincture {

QJsonObject MediaInfo::toJson() const
{
    QJsonObject o;
    o[QStringLiteral("path")] = path;
    o[QStringLiteral("container")] = container;
    o[QStringLiteral("codec")] = codec;
    o[QStringLiteral("pixel_format")] = pixelFormat;
    o[QStringLiteral("width")] = width;
    o[QStringLiteral("height")] = height;
    o[QStringLiteral("bit_depth")] = bitDepth;
    o[QStringLiteral("rotation")] = rotationDegrees;
    o[QStringLiteral("sample_aspect_ratio")] = sampleAspect.toString();
    o[QStringLiteral("fps")] = fps.toString();
    o[QStringLiteral("variable_frame_rate")] = variableFrameRate;
    o[QStringLiteral("frames")] = double(frames);
    o[QStringLiteral("duration_s")] = durationSeconds;
    o[QStringLiteral("audio_streams")] = audioStreams;
    if (!audioCodec.isEmpty())
        o[QStringLiteral("audio_codec")] = audioCodec;
    if (damaged)
        o[QStringLiteral("damaged")] = true;
    QJsonObject c;
    c[QStringLiteral("primaries")] = colour.primaries;
    c[QStringLiteral("transfer")] = colour.transfer;
    c[QStringLiteral("matrix")] = colour.matrix;
    c[QStringLiteral("range")] =
        colour.fullRange ? QStringLiteral("full") : QStringLiteral("limited");
    o[QStringLiteral("colour")] = c;
    if (!provenance.isEmpty()) {
        const QJsonDocument doc = QJsonDocument::fromJson(provenance);
        if (doc.isObject())
            o[QStringLiteral("provenance")] = doc.object();
        else
            o[QStringLiteral("provenance_unreadable")] = QString::fromUtf8(provenance.left(200));
    }
    return o;
}

} // namespace tincture
