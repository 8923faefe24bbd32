#include "media/imageio.h"

#include "foundation/atomicoutput.h"
#include "media/internal/ffmpegutil.h"

#include <QFile>
#include <QFileInfo>

namespace tincture {

Result<Frame> readImage(const QString &path, const ImageReadLimits &limits)
{
    ff::initLogging();
    if (Result<void> ok = ff::checkInputFile(path); !ok)
        return ok.error();
    AVFormatContext *raw = nullptr;
    // image2 reads one file as a one-frame sequence; "pattern_type none" stops it from treating
    // '%' or '*' in the file name as a pattern.
    AVDictionary *opts = nullptr;
    av_dict_set(&opts, "pattern_type", "none", 0);
    const AVInputFormat *image2 = av_find_input_format("image2");
    int rc = avformat_open_input(&raw, ff::encodePath(path).constData(), image2, &opts);
    av_dict_free(&opts);
    if (rc < 0)
        return makeError(ErrorCode::UnsupportedFormat,
                         QStringLiteral("%1: not an image FFmpeg can read").arg(path),
                         ff::errorText(rc));
    ff::InputPtr input(raw);
    if (rc = avformat_find_stream_info(input.get(), nullptr); rc < 0)
        return makeError(ErrorCode::CorruptData,
                         QStringLiteral("%1: the image is damaged or unreadable").arg(path),
                         ff::errorText(rc));
    return ff::decodeSinglePicture(input.get(), path, limits.maxSide, limits.maxPixels);
}

Result<QByteArray> encodeImage(const Frame &frame, bool tiff)
{
    ff::initLogging();
    if (frame.isNull())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("no image to write"));
    const AVCodec *codec = avcodec_find_encoder(tiff ? AV_CODEC_ID_TIFF : AV_CODEC_ID_PNG);
    if (!codec)
        return makeError(ErrorCode::EncodeFailed, QStringLiteral("no PNG/TIFF encoder available"));
    // PNG stores 16-bit samples big-endian, TIFF in the byte order we give it.
    AVPixelFormat pf = ff::avFormatOf(frame.format());
    if (!tiff) {
        switch (frame.format()) {
        case PixelFormat::Gray16:
            pf = AV_PIX_FMT_GRAY16BE;
            break;
        case PixelFormat::Rgb16:
            pf = AV_PIX_FMT_RGB48BE;
            break;
        case PixelFormat::Rgba16:
            pf = AV_PIX_FMT_RGBA64BE;
            break;
        default:
            break;
        }
    }
    ff::CodecPtr enc(avcodec_alloc_context3(codec));
    enc->width = frame.width();
    enc->height = frame.height();
    enc->pix_fmt = pf;
    enc->time_base = {1, 25};
    if (tiff)
        av_opt_set(enc->priv_data, "compression_algo", "deflate", 0);
    if (int rc = avcodec_open2(enc.get(), codec, nullptr); rc < 0)
        return makeError(ErrorCode::EncodeFailed, QStringLiteral("cannot open the image encoder"),
                         ff::errorText(rc));
    ff::FramePtr av = ff::makeFrame();
    av->format = pf;
    av->width = frame.width();
    av->height = frame.height();
    if (av_frame_get_buffer(av.get(), 0) < 0)
        return makeError(ErrorCode::EncodeFailed, QStringLiteral("out of memory"));
    ff::SwsPtr scaler;
    if (Result<void> ok = ff::fromFrame(frame, av.get(), ColourTags{}, scaler); !ok)
        return ok.error();
    ff::PacketPtr pkt = ff::makePacket();
    int rc = avcodec_send_frame(enc.get(), av.get());
    if (rc >= 0)
        rc = avcodec_receive_packet(enc.get(), pkt.get());
    if (rc < 0)
        return makeError(ErrorCode::EncodeFailed, QStringLiteral("image encoding failed"),
                         ff::errorText(rc));
    return QByteArray(reinterpret_cast<const char *>(pkt->data), pkt->size);
}

Result<void> writeImage(const QString &path, const Frame &frame, Existing existing)
{
    const QString ext = QFileInfo(path).suffix().toLower();
    const bool tiff = ext == QLatin1String("tif") || ext == QLatin1String("tiff");
    if (!tiff && ext != QLatin1String("png"))
        return makeError(
            ErrorCode::InvalidArgument,
            QStringLiteral("%1: unsupported image type '.%2' (use .png or .tif)").arg(path, ext));
    Result<QByteArray> bytes = encodeImage(frame, tiff);
    if (!bytes)
        return makeError(bytes.error().code, path + QStringLiteral(": ") + bytes.error().message,
                         bytes.error().detail);
    Result<AtomicOutput> out = AtomicOutput::begin(path, AtomicOutput::Kind::File, existing);
    if (!out)
        return out.error();
    QFile file(out->tempPath());
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(*bytes) != bytes->size() || !file.flush())
        return makeError(ErrorCode::WriteFailed,
                         QStringLiteral("%1: write failed: %2").arg(path, file.errorString()));
    file.close();
    return out->commit();
}

} // namespace tincture
