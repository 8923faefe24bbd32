#pragma once
// VideoEncoder: writes frames to a delivery file (H.264 in MP4), a lossless master (FFV1 in
// MKV, ProRes 422 HQ in MOV) or a 16-bit PNG/TIFF sequence (a folder of 00000.png, ...),
// carrying the source's audio over (copied where the container allows, else AAC). Output goes
// to a temporary name beside the target and is renamed only by finish(): a failed, aborted or
// destroyed-unfinished encoder leaves nothing under the target name. One thread at a time.

#include "foundation/atomicoutput.h"
#include "foundation/rational.h"
#include "foundation/result.h"
#include "image/frame.h"
#include "media/mediainfo.h"

#include <QString>

#include <memory>
#include <optional>

namespace tincture {

enum class VideoCodec { H264, Ffv1, ProRes, ProRes4444, PngSequence, TiffSequence };

// "h264", "ffv1", "prores" (422 HQ, 10-bit 4:2:2), "prores4444" (10-bit 4:4:4), "png", "tiff"
QString codecName(VideoCodec codec);
std::optional<VideoCodec> codecFromName(const QString &name);
// The codec a file name suggests: .mp4 → h264, .mkv → ffv1, .mov → prores, no suffix → png.
std::optional<VideoCodec> codecForPath(const QString &path);
bool isSequence(VideoCodec codec);

struct EncodeSettings
{
    VideoCodec codec = VideoCodec::H264;
    int h264Crf = 16; // H.264 quality, lower is better (visually lossless ≈ 16–18)
    QString h264Preset = QStringLiteral("medium");
    Rational fps{24, 1};
    Rational timeBase{1, 24}; // units of Frame::pts given to write()
    Rational sampleAspect{1, 1};
    ColourTags colour;   // from the source; unspecified → BT.709
    int bitDepth = 16;   // of the frames' samples (8 or 16): FFV1 keeps RGB at this depth
    QString audioSource; // file whose audio is carried over; empty: none
    double sourceStartSeconds = 0.0;      // source time of the first frame written
    int threads = 0;                      // 0: all cores
    Existing existing = Existing::Refuse; // what to do with a file already at the path
    // How the frames got their colour (JSON, provenance.h), kept as the container's
    // "tincture_provenance" tag (MKV, MP4, MOV); image sequences keep it in the sidecar only.
    QByteArray provenance;
};

class VideoEncoder
{
public:
    static Result<std::unique_ptr<VideoEncoder>> create(const QString &path, int width, int height,
                                                        const EncodeSettings &settings);
    ~VideoEncoder();

    // Frames in presentation order, all of the size given to create(); frame.pts counts in
    // settings.timeBase from the first frame written.
    Result<void> write(const Frame &frame);
    // Flushes, writes the trailer and renames the output into place.
    Result<void> finish();
    // Stops and removes the temporary output.
    void abort();

    int audioStreamsWritten() const;
    QString notes() const; // e.g. "padded 853×479 to 854×480 for 4:2:0"

private:
    struct Impl;
    explicit VideoEncoder(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace tincture
