// bnnflow: flow-warped chroma re-filtered on a permutohedral lattice; see latticemethods.h.

#include "propagation/internal/chaindriver.h"
#include "propagation/internal/chromautil.h"
#include "propagation/internal/keyframematcher.h"
#include "propagation/internal/latticemethods.h"
#include "propagation/internal/permutohedral.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include <QJsonValue>

#include <algorithm>
#include <optional>

namespace tincture::propagation {

namespace {

using namespace detail;

// Pixels less sure than this are re-filled from the lattice.
constexpr float kNeedBelow = 0.999f;

class FlowPropagator final : public ChainPropagator
{
public:
    explicit FlowPropagator(const BnnFlowParams &params) : m_p(params)
    {
        if (params.disPreset >= 0) {
            m_dis = cv::DISOpticalFlow::create(std::clamp(params.disPreset, 0, 2));
            if (params.gradientIterations > 0)
                m_dis->setGradientDescentIterations(params.gradientIterations);
            m_disCheck = cv::DISOpticalFlow::create(std::clamp(
                params.checkDisPreset < 0 ? params.disPreset : params.checkDisPreset, 0, 2));
        }
    }

    bool reportsConfidence() const override { return true; }

    void start(const cv::Mat &keyGrey, const cv::Mat &keyChroma) override
    {
        m_prevGrey = keyGrey.clone();
        m_chroma = keyChroma.clone();
        m_confidence = cv::Mat(keyGrey.size(), CV_32FC1, cv::Scalar(1.0f));
        m_keySplat = {};
        if (m_p.globalWeight > 0.0f) {
            m_matcher.emplace(KeyframeMatchParams{m_p.globalScale, 2, m_p.globalIterations,
                                                  m_p.globalSigma, m_p.globalRadius});
            m_matcher->setKeyframe(keyGrey, keyChroma);
        }
        if (m_p.keyWeight > 0.0f) {
            cv::Mat grey, chroma;
            downscale(keyGrey, keyChroma, grey, chroma);
            std::vector<float> features, values;
            appendGridFeatures(features, grey);
            for (int y = 0; y < chroma.rows; ++y) {
                const auto *c = chroma.ptr<cv::Vec2f>(y);
                for (int x = 0; x < chroma.cols; ++x) {
                    values.push_back(c[x][0] * m_p.keyWeight);
                    values.push_back(c[x][1] * m_p.keyWeight);
                    values.push_back(m_p.keyWeight);
                }
            }
            // The anchor is the same every frame: splatted once, its vertices added to each
            // frame's lattice (a quarter of the points' keys to hash, no embedding).
            PermutohedralLattice keyLattice(3, 3);
            keyLattice.splat(keyLattice.addPoints(features.data(), features.size() / 3),
                             values.data());
            m_keySplat = keyLattice.splatted();
        }
    }

    bool step(const cv::Mat &grey, cv::Mat &chroma, cv::Mat &confidence,
              const Feedback &feedback) override
    {
        // The flows between the previous frame and this one. Buffers are members: frames of one
        // size reuse them instead of faulting in fresh pages every frame.
        computeFlows(m_prevGrey, grey, m_flows);
        if (feedback.isCancelled())
            return false;
        warpAndCheck(m_flows);
        if (m_matcher) {
            m_matcher->match(grey, m_globalChroma, m_globalConfidence);
            if (feedback.isCancelled())
                return false;
        }

        refilter(grey, m_warped, m_k);
        // Confident pixels keep the warp; the sliced ones mix in the filtered chroma.
        m_warped.copyTo(chroma);
        m_k.copyTo(confidence);
        const float keep = 1.0f - m_p.refineMix;
        auto *o = chroma.ptr<cv::Vec2f>();
        float *conf = confidence.ptr<float>();
        const float *kk = m_k.ptr<float>();
        const float unit = supportUnit(); // support in a few confident blocks' worth
        for (size_t i = 0; i < m_need.size(); ++i) {
            const float *v = &m_sliced[i * 3];
            if (v[2] <= 1e-12f)
                continue;
            const float support = v[2] / unit;
            if (support <= 1e-4f) // nothing confident near: keep the warp
                continue;
            const int at = m_need[i];
            const float a = kk[at] * keep;
            o[at][0] = a * o[at][0] + (1.0f - a) * (v[0] / v[2]);
            o[at][1] = a * o[at][1] + (1.0f - a) * (v[1] / v[2]);
            // A filled pixel is as sure as the support it was filled from.
            conf[at] = std::max(kk[at], 0.5f * std::min(1.0f, support));
        }
        if (m_matcher)
            fuseGlobal(chroma, confidence);
        chroma.copyTo(m_chroma);
        confidence.copyTo(m_confidence);
        grey.copyTo(m_prevGrey);
        return true;
    }

private:
    struct FlowPair
    {
        cv::Mat back;    // to → from: where each pixel of `to` was
        cv::Mat forward; // from → to: where each pixel of `from` went
    };

