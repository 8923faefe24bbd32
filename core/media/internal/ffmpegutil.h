#pragma once
// Private FFmpeg helpers for core/media: RAII owners, error text, pixel-format mapping and
// conversion between AVFrames and Frames. Never included from a public header.

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include "foundation/result.h"
#include "image/frame.h"
#include "media/mediainfo.h"

#include <QString>

#include <cstring>
#include <memory>

namespace tincture::ff {

struct FormatInputDeleter
{
    void operator()(AVFormatContext *c) const { avformat_close_input(&c); }
};
struct CodecContextDeleter
{
    void operator()(AVCodecContext *c) const { avcodec_free_context(&c); }
};
struct FrameDeleter
{
    void operator()(AVFrame *f) const { av_frame_free(&f); }
};
struct PacketDeleter
{
    void operator()(AVPacket *p) const { av_packet_free(&p); }
};
struct SwsDeleter
{
    void operator()(SwsContext *s) const { sws_freeContext(s); }
};
using InputPtr = std::unique_ptr<AVFormatContext, FormatInputDeleter>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;

inline FramePtr makeFrame()
{
    return FramePtr(av_frame_alloc());
}
inline PacketPtr makePacket()
{
    return PacketPtr(av_packet_alloc());
}

QString errorText(int averror);
QByteArray encodePath(const QString &path);

// An enum field of an FFmpeg struct as the number stored in it. A damaged file can put any
// value into the colour fields (FFmpeg copies them from the container), and loading an enum
// outside its range is undefined behaviour; the number is safe to compare.
template <typename Enum> int enumValue(const Enum &field)
{
    static_assert(sizeof(Enum) == sizeof(int));
    int value = 0;
    std::memcpy(&value, &field, sizeof value);
    return value;
}
// The colour tags of a stream, with values FFmpeg does not know turned into 2 (unspecified).
ColourTags colourTagsOf(const AVCodecParameters &par);

// Routes FFmpeg's console logging into a per-thread "last error" (our errors carry the detail
// instead); TINCTURE_FFMPEG_LOG=1 prints everything as FFmpeg would.
void initLogging();
// ": <FFmpeg's last error message on this thread>" or empty; clears it.
QString lastLogSuffix();

// Checks the usual "is this a readable, non-empty file" conditions before FFmpeg sees it.
Result<void> checkInputFile(const QString &path);

// Bits per sample of the luma/first component of a pixel format.
int bitDepthOf(AVPixelFormat format);
bool hasAlpha(AVPixelFormat format);
bool isGrey(AVPixelFormat format);
AVPixelFormat avFormatOf(PixelFormat format); // packed native-endian layout of a Frame

// Converts a decoded AVFrame to a Frame in outFormat (full range), scaling to outWidth ×
// outHeight (pass the AVFrame's own size to keep it). The cached scaler is reused.
Result<Frame> toFrame(const AVFrame *src, PixelFormat outFormat, int outWidth, int outHeight,
                      SwsPtr &scaler);

// Copies a Frame into an AVFrame of dstFormat (allocated by the caller, same size), with the
// given matrix and range for YUV targets.
Result<void> fromFrame(const Frame &src, AVFrame *dst, const ColourTags &tags, SwsPtr &scaler);

// Refuses a frame size that is missing or over the configured limits (before allocating it).
Result<void> checkFrameSize(const QString &path, int width, int height, int maxSide,
                            int64_t maxPixels);

// Decodes the single picture of an opened input (an image file) into a Frame.
Result<Frame> decodeSinglePicture(AVFormatContext *input, const QString &path, int maxSide,
                                  int64_t maxPixels);

} // namespace tincture::ff
