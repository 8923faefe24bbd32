#include "media/videoencoder.h"

#include "foundation/atomicoutput.h"
#include "media/internal/audiomux.h"
#include "media/internal/ffmpegutil.h"
#include "media/imageio.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace tincture {

QString codecName(VideoCodec codec)
{
    switch (codec) {
    case VideoCodec::H264:
        return QStringLiteral("h264");
    case VideoCodec::Ffv1:
        return QStringLiteral("ffv1");
    case VideoCodec::ProRes:
        return QStringLiteral("prores");
    case VideoCodec::ProRes4444:
        return QStringLiteral("prores4444");
    case VideoCodec::PngSequence:
        return QStringLiteral("png");
    case VideoCodec::TiffSequence:
        return QStringLiteral("tiff");
    }
    return {};
}

std::optional<VideoCodec> codecFromName(const QString &name)
{
    for (VideoCodec c : {VideoCodec::H264, VideoCodec::Ffv1, VideoCodec::ProRes,
                         VideoCodec::ProRes4444, VideoCodec::PngSequence, VideoCodec::TiffSequence})
        if (codecName(c) == name.toLower())
            return c;
    return std::nullopt;
}

std::optional<VideoCodec> codecForPath(const QString &path)
{
    const QString ext = QFileInfo(path).suffix().toLower();
    if (ext == QLatin1String("mp4") || ext == QLatin1String("m4v"))
        return VideoCodec::H264;
    if (ext == QLatin1String("mkv"))
        return VideoCodec::Ffv1;
    if (ext == QLatin1String("mov"))
        return VideoCodec::ProRes;
    if (ext.isEmpty())
        return VideoCodec::PngSequence;
    return std::nullopt;
}

bool isSequence(VideoCodec codec)
{
    return codec == VideoCodec::PngSequence || codec == VideoCodec::TiffSequence;
}

struct VideoEncoder::Impl
{
    QString path;
    EncodeSettings settings;
    int width = 0; // frames given to write()
    int height = 0;
    int codedWidth = 0; // after padding for chroma subsampling
    int codedHeight = 0;
    std::optional<AtomicOutput> output;
    QString notes;
    bool finished = false;

    // Container path.
    AVFormatContext *muxer = nullptr;
    AVStream *stream = nullptr;
    ff::CodecPtr encoder;
    ff::SwsPtr scaler;
    std::unique_ptr<AudioMux> audio;
    int64_t lastPts = -1;

    // Sequence path.
    int64_t framesWritten = 0;
    int audioStreams = 0;

    ~Impl() { closeMuxer(); }
    void closeMuxer()
    {
        if (!muxer)
            return;
        audio.reset();
        if (muxer->pb)
            avio_closep(&muxer->pb);
        avformat_free_context(muxer);
        muxer = nullptr;
    }
    Result<void> openContainer();
    Result<void> drain(bool flush);
    Error fail(const QString &what, int rc = 0)
    {
        return makeError(ErrorCode::EncodeFailed, path + QStringLiteral(": ") + what,
                         rc ? ff::errorText(rc) : QString());
    }
};

