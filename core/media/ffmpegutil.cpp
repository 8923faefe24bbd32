#include "media/internal/ffmpegutil.h"

#include <QFile>
#include <QFileInfo>

#include <cstdarg>
#include <mutex>
#include <utility>

namespace tincture::ff {

ColourTags colourTagsOf(const AVCodecParameters &par)
{
    const auto known = [](int value, int count) { return value >= 0 && value < count ? value : 2; };
    ColourTags tags;
    tags.primaries = known(enumValue(par.color_primaries), AVCOL_PRI_NB);
    tags.transfer = known(enumValue(par.color_trc), AVCOL_TRC_NB);
    tags.matrix = known(enumValue(par.color_space), AVCOL_SPC_NB);
    tags.fullRange = enumValue(par.color_range) == AVCOL_RANGE_JPEG;
    return tags;
}

QString errorText(int averror)
{
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(averror, buf, sizeof buf);
    return QString::fromUtf8(buf);
}

QByteArray encodePath(const QString &path)
{
    return QFile::encodeName(path);
}

namespace {
thread_local QString t_lastLog;

void captureLog(void *avcl, int level, const char *fmt, va_list vl)
{
    if (level > AV_LOG_ERROR)
        return;
    char line[1024];
    int printPrefix = 0;
    av_log_format_line2(avcl, level, fmt, vl, line, sizeof line, &printPrefix);
    const QString text = QString::fromUtf8(line).trimmed();
    if (!text.isEmpty())
        t_lastLog = text;
}
} // namespace

void initLogging()
{
    static std::once_flag once;
    std::call_once(once, [] {
        if (qEnvironmentVariableIsSet("TINCTURE_FFMPEG_LOG"))
            av_log_set_level(AV_LOG_INFO);
        else
            av_log_set_callback(captureLog);
    });
}

QString lastLogSuffix()
{
    const QString text = std::exchange(t_lastLog, QString());
    return text.isEmpty() ? QString() : QStringLiteral(": FFmpeg says \"%1\"").arg(text);
}

Result<void> checkInputFile(const QString &path)
{
    const QFileInfo fi(path);
    if (!fi.exists())
        return makeError(ErrorCode::FileNotFound, QStringLiteral("%1: no such file").arg(path));
    if (fi.isDir())
        return makeError(ErrorCode::FileUnreadable,
                         QStringLiteral("%1: is a folder, not a file").arg(path));
    if (!fi.isReadable())
        return makeError(ErrorCode::FileUnreadable,
                         QStringLiteral("%1: permission denied").arg(path));
    if (fi.size() == 0)
        return makeError(ErrorCode::FileEmpty, QStringLiteral("%1: the file is empty").arg(path));
    return {};
}

int bitDepthOf(AVPixelFormat format)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(format);
    return d ? d->comp[0].depth : 8;
}

bool hasAlpha(AVPixelFormat format)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(format);
    return d && (d->flags & AV_PIX_FMT_FLAG_ALPHA);
}

bool isGrey(AVPixelFormat format)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(format);
    return d && d->nb_components <= 2 && !(d->flags & AV_PIX_FMT_FLAG_PAL);
}

AVPixelFormat avFormatOf(PixelFormat format)
{
    switch (format) {
    case PixelFormat::Gray8:
        return AV_PIX_FMT_GRAY8;
    case PixelFormat::Gray16:
        return AV_PIX_FMT_GRAY16;
    case PixelFormat::Rgb8:
        return AV_PIX_FMT_RGB24;
    case PixelFormat::Rgb16:
        return AV_PIX_FMT_RGB48;
    case PixelFormat::Rgba8:
        return AV_PIX_FMT_RGBA;
    case PixelFormat::Rgba16:
        return AV_PIX_FMT_RGBA64;
    }
    return AV_PIX_FMT_RGB24;
}

namespace {

bool isYuv(AVPixelFormat format)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(format);
    return d && !(d->flags & AV_PIX_FMT_FLAG_RGB) && d->nb_components >= 3 &&
           !(d->flags & AV_PIX_FMT_FLAG_PAL);
}

