#pragma once
// In-memory shots and sinks for the propagation tests.

#include "lab/evaluation.h"
#include "propagation/propagationmethod.h"
#include "propagation/shotdetection.h"

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <random>
#include <vector>

namespace tincture::test {

using namespace tincture::propagation;
using lab::protocolGrey;

// "0–59, 60–119": shots as the tests compare them.
inline QString describeShots(const std::vector<Shot> &shots)
{
    QStringList parts;
    for (const Shot &s : shots)
        parts << QStringLiteral("%1–%2").arg(s.first).arg(s.last);
    return parts.join(QStringLiteral(", "));
}

// A shot held as colour frames; greyFrame() gives the protocol's grey and counts the reads.
class MemoryShot final : public GreyFrameSource
{
public:
    explicit MemoryShot(std::vector<Frame> colour) : m_colour(std::move(colour)) {}
    int frameCount() const override { return int(m_colour.size()); }
    Result<Frame> greyFrame(int index) override
    {
        ++requests;
        return protocolGrey(m_colour[size_t(index)]);
    }
    const Frame &colour(int i) const { return m_colour[size_t(i)]; }
    int requests = 0;

private:
    std::vector<Frame> m_colour;
};

// Keeps every frame put (and how often each index came), and the confidence maps with the
// index of the frame put next after each; can fail at one index or call back.
class CollectSink final : public FrameSink
{
public:
    Result<void> putConfidence(int index, const Frame &map) override
    {
        confidence[index] = map;
        confidenceBefore[index] = -1;
        lastConfidence = index;
        return {};
    }
    Result<void> put(int index, const Frame &colour) override
    {
        if (lastConfidence >= 0)
            confidenceBefore[lastConfidence] = index;
        lastConfidence = -1;
        if (failAt == index)
            return makeError(ErrorCode::WriteFailed, QStringLiteral("disk full"));
        ++puts[index];
        frames[index] = colour;
        if (onPut)
            onPut(index);
        return {};
    }
    std::map<int, int> puts;
    std::map<int, Frame> frames;
    std::map<int, Frame> confidence;
    std::map<int, int> confidenceBefore; // confidence index → the index of the next put
    int lastConfidence = -1;
    int failAt = -1;
    std::function<void(int)> onPut;
};

// Coloured blobs with sharp edges on a textured background, all moved right by `shift`:
// colour follows the objects, so copying the keyframe's chroma in place is wrong.
inline Frame blobs(int w, int h, double shift, unsigned seed = 3, int palette = 0)
{
    std::mt19937 rng{seed};
    std::uniform_real_distribution<double> u(0.0, 1.0);
    struct Blob
    {
        double x, y, r;
        uint8_t c[3];
    };
    std::vector<Blob> list;
    for (int k = 0; k < 8; ++k) {
        Blob b{u(rng) * w, u(rng) * h, 6 + u(rng) * h / 5, {}};
        for (uint8_t &c : b.c)
            c = uint8_t(40 + 180 * u(rng));
        if (palette)
            std::swap(b.c[0], b.c[2]);
        list.push_back(b);
    }
    Frame f(w, h, PixelFormat::Rgb8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double sx = x - shift;
            const double t = 0.5 + 0.25 * std::sin(sx * 0.3) * std::cos(y * 0.27);
            uint8_t rgb[3] = {uint8_t(90 + 60 * t), uint8_t(110 + 50 * t), uint8_t(100 + 40 * t)};
            for (const Blob &b : list)
                if ((sx - b.x) * (sx - b.x) + (y - b.y) * (y - b.y) < b.r * b.r)
                    for (int c = 0; c < 3; ++c)
                        rgb[c] = uint8_t(std::clamp(b.c[c] * (0.8 + 0.4 * t), 0.0, 255.0));
            std::copy(rgb, rgb + 3, f.row(y) + x * 3);
        }
    return f;
}

inline std::vector<Frame> movingShot(int n, double step, int w = 96, int h = 64)
{
    std::vector<Frame> frames;
    for (int i = 0; i < n; ++i)
        frames.push_back(blobs(w, h, i * step));
    return frames;
}

// How two runs' RGB outputs differ: the largest byte difference and the share of bytes that
// differ at all.
struct Difference
{
    int largest = 0;
    double share = 0.0;
};
inline Difference difference(const CollectSink &a, const CollectSink &b)
{
    Difference d;
    size_t differing = 0, total = 0;
    for (const auto &[i, f] : a.frames) {
        const Frame &g = b.frames.at(i);
        for (int y = 0; y < f.height(); ++y)
            for (int x = 0; x < f.width() * 3; ++x) {
                const int e = std::abs(int(f.constRow(y)[x]) - int(g.constRow(y)[x]));
                d.largest = std::max(d.largest, e);
                differing += e > 0 ? 1 : 0;
                ++total;
            }
    }
    d.share = total ? double(differing) / double(total) : 0.0;
    return d;
}

} // namespace tincture::test
