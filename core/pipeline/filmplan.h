#pragma once
// A film plan: a film split into shots that are coloured apart — in other processes, on other
// machines, by a batch scheduler's array tasks — and put back together into exactly the film
// `colorize` makes with the same options. planFilm() detects the shots and gives them their
// keyframes as the film engine does; the shot tasks and their parts are shotparts.h's.
//
// A plan is JSON and deterministic (the same film and options give the same bytes). It pins
// everything the frames depend on: the source (size, sha256 of its first MiB and of its frame
// index), the keyframe files (sha256), the models (sha256), the propagation method and its
// parameters, the output choices. Shot work refuses a plan whose inputs changed, naming what.

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "media/filmwriter.h"
#include "media/outputspec.h"
#include "media/videosource.h"
#include "pipeline/filmengine.h"
#include "pipeline/keyframeservice.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>
#include <vector>

namespace tincture::pipeline {

// What identifies a source film without reading all of it.
struct SourceFingerprint
{
    QString path;        // absolute
    int64_t bytes = 0;   // the file's size (an image sequence: all its files)
    QString headSha256;  // of the first MiB (an image sequence: of its first file)
    QString indexSha256; // of the frame index: size, timing and every frame's timestamp
    int64_t frames = 0;
    int width = 0, height = 0;
    bool operator==(const SourceFingerprint &) const = default;
};

Result<SourceFingerprint> fingerprintSource(const QString &path, const VideoSource &film);

struct PlannedKeyframe
{
    FrameIndex frame = 0;
    QString source; // "image" (given as is), "hints" (solved over the model), "model"
    QString path;   // the image or hint file (absolute); empty for "model"
    QString sha256; // of that file
    bool operator==(const PlannedKeyframe &) const = default;
};

struct PlannedShot
{
    FrameIndex first = 0, last = 0; // the whole shot, inclusive
    std::vector<PlannedKeyframe> keyframes;
    bool operator==(const PlannedShot &) const = default;
};

struct FilmPlan
{
    static constexpr int kVersion = 1;
    QString tinctureVersion;
    SourceFingerprint source;
    bool salvage = false;
    QString method;
    QJsonObject methodParameters; // its trained models, with their sha256
    double priorWeight = 0.1;     // λ for hints
    int workingHeight = 0;        // FilmJob::workingHeight (absent from older plans: 0)
    QString modelPath;            // the keyframe model manifest given; empty: the shipped one
    ModelIdentity model;          // empty when no keyframe needs the model
    // The output: codec (none: from the film's extension at assembly), quality, audio, and the
    // range, resolved to frames inside the film. No path: assembly names the film.
    OutputSpec output;
    std::vector<PlannedShot> shots; // those that overlap [first, last], in film order

    QByteArray toBytes() const; // indented JSON, keys sorted: the same plan, the same bytes
    // `path` names the file in errors: not JSON, another version, a field missing or wrong.
    static Result<FilmPlan> fromBytes(const QByteArray &bytes, const QString &path);
};

// Detects the shots of job.input and writes down everything a shot needs. job.first/last are
// ignored: `output` holds the range and the output choices (its path is not used).
Result<FilmPlan> planFilm(const FilmJob &job, const OutputSpec &output, const QString &modelPath,
                          KeyframeService &keyframes, Feedback &feedback);

// A plan file read and its sha256 (what a parts folder is bound to).
struct LoadedPlan
{
    QString path; // absolute
    FilmPlan plan;
    QString sha256;
};
Result<LoadedPlan> loadPlan(const QString &path);

// Everything the plan depends on, checked again: the source, the keyframe files and the
// models. The error names every change.
Result<void> checkPlanInputs(const FilmPlan &plan, KeyframeService &keyframes);

} // namespace tincture::pipeline
