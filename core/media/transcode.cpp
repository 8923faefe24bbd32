#include "media/transcode.h"

namespace tincture {

Result<TranscodeReport> transcode(const TranscodeRequest &request, Feedback &feedback)
{
    // Before the source is opened (and indexed): an output that would replace the input or an
    // existing file is refused at once.
    if (Result<void> ok = checkFilmOutput(request.output, {request.input}); !ok)
        return ok.error();
    // Frames stream through once, in order: a decoded-frame cache would only hold memory.
    SourceOptions sourceOptions = request.source;
    sourceOptions.cacheBytes = 0;
    Result<std::unique_ptr<VideoSource>> opened = VideoSource::open(request.input, sourceOptions);
    if (!opened)
        return opened.error();
    VideoSource &source = **opened;
    Result<std::unique_ptr<FilmWriter>> writer = FilmWriter::open(request.output, source);
    if (!writer)
        return writer.error();
    FilmWriter &out = **writer;
    for (FrameIndex i = out.first(); i <= out.last(); ++i) {
        if (feedback.isCancelled()) {
            out.abort();
            return Error::cancelled();
        }
        Result<Frame> frame = source.frame(i);
        if (!frame) {
            out.abort();
            return frame.error();
        }
        if (Result<void> ok = out.write(i, *frame); !ok)
            return ok.error();
        feedback.reportProgress(i - out.first() + 1, out.frameCount());
    }
    if (feedback.isCancelled()) {
        out.abort();
        return Error::cancelled();
    }
    return out.finish();
}

} // namespace tincture
