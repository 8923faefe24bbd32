#include "media/filmwriter.h"

#include "foundation/outputguard.h"

#include <QFile>

#include <optional>

namespace tincture {

struct FilmWriter::Impl
{
    QString output;
    const VideoSource *source = nullptr;
    FrameIndex first = 0;
    FrameIndex last = -1;
    FrameIndex next = 0;
    int64_t ptsOffset = 0;
    VideoCodec codec = VideoCodec::H264;
    std::unique_ptr<VideoEncoder> encoder;
    std::optional<AtomicOutput> sidecar;
    QString staleSidecar; // a sidecar of the film being replaced: removed with it
    bool done = false;
};

FilmWriter::FilmWriter(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}

FilmWriter::~FilmWriter()
{
    abort();
}

Result<std::unique_ptr<FilmWriter>> FilmWriter::open(const OutputSpec &spec,
                                                     const VideoSource &source,
                                                     const QStringList &protectedInputs,
                                                     const QByteArray &provenance)
{
    const MediaInfo &info = source.info();
    if (Result<void> ok =
            checkOutput(spec.path, QStringList{info.path} + protectedInputs, spec.existing);
        !ok)
        return ok.error();
    Result<VideoCodec> codec = outputCodec(spec);
    if (!codec)
        return codec.error();
    auto d = std::make_unique<Impl>();
    d->output = spec.path;
    d->source = &source;
    d->codec = *codec;
    d->first = std::max<FrameIndex>(0, spec.first);
    d->last = spec.last < 0 ? info.frames - 1 : std::min(spec.last, info.frames - 1);
    if (d->first > d->last)
        return makeError(ErrorCode::OutOfRange,
                         QStringLiteral("%1: the range %2–%3 holds no frames (the film has %4)")
                             .arg(info.path)
                             .arg(spec.first)
                             .arg(spec.last)
                             .arg(info.frames));
    d->next = d->first;
    if (Result<void> ok =
            checkOutputSpace(spec.path, *codec, info.width, info.height, d->last - d->first + 1);
        !ok)
        return ok.error();

    // The sidecar belongs to the film under the output name: without provenance, one already
    // there is refused like the film (it would describe this output) or goes with the film
    // it describes when that is replaced.
    const QString sidecarPath = provenanceSidecarPath(spec.path);
    if (provenance.isEmpty() && pathIsTaken(sidecarPath)) {
        if (spec.existing == Existing::Refuse)
            return makeError(
                ErrorCode::OutputExists,
                QStringLiteral("%1: already exists and would be replaced").arg(sidecarPath));
        d->staleSidecar = sidecarPath;
    }
    if (!provenance.isEmpty()) {
        Result<AtomicOutput> sidecar =
            AtomicOutput::begin(sidecarPath, AtomicOutput::Kind::File, spec.existing);
        if (!sidecar)
            return sidecar.error();
        QFile file(sidecar->tempPath());
        if (!file.open(QIODevice::WriteOnly) || file.write(provenance) != provenance.size() ||
            !file.flush())
            return makeError(ErrorCode::WriteFailed,
                             QStringLiteral("%1: cannot write").arg(sidecar->targetPath()),
                             file.errorString());
        d->sidecar = std::move(*sidecar);
    }

    EncodeSettings settings = encodeSettingsFor(spec, *codec, info);
    settings.sourceStartSeconds = source.frameTimeSeconds(d->first);
    settings.provenance = provenance;
    // The output starts at 0: timestamps are shifted by the first frame's.
    d->ptsOffset = source.framePts(d->first);
    Result<std::unique_ptr<VideoEncoder>> encoder =
        VideoEncoder::create(spec.path, info.width, info.height, settings);
    if (!encoder)
        return encoder.error();
    d->encoder = std::move(*encoder);
    return std::unique_ptr<FilmWriter>(new FilmWriter(std::move(d)));
}

FrameIndex FilmWriter::first() const
{
    return d->first;
}

FrameIndex FilmWriter::last() const
{
    return d->last;
}

Result<void> FilmWriter::write(FrameIndex index, const Frame &frame)
{
    if (d->done || index != d->next || index > d->last)
        return makeError(ErrorCode::Internal,
                         QStringLiteral("%1: frame %2 written out of order (expected %3)")
                             .arg(d->output)
                             .arg(index)
                             .arg(d->next));
    Frame out = frame;
    out.index = index;
    out.timeBase = d->source->info().timeBase;
    out.pts = d->source->framePts(index) - d->ptsOffset;
    if (Result<void> ok = d->encoder->write(out); !ok) {
        abort();
        return ok.error();
    }
    ++d->next;
    return {};
}

Result<TranscodeReport> FilmWriter::finish()
{
    if (d->done || d->next != d->last + 1) {
        const FrameIndex next = d->next;
        abort();
        return makeError(ErrorCode::Internal, QStringLiteral("%1: finished at frame %2 of %3–%4")
                                                  .arg(d->output)
                                                  .arg(next)
                                                  .arg(d->first)
                                                  .arg(d->last));
    }
    d->done = true;
    if (Result<void> ok = d->encoder->finish(); !ok) {
        if (d->sidecar)
            d->sidecar->discard();
        return ok.error();
    }
    TranscodeReport report;
    report.frames = d->last - d->first + 1;
    report.audioStreams = d->encoder->audioStreamsWritten();
    report.codec = d->codec;
    report.notes = d->encoder->notes();
    if (!d->staleSidecar.isEmpty())
        QFile::remove(d->staleSidecar);
    if (d->sidecar)
        if (Result<void> ok = d->sidecar->commit(); !ok)
            return makeError(ErrorCode::WriteFailed,
                             QStringLiteral("%1 was written, but not its provenance sidecar: %2")
                                 .arg(d->output, ok.error().message));
    return report;
}

void FilmWriter::abort()
{
    if (d->done)
        return;
    d->done = true;
    if (d->encoder)
        d->encoder->abort();
    if (d->sidecar)
        d->sidecar->discard();
}

} // namespace tincture
