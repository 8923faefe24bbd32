#include "media/internal/ffmpegsource.h"

#include "foundation/logging.h"
#include "media/internal/ffmpegutil.h"

extern "C" {
#include <libavutil/display.h>
}

#include <algorithm>
#include <cmath>

namespace tincture {

namespace {

struct KeyPacket
{
    int64_t pts;
    int64_t dts;
};

// Decoding forward beats seeking when the wanted frame is at most this far ahead.
constexpr FrameIndex kForwardWindow = 48;

int rotationOf(const AVStream *stream)
{
    size_t size = 0;
    const uint8_t *matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (!matrix || size < 9 * sizeof(int32_t))
        return 0;
    const double theta = -av_display_rotation_get(reinterpret_cast<const int32_t *>(matrix));
    if (std::isnan(theta))
        return 0;
    int deg = int(std::lround(theta / 90.0)) * 90;
    return ((deg % 360) + 360) % 360;
}

} // namespace

struct FfmpegSource::Impl
{
    QString path;
    SourceOptions options;
    MediaInfo info;
    ff::InputPtr input;
    int streamIndex = -1;
    AVStream *stream = nullptr;
    ff::CodecPtr decoder;
    ff::SwsPtr scaler;
    ff::PacketPtr packet = ff::makePacket();
    ff::FramePtr decoded = ff::makeFrame();
    PixelFormat outFormat = PixelFormat::Rgb8;

    std::vector<int64_t> ptsByIndex;  // presentation order, strictly increasing when seekable
    std::vector<KeyPacket> keyframes; // in file order
    bool seekable = true;
    int64_t startPts = 0;

    // Decoder position: frames come out continuously after lastOutput while positioned.
    bool positioned = false;
    FrameIndex lastOutput = -1;
    bool demuxEof = false;
    int decodeErrors = 0;

    FrameCache cache{1};

    explicit Impl(const SourceOptions &o) : options(o), cache(o.cacheBytes) {}

