#include "propagation/internal/keyframematcher.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tincture::propagation::detail {

namespace {
constexpr unsigned kSeed = 20180618; // any fixed seed: runs are reproducible
}

KeyframeMatcher::KeyframeMatcher(const KeyframeMatchParams &params) : m_p(params)
{
    m_p.scale = std::max(1, m_p.scale);
    m_p.patchRadius = std::max(0, m_p.patchRadius);
    m_p.iterations = std::max(1, m_p.iterations);
    m_p.sigma = std::max(1e-3f, m_p.sigma);
}

void KeyframeMatcher::reduce(const cv::Mat &grey, cv::Mat &out) const
{
    cv::Mat small, f;
    cv::resize(grey, small, m_size, 0, 0, cv::INTER_AREA);
    small.convertTo(f, CV_32F);
    const int r = m_p.patchRadius;
    cv::copyMakeBorder(f, out, r, r, r, r, cv::BORDER_REPLICATE);
}

void KeyframeMatcher::setKeyframe(const cv::Mat &grey, const cv::Mat &chroma)
{
    m_size =
        cv::Size((grey.cols + m_p.scale - 1) / m_p.scale, (grey.rows + m_p.scale - 1) / m_p.scale);
    reduce(grey, m_keyGrey);
    cv::resize(chroma, m_keyChroma, m_size, 0, 0, cv::INTER_AREA);
    m_field.release();
    m_random.seed(kSeed);
}

// Mean squared difference of the patches at (x, y) of the frame and (kx, ky) of the keyframe
// (reduced coordinates); stops early once past `best`.
float KeyframeMatcher::distance(const cv::Mat &frame, int x, int y, int kx, int ky,
                                float best) const
{
    const int n = 2 * m_p.patchRadius + 1;
    const float limit = best * float(n * n);
    float sum = 0.0f;
    for (int dy = 0; dy < n; ++dy) {
        const float *a = frame.ptr<float>(y + dy) + x;
        const float *b = m_keyGrey.ptr<float>(ky + dy) + kx;
        for (int dx = 0; dx < n; ++dx) {
            const float d = a[dx] - b[dx];
            sum += d * d;
        }
        if (sum > limit)
            return std::numeric_limits<float>::max();
    }
    return sum / float(n * n);
}

void KeyframeMatcher::improve(const cv::Mat &frame, int x, int y, int kx, int ky, cv::Vec2i &at,
                              float &best)
{
    kx = std::clamp(kx, 0, m_size.width - 1);
    ky = std::clamp(ky, 0, m_size.height - 1);
    if (kx == at[0] && ky == at[1])
        return;
    const float d = distance(frame, x, y, kx, ky, best);
    if (d < best) {
        best = d;
        at = cv::Vec2i(kx, ky);
    }
}

void KeyframeMatcher::match(const cv::Mat &grey, cv::Mat &chroma, cv::Mat &confidence)
{
    reduce(grey, m_frame);
    const int w = m_size.width, h = m_size.height;
    int iterations = m_p.iterations;
    if (m_field.empty()) { // a new pass: random matches, and more iterations to settle them
        m_field.create(h, w, CV_32SC2);
        std::uniform_int_distribution<int> rx(0, w - 1), ry(0, h - 1);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                m_field.at<cv::Vec2i>(y, x) = cv::Vec2i(rx(m_random), ry(m_random));
        iterations *= 2;
    }
    m_cost.create(h, w, CV_32FC1);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const cv::Vec2i at = m_field.at<cv::Vec2i>(y, x);
            m_cost.at<float>(y, x) =
                distance(m_frame, x, y, at[0], at[1], std::numeric_limits<float>::max());
        }
    // The field follows the frame where the previous one left it, but a place may also have
    // matched itself unmoved: try the identity too.
    const int maxRadius = std::max(w, h);
    for (int it = 0; it < iterations; ++it) {
        const bool forward = it % 2 == 0; // alternate scan order, as PatchMatch does
        const int step = forward ? 1 : -1;
        for (int yy = 0; yy < h; ++yy) {
            const int y = forward ? yy : h - 1 - yy;
            for (int xx = 0; xx < w; ++xx) {
                const int x = forward ? xx : w - 1 - xx;
                cv::Vec2i at = m_field.at<cv::Vec2i>(y, x);
                float best = m_cost.at<float>(y, x);
                if (it == 0)
                    improve(m_frame, x, y, x, y, at, best);
                // Propagation: the scanline neighbours' matches, shifted by one.
                const int px = x - step, py = y - step;
                if (px >= 0 && px < w) {
                    const cv::Vec2i n = m_field.at<cv::Vec2i>(y, px);
                    improve(m_frame, x, y, n[0] + step, n[1], at, best);
                }
                if (py >= 0 && py < h) {
                    const cv::Vec2i n = m_field.at<cv::Vec2i>(py, x);
                    improve(m_frame, x, y, n[0], n[1] + step, at, best);
                }
                // Random search around the current match at halving radii.
                for (int r = maxRadius; r >= 1; r /= 2) {
                    std::uniform_int_distribution<int> offset(-r, r);
                    improve(m_frame, x, y, at[0] + offset(m_random), at[1] + offset(m_random), at,
                            best);
                }
                m_field.at<cv::Vec2i>(y, x) = at;
                m_cost.at<float>(y, x) = best;
            }
        }
    }
    chroma.create(h, w, CV_32FC2);
    confidence.create(h, w, CV_32FC1);
    const float inv = 1.0f / (m_p.sigma * m_p.sigma);
    const float r = m_p.radius * float(std::max(w, h));
    const float invR = r > 0.0f ? 1.0f / (2.0f * r * r) : 0.0f;
    for (int y = 0; y < h; ++y) {
        const auto *f = m_field.ptr<cv::Vec2i>(y);
        const float *c = m_cost.ptr<float>(y);
        auto *out = chroma.ptr<cv::Vec2f>(y);
        float *k = confidence.ptr<float>(y);
        for (int x = 0; x < w; ++x) {
            out[x] = m_keyChroma.at<cv::Vec2f>(f[x][1], f[x][0]);
            const float dx = float(f[x][0] - x), dy = float(f[x][1] - y);
            k[x] = std::exp(-c[x] * inv - (dx * dx + dy * dy) * invR);
        }
    }
}

} // namespace tincture::propagation::detail
