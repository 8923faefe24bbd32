#pragma once
// MediaInfo: what a source holds, as reported by `tincture-cli info` and shown by the studio.

#include "foundation/rational.h"

#include <QJsonObject>
#include <QString>

#include <cstdint>

namespace tincture {

// Colour description tags, using the ITU-T H.273 code points (the same numbers FFmpeg uses).
struct ColourTags
{
    int primaries = 2; // 2 = unspecified
    int transfer = 2;
    int matrix = 2;
    bool fullRange = false;
};

// The container tag that holds an export's provenance.
inline constexpr char kProvenanceTag[] = "tincture_provenance";

struct MediaInfo
{
    QString path;
    QString container; // "mov,mp4,m4a,3gp,3g2,mj2", "image-sequence", ...
    QString codec;     // "h264", "ffv1", "png", ...
    QString pixelFormat;
    int width = 0;  // as displayed: after rotation
    int height = 0; // as displayed: after rotation
    int codedWidth = 0;
    int codedHeight = 0;
    int bitDepth = 8;
    int rotationDegrees = 0; // clockwise rotation applied to decoded frames
    Rational sampleAspect{1, 1};
    Rational fps{24, 1};      // nominal (average for variable frame rate)
    Rational timeBase{1, 24}; // units of Frame::pts
    bool variableFrameRate = false;
    int64_t frames = 0;
    double durationSeconds = 0.0;
    int audioStreams = 0;
    QString audioCodec; // first audio stream's codec, empty if none
    ColourTags colour;
    bool damaged = false;  // opened with salvageDamaged: some frames were lost
    QByteArray provenance; // the container's "tincture_provenance" tag (JSON), if any

    QJsonObject toJson() const;
};

} // namespace tincture