    Result<void> scan();
    Result<void> openDecoder();
    Result<void> rewindTo(int64_t keyTimestamp);
    // Next decoded picture into `decoded`; false at end of stream.
    bool decodeNext();
    FrameIndex indexOfDecoded() const;
    Result<Frame> convert(FrameIndex index);
    // Decodes up to `target`. keepBefore: the frames decoded on the way that are at most that
    // many before the target are converted and cached too (a seek for a frame behind the
    // decoder: reading backwards, the next request is the frame before).
    Result<Frame> decodeUntil(FrameIndex target, bool &overshot, FrameIndex keepBefore = 0);
};

Result<void> FfmpegSource::Impl::scan()
{
    for (unsigned i = 0; i < input->nb_streams; ++i)
        input->streams[i]->discard = int(i) == streamIndex ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
    std::vector<int64_t> pts;
    bool missingTimestamps = false;
    bool corrupt = false;
    int readError = 0;
    int64_t lastDuration = 0;
    for (;;) {
        const int rc = av_read_frame(input.get(), packet.get());
        if (rc < 0) {
            if (rc != AVERROR_EOF)
                readError = rc;
            break;
        }
        if (packet->stream_index == streamIndex) {
            int64_t t = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
            if (t == AV_NOPTS_VALUE)
                missingTimestamps = true;
            if (packet->flags & AV_PKT_FLAG_CORRUPT)
                corrupt = true;
            if (packet->flags & AV_PKT_FLAG_KEY)
                keyframes.push_back({t, packet->dts != AV_NOPTS_VALUE ? packet->dts : t});
            pts.push_back(t);
            lastDuration = packet->duration;
        }
        av_packet_unref(packet.get());
    }
    // Other streams stay discarded: decoding reads only the video stream's packets.

    if (pts.empty())
        return makeError(ErrorCode::CorruptData,
                         QStringLiteral("%1: the video stream holds no readable frames").arg(path),
                         readError ? ff::errorText(readError) : QString());
    const int64_t declared = stream->nb_frames;
    const bool shortOfIndex = declared > 0 && int64_t(pts.size()) < declared;
    if ((corrupt || shortOfIndex || readError) && !options.salvageDamaged) {
        QString what = shortOfIndex
                           ? QStringLiteral("its index lists %1 frames but only %2 could be read")
                                 .arg(declared)
                                 .arg(pts.size())
                           : QStringLiteral("its media data ends or breaks off after %1 frames")
                                 .arg(pts.size());
        return makeError(ErrorCode::Truncated,
                         QStringLiteral("%1: the file is truncated or damaged: %2").arg(path, what),
                         readError ? ff::errorText(readError) : QString());
    }
    info.damaged = corrupt || shortOfIndex || readError != 0;

    std::vector<int64_t> sorted = pts;
    std::sort(sorted.begin(), sorted.end());
    const bool unique = std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
    seekable = !missingTimestamps && unique && !keyframes.empty();
    if (!missingTimestamps && unique) {
        ptsByIndex = std::move(sorted);
    } else {
        // Without usable timestamps, frames are numbered in the order the decoder returns them.
        seekable = false;
        ptsByIndex.resize(pts.size());
        for (size_t i = 0; i < pts.size(); ++i)
            ptsByIndex[i] = int64_t(i);
    }
    startPts = ptsByIndex.front();

    // Frame rate and duration from the timestamps themselves.
    const AVRational tb = stream->time_base;
    info.timeBase = Rational{tb.num, tb.den};
    std::vector<int64_t> deltas;
    for (size_t i = 1; i < ptsByIndex.size(); ++i)
        deltas.push_back(ptsByIndex[i] - ptsByIndex[i - 1]);
    int64_t median = 0;
    if (!deltas.empty()) {
        std::vector<int64_t> d = deltas;
        std::nth_element(d.begin(), d.begin() + d.size() / 2, d.end());
        median = d[d.size() / 2];
        const auto [mn, mx] = std::minmax_element(deltas.begin(), deltas.end());
        info.variableFrameRate = seekable && (*mx - *mn) > std::max<int64_t>(2, median / 50);
    }
    AVRational guess = av_guess_frame_rate(input.get(), stream, nullptr);
    if (guess.num > 0 && guess.den > 0)
        info.fps = Rational{guess.num, guess.den}.reduced();
    else if (median > 0 && seekable)
        info.fps = Rational{int64_t(tb.den), int64_t(tb.num) * median}.reduced();
    if (!seekable) {
        info.timeBase = info.fps.inverted();
        median = 1;
    }
    const int64_t last = lastDuration > 0 && seekable ? lastDuration : median;
    info.frames = int64_t(ptsByIndex.size());
    if (seekable)
        info.durationSeconds =
            double(ptsByIndex.back() - startPts + last) * info.timeBase.toDouble();
    else
        info.durationSeconds = double(info.frames) / info.fps.toDouble();
    return {};
}

Result<void> FfmpegSource::Impl::openDecoder()
{
    const AVCodec *codec = avcodec_find_decoder(stream->codecpar->codec_id);
    if (!codec)
        return makeError(
            ErrorCode::UnsupportedFormat,
            QStringLiteral("%1: no decoder for the video codec '%2'")
                .arg(path, QString::fromLatin1(avcodec_get_name(stream->codecpar->codec_id))));
    decoder.reset(avcodec_alloc_context3(codec));
    avcodec_parameters_to_context(decoder.get(), stream->codecpar);
    decoder->pkt_timebase = stream->time_base;
    decoder->thread_count = 0;
    if (int rc = avcodec_open2(decoder.get(), codec, nullptr); rc < 0)
        return makeError(ErrorCode::DecodeFailed,
                         QStringLiteral("%1: cannot open the video decoder").arg(path),
                         ff::errorText(rc));
    return {};
}

Result<void> FfmpegSource::Impl::rewindTo(int64_t keyTimestamp)
{
    int rc = av_seek_frame(input.get(), streamIndex, keyTimestamp, AVSEEK_FLAG_BACKWARD);
    if (rc < 0)
        rc = avformat_seek_file(input.get(), streamIndex, INT64_MIN, keyTimestamp, keyTimestamp, 0);
    if (rc < 0) {
        // Some demuxers cannot seek by timestamp: go back to the first byte instead.
        rc = avio_seek(input->pb, 0, SEEK_SET) < 0
                 ? -1
                 : avformat_seek_file(input.get(), -1, INT64_MIN, 0, INT64_MAX, AVSEEK_FLAG_BYTE);
        if (rc < 0)
            return makeError(ErrorCode::DecodeFailed,
                             QStringLiteral("%1: cannot seek in this file").arg(path),
                             ff::errorText(rc));
    }
    avcodec_flush_buffers(decoder.get());
    demuxEof = false;
    positioned = false;
    lastOutput = -1;
    return {};
}

bool FfmpegSource::Impl::decodeNext()
{
    for (;;) {
        const int rc = avcodec_receive_frame(decoder.get(), decoded.get());
        if (rc == 0)
            return true;
        if (rc == AVERROR_EOF)
            return false;
        if (rc != AVERROR(EAGAIN)) {
            ++decodeErrors;
            if (demuxEof)
                return false;
        }
        if (demuxEof)
            return false; // drained
        const int rr = av_read_frame(input.get(), packet.get());
        if (rr < 0) {
            demuxEof = true;
            avcodec_send_packet(decoder.get(), nullptr);
            continue;
        }
        if (packet->stream_index == streamIndex) {
            if (avcodec_send_packet(decoder.get(), packet.get()) < 0)
                ++decodeErrors; // damaged packet: skip it, keep going
        }
        av_packet_unref(packet.get());
    }
}

FrameIndex FfmpegSource::Impl::indexOfDecoded() const
{
    if (!seekable)
        return lastOutput + 1;
    const int64_t t = decoded->best_effort_timestamp != AV_NOPTS_VALUE
                          ? decoded->best_effort_timestamp
                          : decoded->pts;
    const auto it = std::lower_bound(ptsByIndex.begin(), ptsByIndex.end(), t);
    if (it != ptsByIndex.end() && *it == t)
        return FrameIndex(it - ptsByIndex.begin());
    return positioned ? lastOutput + 1 : -1;
}

Result<Frame> FfmpegSource::Impl::convert(FrameIndex index)
{
    Result<Frame> frame =
        ff::toFrame(decoded.get(), outFormat, info.codedWidth, info.codedHeight, scaler);
    if (!frame)
        return makeError(frame.error().code, path + QStringLiteral(": ") + frame.error().message);
    Frame out = frame->rotated(info.rotationDegrees);
    out.index = index;
    out.timeBase = info.timeBase;
    out.pts = seekable ? ptsByIndex[size_t(index)] - startPts : index;
    cache.insert(out);
    return out;
}

Result<Frame> FfmpegSource::Impl::decodeUntil(FrameIndex target, bool &overshot,
                                              FrameIndex keepBefore)
{
    overshot = false;
    while (decodeNext()) {
        const FrameIndex idx = indexOfDecoded();
        if (idx < 0)
            continue; // a leading picture from before the seek point
        positioned = true;
        lastOutput = idx;
        if (idx == target)
            return convert(idx);
        if (idx < target && target - idx <= keepBefore && !cache.find(idx))
            if (Result<Frame> kept = convert(idx); !kept)
                return kept;
        if (idx > target) {
            overshot = true;
            break;
        }
    }
    return makeError(
        ErrorCode::DecodeFailed,
        QStringLiteral("%1: frame %2 could not be decoded (damaged data)").arg(path).arg(target));
}

FfmpegSource::FfmpegSource(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
FfmpegSource::~FfmpegSource() = default;

const MediaInfo &FfmpegSource::info() const
{
    return d->info;
}

double FfmpegSource::frameTimeSeconds(FrameIndex index) const
{
    if (index < 0 || index >= d->info.frames)
        return 0.0;
    if (!d->seekable)
        return double(index) / d->info.fps.toDouble();
    return double(d->ptsByIndex[size_t(index)] - d->startPts) * d->info.timeBase.toDouble();
}

int64_t FfmpegSource::framePts(FrameIndex index) const
{
    if (index < 0 || index >= d->info.frames || !d->seekable)
        return index;
    return d->ptsByIndex[size_t(index)] - d->startPts;
}

void FfmpegSource::setCacheBytes(int64_t bytes)
{
    d->cache.setBudgetBytes(bytes);
}

Result<Frame> FfmpegSource::frame(FrameIndex index)
{
    if (index < 0 || index >= d->info.frames)
        return makeError(ErrorCode::OutOfRange,
                         QStringLiteral("%1: frame %2 is out of range (0–%3)")
                             .arg(d->path)
                             .arg(index)
                             .arg(d->info.frames - 1));
    if (std::optional<Frame> hit = d->cache.find(index))
        return *hit;

    const bool forward = d->positioned && d->lastOutput < index &&
                         (!d->seekable || index - d->lastOutput <= kForwardWindow);
    if (forward) {
        bool overshot = false;
        Result<Frame> r = d->decodeUntil(index, overshot);
        if (r || !d->seekable)
            return r;
    } else if (!d->seekable) {
        if (Result<void> ok = d->rewindTo(d->keyframes.empty() ? 0 : d->keyframes.front().dts); !ok)
            return ok.error();
        bool overshot = false;
        return d->decodeUntil(index, overshot);
    }

    // Seek to the last keyframe presented at or before the target, then decode forward. If the
    // demuxer lands after the target (or the target is a leading picture of an open GOP), retry
    // from earlier keyframes, finally from the start.
    const int64_t targetPts = d->ptsByIndex[size_t(index)];
    int k = -1;
    for (int i = 0; i < int(d->keyframes.size()); ++i)
        if (d->keyframes[size_t(i)].pts <= targetPts)
            k = i;
    // A frame behind the decoder is most often read backwards (propagation from a keyframe
    // towards the shot's start): the frames decoded on the way to it are kept, up to half the
    // cache, so that each of them is not decoded again from the keyframe.
    const int64_t frameBytes =
        int64_t(d->info.width) * d->info.height * 3 * (d->outFormat == PixelFormat::Rgb16 ? 2 : 1);
    const FrameIndex keepBefore =
        d->positioned && index < d->lastOutput
            ? FrameIndex(d->cache.budgetBytes() / 2 / std::max<int64_t>(frameBytes, 1))
            : 0;
    for (int attempt = 0; attempt < 3; ++attempt) {
        const int key = attempt == 2 ? 0 : std::max(0, k - attempt);
        if (Result<void> ok = d->rewindTo(d->keyframes[size_t(key)].dts); !ok)
            return ok.error();
        bool overshot = false;
        Result<Frame> r = d->decodeUntil(index, overshot, keepBefore);
        if (r)
            return r;
        qCDebug(lcMedia) << "frame" << index << "missed after seek, attempt" << attempt;
        if (key == 0)
            return r;
    }
    return makeError(ErrorCode::DecodeFailed,
                     QStringLiteral("%1: frame %2 could not be decoded").arg(d->path).arg(index));
}

Result<std::unique_ptr<VideoSource>> FfmpegSource::open(const QString &path,
                                                        const SourceOptions &options)
{
    ff::initLogging();
    if (Result<void> ok = ff::checkInputFile(path); !ok)
        return ok.error();
    ff::lastLogSuffix(); // forget messages from earlier calls
    auto d = std::make_unique<Impl>(options);
    d->path = path;
    AVFormatContext *raw = nullptr;
    int rc = avformat_open_input(&raw, ff::encodePath(path).constData(), nullptr, nullptr);
    if (rc < 0)
        return makeError(ErrorCode::UnsupportedFormat,
                         QStringLiteral("%1: not a media file FFmpeg can read (or damaged beyond "
                                        "repair)%2")
                             .arg(path, ff::lastLogSuffix()),
                         ff::errorText(rc));
    d->input.reset(raw);
    if (rc = avformat_find_stream_info(d->input.get(), nullptr); rc < 0)
        return makeError(ErrorCode::CorruptData,
                         QStringLiteral("%1: cannot read the file's streams").arg(path),
                         ff::errorText(rc));
    int audio = 0;
    QString audioCodec;
    int best = av_find_best_stream(d->input.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    for (unsigned i = 0; i < d->input->nb_streams; ++i) {
        const AVStream *s = d->input->streams[i];
        if (s->codecpar->codec_type == AVMEDIA_TYPE_AUDIO) {
            if (audio++ == 0)
                audioCodec = QString::fromLatin1(avcodec_get_name(s->codecpar->codec_id));
        }
        const bool picture = s->disposition & AV_DISPOSITION_ATTACHED_PIC;
        if (s->codecpar->codec_type == AVMEDIA_TYPE_VIDEO && !picture &&
            (best < 0 || (d->input->streams[best]->disposition & AV_DISPOSITION_ATTACHED_PIC)))
            best = int(i);
    }
    if (best < 0 || (d->input->streams[best]->disposition & AV_DISPOSITION_ATTACHED_PIC))
        return makeError(ErrorCode::NoVideoStream,
                         audio ? QStringLiteral("%1: the file has no video stream (only %2 audio "
                                                "stream%3)")
                                     .arg(path)
                                     .arg(audio)
                                     .arg(audio > 1 ? "s" : "")
                               : QStringLiteral("%1: the file has no video stream").arg(path));
    d->streamIndex = best;
    d->stream = d->input->streams[best];
    const AVCodecParameters *par = d->stream->codecpar;
    if (Result<void> ok = ff::checkFrameSize(path, par->width, par->height, options.maxFrameSide,
                                             options.maxFramePixels);
        !ok)
        return ok.error();

    MediaInfo &info = d->info;
    info.path = path;
    info.container = QString::fromLatin1(d->input->iformat->name);
    if (const AVDictionaryEntry *tag = av_dict_get(d->input->metadata, kProvenanceTag, nullptr, 0))
        info.provenance = QByteArray(tag->value);
    info.codec = QString::fromLatin1(avcodec_get_name(par->codec_id));
    const auto pixFmt = AVPixelFormat(par->format);
    info.pixelFormat =
        pixFmt == AV_PIX_FMT_NONE ? QString() : QString::fromLatin1(av_get_pix_fmt_name(pixFmt));
    info.bitDepth = par->bits_per_raw_sample > 0
                        ? par->bits_per_raw_sample
                        : (pixFmt == AV_PIX_FMT_NONE ? 8 : ff::bitDepthOf(pixFmt));
    info.codedWidth = par->width;
    info.codedHeight = par->height;
    info.rotationDegrees = rotationOf(d->stream);
    const bool swap = info.rotationDegrees == 90 || info.rotationDegrees == 270;
    info.width = swap ? par->height : par->width;
    info.height = swap ? par->width : par->height;
    AVRational sar = av_guess_sample_aspect_ratio(d->input.get(), d->stream, nullptr);
    if (sar.num > 0 && sar.den > 0)
        info.sampleAspect =
            swap ? Rational{sar.den, sar.num}.reduced() : Rational{sar.num, sar.den}.reduced();
    info.audioStreams = audio;
    info.audioCodec = audioCodec;
    info.colour = ff::colourTagsOf(*par);
    d->outFormat = info.bitDepth > 8 ? PixelFormat::Rgb16 : PixelFormat::Rgb8;

    if (Result<void> ok = d->scan(); !ok)
        return ok.error();
    if (Result<void> ok = d->openDecoder(); !ok)
        return ok.error();
    if (Result<void> ok = d->rewindTo(d->keyframes.empty() ? 0 : d->keyframes.front().dts); !ok)
        return ok.error();
    return std::unique_ptr<VideoSource>(new FfmpegSource(std::move(d)));
}

} // namespace tincture