    void computeFlows(const cv::Mat &from, const cv::Mat &to, FlowPair &pair)
    {
        flow(to, from, pair.back, m_dis);
        flow(from, to, pair.forward, m_disCheck);
    }

    void flow(const cv::Mat &from, const cv::Mat &to, cv::Mat &result,
              const cv::Ptr<cv::DISOpticalFlow> &dis)
    {
        const int s = std::max(1, m_p.flowDownscale);
        if (s == 1) {
            calc(from, to, result, dis);
            return;
        }
        cv::Mat a, b, small;
        const cv::Size size((from.cols + s - 1) / s, (from.rows + s - 1) / s);
        cv::resize(from, a, size, 0, 0, cv::INTER_AREA);
        cv::resize(to, b, size, 0, 0, cv::INTER_AREA);
        calc(a, b, small, dis);
        cv::resize(small, result, from.size(), 0, 0, cv::INTER_LINEAR);
        result *= double(from.cols) / double(size.width);
    }

    static void calc(const cv::Mat &from, const cv::Mat &to, cv::Mat &result,
                     const cv::Ptr<cv::DISOpticalFlow> &dis)
    {
        if (dis) {
            // DIS takes a result of the right size as its initial flow: start from scratch.
            result.release();
            dis->calc(from, to, result);
        } else {
            cv::calcOpticalFlowFarneback(from, to, result, 0.5, 4, 21, 3, 7, 1.5, 0);
        }
    }