Result<void> VideoEncoder::Impl::openContainer()
{
    const VideoCodec codec = settings.codec;
    const QByteArray temp = ff::encodePath(output->tempPath());
    const char *defaultMuxer = codec == VideoCodec::H264   ? "mp4"
                               : codec == VideoCodec::Ffv1 ? "matroska"
                                                           : "mov";
    // The file name picks the container when it names one; otherwise the codec's default.
    const AVOutputFormat *guessed = av_guess_format(nullptr, temp.constData(), nullptr);
    const AVOutputFormat *format =
        guessed ? guessed : av_guess_format(defaultMuxer, nullptr, nullptr);
    const AVCodecID codecId = codec == VideoCodec::H264   ? AV_CODEC_ID_H264
                              : codec == VideoCodec::Ffv1 ? AV_CODEC_ID_FFV1
                                                          : AV_CODEC_ID_PRORES;
    if (avformat_query_codec(format, codecId, FF_COMPLIANCE_NORMAL) != 1)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("%1: a %2 file cannot hold %3 video (use .mp4 for h264, "
                                        ".mkv for ffv1, .mov for prores and prores4444)")
                             .arg(path, QString::fromLatin1(format->name), codecName(codec)));
    if (int rc = avformat_alloc_output_context2(&muxer, format, nullptr, temp.constData()); rc < 0)
        return fail(QStringLiteral("cannot create the output container"), rc);

    const AVCodec *enc = codec == VideoCodec::H264   ? avcodec_find_encoder_by_name("libx264")
                         : codec == VideoCodec::Ffv1 ? avcodec_find_encoder(AV_CODEC_ID_FFV1)
                                                     : avcodec_find_encoder_by_name("prores_ks");
    if (!enc)
        return fail(QStringLiteral("the %1 encoder is not available in this FFmpeg build")
                        .arg(codecName(codec)));
    encoder.reset(avcodec_alloc_context3(enc));
    AVCodecContext *c = encoder.get();
    if (codec == VideoCodec::H264) {
        c->pix_fmt = AV_PIX_FMT_YUV420P;
        codedWidth = (width + 1) & ~1;
        codedHeight = (height + 1) & ~1;
        av_opt_set_int(c->priv_data, "crf", settings.h264Crf, 0);
        av_opt_set(c->priv_data, "preset", settings.h264Preset.toLatin1().constData(), 0);
#if defined(__x86_64__)
        // x264's AVX-512 code reads memory it has not initialised (at 854×480 the same frames
        // encoded to other bits from run to run, with the heap's contents); its AVX2, SSE4 and
        // C code give the bits that the AVX-512 code gives on zeroed memory, every time. Films
        // must be reproducible (a cluster's assembled film equals `colorize`'s), so x264 gets
        // AVX2 at most.
        if (__builtin_cpu_supports("avx512f"))
            av_opt_set(c->priv_data, "x264-params", "asm=avx2", 0);
#endif
    } else if (codec == VideoCodec::Ffv1) {
        // Lossless: 8-bit RGB (FFV1's 0RGB32) for 8-bit frames, 16-bit planes otherwise; 16-bit
        // planes of 8-bit frames took twice the space and twice the time to write and read.
        c->pix_fmt = settings.bitDepth > 8 ? AV_PIX_FMT_GBRP16 : AV_PIX_FMT_0RGB32;
        codedWidth = width;
        codedHeight = height;
        c->level = 3;
        c->gop_size = 1;
        av_opt_set_int(c->priv_data, "slicecrc", 1, 0);
        av_opt_set_int(c->priv_data, "slices", 4, 0);
    } else if (codec == VideoCodec::ProRes4444) {
        // 10-bit 4:4:4 (no alpha): full chroma, no even-size padding.
        c->pix_fmt = AV_PIX_FMT_YUV444P10;
        codedWidth = width;
        codedHeight = height;
        av_opt_set(c->priv_data, "profile", "4444", 0);
        av_opt_set(c->priv_data, "vendor", "apl0", 0);
    } else {
        c->pix_fmt = AV_PIX_FMT_YUV422P10;
        codedWidth = (width + 1) & ~1;
        codedHeight = height;
        av_opt_set(c->priv_data, "profile", "hq", 0);
        av_opt_set(c->priv_data, "vendor", "apl0", 0);
    }
    if (codedWidth != width || codedHeight != height)
        notes = QStringLiteral("padded %1×%2 to %3×%4 (the codec's chroma subsampling needs even "
                               "sizes); the extra edge repeats the last column/row")
                    .arg(width)
                    .arg(height)
                    .arg(codedWidth)
                    .arg(codedHeight);
    if (codec == VideoCodec::H264 && settings.bitDepth > 8)
        notes += QStringLiteral("%1H.264 delivery is 8-bit: the source's deeper samples are "
                                "rounded to 8 bits (ffv1, prores4444 or tiff keep them)")
                     .arg(notes.isEmpty() ? QString() : QStringLiteral("; "));
    c->width = codedWidth;
    c->height = codedHeight;
    c->time_base = {int(settings.timeBase.num), int(settings.timeBase.den)};
    c->framerate = {int(settings.fps.num), int(settings.fps.den)};
    c->sample_aspect_ratio = {int(settings.sampleAspect.num), int(settings.sampleAspect.den)};
    c->thread_count = settings.threads;
    const bool rgbMaster = codec == VideoCodec::Ffv1;
    ColourTags tags = settings.colour;
    c->color_primaries = AVColorPrimaries(tags.primaries != 2 ? tags.primaries : AVCOL_PRI_BT709);
    c->color_trc =
        AVColorTransferCharacteristic(tags.transfer != 2 ? tags.transfer : AVCOL_TRC_BT709);
    c->colorspace =
        rgbMaster
            ? AVCOL_SPC_RGB
            : AVColorSpace(tags.matrix != 2 && tags.matrix != 0 ? tags.matrix : AVCOL_SPC_BT709);
    c->color_range = rgbMaster ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
    if (muxer->oformat->flags & AVFMT_GLOBALHEADER)
        c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (int rc = avcodec_open2(c, enc, nullptr); rc < 0)
        return fail(QStringLiteral("cannot open the %1 encoder").arg(codecName(codec)), rc);
    stream = avformat_new_stream(muxer, nullptr);
    avcodec_parameters_from_context(stream->codecpar, c);
    stream->time_base = c->time_base;
    stream->avg_frame_rate = c->framerate;
    stream->sample_aspect_ratio = c->sample_aspect_ratio;

    if (!settings.audioSource.isEmpty()) {
        Result<std::unique_ptr<AudioMux>> mux =
            AudioMux::create(muxer, settings.audioSource, settings.sourceStartSeconds);
        if (!mux)
            return mux.error();
        audio = std::move(*mux);
        audioStreams = audio->streamCount();
    }
    if (int rc = avio_open(&muxer->pb, temp.constData(), AVIO_FLAG_WRITE); rc < 0)
        return makeError(ErrorCode::WriteFailed, QStringLiteral("%1: cannot write").arg(path),
                         ff::errorText(rc));
    AVDictionary *opts = nullptr;
    // Colour tags go into the container too ('colr' atom): some decoders (ProRes) only
    // learn the matrix from there.
    const QString muxerName = QString::fromLatin1(muxer->oformat->name);
    // use_metadata_tags: MP4 and MOV keep a tag of any name (the provenance) only with it.
    if (muxerName == QLatin1String("mp4"))
        av_dict_set(&opts, "movflags", "+faststart+write_colr+use_metadata_tags", 0);
    else if (muxerName == QLatin1String("mov"))
        av_dict_set(&opts, "movflags", "+write_colr+use_metadata_tags", 0);
    if (!settings.provenance.isEmpty())
        av_dict_set(&muxer->metadata, kProvenanceTag, settings.provenance.constData(), 0);
    const int rc = avformat_write_header(muxer, &opts);
    av_dict_free(&opts);
    if (rc < 0)
        return fail(QStringLiteral("cannot write the file header"), rc);
    return {};
}

