// bnnflow: flow-warped chroma re-filtered on a permutohedral lattice; see latticemethods.h.

#include "propagation/chaindriver.h"
#include "propagation/chromautil.h"
#include "propagation/latticemethods.h"
#include "propagation/permutohedral.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include <algorithm>

namespace tincture {

namespace {

using namespace propagation_detail;

// Pixels less sure than this are re-filled from the lattice.
constexpr float kNeedBelow = 0.999f;

class FlowPropagator final : public ChainPropagator
{
public:
    explicit FlowPropagator(const BnnFlowParams &params) : m_p(params)
    {
        if (params.disPreset >= 0)
            m_dis = cv::DISOpticalFlow::create(std::clamp(params.disPreset, 0, 2));
    }

    void start(const cv::Mat &keyGrey, const cv::Mat &keyChroma) override
    {
        m_prevGrey = keyGrey.clone();
        m_chroma = keyChroma.clone();
        m_confidence = cv::Mat(keyGrey.size(), CV_32FC1, cv::Scalar(1.0f));
        m_keyEmbedding = {};
        m_keyValues.clear();
        if (m_p.keyWeight > 0.0f) {
            cv::Mat grey, chroma;
            downscale(keyGrey, keyChroma, grey, chroma);
            std::vector<float> features;
            appendGridFeatures(features, grey);
            for (int y = 0; y < chroma.rows; ++y) {
                const auto *c = chroma.ptr<cv::Vec2f>(y);
                for (int x = 0; x < chroma.cols; ++x) {
                    m_keyValues.push_back(c[x][0] * m_p.keyWeight);
                    m_keyValues.push_back(c[x][1] * m_p.keyWeight);
                    m_keyValues.push_back(m_p.keyWeight);
                }
            }
            m_keyEmbedding =
                PermutohedralLattice(3, 3).embed(features.data(), features.size() / 3);
        }
    }

