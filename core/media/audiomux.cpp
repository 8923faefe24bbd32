#include "media/internal/audiomux.h"

#include "media/internal/ffmpegutil.h"

extern "C" {
#include <libavutil/audio_fifo.h>
#include <libswresample/swresample.h>
}

#include <cmath>
#include <vector>

namespace tincture {

namespace {

struct SwrDeleter
{
    void operator()(SwrContext *s) const { swr_free(&s); }
};
struct FifoDeleter
{
    void operator()(AVAudioFifo *f) const { av_audio_fifo_free(f); }
};

// One source audio stream and its output stream.
struct Track
{
    int sourceIndex = -1;
    AVStream *out = nullptr;
    AVRational sourceTimeBase{1, 1};
    bool copy = true;
    // Re-encode path.
    ff::CodecPtr decoder;
    ff::CodecPtr encoder;
    std::unique_ptr<SwrContext, SwrDeleter> resampler;
    std::unique_ptr<AVAudioFifo, FifoDeleter> fifo;
    int64_t samplesWritten = 0;
    bool started = false;
};

} // namespace

struct AudioMux::Impl
{
    AVFormatContext *output = nullptr;
    ff::InputPtr input;
    std::vector<std::unique_ptr<Track>> tracks;
    double startSeconds = 0.0;
    double endSeconds = -1.0; // set by finish
    bool eof = false;
    ff::PacketPtr packet = ff::makePacket();
    ff::FramePtr frame = ff::makeFrame();