Result<void> VideoEncoder::Impl::drain(bool flush)
{
    if (flush)
        avcodec_send_frame(encoder.get(), nullptr);
    ff::PacketPtr pkt = ff::makePacket();
    for (;;) {
        const int rc = avcodec_receive_packet(encoder.get(), pkt.get());
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return {};
        if (rc < 0)
            return fail(QStringLiteral("video encoding failed"), rc);
        av_packet_rescale_ts(pkt.get(), encoder->time_base, stream->time_base);
        pkt->stream_index = stream->index;
        if (int wr = av_interleaved_write_frame(muxer, pkt.get()); wr < 0)
            return makeError(ErrorCode::WriteFailed,
                             QStringLiteral("%1: writing failed: %2").arg(path, ff::errorText(wr)),
                             ff::errorText(wr));
    }
}

VideoEncoder::VideoEncoder(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}

VideoEncoder::~VideoEncoder()
{
    if (!d->finished)
        abort();
}

Result<std::unique_ptr<VideoEncoder>>
VideoEncoder::create(const QString &path, int width, int height, const EncodeSettings &settings)
{
    ff::initLogging();
    if (width <= 0 || height <= 0)
        return makeError(
            ErrorCode::InvalidArgument,
            QStringLiteral("%1: invalid frame size %2×%3").arg(path).arg(width).arg(height));
    auto d = std::make_unique<Impl>();
    d->path = path;
    d->settings = settings;
    d->width = d->codedWidth = width;
    d->height = d->codedHeight = height;
    const auto kind =
        isSequence(settings.codec) ? AtomicOutput::Kind::Folder : AtomicOutput::Kind::File;
    Result<AtomicOutput> out = AtomicOutput::begin(path, kind, settings.existing);
    if (!out)
        return out.error();
    d->output.emplace(std::move(*out));
    if (!isSequence(settings.codec)) {
        if (Result<void> ok = d->openContainer(); !ok) {
            d->closeMuxer();
            d->output->discard();
            return ok.error();
        }
    }
    return std::unique_ptr<VideoEncoder>(new VideoEncoder(std::move(d)));
}

