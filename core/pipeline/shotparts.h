#pragma once
// The shot tasks of a film plan (filmplan.h) and their parts folder: renderShot() colours one
// shot with the film engine into a lossless part, shotStatus() says where every shot stands,
// assembleFilm() checks every part and encodes the film `colorize` makes.
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
#include "pipeline/filmplan.h"
#include "pipeline/keyframeservice.h"

#include <QString>

#include <vector>

namespace tincture::pipeline {

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
