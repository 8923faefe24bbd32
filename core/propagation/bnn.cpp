// BNN-Identity (VPN's bilateral stage with a fixed Gaussian); see latticemethods.h.

#include "propagation/chaindriver.h"
#include "propagation/chromautil.h"
#include "propagation/latticemethods.h"
#include "propagation/permutohedral.h"

#include <deque>

namespace tincture {

namespace {

using namespace propagation_detail;

class BnnPropagator final : public ChainPropagator
{
public:
    explicit BnnPropagator(const BnnParams &params) : m_p(params) {}

    void start(const cv::Mat &keyGrey, const cv::Mat &keyChroma) override
    {
        m_key = {keyGrey, keyChroma, 0};
        m_previous.clear();
        m_t = 0;
    }

    bool step(const cv::Mat &grey, cv::Mat &chroma, cv::Mat &confidence,
              const Feedback &feedback) override
    {
        ++m_t;
        PermutohedralLattice lattice(4, 3);
        std::vector<const Stored *> sources{&m_key};
        for (const Stored &s : m_previous)
            sources.push_back(&s);
        for (const Stored *s : sources) {
            std::vector<float> features, values;
            const float t = float(s->t) * m_p.timeScale;
            appendFeatures(features, s->grey, m_p.splatStride, m_p.xyScale, m_p.lumaScale, &t);
            const int off = m_p.splatStride / 2;
            for (int y = off; y < s->grey.rows; y += m_p.splatStride) {
                const auto *c = s->chroma.ptr<cv::Vec2f>(y);
                for (int x = off; x < s->grey.cols; x += m_p.splatStride) {
                    values.push_back(c[x][0]);
                    values.push_back(c[x][1]);
                    values.push_back(1.0f);
                }
            }
            const auto points = lattice.addPoints(features.data(), features.size() / 4);
            lattice.splat(points, values.data());
        }
        std::vector<float> features;
        const float t = float(m_t) * m_p.timeScale;
        appendFeatures(features, grey, 1, m_p.xyScale, m_p.lumaScale, &t);
        const auto here = lattice.addPoints(features.data(), features.size() / 4);
        if (feedback.isCancelled())
            return false;
        lattice.blur();
        std::vector<float> out(here.count * 3);
        lattice.slice(here, out.data());

        chroma.create(grey.size(), CV_32FC2);
        confidence.create(grey.size(), CV_32FC1);
        confidence.setTo(1.0f);
        for (int y = 0; y < grey.rows; ++y) {
            auto *c = chroma.ptr<cv::Vec2f>(y);
            const float *o = out.data() + size_t(y) * size_t(grey.cols) * 3;
            for (int x = 0; x < grey.cols; ++x, o += 3) {
                // Vertices added only by the slice points carry no weight: neutral grey there.
                const bool some = o[2] > 1e-6f;
                c[x][0] = some ? o[0] / o[2] : 128.0f;
                c[x][1] = some ? o[1] / o[2] : 128.0f;
            }
        }
        if (m_p.previousFrames > 0) {
            m_previous.push_back({grey.clone(), chroma.clone(), m_t});
            while (int(m_previous.size()) > m_p.previousFrames)
                m_previous.pop_front();
        }
        return true;
    }

private:
    struct Stored
    {
        cv::Mat grey, chroma;
        int t = 0;
    };
    BnnParams m_p;
    Stored m_key;
    std::deque<Stored> m_previous;
    int m_t = 0;
};

} // namespace

std::unique_ptr<PropagationMethod> makeBnnMethod(const BnnParams &params)
{
    return makeChainMethod(QStringLiteral("bnn"),
                           [params] { return std::make_unique<BnnPropagator>(params); });
}

} // namespace tincture