int swsMatrix(int avColorspace, int height)
{
    switch (avColorspace) {
    case AVCOL_SPC_BT709:
        return SWS_CS_ITU709;
    case AVCOL_SPC_FCC:
        return SWS_CS_FCC;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M:
        return SWS_CS_ITU601;
    case AVCOL_SPC_SMPTE240M:
        return SWS_CS_SMPTE240M;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL:
        return SWS_CS_BT2020;
    default:
        // Untagged: players assume BT.601 for SD and BT.709 for HD.
        return height >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601;
    }
}

bool isFullRangeFormat(AVPixelFormat f)
{
    return f == AV_PIX_FMT_YUVJ420P || f == AV_PIX_FMT_YUVJ422P || f == AV_PIX_FMT_YUVJ444P ||
           f == AV_PIX_FMT_YUVJ440P || f == AV_PIX_FMT_YUVJ411P;
}

} // namespace

Result<Frame> toFrame(const AVFrame *src, PixelFormat outFormat, int outWidth, int outHeight,
                      SwsPtr &scaler)
{
    const auto srcFormat = AVPixelFormat(src->format);
    const bool scaling = outWidth != src->width || outHeight != src->height;
    const int flags = SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP |
                      (scaling ? SWS_BICUBIC : SWS_POINT);
    SwsContext *ctx =
        sws_getCachedContext(scaler.release(), src->width, src->height, srcFormat, outWidth,
                             outHeight, avFormatOf(outFormat), flags, nullptr, nullptr, nullptr);
    scaler.reset(ctx);
    if (!ctx)
        return makeError(ErrorCode::DecodeFailed,
                         QStringLiteral("cannot convert pixel format %1")
                             .arg(QString::fromLatin1(av_get_pix_fmt_name(srcFormat))));
    if (isYuv(srcFormat)) {
        const bool fullRange =
            enumValue(src->color_range) == AVCOL_RANGE_JPEG || isFullRangeFormat(srcFormat);
        const int *coeffs = sws_getCoefficients(swsMatrix(enumValue(src->colorspace), src->height));
        sws_setColorspaceDetails(ctx, coeffs, fullRange ? 1 : 0,
                                 sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
    } else if (isGrey(srcFormat)) {
        // Grey planes are full range unless tagged otherwise (PNG, TIFF, DPX).
        const bool limited = enumValue(src->color_range) == AVCOL_RANGE_MPEG;
        const int *coeffs = sws_getCoefficients(SWS_CS_DEFAULT);
        sws_setColorspaceDetails(ctx, coeffs, limited ? 0 : 1, coeffs, 1, 0, 1 << 16, 1 << 16);
    }
    Frame out(outWidth, outHeight, outFormat);
    uint8_t *dstData[4] = {out.data(), nullptr, nullptr, nullptr};
    int dstStride[4] = {int(out.strideBytes()), 0, 0, 0};
    sws_scale(ctx, src->data, src->linesize, 0, src->height, dstData, dstStride);
    return out;
}

Result<void> fromFrame(const Frame &src, AVFrame *dst, const ColourTags &tags, SwsPtr &scaler)
{
    const auto dstFormat = AVPixelFormat(dst->format);
    const AVPixelFormat srcFormat = avFormatOf(src.format());
    SwsContext *ctx = sws_getCachedContext(
        scaler.release(), src.width(), src.height(), srcFormat, dst->width, dst->height, dstFormat,
        SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP | SWS_BICUBIC, nullptr, nullptr,
        nullptr);
    scaler.reset(ctx);
    if (!ctx)
        return makeError(ErrorCode::EncodeFailed,
                         QStringLiteral("cannot convert to pixel format %1")
                             .arg(QString::fromLatin1(av_get_pix_fmt_name(dstFormat))));
    if (isYuv(dstFormat)) {
        const int *coeffs = sws_getCoefficients(swsMatrix(tags.matrix, dst->height));
        sws_setColorspaceDetails(ctx, sws_getCoefficients(SWS_CS_DEFAULT), 1, coeffs,
                                 tags.fullRange ? 1 : 0, 0, 1 << 16, 1 << 16);
    }
    const uint8_t *srcData[4] = {src.constData(), nullptr, nullptr, nullptr};
    const int srcStride[4] = {int(src.strideBytes()), 0, 0, 0};
    sws_scale(ctx, srcData, srcStride, 0, src.height(), dst->data, dst->linesize);
    return {};
}

Result<void> checkFrameSize(const QString &path, int width, int height, int maxSide,
                            int64_t maxPixels)
{
    if (width <= 0 || height <= 0)
        return makeError(ErrorCode::CorruptData,
                         QStringLiteral("%1: the video stream has no valid frame size%2")
                             .arg(path, lastLogSuffix()));
    if (width > maxSide || height > maxSide || int64_t(width) * height > maxPixels)
        return makeError(ErrorCode::LimitExceeded,
                         QStringLiteral("%1: the file claims %2×%3 pixels, over the limit of %4 "
                                        "per side / %5 megapixels")
                             .arg(path)
                             .arg(width)
                             .arg(height)
                             .arg(maxSide)
                             .arg(double(maxPixels) / 1e6, 0, 'f', 1));
    return {};
}

Result<Frame> decodeSinglePicture(AVFormatContext *input, const QString &path, int maxSide,
                                  int64_t maxPixels)
{
    const int streamIndex = av_find_best_stream(input, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (streamIndex < 0)
        return makeError(ErrorCode::UnsupportedFormat,
                         QStringLiteral("%1: not an image FFmpeg can read").arg(path));
    const AVStream *stream = input->streams[streamIndex];
    const AVCodecParameters *par = stream->codecpar;
    if (Result<void> ok = checkFrameSize(path, par->width, par->height, maxSide, maxPixels); !ok)
        return ok.error();
    const AVCodec *codec = avcodec_find_decoder(par->codec_id);
    if (!codec)
        return makeError(ErrorCode::UnsupportedFormat,
                         QStringLiteral("%1: no decoder for this image format").arg(path));
    CodecPtr dec(avcodec_alloc_context3(codec));
    avcodec_parameters_to_context(dec.get(), par);
    dec->thread_count = 1;
    if (int rc = avcodec_open2(dec.get(), codec, nullptr); rc < 0)
        return makeError(ErrorCode::DecodeFailed,
                         QStringLiteral("%1: cannot open decoder").arg(path), errorText(rc));
    PacketPtr pkt = makePacket();
    FramePtr frame = makeFrame();
    bool got = false;
    int lastError = 0;
    while (!got) {
        int rc = av_read_frame(input, pkt.get());
        const bool eof = rc < 0;
        if (!eof && pkt->stream_index != streamIndex) {
            av_packet_unref(pkt.get());
            continue;
        }
        rc = avcodec_send_packet(dec.get(), eof ? nullptr : pkt.get());
        av_packet_unref(pkt.get());
        if (rc < 0 && rc != AVERROR_EOF)
            lastError = rc;
        rc = avcodec_receive_frame(dec.get(), frame.get());
        if (rc == 0)
            got = true;
        else if (rc != AVERROR(EAGAIN) || eof)
            break;
    }
    if (!got)
        return makeError(ErrorCode::CorruptData,
                         QStringLiteral("%1: the image data is damaged or truncated").arg(path),
                         lastError ? errorText(lastError) : QString());
    const auto fmt = AVPixelFormat(frame->format);
    const bool sixteen = bitDepthOf(fmt) > 8;
    PixelFormat outFormat;
    if (hasAlpha(fmt))
        outFormat = sixteen ? PixelFormat::Rgba16 : PixelFormat::Rgba8;
    else if (isGrey(fmt))
        outFormat = sixteen ? PixelFormat::Gray16 : PixelFormat::Gray8;
    else
        outFormat = sixteen ? PixelFormat::Rgb16 : PixelFormat::Rgb8;
    SwsPtr scaler;
    Result<Frame> out = toFrame(frame.get(), outFormat, frame->width, frame->height, scaler);
    if (!out)
        return makeError(out.error().code, path + QStringLiteral(": ") + out.error().message);
    return out;
}

} // namespace tincture::ff