    Track *trackFor(int sourceIndex)
    {
        for (auto &t : tracks)
            if (t->sourceIndex == sourceIndex)
                return t.get();
        return nullptr;
    }
    Result<void> setupEncoder(Track &t, const AVStream *src);
    Result<void> writePacket(Track &t, AVPacket *pkt, AVRational tb);
    Result<void> copyPacket(Track &t);
    Result<void> transcodePacket(Track &t, AVPacket *pkt);
    Result<void> encodeFromFifo(Track &t, bool flush);
};

Result<void> AudioMux::Impl::setupEncoder(Track &t, const AVStream *src)
{
    const AVCodec *dcodec = avcodec_find_decoder(src->codecpar->codec_id);
    const AVCodec *ecodec = avcodec_find_encoder(AV_CODEC_ID_AAC);
    if (!dcodec || !ecodec)
        return makeError(ErrorCode::EncodeFailed,
                         QStringLiteral("no decoder for the audio codec '%1' or no AAC encoder")
                             .arg(QString::fromLatin1(avcodec_get_name(src->codecpar->codec_id))));
    t.decoder.reset(avcodec_alloc_context3(dcodec));
    avcodec_parameters_to_context(t.decoder.get(), src->codecpar);
    t.decoder->pkt_timebase = src->time_base;
    if (int rc = avcodec_open2(t.decoder.get(), dcodec, nullptr); rc < 0)
        return makeError(ErrorCode::DecodeFailed, QStringLiteral("cannot open the audio decoder"),
                         ff::errorText(rc));
    t.encoder.reset(avcodec_alloc_context3(ecodec));
    AVCodecContext *enc = t.encoder.get();
    enc->sample_fmt = AV_SAMPLE_FMT_FLTP;
    enc->sample_rate = t.decoder->sample_rate > 0 ? t.decoder->sample_rate : 48000;
    if (t.decoder->ch_layout.nb_channels > 0)
        av_channel_layout_copy(&enc->ch_layout, &t.decoder->ch_layout);
    else
        av_channel_layout_default(&enc->ch_layout, 2);
    if (enc->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
        av_channel_layout_default(&enc->ch_layout, enc->ch_layout.nb_channels);
    enc->bit_rate = std::min(96000 * enc->ch_layout.nb_channels, 512000);
    enc->time_base = {1, enc->sample_rate};
    if (output->oformat->flags & AVFMT_GLOBALHEADER)
        enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (int rc = avcodec_open2(enc, ecodec, nullptr); rc < 0)
        return makeError(ErrorCode::EncodeFailed, QStringLiteral("cannot open the AAC encoder"),
                         ff::errorText(rc));
    avcodec_parameters_from_context(t.out->codecpar, enc);
    t.out->time_base = enc->time_base;
    t.fifo.reset(av_audio_fifo_alloc(enc->sample_fmt, enc->ch_layout.nb_channels, 4096));
    return {};
}

Result<void> AudioMux::Impl::writePacket(Track &t, AVPacket *pkt, AVRational tb)
{
    av_packet_rescale_ts(pkt, tb, t.out->time_base);
    pkt->stream_index = t.out->index;
    pkt->pos = -1;
    const int rc = av_interleaved_write_frame(output, pkt);
    if (rc < 0)
        return makeError(ErrorCode::WriteFailed, QStringLiteral("writing audio failed"),
                         ff::errorText(rc));
    return {};
}

Result<void> AudioMux::Impl::copyPacket(Track &t)
{
    // Shift so that the source time startSeconds becomes 0 in the output.
    const int64_t shift = av_rescale_q(int64_t(std::llround(startSeconds * AV_TIME_BASE)),
                                       AV_TIME_BASE_Q, t.sourceTimeBase);
    if (packet->pts != AV_NOPTS_VALUE)
        packet->pts -= shift;
    if (packet->dts != AV_NOPTS_VALUE)
        packet->dts -= shift;
    return writePacket(t, packet.get(), t.sourceTimeBase);
}

Result<void> AudioMux::Impl::encodeFromFifo(Track &t, bool flush)
{
    AVCodecContext *enc = t.encoder.get();
    const int frameSize = enc->frame_size > 0 ? enc->frame_size : 1024;
    while (av_audio_fifo_size(t.fifo.get()) >= frameSize ||
           (flush && av_audio_fifo_size(t.fifo.get()) > 0)) {
        const int n = std::min(frameSize, av_audio_fifo_size(t.fifo.get()));
        ff::FramePtr out = ff::makeFrame();
        out->nb_samples = n;
        out->format = enc->sample_fmt;
        out->sample_rate = enc->sample_rate;
        av_channel_layout_copy(&out->ch_layout, &enc->ch_layout);
        if (av_frame_get_buffer(out.get(), 0) < 0)
            return makeError(ErrorCode::EncodeFailed, QStringLiteral("out of memory"));
        av_audio_fifo_read(t.fifo.get(), reinterpret_cast<void **>(out->data), n);
        out->pts = t.samplesWritten;
        t.samplesWritten += n;
        if (int rc = avcodec_send_frame(enc, out.get()); rc < 0)
            return makeError(ErrorCode::EncodeFailed, QStringLiteral("AAC encoding failed"),
                             ff::errorText(rc));
        ff::PacketPtr pkt = ff::makePacket();
        while (avcodec_receive_packet(enc, pkt.get()) == 0) {
            if (Result<void> ok = writePacket(t, pkt.get(), enc->time_base); !ok)
                return ok;
            av_packet_unref(pkt.get());
        }
    }
    if (flush) {
        avcodec_send_frame(enc, nullptr);
        ff::PacketPtr pkt = ff::makePacket();
        while (avcodec_receive_packet(enc, pkt.get()) == 0) {
            if (Result<void> ok = writePacket(t, pkt.get(), enc->time_base); !ok)
                return ok;
            av_packet_unref(pkt.get());
        }
    }
    return {};
}

Result<void> AudioMux::Impl::transcodePacket(Track &t, AVPacket *pkt)
{
    if (avcodec_send_packet(t.decoder.get(), pkt) < 0)
        return {}; // a damaged audio packet is skipped, not fatal
    while (avcodec_receive_frame(t.decoder.get(), frame.get()) == 0) {
        AVCodecContext *enc = t.encoder.get();
        if (!t.resampler) {
            SwrContext *swr = nullptr;
            AVChannelLayout inLayout;
            av_channel_layout_copy(&inLayout, &frame->ch_layout);
            if (inLayout.order == AV_CHANNEL_ORDER_UNSPEC)
                av_channel_layout_default(&inLayout, inLayout.nb_channels);
            swr_alloc_set_opts2(&swr, &enc->ch_layout, enc->sample_fmt, enc->sample_rate, &inLayout,
                                AVSampleFormat(frame->format), frame->sample_rate, 0, nullptr);
            av_channel_layout_uninit(&inLayout);
            t.resampler.reset(swr);
            if (!swr || swr_init(swr) < 0)
                return makeError(ErrorCode::EncodeFailed,
                                 QStringLiteral("cannot convert the audio for AAC"));
        }
        if (!t.started) {
            // Align the first sample with its source time (output time 0 = startSeconds).
            t.started = true;
            const int64_t ts = frame->best_effort_timestamp;
            if (ts != AV_NOPTS_VALUE) {
                const double at = ts * av_q2d(t.sourceTimeBase) - startSeconds;
                t.samplesWritten = std::max<int64_t>(0, std::llround(at * enc->sample_rate));
            }
        }
        const int maxOut = swr_get_out_samples(t.resampler.get(), frame->nb_samples);
        std::vector<uint8_t *> planes(size_t(enc->ch_layout.nb_channels), nullptr);
        if (av_samples_alloc(planes.data(), nullptr, enc->ch_layout.nb_channels, maxOut,
                             enc->sample_fmt, 0) < 0)
            return makeError(ErrorCode::EncodeFailed, QStringLiteral("out of memory"));
        const int got =
            swr_convert(t.resampler.get(), planes.data(), maxOut,
                        const_cast<const uint8_t **>(frame->extended_data), frame->nb_samples);
        if (got > 0)
            av_audio_fifo_write(t.fifo.get(), reinterpret_cast<void **>(planes.data()), got);
        av_freep(&planes[0]);
        av_frame_unref(frame.get());
        if (Result<void> ok = encodeFromFifo(t, false); !ok)
            return ok;
    }
    return {};
}

AudioMux::AudioMux(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
AudioMux::~AudioMux() = default;

int AudioMux::streamCount() const
{
    return int(d->tracks.size());
}

Result<std::unique_ptr<AudioMux>>
AudioMux::create(AVFormatContext *output, const QString &sourcePath, double sourceStartSeconds)
{
    auto d = std::make_unique<Impl>();
    d->output = output;
    d->startSeconds = sourceStartSeconds;
    AVFormatContext *raw = nullptr;
    int rc = avformat_open_input(&raw, ff::encodePath(sourcePath).constData(), nullptr, nullptr);
    if (rc < 0)
        return makeError(ErrorCode::FileUnreadable,
                         QStringLiteral("%1: cannot read the audio").arg(sourcePath),
                         ff::errorText(rc));
    d->input.reset(raw);
    if (avformat_find_stream_info(raw, nullptr) < 0)
        return makeError(ErrorCode::CorruptData,
                         QStringLiteral("%1: cannot read the audio streams").arg(sourcePath));
    for (unsigned i = 0; i < raw->nb_streams; ++i) {
        AVStream *src = raw->streams[i];
        if (src->codecpar->codec_type != AVMEDIA_TYPE_AUDIO ||
            src->codecpar->codec_id == AV_CODEC_ID_NONE) {
            src->discard = AVDISCARD_ALL;
            continue;
        }
        auto t = std::make_unique<Track>();
        t->sourceIndex = int(i);
        t->sourceTimeBase = src->time_base;
        t->out = avformat_new_stream(output, nullptr);
        if (!t->out)
            return makeError(ErrorCode::EncodeFailed, QStringLiteral("cannot add an audio stream"));
        t->copy = avformat_query_codec(output->oformat, src->codecpar->codec_id,
                                       FF_COMPLIANCE_NORMAL) == 1;
        if (t->copy) {
            avcodec_parameters_copy(t->out->codecpar, src->codecpar);
            t->out->codecpar->codec_tag = 0;
            t->out->time_base = src->time_base;
        } else if (Result<void> ok = d->setupEncoder(*t, src); !ok) {
            return makeError(ok.error().code,
                             sourcePath + QStringLiteral(": ") + ok.error().message,
                             ok.error().detail);
        }
        av_dict_copy(&t->out->metadata, src->metadata, 0);
        t->out->disposition = src->disposition;
        d->tracks.push_back(std::move(t));
    }
    if (sourceStartSeconds > 0)
        avformat_seek_file(raw, -1, INT64_MIN, int64_t(sourceStartSeconds * AV_TIME_BASE),
                           int64_t(sourceStartSeconds * AV_TIME_BASE), 0);
    return std::unique_ptr<AudioMux>(new AudioMux(std::move(d)));
}

Result<void> AudioMux::pump(double untilSeconds)
{
    while (!d->eof && !d->tracks.empty()) {
        const int rc = av_read_frame(d->input.get(), d->packet.get());
        if (rc < 0) {
            d->eof = true;
            break;
        }
        Track *t = d->trackFor(d->packet->stream_index);
        if (!t) {
            av_packet_unref(d->packet.get());
            continue;
        }
        const int64_t ts = d->packet->pts != AV_NOPTS_VALUE ? d->packet->pts : d->packet->dts;
        const double tb = av_q2d(t->sourceTimeBase);
        const double at = ts == AV_NOPTS_VALUE ? 0.0 : ts * tb - d->startSeconds;
        const double dur = d->packet->duration * tb;
        const bool stop = at >= untilSeconds;
        // Keep packets that overlap [0, end): none before the range, none after the video.
        const bool afterEnd = d->endSeconds >= 0 && at >= d->endSeconds;
        Result<void> ok;
        if (at + dur > 0 && !afterEnd)
            ok = t->copy ? d->copyPacket(*t) : d->transcodePacket(*t, d->packet.get());
        av_packet_unref(d->packet.get());
        if (!ok)
            return ok;
        if (afterEnd) {
            d->eof = true;
            break;
        }
        if (stop)
            break;
    }
    return {};
}

Result<void> AudioMux::finish(double endSeconds)
{
    d->endSeconds = endSeconds;
    if (Result<void> ok = pump(1e18); !ok)
        return ok;
    for (auto &t : d->tracks) {
        if (t->copy)
            continue;
        // Flush the decoder, then the FIFO and the encoder.
        if (Result<void> ok = d->transcodePacket(*t, nullptr); !ok)
            return ok;
        if (Result<void> ok = d->encodeFromFifo(*t, true); !ok)
            return ok;
    }
    return {};
}

} // namespace tincture
