// The Video Propagation Network for colour; see latticemethods.h.

#include "propagation/internal/chaindriver.h"
#include "propagation/internal/chromautil.h"
#include "propagation/internal/latticemethods.h"

#include "ml/videopropagationnet.h"

#include <deque>

namespace tincture::propagation {

namespace {

using namespace detail;

class VpnPropagator final : public ChainPropagator
{
public:
    VpnPropagator(std::shared_ptr<const ml::VideoPropagationNet> net, const VpnParams &params)
        : m_net(std::move(net)), m_p(params), m_firstStage(makeBnnPropagator())
    {
    }

    void start(const cv::Mat &keyGrey, const cv::Mat &keyChroma) override
    {
        m_key = {keyGrey, keyChroma, 0};
        m_previous.clear();
        m_t = 0;
        m_firstStage->start(keyGrey, keyChroma);
    }

    bool step(const cv::Mat &grey, cv::Mat &chroma, cv::Mat &confidence,
              const Feedback &feedback) override
    {
        const ml::VideoPropagationNetInfo &info = m_net->info();
        ++m_t;
        std::vector<float> features, values;
        std::vector<const Stored *> sources{&m_key};
        for (const Stored &s : m_previous)
            sources.push_back(&s);
        for (const Stored *s : sources) {
            const float t = float(s->t) * info.timeScale;
            appendFeatures(features, s->grey, m_p.splatStride, info.xyScale, info.lumaScale, &t);
            const int off = m_p.splatStride / 2;
            for (int y = off; y < s->grey.rows; y += m_p.splatStride) {
                const auto *c = s->chroma.ptr<cv::Vec2f>(y);
                for (int x = off; x < s->grey.cols; x += m_p.splatStride) {
                    values.push_back(c[x][0]);
                    values.push_back(c[x][1]);
                }
            }
        }
        std::vector<float> here;
        const float t = float(m_t) * info.timeScale;
        appendFeatures(here, grey, 1, info.xyScale, info.lumaScale, &t);
        if (feedback.isCancelled())
            return false;
        chroma.create(grey.size(), CV_32FC2);
        CV_Assert(chroma.isContinuous());
        if (auto r = m_net->predict(features.data(), values.data(), values.size() / 2, here.data(),
                                    grey.cols, grey.rows, chroma.ptr<float>());
            !r)
            throw cv::Exception(cv::Error::StsError, describe(r.error()).toStdString(),
                                "VpnPropagator::step", __FILE__, __LINE__);
        // The first stage's colour of this frame, an input of the next ones.
        cv::Mat firstChroma, firstConfidence;
        if (!m_firstStage->step(grey, firstChroma, firstConfidence, feedback))
            return false;
        confidence.create(grey.size(), CV_32FC1);
        confidence.setTo(1.0f);
        if (info.previousFrames > 0) {
            m_previous.push_back({grey.clone(), firstChroma, m_t});
            while (int(m_previous.size()) > info.previousFrames)
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

    std::shared_ptr<const ml::VideoPropagationNet> m_net;
    VpnParams m_p;
    std::unique_ptr<ChainPropagator> m_firstStage; // bnn
    Stored m_key;
    std::deque<Stored> m_previous;
    int m_t = 0;
};

} // namespace

std::unique_ptr<PropagationMethod> makeVpnMethod(std::shared_ptr<const ml::VideoPropagationNet> net,
                                                 const VpnParams &params)
{
    const QJsonObject model{{QStringLiteral("name"), net->info().name},
                            {QStringLiteral("sha256"), net->info().sha256}};
    return makeChainMethod(
        QStringLiteral("vpn"),
        [net, params] { return std::make_unique<VpnPropagator>(net, params); },
        QJsonObject{{QStringLiteral("vpn"), model}});
}

} // namespace tincture::propagation