Result<void> VideoEncoder::write(const Frame &frame)
{
    if (d->finished)
        return makeError(ErrorCode::Internal,
                         d->path + QStringLiteral(": encoder already finished"));
    if (frame.width() != d->width || frame.height() != d->height)
        return makeError(ErrorCode::SizeMismatch,
                         QStringLiteral("%1: frame %2 is %3×%4 but the output is %5×%6")
                             .arg(d->path)
                             .arg(frame.index)
                             .arg(frame.width())
                             .arg(frame.height())
                             .arg(d->width)
                             .arg(d->height));
    if (isSequence(d->settings.codec)) {
        const bool tiff = d->settings.codec == VideoCodec::TiffSequence;
        const PixelFormat deep = frame.channels() == 1 ? PixelFormat::Gray16 : PixelFormat::Rgb16;
        Result<QByteArray> bytes = encodeImage(frame.converted(deep), tiff);
        if (!bytes)
            return makeError(bytes.error().code,
                             d->path + QStringLiteral(": ") + bytes.error().message);
        const QString name = QStringLiteral("%1.%2")
                                 .arg(d->framesWritten, 5, 10, QLatin1Char('0'))
                                 .arg(tiff ? QStringLiteral("tif") : QStringLiteral("png"));
        QFile file(QDir(d->output->tempPath()).filePath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(*bytes) != bytes->size() ||
            !file.flush())
            return makeError(
                ErrorCode::WriteFailed,
                QStringLiteral("%1: writing %2 failed: %3").arg(d->path, name, file.errorString()));
        ++d->framesWritten;
        return {};
    }

    const PixelFormat want =
        d->settings.codec == VideoCodec::H264 ||
                (d->settings.codec == VideoCodec::Ffv1 && d->settings.bitDepth <= 8)
            ? PixelFormat::Rgb8
            : PixelFormat::Rgb16;
    const Frame rgb = frame.converted(want).paddedTo(d->codedWidth, d->codedHeight);
    ff::FramePtr av = ff::makeFrame();
    av->format = d->encoder->pix_fmt;
    av->width = d->codedWidth;
    av->height = d->codedHeight;
    if (av_frame_get_buffer(av.get(), 0) < 0)
        return d->fail(QStringLiteral("out of memory"));
    ColourTags tags;
    tags.matrix = d->encoder->colorspace;
    tags.fullRange = d->encoder->color_range == AVCOL_RANGE_JPEG;
    if (Result<void> ok = ff::fromFrame(rgb, av.get(), tags, d->scaler); !ok)
        return ok;
    av->pts = frame.pts > d->lastPts ? frame.pts : d->lastPts + 1;
    av->sample_aspect_ratio = d->encoder->sample_aspect_ratio;
    // Some encoders (ProRes) write the colour description from the frame, not the context.
    av->color_primaries = d->encoder->color_primaries;
    av->color_trc = d->encoder->color_trc;
    av->colorspace = d->encoder->colorspace;
    av->color_range = d->encoder->color_range;
    d->lastPts = av->pts;
    if (int rc = avcodec_send_frame(d->encoder.get(), av.get()); rc < 0)
        return d->fail(QStringLiteral("video encoding failed"), rc);
    if (Result<void> ok = d->drain(false); !ok)
        return ok;
    if (d->audio)
        return d->audio->pump(double(av->pts) * d->settings.timeBase.toDouble() + 0.5);
    return {};
}

Result<void> VideoEncoder::finish()
{
    if (d->finished)
        return makeError(ErrorCode::Internal,
                         d->path + QStringLiteral(": encoder already finished"));
    auto failAndDiscard = [this](const Error &e) -> Result<void> {
        abort();
        return e;
    };
    if (!isSequence(d->settings.codec)) {
        if (d->lastPts < 0)
            return failAndDiscard(makeError(ErrorCode::InvalidArgument,
                                            d->path + QStringLiteral(": no frames to write")));
        if (Result<void> ok = d->drain(true); !ok)
            return failAndDiscard(ok.error());
        // The last frame lasts one frame period.
        const double period = d->settings.fps.isValid() ? 1.0 / d->settings.fps.toDouble() : 0.0;
        const double end = double(d->lastPts) * d->settings.timeBase.toDouble() + period;
        if (d->audio)
            if (Result<void> ok = d->audio->finish(end); !ok)
                return failAndDiscard(ok.error());
        if (int rc = av_write_trailer(d->muxer); rc < 0)
            return failAndDiscard(d->fail(QStringLiteral("cannot finish the file"), rc));
        d->closeMuxer();
    } else if (d->framesWritten == 0) {
        return failAndDiscard(makeError(ErrorCode::InvalidArgument,
                                        d->path + QStringLiteral(": no frames to write")));
    }
    d->finished = true;
    return d->output->commit();
}

void VideoEncoder::abort()
{
    d->finished = true;
    d->closeMuxer();
    if (d->output)
        d->output->discard();
}

int VideoEncoder::audioStreamsWritten() const
{
    return d->audioStreams;
}

QString VideoEncoder::notes() const
{
    return d->notes;
}

} // namespace tincture
