// exportFromCache (filmengine.h): the studio's export of the coloured frames in its result
// cache, grey where a frame is not coloured yet.

#include "pipeline/filmengine.h"

#include "media/imageio.h"

#include <QFile>
#include <QFileInfo>

#include <tuple>

namespace tincture::pipeline {

Result<TranscodeReport> exportFromCache(const CacheExport &request, Feedback &feedback)
{
    const QStringList inputs = request.protectedInputs + QStringList{request.cache.dir()};
    if (Result<void> ok = checkFilmOutput(request.output, QStringList{request.mediaPath} + inputs);
        !ok)
        return ok.error();
    // Frames are read once, in order, and only those not coloured yet.
    SourceOptions options;
    options.cacheBytes = 0;
    Result<std::unique_ptr<VideoSource>> source = VideoSource::open(request.mediaPath, options);
    if (!source)
        return source.error();
    // The range as the writer takes it, recorded with the shots' provenance.
    Result<std::pair<FrameIndex, FrameIndex>> range =
        outputRange(request.output, (*source)->frameCount(), request.mediaPath);
    if (!range)
        return range.error();
    Provenance provenance = request.provenance;
    provenance.source = QFileInfo(request.mediaPath).fileName();
    std::tie(provenance.first, provenance.last) = *range;
    Result<std::unique_ptr<FilmWriter>> opened =
        FilmWriter::open(request.output, **source, inputs, provenance.toBytes());
    if (!opened)
        return opened.error();
    FilmWriter &writer = **opened;
    const MediaInfo &info = (*source)->info();
    int64_t greyFrames = 0;
    for (FrameIndex f = writer.first(); f <= writer.last(); ++f) {
        if (feedback.isCancelled()) {
            writer.abort();
            return Error::cancelled();
        }
        const QString path = request.cache.framePath(f);
        const bool coloured = QFile::exists(path);
        Result<Frame> frame = coloured ? readImage(path) : (*source)->frame(f);
        if (!coloured)
            ++greyFrames;
        else if (frame && (frame->width() != info.width || frame->height() != info.height))
            frame = makeError(ErrorCode::SizeMismatch,
                              QStringLiteral("the cached colour of frame %1 (%2) is %3×%4, the "
                                             "film is %5×%6")
                                  .arg(f)
                                  .arg(path)
                                  .arg(frame->width())
                                  .arg(frame->height())
                                  .arg(info.width)
                                  .arg(info.height));
        if (!frame) {
            writer.abort();
            return frame.error();
        }
        if (Result<void> ok = writer.write(f, *frame); !ok)
            return ok.error();
        feedback.reportProgress(f - writer.first() + 1, writer.frameCount());
    }
    Result<TranscodeReport> report = writer.finish();
    if (report && greyFrames > 0)
        feedback.warn(QStringLiteral("%1 of %2 frames were not coloured yet and went out grey")
                          .arg(greyFrames)
                          .arg(report->frames));
    return report;
}

} // namespace tincture::pipeline
