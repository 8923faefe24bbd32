#include "image/frame.h"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace tincture {

int channelCount(PixelFormat format)
{
    switch (format) {
    case PixelFormat::Gray8:
    case PixelFormat::Gray16:
        return 1;
    case PixelFormat::Rgb8:
    case PixelFormat::Rgb16:
        return 3;
    case PixelFormat::Rgba8:
    case PixelFormat::Rgba16:
        return 4;
    }
    return 3;
}

bool isSixteenBit(PixelFormat format)
{
    return format == PixelFormat::Gray16 || format == PixelFormat::Rgb16 ||
           format == PixelFormat::Rgba16;
}

int bytesPerSample(PixelFormat format)
{
    return isSixteenBit(format) ? 2 : 1;
}

const char *pixelFormatName(PixelFormat format)
{
    switch (format) {
    case PixelFormat::Gray8:
        return "gray8";
    case PixelFormat::Gray16:
        return "gray16";
    case PixelFormat::Rgb8:
        return "rgb8";
    case PixelFormat::Rgb16:
        return "rgb16";
    case PixelFormat::Rgba8:
        return "rgba8";
    case PixelFormat::Rgba16:
        return "rgba16";
    }
    return "?";
}

Frame::Frame(int width, int height, PixelFormat format)
    : m_width(width), m_height(height), m_format(format)
{
    assert(width > 0 && height > 0);
    m_data = std::make_shared<std::vector<uint8_t>>(byteSize(), uint8_t(0));
}

uint8_t *Frame::data()
{
    if (!m_data)
        return nullptr;
    if (m_data.use_count() > 1)
        m_data = std::make_shared<std::vector<uint8_t>>(*m_data);
    return m_data->data();
}

namespace {

// Reads sample i of a row as a 16-bit value (8-bit values scaled by 257).
inline uint32_t read16(const uint8_t *row, size_t i, bool sixteen)
{
    return sixteen ? reinterpret_cast<const uint16_t *>(row)[i] : uint32_t(row[i]) * 257u;
}

inline void write16(uint8_t *row, size_t i, uint32_t v, bool sixteen)
{
    if (sixteen)
        reinterpret_cast<uint16_t *>(row)[i] = uint16_t(v);
    else
        row[i] = uint8_t((v + 128u) / 257u);
}

} // namespace

Frame Frame::luma() const
{
    if (isNull() || channels() == 1)
        return *this;
    const bool sixteen = isSixteenBit(m_format);
    Frame out(m_width, m_height, sixteen ? PixelFormat::Gray16 : PixelFormat::Gray8);
    out.index = index;
    out.pts = pts;
    out.timeBase = timeBase;
    const int ch = channels();
    for (int y = 0; y < m_height; ++y) {
        const uint8_t *src = constRow(y);
        uint8_t *dst = out.row(y);
        for (int x = 0; x < m_width; ++x) {
            const size_t i = size_t(x) * ch;
            // Fixed-point BT.601 weights (sum 65536), rounded.
            const uint32_t r = read16(src, i, sixteen), g = read16(src, i + 1, sixteen),
                           b = read16(src, i + 2, sixteen);
            const uint32_t yv = uint32_t(
                (uint64_t(19595) * r + uint64_t(38470) * g + uint64_t(7471) * b + 32768) >> 16);
            if (sixteen)
                reinterpret_cast<uint16_t *>(dst)[x] = uint16_t(yv);
            else
                dst[x] = uint8_t(std::min<uint32_t>(255, (yv + 128u) / 257u));
        }
    }
    return out;
}

Frame Frame::converted(PixelFormat format) const
{
    if (isNull() || format == m_format)
        return *this;
    Frame out(m_width, m_height, format);
    out.index = index;
    out.pts = pts;
    out.timeBase = timeBase;
    const bool inSixteen = isSixteenBit(m_format), outSixteen = isSixteenBit(format);
    const int inCh = channels(), outCh = channelCount(format);
    if (inCh == outCh && !inSixteen && outSixteen) {
        for (int y = 0; y < m_height; ++y) {
            const uint8_t *src = constRow(y);
            uint16_t *dst = out.row16(y);
            for (size_t i = 0; i < size_t(m_width) * inCh; ++i)
                dst[i] = uint16_t(src[i] * 257u);
        }
        return out;
    }
    for (int y = 0; y < m_height; ++y) {
        const uint8_t *src = constRow(y);
        uint8_t *dst = out.row(y);
        for (int x = 0; x < m_width; ++x) {
            const size_t si = size_t(x) * inCh, di = size_t(x) * outCh;
            uint32_t rgba[4];
            if (inCh == 1) {
                rgba[0] = rgba[1] = rgba[2] = read16(src, si, inSixteen);
                rgba[3] = 65535;
            } else {
                for (int c = 0; c < 3; ++c)
                    rgba[c] = read16(src, si + c, inSixteen);
                rgba[3] = inCh == 4 ? read16(src, si + 3, inSixteen) : 65535;
            }
            if (outCh == 1) {
                const uint32_t yv =
                    uint32_t((uint64_t(19595) * rgba[0] + uint64_t(38470) * rgba[1] +
                              uint64_t(7471) * rgba[2] + 32768) >>
                             16);
                write16(dst, di, yv, outSixteen);
            } else {
                for (int c = 0; c < outCh; ++c)
                    write16(dst, di + c, rgba[c], outSixteen);
            }
        }
    }
    return out;
}

Frame Frame::rotated(int degreesClockwise) const
{
    const int deg = ((degreesClockwise % 360) + 360) % 360;
    if (isNull() || deg == 0)
        return *this;
    const bool swap = deg == 90 || deg == 270;
    Frame out(swap ? m_height : m_width, swap ? m_width : m_height, m_format);
    out.index = index;
    out.pts = pts;
    out.timeBase = timeBase;
    const size_t px = size_t(channels()) * bytesPerSample(m_format);
    for (int y = 0; y < m_height; ++y) {
        const uint8_t *src = constRow(y);
        for (int x = 0; x < m_width; ++x) {
            int ox = x, oy = y;
            if (deg == 90) {
                ox = m_height - 1 - y;
                oy = x;
            } else if (deg == 180) {
                ox = m_width - 1 - x;
                oy = m_height - 1 - y;
            } else if (deg == 270) {
                ox = y;
                oy = m_width - 1 - x;
            }
            std::memcpy(out.row(oy) + size_t(ox) * px, src + size_t(x) * px, px);
        }
    }
    return out;
}

Frame Frame::paddedTo(int width, int height) const
{
    if (isNull() || (width == m_width && height == m_height))
        return *this;
    assert(width >= m_width && height >= m_height);
    Frame out(width, height, m_format);
    out.index = index;
    out.pts = pts;
    out.timeBase = timeBase;
    const size_t px = size_t(channels()) * bytesPerSample(m_format);
    for (int y = 0; y < height; ++y) {
        const uint8_t *src = constRow(std::min(y, m_height - 1));
        uint8_t *dst = out.row(y);
        std::memcpy(dst, src, strideBytes());
        for (int x = m_width; x < width; ++x)
            std::memcpy(dst + size_t(x) * px, src + size_t(m_width - 1) * px, px);
    }
    return out;
}

Frame Frame::cropped(int width, int height) const
{
    if (isNull() || (width == m_width && height == m_height))
        return *this;
    assert(width <= m_width && height <= m_height);
    Frame out(width, height, m_format);
    out.index = index;
    out.pts = pts;
    out.timeBase = timeBase;
    for (int y = 0; y < height; ++y)
        std::memcpy(out.row(y), constRow(y), out.strideBytes());
    return out;
}

} // namespace tincture
