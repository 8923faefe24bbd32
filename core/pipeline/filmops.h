#pragma once
// The studio's smaller operations on a film, as plain functions taking a Feedback (the studio
// wraps each in a Job; tests call them directly): shots, one frame, thumbnails, metrics of the
// coloured frames in the ResultCache, the propagation methods' and colourisers' names, and
// per-frame shots coloured into the cache. Colouring and exporting are the film engine's
// (filmengine.h).
//
// Each function opens its own VideoSource (a source is used by one thread at a time) and may
// run on any thread.

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "media/videosource.h"
#include "metrics/videometrics.h"
#include "pipeline/filmengine.h"
#include "project/resultcache.h"
#include "propagation/propagationmethod.h"

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

// The colourisers a project may choose to propose its keyframes (ml::colorizerNames():
// "pix2pix", the keyframe model, then each installed video colouriser), one line on each, and
// a named one's manifest (an error naming the installed ones when it is not installed).
QStringList colorizers();
QString colorizerSummary(const QString &name);
Result<QString> colorizerManifest(const QString &name);
// Whether a named colouriser is installed and is a video colouriser (one that can colour a shot
// frame by frame: per-frame mode), and whether any installed one is.
bool isVideoColorizer(const QString &name);
bool hasVideoColorizer();
// The options of the "per-frame" method in a project whose colouriser is `colorizer`: that
// colouriser when it is a video colouriser, else the shipped one (an empty colorizerPath).
propagation::PropagationMethodOptions perFrameMethodOptions(const QString &colorizer);

// The studio's per-frame shots coloured into its result cache: colorizeIntoCache with the
// "per-frame" method (job.methodOptions say which video colouriser), every shot of job.shots
// (which must be given) coloured frame by frame from its grey alone, with no keyframe (none is
// read, proposed or recorded). job.method and job.keyframes are replaced.
Result<FilmReport> colorizePerFrameIntoCache(FilmJob job, const project::ResultCache &cache,
                                             KeyframeService &keyframes, Feedback &feedback);

// One decoded frame (for the keyframe model and solver).
Result<Frame> readFrame(const QString &mediaPath, FrameIndex frame);

// Every `step`-th frame, in order, handed to `sink` (on the calling thread) to be shrunk into
// a thumbnail; only one frame is decoded at a time.
Result<void> forEachNthFrame(const QString &mediaPath, int step,
                             const std::function<void(FrameIndex, const Frame &)> &sink,
                             Feedback &feedback);

} // namespace tincture::pipeline
