#include "media/filmwriter.h"

#include <QFile>

#include <tuple>

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
    QByteArray provenance; // written to the sidecar once the film is in place
    Existing existing = Existing::Refuse;
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
    if (Result<void> ok = checkFilmOutput(spec, QStringList{info.path} + protectedInputs); !ok)
        return ok.error();
    Result<VideoCodec> codec = outputCodec(spec);
    if (!codec)
        return codec.error();
    Result<std::pair<FrameIndex, FrameIndex>> range = outputRange(spec, info.frames, info.path);
    if (!range)
        return range.error();
    auto d = std::make_unique<Impl>();
    d->output = spec.path;
    d->source = &source;
    d->codec = *codec;
    std::tie(d->first, d->last) = *range;
    d->next = d->first;
    d->provenance = provenance;
    d->existing = spec.existing;
    if (Result<void> ok =
            checkOutputSpace(spec.path, *codec, info.width, info.height, d->last - d->first + 1);
        !ok)
        return ok.error();

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
    if (Result<void> ok = d->encoder->finish(); !ok)
        return ok.error();
    TranscodeReport report;
    report.frames = d->last - d->first + 1;
    report.audioStreams = d->encoder->audioStreamsWritten();
    report.codec = d->codec;
    report.notes = d->encoder->notes();
    // The sidecar belongs to the film under the output name: a film written without
    // provenance takes away the sidecar of the film it replaced (checkFilmOutput refused it
    // without consent).
    const QString sidecar = provenanceSidecarPath(d->output);
    if (d->provenance.isEmpty()) {
        if (d->existing == Existing::Replace)
            QFile::remove(sidecar);
    } else if (Result<void> ok = writeFileAtomically(sidecar, d->provenance, d->existing); !ok) {
        return makeError(ErrorCode::WriteFailed,
                         QStringLiteral("%1 was written, but not its provenance sidecar: %2")
                             .arg(d->output, ok.error().message));
    }
    return report;
}

void FilmWriter::abort()
{
    if (d->done)
        return;
    d->done = true;
    if (d->encoder)
        d->encoder->abort();
}

} // namespace tincture
