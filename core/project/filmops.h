#pragma once
// The studio's long operations on a whole film, as plain functions taking a Feedback (the
// studio wraps each in a Job; tests call them directly). Coloured frames go to and come from
// a ResultCache, so memory stays bounded whatever the film's length.
//
// Each function opens its own VideoSource (a source is used by one thread at a time) and may
// run on any thread.

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "media/transcode.h"
#include "metrics/videometrics.h"
#include "project/resultcache.h"

#include <QString>
#include <QVector>

#include <functional>

#include <optional>
#include <utility>
#include <vector>

namespace tincture::project {

// Shots of the film as inclusive (first, last) spans, from shot detection.
Result<QVector<QPair<FrameIndex, FrameIndex>>> detectShotSpans(const QString &mediaPath,
                                                               Feedback &feedback);

struct PropagateShotRequest
{
    QString mediaPath;
    FrameIndex first = 0; // the shot, inclusive
    FrameIndex last = 0;
    // Absolute frame index and the PNG holding its accepted colour.
    std::vector<std::pair<FrameIndex, QString>> keyframes;
    QString method; // empty: defaultPropagationMethodName()
    ResultCache cache;
};

// Colours every frame of the shot from its keyframes and writes them to the cache
// (framePath). Reports (frames done, shot length).
Result<void> propagateShot(const PropagateShotRequest &request, Feedback &feedback);

struct ExportRequest
{
    QString mediaPath;
    QString output;
    std::optional<VideoCodec> codec; // default: from the output's extension
    FrameIndex first = 0;            // inclusive range
    FrameIndex last = -1;            // -1: to the end
    bool withAudio = true;
    ResultCache cache;
    Existing existing = Existing::Refuse; // what to do with a file already under `output`
    QStringList protectedInputs;          // the project file, the reference clip
};

// Encodes the coloured film (frames from the cache; a frame not coloured yet goes out grey,
// with one warning naming how many). Reports (frames done, total).
Result<TranscodeReport> exportFilm(const ExportRequest &request, Feedback &feedback);

// Per-frame metrics of the coloured frames in the cache over [first, last] (only frames that
// are cached count; returns an error if none is), against a reference clip when given.
Result<std::vector<metrics::FrameMetrics>> measureFilm(const QString &mediaPath, FrameIndex first,
                                                       FrameIndex last, const ResultCache &cache,
                                                       const QString &referencePath,
                                                       Feedback &feedback);

// The propagation methods a project may name, with one-line descriptions, and the default.
QStringList propagationMethods();
QString propagationMethodSummary(const QString &name);
QString defaultPropagationMethod();

// One decoded frame (for the keyframe model and solver).
Result<Frame> readFrame(const QString &mediaPath, FrameIndex frame);

// Every `step`-th frame, in order, handed to `sink` (on the calling thread) to be shrunk into
// a thumbnail; only one frame is decoded at a time.
Result<void> forEachNthFrame(const QString &mediaPath, int step,
                             const std::function<void(FrameIndex, const Frame &)> &sink,
                             Feedback &feedback);

} // namespace tincture::project
