#pragma once
// Frame: one decoded picture, tightly packed, 8 or 16 bits per sample, grey, RGB or RGBA.
// Pixel data is shared between copies (cheap to copy, safe to hand to another thread) and
// copied on the first write through a non-const accessor. Full-range values: 0 black, 255 or
// 65535 white. Any thread may use a Frame; one Frame object must not be written from two.

#include "foundation/rational.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace tincture {

enum class PixelFormat { Gray8, Gray16, Rgb8, Rgb16, Rgba8, Rgba16 };

int channelCount(PixelFormat format);
int bytesPerSample(PixelFormat format);
bool isSixteenBit(PixelFormat format);
const char *pixelFormatName(PixelFormat format);

class Frame
{
public:
    Frame() = default;
    Frame(int width, int height, PixelFormat format); // zero-filled

    bool isNull() const { return !m_data; }
    int width() const { return m_width; }
    int height() const { return m_height; }
    PixelFormat format() const { return m_format; }
    int channels() const { return channelCount(m_format); }
    int bitDepth() const { return isSixteenBit(m_format) ? 16 : 8; }
    size_t strideBytes() const { return size_t(m_width) * channels() * bytesPerSample(m_format); }
    size_t byteSize() const { return strideBytes() * size_t(m_height); }

    const uint8_t *constData() const { return m_data ? m_data->data() : nullptr; }
    uint8_t *data(); // detaches
    const uint8_t *constRow(int y) const { return constData() + size_t(y) * strideBytes(); }
    uint8_t *row(int y) { return data() + size_t(y) * strideBytes(); }
    const uint16_t *constRow16(int y) const
    {
        return reinterpret_cast<const uint16_t *>(constRow(y));
    }
    uint16_t *row16(int y) { return reinterpret_cast<uint16_t *>(row(y)); }

    // BT.601 luma (Y = 0.299 R + 0.587 G + 0.114 B), same bit depth; a grey frame returns itself.
    Frame luma() const;
    // Conversion between layouts and depths (grey → RGB replicates; RGBA → RGB drops alpha;
    // 8 ↔ 16 bit scales by 257 with rounding).
    Frame converted(PixelFormat format) const;
    // Rotated clockwise by 0, 90, 180 or 270 degrees.
    Frame rotated(int degreesClockwise) const;
    // Copy grown to width × height by repeating the last column and row.
    Frame paddedTo(int width, int height) const;
    // Top-left width × height region.
    Frame cropped(int width, int height) const;

    // Where the frame came from: index in presentation order and timestamp (timeBase units).
    FrameIndex index = -1;
    int64_t pts = 0;
    Rational timeBase{1, 24};
    double timeSeconds() const { return double(pts) * timeBase.toDouble(); }

private:
    int m_width = 0;
    int m_height = 0;
    PixelFormat m_format = PixelFormat::Rgb8;
    std::shared_ptr<std::vector<uint8_t>> m_data;
};

} // namespace tincture
