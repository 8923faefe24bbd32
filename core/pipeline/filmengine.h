#pragma once
// The film engine: the one place where a film is coloured, for the CLI's `colorize` and the
// studio's Colourise Film, Propagate and Export. It walks the shots (detected, or given), gets
// each shot's keyframes (a colour image given as is, scribbles solved over the keyframe model's
// proposal, or the model's proposal alone, through the KeyframeService), propagates their
// colour through the shot, and hands the frames in order to a sink: a FilmWriter (an encoded
// film with the source's audio and the provenance) or the studio's result cache. Nothing
// crosses a cut.
//
// Decoding: shot detection reads the film once, in order; propagation reads each shot's frames
// as its method asks (VideoShotSource); a model keyframe's frame is read once more. No frame is
// decoded only to be thrown away. Every keyframe is made before the first frame is written,
// so the provenance is complete when the output opens; they wait in a reorder buffer (memory
// bounded, spilled to an anonymous file), as do a shot's frames between the propagation
// method and the sink.
//
// Memory: per shot, never per film. Runs on the calling (worker) thread; polls feedback per
// frame and reports progress over the whole job (detection, keyframes, colouring).

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "media/filmwriter.h"
#include "media/outputspec.h"
#include "pipeline/keyframeservice.h"
#include "pipeline/provenance.h"
#include "project/resultcache.h"
#include "propagation/propagationmethod.h"
#include "propagation/shotdetection.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

namespace tincture::pipeline {

// One keyframe the caller gives. With neither image nor hints, the keyframe model proposes the
// frame's colour.
struct KeyframeSpec
{
    FrameIndex frame = 0;
    QString image; // a colour image of the film's size: this frame's colour, as is
    QString hints; // or RGBA scribbles (alpha > 0) solved over the model's proposal
    // How `image` was made, when the caller knows (the studio's painted keyframes); the
    // engine fills in the pixels' hash.
    std::optional<KeyframeProvenance> described;
};

struct FilmJob
{
    QString input;
    SourceOptions source;
    std::vector<propagation::Shot> shots; // empty: detected with shotParams
    propagation::ShotDetectionParams shotParams;
    std::vector<KeyframeSpec> keyframes; // at most one per frame
    // A shot with no keyframe above gets the model's proposal at its middle frame; without
    // proposeMissing such a shot is an error.
    bool proposeMissing = true;
    double priorWeight = 0.1; // λ for hints
    int threads = 0;          // CPU threads of the scribble solve; 0: all cores
    // Keyframes, scribbles and propagation run on frames of this many rows (the film's aspect
    // ratio), and each frame's colour is delivered at the film's size over its own luma, at its
    // depth (propagation/workingresolution.h), into the film or the studio's cache. 0, or not
    // below the film's height: the film's own size.
    int workingHeight = 0;
    QString method; // propagation method; empty: defaultPropagationMethodName()
    propagation::PropagationMethodOptions methodOptions; // the models the method loads
    FrameIndex first = 0;        // the frames to colour (inclusive); shots outside are skipped,
    FrameIndex last = -1;        // shots across the ends are propagated whole. -1: to the end
    QStringList protectedInputs; // files an output may not replace (besides the job's inputs)
    // Called on the job's thread as each shot's frames are all delivered (may be empty).
    std::function<void(const ShotProvenance &)> shotFinished;
};

// Checks the caller's keyframes before any work: each inside the film, at most one per frame,
// every image readable and of the film's size, every hint image RGBA.
Result<void> checkKeyframes(const std::vector<KeyframeSpec> &keyframes, VideoSource &film,
                            Feedback &feedback);

// A shot and the keyframes it gets, in frame order: the caller's inside it or, when there are
// none and proposeMissing, the model's proposal at its middle frame (a spec with neither
// image nor hints).
struct ShotKeyframes
{
    propagation::Shot shot;
    std::vector<KeyframeSpec> keyframes;
};

// The shots that overlap [first, last], each with its keyframes; InvalidArgument names a shot
// without one when !proposeMissing.
Result<std::vector<ShotKeyframes>> assignKeyframes(const std::vector<propagation::Shot> &shots,
                                                   const std::vector<KeyframeSpec> &keyframes,
                                                   FrameIndex first, FrameIndex last,
                                                   bool proposeMissing);
// The same shots with no keyframe, for a method that uses none (per-frame mode).
std::vector<ShotKeyframes> shotsWithoutKeyframes(const std::vector<propagation::Shot> &shots,
                                                 FrameIndex first, FrameIndex last);

struct FilmReport
{
    int64_t frames = 0; // frames delivered to the sink
    std::vector<propagation::Shot> shots;
    std::vector<FrameIndex> modelKeyframes; // frames the model coloured on its own
    std::vector<FrameIndex> userKeyframes;  // frames given by the caller (image or hints)
    QString method;
    Provenance provenance;   // of the shots coloured
    TranscodeReport written; // the film written (colorizeFilm only)
    double detectSeconds = 0, keyframeSeconds = 0, colourSeconds = 0;
};

// Colours the film and writes it as `output` says (the CLI's colorize); output.first/last
// choose the frames (job.first/last are ignored). Nothing appears under the output name
// unless the whole job succeeds.
Result<FilmReport> colorizeFilm(const FilmJob &job, const OutputSpec &output,
                                KeyframeService &keyframes, Feedback &feedback);

// Colours the film's frames [job.first, job.last] into the studio's result cache (framePath),
// and caches each model keyframe as the keyframe's prior and colour (keyframeModelPath,
// keyframeResultPath; at the film's size, Rgb8). A cancelled job leaves the frames it
// finished.
Result<FilmReport> colorizeIntoCache(const FilmJob &job, const project::ResultCache &cache,
                                     KeyframeService &keyframes, Feedback &feedback);

struct CacheExport
{
    QString mediaPath;
    project::ResultCache cache;
    OutputSpec output;
    Provenance provenance;       // of the shots in the range (from the project)
    QStringList protectedInputs; // the project file, the reference clip
};

// Encodes the coloured film from the cache (a frame not coloured yet goes out grey, with one
// warning naming how many). Reports (frames done, total).
Result<TranscodeReport> exportFromCache(const CacheExport &request, Feedback &feedback);

} // namespace tincture::pipeline