    bool step(const cv::Mat &grey, cv::Mat &chroma, cv::Mat &confidence,
              const Feedback &feedback) override
    {
        // Buffers are members: frames of one size reuse them instead of faulting in fresh
        // pages every frame.
        cv::Mat &back = m_back, &forward = m_forward, &mapX = m_mapX, &mapY = m_mapY;
        flow(grey, m_prevGrey, back); // where each pixel of this frame was
        if (feedback.isCancelled())
            return false;
        flow(m_prevGrey, grey, forward); // where each previous pixel went
        if (feedback.isCancelled())
            return false;
        mapX.create(grey.size(), CV_32FC1);
        mapY.create(grey.size(), CV_32FC1);
        for (int y = 0; y < grey.rows; ++y) {
            const auto *b = back.ptr<cv::Vec2f>(y);
            float *mx = mapX.ptr<float>(y), *my = mapY.ptr<float>(y);
            for (int x = 0; x < grey.cols; ++x) {
                mx[x] = float(x) + b[x][0];
                my[x] = float(y) + b[x][1];
            }
        }
        cv::Mat &warped = m_warped, &warpedConfidence = m_warpedConfidence,
                &forwardThere = m_forwardThere;
        cv::remap(m_chroma, warped, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
        cv::remap(m_confidence, warpedConfidence, mapX, mapY, cv::INTER_LINEAR,
                  cv::BORDER_CONSTANT, cv::Scalar(0.0f));
        cv::remap(forward, forwardThere, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_REPLICATE);

        // Confidence: carried, times the round trip's consistency (1 within the threshold,
        // falling to 0 at twice it), times a slow decay.
        cv::Mat &k = m_k;
        k.create(grey.size(), CV_32FC1);
        cv::parallel_for_(cv::Range(0, grey.rows), [&](const cv::Range &rows) {
            for (int y = rows.start; y < rows.end; ++y) {
                const auto *b = back.ptr<cv::Vec2f>(y);
                const auto *f = forwardThere.ptr<cv::Vec2f>(y);
                const float *w = warpedConfidence.ptr<float>(y);
                float *o = k.ptr<float>(y);
                for (int x = 0; x < grey.cols; ++x) {
                    const float ex = b[x][0] + f[x][0], ey = b[x][1] + f[x][1];
                    const float e = ex * ex + ey * ey;
                    const float thr = m_p.consistencyAlpha *
                                          (b[x].dot(b[x]) + f[x].dot(f[x])) +
                                      m_p.consistencyBeta;
                    const float c = std::clamp(2.0f - e / thr, 0.0f, 1.0f);
                    o[x] = std::clamp(w[x], 0.0f, 1.0f) * c * m_p.confidenceDecay;
                }
            }
        });

        const cv::Mat &filtered = refilter(grey, warped, k);
        chroma.create(grey.size(), CV_32FC2);
        confidence.create(grey.size(), CV_32FC1);
        const float keep = 1.0f - m_p.refineMix;
        cv::parallel_for_(cv::Range(0, grey.rows), [&](const cv::Range &rows) {
            for (int y = rows.start; y < rows.end; ++y) {
                const auto *w = warped.ptr<cv::Vec2f>(y);
                const auto *fl = filtered.ptr<cv::Vec3f>(y);
                const float *kk = k.ptr<float>(y);
                auto *o = chroma.ptr<cv::Vec2f>(y);
                float *conf = confidence.ptr<float>(y);
                for (int x = 0; x < grey.cols; ++x) {
                    if (fl[x][2] <= 1e-4f) { // nothing confident near: keep the warp
                        o[x] = w[x];
                        conf[x] = kk[x];
                        continue;
                    }
                    const float a = kk[x] * keep;
                    o[x][0] = a * w[x][0] + (1.0f - a) * fl[x][0];
                    o[x][1] = a * w[x][1] + (1.0f - a) * fl[x][1];
                    // A filled pixel is as sure as the support it was filled from.
                    conf[x] = std::max(kk[x], 0.5f * std::min(1.0f, fl[x][2]));
                }
            }
        });
        chroma.copyTo(m_chroma);
        confidence.copyTo(m_confidence);
        grey.copyTo(m_prevGrey);
        return true;
    }

private:
    void flow(const cv::Mat &from, const cv::Mat &to, cv::Mat &result)
    {
        const int s = std::max(1, m_p.flowDownscale);
        if (s == 1) {
            calc(from, to, result);
            return;
        }
        cv::Mat a, b, small;
        const cv::Size size((from.cols + s - 1) / s, (from.rows + s - 1) / s);
        cv::resize(from, a, size, 0, 0, cv::INTER_AREA);
        cv::resize(to, b, size, 0, 0, cv::INTER_AREA);
        calc(a, b, small);
        cv::resize(small, result, from.size(), 0, 0, cv::INTER_LINEAR);
        result *= double(from.cols) / double(size.width);
    }

    void calc(const cv::Mat &from, const cv::Mat &to, cv::Mat &result)
    {
        if (m_dis) {
            // DIS takes a result of the right size as its initial flow: start from scratch.
            result.release();
            m_dis->calc(from, to, result);
        } else {
            cv::calcOpticalFlowFarneback(from, to, result, 0.5, 4, 21, 3, 7, 1.5, 0);
        }
    }

    // Grey and chroma at 1/latticeStride size (block means).
    void downscale(const cv::Mat &grey, const cv::Mat &chroma, cv::Mat &smallGrey,
                   cv::Mat &smallChroma) const
    {
        const int s = std::max(1, m_p.latticeStride);
        const cv::Size size((grey.cols + s - 1) / s, (grey.rows + s - 1) / s);
        cv::resize(grey, smallGrey, size, 0, 0, cv::INTER_AREA);
        cv::resize(chroma, smallChroma, size, 0, 0, cv::INTER_AREA);
    }

    // Features of a downscaled grey at the centres of the blocks, in full-size pixel units.
    void appendGridFeatures(std::vector<float> &features, const cv::Mat &smallGrey) const
    {
        const float s = float(std::max(1, m_p.latticeStride));
        for (int y = 0; y < smallGrey.rows; ++y) {
            const uint8_t *g = smallGrey.ptr<uint8_t>(y);
            for (int x = 0; x < smallGrey.cols; ++x) {
                features.push_back((float(x) + 0.5f) * s * m_p.xyScale);
                features.push_back((float(y) + 0.5f) * s * m_p.xyScale);
                features.push_back(float(g[x]) * m_p.lumaScale);
            }
        }
    }

    // Normalised convolution on the lattice: confident warped chroma (and the keyframe anchor)
    // splatted at the current frame's downscaled pixels, sliced at the full-size pixels that
    // need it (all with refineMix > 0, else the unsure ones). Returns CV_32FC3 (Cb, Cr,
    // support); support 0 where nothing was sliced.
    const cv::Mat &refilter(const cv::Mat &grey, const cv::Mat &warped, const cv::Mat &k)
    {
        cv::Mat &out = m_filtered;
        out.create(grey.size(), CV_32FC3);
        out.setTo(cv::Scalar::all(0.0));
        std::vector<int> need; // pixel offsets to slice at
        std::vector<float> features;
        for (int y = 0; y < grey.rows; ++y) {
            const float *kk = k.ptr<float>(y);
            const uint8_t *g = grey.ptr<uint8_t>(y);
            for (int x = 0; x < grey.cols; ++x)
                if (m_p.refineMix > 0.0f || kk[x] < kNeedBelow) {
                    need.push_back(y * grey.cols + x);
                    features.push_back(float(x) * m_p.xyScale);
                    features.push_back(float(y) * m_p.xyScale);
                    features.push_back(float(g[x]) * m_p.lumaScale);
                }
        }
        if (need.empty())
            return out;
        PermutohedralLattice lattice(3, 3);
        const auto slicePoints = lattice.addPoints(features.data(), need.size());

        cv::Mat &weighted = m_weighted;
        weighted.create(warped.size(), CV_32FC3);
        for (int y = 0; y < warped.rows; ++y) {
            const auto *w = warped.ptr<cv::Vec2f>(y);
            const float *kk = k.ptr<float>(y);
            auto *o = weighted.ptr<cv::Vec3f>(y);
            for (int x = 0; x < warped.cols; ++x)
                o[x] = cv::Vec3f(w[x][0] * kk[x], w[x][1] * kk[x], kk[x]);
        }
        cv::Mat smallGrey, smallValues;
        downscale(grey, weighted, smallGrey, smallValues);
        // Only blocks with some confidence carry anything: the others are left out.
        features.clear();
        std::vector<float> values;
        const float s = float(std::max(1, m_p.latticeStride));
        for (int y = 0; y < smallGrey.rows; ++y) {
            const uint8_t *g = smallGrey.ptr<uint8_t>(y);
            const auto *v = smallValues.ptr<cv::Vec3f>(y);
            for (int x = 0; x < smallGrey.cols; ++x)
                if (v[x][2] > 1e-3f) {
                    features.push_back((float(x) + 0.5f) * s * m_p.xyScale);
                    features.push_back((float(y) + 0.5f) * s * m_p.xyScale);
                    features.push_back(float(g[x]) * m_p.lumaScale);
                    values.insert(values.end(), {v[x][0], v[x][1], v[x][2]});
                }
        }
        const auto splatPoints = lattice.addPoints(features.data(), values.size() / 3);
        lattice.splat(splatPoints, values.data());
        if (m_keyEmbedding.count > 0) {
            const auto keyPoints = lattice.addPoints(m_keyEmbedding);
            lattice.splat(keyPoints, m_keyValues.data());
        }
        lattice.blur();
        std::vector<float> sliced(need.size() * 3);
        lattice.slice(slicePoints, sliced.data());
        // Support in units of a few confident blocks' worth (see supportUnit()).
        const float unit = supportUnit();
        auto *o = out.ptr<cv::Vec3f>();
        for (size_t i = 0; i < need.size(); ++i) {
            const float *v = &sliced[i * 3];
            cv::Vec3f &dst = o[need[i]];
            if (v[2] > 1e-12f)
                dst = cv::Vec3f(v[0] / v[2], v[1] / v[2], v[2] / unit);
        }
        return out;
    }

    // The sliced weight at a point splatted alone with weight 1 (the kernel's peak), measured
    // once: support / unit ≈ how many fully confident neighbours-worth back a pixel.
    float supportUnit()
    {
        if (m_unit > 0.0f)
            return m_unit;
        PermutohedralLattice one(3, 1);
        const float f[3] = {0.0f, 0.0f, 0.0f}, v = 1.0f;
        const auto p = one.addPoints(f, 1);
        one.splat(p, &v);
        one.blur();
        float out = 0.0f;
        one.slice(p, &out);
        // A few blocks' worth of support counts as "sure"; the blocks hold stride² pixels.
        m_unit = std::max(1e-12f, out * 4.0f);
        return m_unit;
    }

    BnnFlowParams m_p;
    cv::Ptr<cv::DISOpticalFlow> m_dis;
    cv::Mat m_prevGrey, m_chroma, m_confidence;
    cv::Mat m_back, m_forward, m_mapX, m_mapY, m_warped, m_warpedConfidence, m_forwardThere, m_k;
    cv::Mat m_filtered, m_weighted;
    PermutohedralLattice::Embedding m_keyEmbedding; // the anchor's points, embedded once
    std::vector<float> m_keyValues;
    float m_unit = 0.0f;
};

} // namespace

std::unique_ptr<PropagationMethod> makeBnnFlowMethod(const BnnFlowParams &params)
{
    return makeChainMethod(
        QStringLiteral("bnnflow"),
        QStringLiteral("chroma warped along DIS optical flow with forward-backward confidence, "
                       "re-filtered and filled on a bilateral lattice over (x, y, Y)"),
        [params] { return std::make_unique<FlowPropagator>(params); });
}

} // namespace tincture
