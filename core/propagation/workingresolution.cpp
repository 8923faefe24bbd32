#include "propagation/workingresolution.h"

#include "colour/colourspace.h"
#include "propagation/internal/chromautil.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

namespace tincture::propagation {
namespace {

int matType(const Frame &frame)
{
    return CV_MAKETYPE(frame.bitDepth() == 16 ? CV_16U : CV_8U, frame.channels());
}

// Row y of a luma frame (Gray8 or Gray16) in [0, 1].
void unitRow(const Frame &luma, int y, float *out)
{
    if (luma.bitDepth() == 16) {
        const uint16_t *s = luma.constRow16(y);
        for (int x = 0; x < luma.width(); ++x)
            out[x] = float(s[x]) * (1.0f / 65535.0f);
    } else {
        const uint8_t *s = luma.constRow(y);
        for (int x = 0; x < luma.width(); ++x)
            out[x] = float(s[x]) * (1.0f / 255.0f);
    }
}

// A luma frame averaged down to `size` (area), in [0, 1].
cv::Mat unitLumaAt(const Frame &luma, cv::Size size)
{
    const bool sixteen = luma.bitDepth() == 16;
    const cv::Mat view(luma.height(), luma.width(), sixteen ? CV_16UC1 : CV_8UC1,
                       const_cast<uint8_t *>(luma.constData()), luma.strideBytes());
    cv::Mat small, out;
    cv::resize(view, small, size, 0, 0, cv::INTER_AREA);
    small.convertTo(out, CV_32F, sixteen ? 1.0 / 65535.0 : 1.0 / 255.0);
    return out;
}

// Where full-size column (row) i samples a map of `lowSize` columns (rows): OpenCV's bilinear
// convention (pixel centres aligned), clamped at the borders.
struct Taps
{
    std::vector<int> i0, i1;
    std::vector<float> w1;
};

Taps bilinearTaps(int fullSize, int lowSize)
{
    Taps t;
    t.i0.resize(size_t(fullSize));
    t.i1.resize(size_t(fullSize));
    t.w1.resize(size_t(fullSize));
    const double scale = double(lowSize) / fullSize;
    for (int i = 0; i < fullSize; ++i) {
        const double s = std::clamp((i + 0.5) * scale - 0.5, 0.0, double(lowSize - 1));
        const int i0 = std::min(int(s), lowSize - 1);
        t.i0[size_t(i)] = i0;
        t.i1[size_t(i)] = std::min(i0 + 1, lowSize - 1);
        t.w1[size_t(i)] = float(s - i0);
    }
    return t;
}

// The 4 working-size samples around each full-size column (row), with Gaussian weights of
// their distance (clamped at the borders: a repeated sample counts again).
struct Taps4
{
    std::vector<std::array<int, 4>> i;
    std::vector<std::array<float, 4>> w;
};

Taps4 gaussianTaps(int fullSize, int lowSize, double sigma)
{
    Taps4 t;
    t.i.resize(size_t(fullSize));
    t.w.resize(size_t(fullSize));
    const double scale = double(lowSize) / fullSize;
    for (int i = 0; i < fullSize; ++i) {
        const double s = (i + 0.5) * scale - 0.5;
        const int base = int(std::floor(s)) - 1;
        for (int k = 0; k < 4; ++k) {
            const double d = s - (base + k);
            t.i[size_t(i)][size_t(k)] = std::clamp(base + k, 0, lowSize - 1);
            t.w[size_t(i)][size_t(k)] = float(std::exp(-d * d / (2 * sigma * sigma)));
        }
    }
    return t;
}

} // namespace

QSize workingSize(QSize source, int workingHeight)
{
    if (workingHeight <= 0 || workingHeight >= source.height() || source.isEmpty())
        return source;
    const int height = workingHeight & ~1;
    const int width =
        std::max(2, int(std::lround(double(source.width()) * height / source.height())) & ~1);
    return {std::min(width, source.width()), height};
}

Frame resizedArea(const Frame &frame, QSize size)
{
    if (frame.isNull() || (frame.width() == size.width() && frame.height() == size.height()))
        return frame;
    cv::Mat small;
    cv::resize(detail::toMat(frame, matType(frame)), small, cv::Size(size.width(), size.height()),
               0, 0, cv::INTER_AREA);
    Frame out(size.width(), size.height(), frame.format());
    for (int y = 0; y < out.height(); ++y)
        std::memcpy(out.row(y), small.ptr<uint8_t>(y), out.strideBytes());
    out.index = frame.index;
    out.pts = frame.pts;
    out.timeBase = frame.timeBase;
    return out;
}

Frame resizedHints(const Frame &hints, QSize size)
{
    if (hints.isNull() || hints.channels() != 4 ||
        (hints.width() == size.width() && hints.height() == size.height()))
        return hints;
    const Frame rgba = hints.converted(PixelFormat::Rgba8);
    // Premultiplied colour and alpha, averaged over each working-size pixel's area.
    cv::Mat premultiplied(rgba.height(), rgba.width(), CV_32FC4);
    for (int y = 0; y < rgba.height(); ++y) {
        const uint8_t *s = rgba.constRow(y);
        auto *d = premultiplied.ptr<cv::Vec4f>(y);
        for (int x = 0; x < rgba.width(); ++x, s += 4) {
            const float a = s[3] / 255.0f;
            d[x] = cv::Vec4f(s[0] * a, s[1] * a, s[2] * a, a);
        }
    }
    cv::Mat small;
    cv::resize(premultiplied, small, cv::Size(size.width(), size.height()), 0, 0, cv::INTER_AREA);
    Frame out(size.width(), size.height(), PixelFormat::Rgba8);
    for (int y = 0; y < out.height(); ++y) {
        const auto *s = small.ptr<cv::Vec4f>(y);
        uint8_t *d = out.row(y);
        for (int x = 0; x < out.width(); ++x, d += 4) {
            const float a = s[x][3];
            if (a <= 1e-6f)
                continue;
            for (int c = 0; c < 3; ++c)
                d[c] = uint8_t(std::clamp(std::lround(s[x][c] / a), 0L, 255L));
            d[3] = 255;
        }
    }
    return out;
}

Result<Frame> deliverColour(const Frame &source, const Frame &working, const DeliveryParams &params)
{
    if (source.isNull() || working.isNull())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("no frame to deliver"));
    const int width = source.width(), height = source.height();
    if (working.width() > width || working.height() > height || working.channels() < 3)
        return makeError(ErrorCode::SizeMismatch,
                         QStringLiteral("the colour is %1×%2 (%3), the frame %4×%5")
                             .arg(working.width())
                             .arg(working.height())
                             .arg(QLatin1String(pixelFormatName(working.format())))
                             .arg(width)
                             .arg(height));
    const bool sixteen = source.bitDepth() == 16;
    const Frame luma = source.luma();
    const bool sameSize = working.width() == width && working.height() == height;
    if (sameSize && !sixteen && working.format() == PixelFormat::Rgb8) {
        const Frame own = working.luma();
        if (std::memcmp(own.constData(), luma.constData(), luma.byteSize()) == 0)
            return working;
    }
    try {
        // The guide is the full-size luma, read a row at a time (a float copy of a 4K frame
        // would be 51 MB more).
        const cv::Size low(working.width(), working.height());
        Frame out(width, height, sixteen ? PixelFormat::Rgb16 : PixelFormat::Rgb8);
        uint8_t *base = out.data();
        const size_t stride = out.strideBytes();
        // (cb, cr) centred on 0, 0–255 units → the frame's samples, luma exact.
        auto put = [&](int y, int x, float yy, float cb, float cr) {
            cb /= 255.0f;
            cr /= 255.0f;
            const colour::Rgb rgb{yy + 1.402f * cr, yy - 0.344136f * cb - 0.714136f * cr,
                                  yy + 1.772f * cb};
            if (sixteen)
                colour::quantiseLumaExact16(
                    rgb, luma.constRow16(y)[x],
                    reinterpret_cast<uint16_t *>(base + size_t(y) * stride) + 3 * x);
            else
                colour::quantiseLumaExact8(rgb, luma.constRow(y)[x],
                                           base + size_t(y) * stride + 3 * x);
        };
        const cv::Mat chroma = detail::chromaOf(working);
        if (params.upsampling == ChromaUpsampling::JointBilateral && !sameSize) {
            const cv::Mat guideLow = unitLumaAt(luma, low);
            const Taps4 xs = gaussianTaps(width, low.width, params.sigmaSpace);
            const Taps4 ys = gaussianTaps(height, low.height, params.sigmaSpace);
            // exp(−d² / 2σ²) of the luma difference d in [0, 1], tabulated.
            constexpr int kBins = 1024;
            std::array<float, kBins + 1> range{};
            for (int b = 0; b <= kBins; ++b) {
                const double d = double(b) / kBins;
                range[size_t(b)] =
                    float(std::exp(-d * d / (2 * params.sigmaRange * params.sigmaRange)) + 1e-6);
            }
            cv::parallel_for_(cv::Range(0, height), [&](const cv::Range &rows) {
                std::vector<float> g(static_cast<size_t>(width));
                for (int y = rows.start; y < rows.end; ++y) {
                    unitRow(luma, y, g.data());
                    const auto &yi = ys.i[size_t(y)];
                    const auto &yw = ys.w[size_t(y)];
                    for (int x = 0; x < width; ++x) {
                        const auto &xi = xs.i[size_t(x)];
                        const auto &xw = xs.w[size_t(x)];
                        const float yy = g[size_t(x)];
                        float sum = 0, cb = 0, cr = 0;
                        for (int j = 0; j < 4; ++j) {
                            const float *gl = guideLow.ptr<float>(yi[size_t(j)]);
                            const auto *cl = chroma.ptr<cv::Vec2f>(yi[size_t(j)]);
                            for (int k = 0; k < 4; ++k) {
                                const int c = xi[size_t(k)];
                                const int bin =
                                    std::min(kBins, int(std::abs(gl[c] - yy) * kBins + 0.5f));
                                const float w = yw[size_t(j)] * xw[size_t(k)] * range[size_t(bin)];
                                sum += w;
                                cb += w * cl[c][0];
                                cr += w * cl[c][1];
                            }
                        }
                        put(y, x, yy, cb / sum - 128.0f, cr / sum - 128.0f);
                    }
                }
            });
        } else {
            // Bilinear, or the same size (only the depth changes: the taps are the identity).
            const Taps xs = bilinearTaps(width, low.width), ys = bilinearTaps(height, low.height);
            cv::parallel_for_(cv::Range(0, height), [&](const cv::Range &rows) {
                std::vector<float> g(static_cast<size_t>(width));
                for (int y = rows.start; y < rows.end; ++y) {
                    const auto *r0 = chroma.ptr<cv::Vec2f>(ys.i0[size_t(y)]);
                    const auto *r1 = chroma.ptr<cv::Vec2f>(ys.i1[size_t(y)]);
                    const float wy = ys.w1[size_t(y)];
                    unitRow(luma, y, g.data());
                    for (int x = 0; x < width; ++x) {
                        const int x0 = xs.i0[size_t(x)], x1 = xs.i1[size_t(x)];
                        const float wx = xs.w1[size_t(x)];
                        const cv::Vec2f c = (r0[x0] * (1.0f - wx) + r0[x1] * wx) * (1.0f - wy) +
                                            (r1[x0] * (1.0f - wx) + r1[x1] * wx) * wy;
                        put(y, x, g[size_t(x)], c[0] - 128.0f, c[1] - 128.0f);
                    }
                }
            });
        }
        out.index = source.index;
        out.pts = source.pts;
        out.timeBase = source.timeBase;
        return out;
    } catch (const cv::Exception &e) {
        return makeError(
            ErrorCode::Internal,
            QStringLiteral("delivering the colour: %1").arg(QString::fromUtf8(e.what())));
    }
}

