#pragma once
// OutputSpec: what a film export is to be — file, format, quality, frame range, audio, and
// whether an existing file may be replaced. The one description of an output that the CLI's
// flags and the studio's export dialog both fill in and that FilmWriter turns into encoder
// settings: a new export option is added here and in encodeSettingsFor(), and every writer of
// films (transcode, colorize, the studio's export) has it.

#include "foundation/atomicoutput.h"
#include "foundation/result.h"
#include "media/videoencoder.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

namespace tincture {

struct OutputSpec
{
    QString path;
    std::optional<VideoCodec> codec;      // default: from the path's extension (codecForPath)
    int h264Crf = 16;                     // H.264 quality, 0–51, lower is better
    FrameIndex first = 0;                 // inclusive range of source frames
    FrameIndex last = -1;                 // -1: to the end
    bool withAudio = true;                // carry the source's audio over
    Existing existing = Existing::Refuse; // what to do with a file already under `path`
};

// The codec the spec asks for, or an error naming the path when neither the spec nor the
// extension says.
Result<VideoCodec> outputCodec(const OutputSpec &spec);

// Encoder settings for writing `spec` from `source`: the source's timing, aspect, colour tags
// and (unless withAudio is off, or the source is an image sequence) audio, and the spec's
// codec and quality. sourceStartSeconds is left for the writer to set.
EncodeSettings encodeSettingsFor(const OutputSpec &spec, VideoCodec codec, const MediaInfo &source);

// Where an export's provenance sidecar goes: beside the output ("film.mp4.provenance.json";
// for an image sequence's folder "frames.provenance.json").
QString provenanceSidecarPath(const QString &output);

// Refuses, before any work, an output that is one of `inputs` (checkOutput), or that exists,
// or whose sidecar exists (it would describe this film), unless spec.existing is Replace.
Result<void> checkFilmOutput(const OutputSpec &spec, const QStringList &inputs);

// The spec's range in a film of `frames` frames (last −1: to the end; clamped to the film),
// or OutOfRange naming `film` when it holds no frame.
Result<std::pair<FrameIndex, FrameIndex>> outputRange(const OutputSpec &spec, int64_t frames,
                                                      const QString &film);

// A low estimate of what `frames` frames of width × height take in `codec` (bytes per pixel
// measured on smooth footage, which compresses best: H.264 at CRF 16 0.01, FFV1 0.7, ProRes
// 422 HQ 0.6, 16-bit PNG/TIFF 0.8), and a refusal (WriteFailed, naming the output and both
// sizes) when the output's volume has less free space than that. A film that fits the
// estimate can still fill the disk midway; the encoder then fails cleanly.
int64_t estimatedOutputBytes(VideoCodec codec, int width, int height, int64_t frames);
Result<void> checkOutputSpace(const QString &output, VideoCodec codec, int width, int height,
                              int64_t frames);

} // namespace tincture
