#include "propagation/internal/chromautil.h"

#include "colour/colourspace.h"

#include <algorithm>
#include <cstring>

namespace tincture::propagation::detail {

cv::Mat toMat(const Frame &frame, int type)
{
    cv::Mat m(frame.height(), frame.width(), type);
    for (int y = 0; y < frame.height(); ++y)
        std::memcpy(m.ptr<uint8_t>(y), frame.constRow(y), frame.strideBytes());
    return m;
}

Frame toRgbFrame(const cv::Mat &rgb)
{
    Frame out(rgb.cols, rgb.rows, PixelFormat::Rgb8);
    for (int y = 0; y < rgb.rows; ++y)
        std::memcpy(out.row(y), rgb.ptr<uint8_t>(y), out.strideBytes());
    return out;
}

Frame toGreyFrame(const cv::Mat &grey)
{
    Frame out(grey.cols, grey.rows, PixelFormat::Gray8);
    for (int y = 0; y < grey.rows; ++y)
        std::memcpy(out.row(y), grey.ptr<uint8_t>(y), out.strideBytes());
    return out;
}

cv::Mat greyMat(const Frame &frame)
{
    const Frame g = frame.channels() == 1 && frame.bitDepth() == 8
                        ? frame
                        : frame.luma().converted(PixelFormat::Gray8);
    cv::Mat m(g.height(), g.width(), CV_8UC1);
    for (int y = 0; y < g.height(); ++y)
        std::memcpy(m.ptr<uint8_t>(y), g.constRow(y), size_t(g.width()));
    return m;
}

cv::Mat chromaOf(const Frame &colour)
{
    const Frame rgb = colour.converted(PixelFormat::Rgb8);
    cv::Mat out(rgb.height(), rgb.width(), CV_32FC2);
    for (int y = 0; y < rgb.height(); ++y) {
        const uint8_t *s = rgb.constRow(y);
        auto *d = out.ptr<cv::Vec2f>(y);
        for (int x = 0; x < rgb.width(); ++x, s += 3) {
            const float r = s[0], g = s[1], b = s[2];
            d[x][0] = 128.0f - 0.168736f * r - 0.331264f * g + 0.5f * b;
            d[x][1] = 128.0f + 0.5f * r - 0.418688f * g - 0.081312f * b;
        }
    }
    return out;
}

Frame composeLumaExact(const cv::Mat &grey, const cv::Mat &chroma)
{
    CV_Assert(grey.type() == CV_8UC1 && chroma.type() == CV_32FC2 && grey.size() == chroma.size());
    Frame out(grey.cols, grey.rows, PixelFormat::Rgb8);
    uint8_t *base = out.data();
    const size_t stride = out.strideBytes();
    cv::parallel_for_(cv::Range(0, grey.rows), [&](const cv::Range &rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const uint8_t *g = grey.ptr<uint8_t>(y);
            const auto *c = chroma.ptr<cv::Vec2f>(y);
            uint8_t *o = base + size_t(y) * stride;
            for (int x = 0; x < grey.cols; ++x, o += 3) {
                const float yy = g[x], cb = c[x][0] - 128.0f, cr = c[x][1] - 128.0f;
                const colour::Rgb rgb{(yy + 1.402f * cr) / 255.0f,
                                      (yy - 0.344136f * cb - 0.714136f * cr) / 255.0f,
                                      (yy + 1.772f * cb) / 255.0f};
                colour::quantiseLumaExact8(rgb, g[x], o);
            }
        }
    });
    return out;
}

Error frameSizeError(int index, cv::Size frame, cv::Size key)
{
    return makeError(ErrorCode::SizeMismatch,
                     QStringLiteral("frame %1 is %2×%3, the keyframe %4×%5")
                         .arg(index)
                         .arg(frame.width)
                         .arg(frame.height)
                         .arg(key.width)
                         .arg(key.height));
}

void appendFeatures(std::vector<float> &features, const cv::Mat &grey, int stride, float xyScale,
                    float lumaScale, const float *t)
{
    const int dims = t ? 4 : 3;
    const int off = stride / 2;
    for (int y = off; y < grey.rows; y += stride) {
        const uint8_t *g = grey.ptr<uint8_t>(y);
        for (int x = off; x < grey.cols; x += stride) {
            features.push_back(float(x) * xyScale);
            features.push_back(float(y) * xyScale);
            features.push_back(float(g[x]) * lumaScale);
            if (dims == 4)
                features.push_back(*t);
        }
    }
}

cv::Mat normalisedChroma(const std::vector<float> &sliced, cv::Size size)
{
    CV_Assert(sliced.size() == size_t(size.area()) * 3);
    cv::Mat chroma(size, CV_32FC2);
    for (int y = 0; y < size.height; ++y) {
        auto *c = chroma.ptr<cv::Vec2f>(y);
        const float *o = sliced.data() + size_t(y) * size_t(size.width) * 3;
        for (int x = 0; x < size.width; ++x, o += 3) {
            const bool some = o[2] > 1e-6f;
            c[x][0] = some ? o[0] / o[2] : 128.0f;
            c[x][1] = some ? o[1] / o[2] : 128.0f;
        }
    }
    return chroma;
}

} // namespace tincture::propagation::detail