Result<Frame> WorkingSizeSource::greyFrame(int index)
{
    for (auto it = m_recent.begin(); it != m_recent.end(); ++it)
        if (it->first == index) {
            m_recent.splice(m_recent.begin(), m_recent, it);
            return m_recent.front().second;
        }
    Result<Frame> frame = m_full.greyFrame(index);
    if (!frame)
        return frame;
    Frame small = resizedArea(*frame, m_size);
    if (int64_t(small.byteSize()) <= m_cacheBytes) {
        m_recent.emplace_front(index, small);
        m_cached += int64_t(small.byteSize());
        while (m_cached > m_cacheBytes) {
            m_cached -= int64_t(m_recent.back().second.byteSize());
            m_recent.pop_back();
        }
    }
    return small;
}

namespace {

// The inner method's working-size frames, delivered at the shot's size over its grey frames.
class DeliveringSink final : public FrameSink
{
public:
    DeliveringSink(FrameSink &out, GreyFrameSource &full, const DeliveryParams &params)
        : m_out(out), m_full(full), m_params(params)
    {
    }
    // Held until the frame comes: it is brought to the frame's size then.
    Result<void> putConfidence(int index, const Frame &confidence) override
    {
        m_confidenceIndex = index;
        m_confidence = confidence;
        return {};
    }