    // m_warped (previous chroma at where each pixel was, edges replicated) and m_k (the
    // confidence: the previous one warped, 0 from outside the frame, times the round trip's
    // consistency — 1 within the threshold, falling to 0 at twice it — times a slow decay), in
    // one pass with one set of bilinear weights for the three warped images.
    void warpAndCheck(const FlowPair &flows)
    {
        const int w = flows.back.cols, h = flows.back.rows;
        m_warped.create(h, w, CV_32FC2);
        m_k.create(h, w, CV_32FC1);
        cv::parallel_for_(cv::Range(0, h), [&](const cv::Range &rows) {
            for (int y = rows.start; y < rows.end; ++y) {
                const auto *b = flows.back.ptr<cv::Vec2f>(y);
                auto *wc = m_warped.ptr<cv::Vec2f>(y);
                float *o = m_k.ptr<float>(y);
                for (int x = 0; x < w; ++x) {
                    // Clamped a little outside the frame: the same taps, no overflow.
                    const float sx = std::clamp(float(x) + b[x][0], -2.0f, float(w + 1));
                    const float sy = std::clamp(float(y) + b[x][1], -2.0f, float(h + 1));
                    const float fx0 = std::floor(sx), fy0 = std::floor(sy);
                    const int x0 = int(fx0), y0 = int(fy0);
                    const float ax = sx - fx0, ay = sy - fy0;
                    const float wt[4] = {(1.0f - ax) * (1.0f - ay), ax * (1.0f - ay),
                                         (1.0f - ax) * ay, ax * ay};
                    cv::Vec2f chroma, fwd;
                    float carried;
                    if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) { // all taps inside
                        const auto *c0 = m_chroma.ptr<cv::Vec2f>(y0) + x0;
                        const auto *c1 = m_chroma.ptr<cv::Vec2f>(y0 + 1) + x0;
                        const auto *f0 = flows.forward.ptr<cv::Vec2f>(y0) + x0;
                        const auto *f1 = flows.forward.ptr<cv::Vec2f>(y0 + 1) + x0;
                        const float *k0 = m_confidence.ptr<float>(y0) + x0;
                        const float *k1 = m_confidence.ptr<float>(y0 + 1) + x0;
                        chroma = wt[0] * c0[0] + wt[1] * c0[1] + wt[2] * c1[0] + wt[3] * c1[1];
                        fwd = wt[0] * f0[0] + wt[1] * f0[1] + wt[2] * f1[0] + wt[3] * f1[1];
                        carried = wt[0] * k0[0] + wt[1] * k0[1] + wt[2] * k1[0] + wt[3] * k1[1];
                    } else {
                        chroma = fwd = cv::Vec2f(0.0f, 0.0f);
                        carried = 0.0f;
                        for (int t = 0; t < 4; ++t) {
                            const int tx = x0 + (t & 1), ty = y0 + (t >> 1);
                            const int cx = std::clamp(tx, 0, w - 1);
                            const int cy = std::clamp(ty, 0, h - 1);
                            chroma += wt[t] * m_chroma.at<cv::Vec2f>(cy, cx);
                            fwd += wt[t] * flows.forward.at<cv::Vec2f>(cy, cx);
                            if (tx == cx && ty == cy) // outside the frame: no confidence
                                carried += wt[t] * m_confidence.at<float>(cy, cx);
                        }
                    }
                    wc[x] = chroma;
                    const float ex = b[x][0] + fwd[0], ey = b[x][1] + fwd[1];
                    const float e = ex * ex + ey * ey;
                    const float thr = m_p.consistencyAlpha * (b[x].dot(b[x]) + fwd.dot(fwd)) +
                                      m_p.consistencyBeta;
                    const float c = std::clamp(2.0f - e / thr, 0.0f, 1.0f);
                    o[x] = std::clamp(carried, 0.0f, 1.0f) * c * m_p.confidenceDecay;
                }
            }
        });
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
    // need it (all with refineMix > 0, else the unsure ones): m_need (pixel offsets) and
    // m_sliced (per needed pixel the unnormalised Cb, Cr and the weight).
    void refilter(const cv::Mat &grey, const cv::Mat &warped, const cv::Mat &k)
    {
        std::vector<int> &need = m_need;
        std::vector<float> &features = m_features;
        need.clear();
        features.clear();
        m_sliced.clear();
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
            return;
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
        cv::Mat &smallGrey = m_smallGrey, &smallValues = m_smallValues;
        downscale(grey, weighted, smallGrey, smallValues);
        // Only blocks with some confidence carry anything: the others are left out.
        features.clear();
        std::vector<float> &values = m_values;
        values.clear();
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
        if (!m_keySplat.keys.empty())
            lattice.addSplatted(m_keySplat);
        lattice.blur();
        m_sliced.resize(need.size() * 3);
        lattice.slice(slicePoints, m_sliced.data());
    }

