#pragma once
// The automatic pipeline behind `tincture-cli colorize`: find the shots, give every shot a
// colour keyframe (the keyframe model's proposal at the shot's middle frame, unless the user
// supplied one: a finished colour image, or scribbles solved over the model's proposal),
// propagate the keyframes' colour through each shot, and encode the film with the source's
// audio. Nothing crosses a cut. The output appears only when complete (the encoder writes a
// temporary file and renames it); a cancel or error leaves nothing behind.
//
// Memory: per shot (the propagation method's state and a reorder buffer that spills to disk
// past 512 MB), never per film. Runs on the calling (worker) thread; polls feedback per frame;
// reports progress over the whole job (shot detection, then colouring and encoding).

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "media/transcode.h"
#include "propagation/shotdetection.h"

#include <QString>

#include <optional>
#include <vector>

namespace tincture::pipeline {

struct KeyframeOverride
{
    FrameIndex frame = 0;
    QString image; // a colour image of the film's size: this frame's colour, as is
    QString hints; // or RGBA scribbles (alpha > 0) solved over the model's proposal (prior)
};

struct ColorizeFilmRequest
{
    QString input;
    QString output;
    std::optional<VideoCodec> codec; // default: from the output's extension
    int h264Crf = 16;
    bool withAudio = true;
    QString modelPath; // empty: the shipped model
    int threads = 0;
    QString device = QStringLiteral("auto");
    QString method; // propagation method; empty: defaultPropagationMethodName()
    std::vector<KeyframeOverride> keyframes;
    double priorWeight = 0.1; // λ for scribbled keyframes
    ShotDetectionParams shotParams;
    SourceOptions source;
    Existing existing = Existing::Refuse; // what to do with a file already under `output`
};

struct ColorizeFilmReport
{
    int64_t frames = 0;
    std::vector<Shot> shots;
    std::vector<FrameIndex> modelKeyframes; // frames the model coloured
    std::vector<FrameIndex> userKeyframes;
    int audioStreams = 0;
    QString method;
    QString notes;
    double detectSeconds = 0, keyframeSeconds = 0, propagateEncodeSeconds = 0;
};

Result<ColorizeFilmReport> colorizeFilm(const ColorizeFilmRequest &request, Feedback &feedback);

} // namespace tincture::pipeline
