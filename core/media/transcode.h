#pragma once
// transcode(): read a source frame by frame and write it, with the source's audio, into a
// delivery file, a master or an image sequence (FilmWriter). The CLI's `transcode`. Memory
// stays bounded: frames stream through one at a time.

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "media/filmwriter.h"
#include "media/outputspec.h"
#include "media/videosource.h"

#include <QString>

namespace tincture {

struct TranscodeRequest
{
    QString input;
    OutputSpec output;
    SourceOptions source;
};

// Reports (frames done, frames in the range).
Result<TranscodeReport> transcode(const TranscodeRequest &request, Feedback &feedback);

} // namespace tincture