    Result<void> put(int index, const Frame &colour) override
    {
        Result<Frame> grey = m_full.greyFrame(index);
        if (!grey)
            return grey.error();
        Result<Frame> full = deliverColour(*grey, colour, m_params);
        if (!full)
            return full.error();
        if (m_confidenceIndex == index && !m_confidence.isNull()) {
            cv::Mat small = detail::toMat(m_confidence, CV_8UC1), large;
            cv::resize(small, large, cv::Size(full->width(), full->height()), 0, 0,
                       cv::INTER_LINEAR);
            m_confidence = {};
            if (Result<void> ok = m_out.putConfidence(index, detail::toGreyFrame(large)); !ok)
                return ok;
        }
        return m_out.put(index, *full);
    }

private:
    FrameSink &m_out;
    int m_confidenceIndex = -1;
    Frame m_confidence;
    GreyFrameSource &m_full;
    const DeliveryParams &m_params;
};

} // namespace

WorkingResolutionMethod::WorkingResolutionMethod(std::unique_ptr<PropagationMethod> inner,
                                                 int workingHeight, DeliveryParams params)
    : m_inner(std::move(inner)), m_workingHeight(workingHeight), m_params(params)
{
}

Result<void> WorkingResolutionMethod::propagate(GreyFrameSource &shot,
                                                const std::vector<Keyframe> &keyframes,
                                                FrameSink &sink, Feedback &feedback)
{
    if (keyframes.empty())
        return m_inner->propagate(shot, keyframes, sink, feedback);
    const Frame &first = keyframes.front().colour;
    const QSize full(first.width(), first.height());
    const QSize size = workingSize(full, m_workingHeight);
    if (size == full)
        return m_inner->propagate(shot, keyframes, sink, feedback);
    std::vector<Keyframe> small;
    for (const Keyframe &k : keyframes) {
        if (k.colour.width() != full.width() || k.colour.height() != full.height())
            return makeError(ErrorCode::SizeMismatch,
                             QStringLiteral("keyframe %1 is %2×%3, keyframe %4 %5×%6")
                                 .arg(k.index)
                                 .arg(k.colour.width())
                                 .arg(k.colour.height())
                                 .arg(keyframes.front().index)
                                 .arg(full.width())
                                 .arg(full.height()));
        small.push_back(Keyframe{k.index, resizedArea(k.colour, size)});
    }
    WorkingSizeSource grey(shot, size);
    DeliveringSink delivering(sink, shot, m_params);
    return m_inner->propagate(grey, small, delivering, feedback);
}

} // namespace tincture::propagation
