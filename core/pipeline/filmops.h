#pragma once
// The studio's smaller operations on a film, as plain functions taking a Feedback (the studio
// wraps each in a Job; tests call them directly): shots, one frame, thumbnails, metrics of the
// coloured frames in the ResultCache, and the propagation methods' names. Colouring and
// exporting are the film engine's (filmengine.h).
//
// Each function opens its own VideoSource (a source is used by one thread at a time) and may
// run on any thread.

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "media/videosource.h"
#include "metrics/videometrics.h"
#include "project/resultcache.h"

#include <QString>
#include <QVector>

#include <functional>

#include <optional>
#include <utility>
#include <vector>

namespace tincture::pipeline {

// Shots of the film as inclusive (first, last) spans, from shot detection.
Result<QVector<QPair<FrameIndex, FrameIndex>>> detectShotSpans(const QString &mediaPath,
                                                               Feedback &feedback);

// Per-frame metrics of the coloured frames in the cache over [first, last] (only frames that
// are cached count; returns an error if none is), against a reference clip when given.
Result<std::vector<metrics::FrameMetrics>>
measureFilm(const QString &mediaPath, FrameIndex first, FrameIndex last,
            const project::ResultCache &cache, const QString &referencePath, Feedback &feedback);

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

} // namespace tincture::pipeline
