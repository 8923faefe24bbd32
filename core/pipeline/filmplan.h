#pragma once
// A film plan: a film split into shots that are coloured apart — in other processes, on other
// machines, by a batch scheduler's array tasks — and put back together into exactly the film
// `colorize` makes with the same options. planFilm() detects the shots and gives them their
// keyframes as the film engine does; renderShot() colours one shot with the engine into a
// lossless part; assembleFilm() checks every part and encodes the film from them, with the
// source's audio and the provenance `colorize` writes.
//
// A plan is JSON and deterministic (the same film and options give the same bytes). It pins
// everything the frames depend on: the source (size, sha256 of its first MiB and of its frame
// index), the keyframe files (sha256), the models (sha256), the propagation method and its
// parameters, the output choices. Shot work refuses a plan whose inputs changed, naming what.
//
// A parts folder belongs to one plan (parts.json holds the plan's sha256). For shot K:
//   shot-K.mkv           its frames in the output range, FFV1 RGB at the frames' depth
//                        (lossless), written atomically
//   shot-K.done.json     written last: the plan's sha256, the shot, its frames, the part's
//                        size and sha256, the shot's provenance, the host and the seconds
//                        the render took. A part counts as finished
//                        only when this record exists and matches the part.
//   shot-K.running.json  while a render-shot works on it: host, process id, start time
//   shot-K.failed.json   the error of the last run that failed or was cancelled
// (K with 4 digits.) A killed render leaves at most a temporary file (swept by the next write
// in the folder) and a stale running marker; the shot is then not finished, and a rerun
// renders it.

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
    QString modelPath;            // the keyframe model manifest given; empty: the shipped one
    ModelIdentity model;          // empty when no keyframe needs the model
    // The output: codec (none: from the film's extension at assembly), quality, range, audio.
    std::optional<VideoCodec> codec;
    int h264Crf = 16;
    FrameIndex first = 0, last = 0; // resolved: inside the film
    bool withAudio = true;
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

enum class ShotState { Done, Running, Failed, Pending };
const char *shotStateName(ShotState state);

struct ShotStatus
{
    int shot = 0;
    ShotState state = ShotState::Pending;
    QString detail; // running: where; failed: why
};

// The state of every shot from the parts folder's records (sizes only; assembleFilm checks
// the parts' sha256). An error when the folder holds another plan's parts.
Result<std::vector<ShotStatus>> shotStatus(const LoadedPlan &plan, const QString &partsDir);

struct ShotRenderReport
{
    bool skipped = false; // already finished
    int64_t frames = 0;
    QString part;
};

// Colours shot `shot` of the plan into partsDir. A finished part is kept unless `force`.
// Threads: the scribble solver's (0: all cores).
Result<ShotRenderReport> renderShot(const LoadedPlan &plan, int shot, const QString &partsDir,
                                    bool force, int threads, KeyframeService &keyframes,
                                    Feedback &feedback);

// Checks that every part is finished and intact (sha256), then encodes the film the plan
// describes to `output` (the codec, when the plan names none, from its extension). A missing
// or damaged part: InvalidArgument naming the shots to render again, and nothing written.
Result<TranscodeReport> assembleFilm(const LoadedPlan &plan, const QString &partsDir,
                                     const QString &output, Existing existing, Feedback &feedback);

} // namespace tincture::pipeline