    // Local and global by confidence: a pixel the local pass is sure of (L) keeps its colour;
    // where it is unsure, the keyframe's matched chroma comes in with weight
    // globalWeight · G · (1 − L), G the match's confidence.
    void fuseGlobal(cv::Mat &chroma, cv::Mat &confidence)
    {
        cv::resize(m_globalChroma, m_globalChromaFull, chroma.size(), 0, 0, cv::INTER_LINEAR);
        cv::resize(m_globalConfidence, m_globalConfidenceFull, chroma.size(), 0, 0,
                   cv::INTER_LINEAR);
        for (int y = 0; y < chroma.rows; ++y) {
            auto *o = chroma.ptr<cv::Vec2f>(y);
            float *l = confidence.ptr<float>(y);
            const auto *g = m_globalChromaFull.ptr<cv::Vec2f>(y);
            const float *gk = m_globalConfidenceFull.ptr<float>(y);
            for (int x = 0; x < chroma.cols; ++x) {
                const float wg = m_p.globalWeight * gk[x] * (1.0f - l[x]);
                if (wg <= 1e-4f)
                    continue;
                const float s = 1.0f / (l[x] + wg);
                o[x] = (l[x] * o[x] + wg * g[x]) * s;
                l[x] = std::max(l[x], 0.5f * gk[x]);
            }
        }
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
    cv::Ptr<cv::DISOpticalFlow> m_dis;      // backward flow: the warp
    cv::Ptr<cv::DISOpticalFlow> m_disCheck; // forward flow: only the consistency test
    cv::Mat m_prevGrey, m_chroma, m_confidence;
    cv::Mat m_warped, m_k, m_weighted, m_smallGrey, m_smallValues;
    std::vector<int> m_need;
    std::vector<float> m_features, m_values, m_sliced;
    PermutohedralLattice::Splatted m_keySplat; // the anchor, splatted once per pass
    float m_unit = 0.0f;
    FlowPair m_flows;                         // between the previous frame and the current one
    std::optional<KeyframeMatcher> m_matcher; // global matching, where globalWeight > 0
    cv::Mat m_globalChroma, m_globalConfidence;
    cv::Mat m_globalChromaFull, m_globalConfidenceFull;
};

} // namespace

Result<void> applyTuning(BnnFlowParams &params, const QJsonObject &tuning)
{
    for (auto it = tuning.begin(); it != tuning.end(); ++it) {
        if (!it.value().isDouble())
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("bnnflow setting %1: not a number").arg(it.key()));
        const double v = it.value().toDouble();
        const struct
        {
            const char *name;
            float *f;
            int *i;
        } fields[] = {
            {"disPreset", nullptr, &params.disPreset},
            {"gradientIterations", nullptr, &params.gradientIterations},
            {"checkDisPreset", nullptr, &params.checkDisPreset},
            {"flowDownscale", nullptr, &params.flowDownscale},
            {"consistencyAlpha", &params.consistencyAlpha, nullptr},
            {"consistencyBeta", &params.consistencyBeta, nullptr},
            {"confidenceDecay", &params.confidenceDecay, nullptr},
            {"xyScale", &params.xyScale, nullptr},
            {"lumaScale", &params.lumaScale, nullptr},
            {"latticeStride", nullptr, &params.latticeStride},
            {"refineMix", &params.refineMix, nullptr},
            {"keyWeight", &params.keyWeight, nullptr},
            {"globalWeight", &params.globalWeight, nullptr},
            {"globalScale", nullptr, &params.globalScale},
            {"globalIterations", nullptr, &params.globalIterations},
            {"globalSigma", &params.globalSigma, nullptr},
            {"globalRadius", &params.globalRadius, nullptr},
        };
        bool known = false;
        for (const auto &f : fields)
            if (it.key() == QLatin1String(f.name)) {
                known = true;
                if (f.f)
                    *f.f = float(v);
                else
                    *f.i = int(v);
            }
        if (!known)
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("bnnflow has no setting '%1'").arg(it.key()));
    }
    return {};
}

std::unique_ptr<PropagationMethod> makeBnnFlowMethod(const BnnFlowParams &params)
{
    return makeChainMethod(QStringLiteral("bnnflow"),
                           [params] { return std::make_unique<FlowPropagator>(params); });
}

} // namespace tincture::propagation
