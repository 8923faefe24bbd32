// The Video Propagation Network for colour; see latticemethods.h.

#include "propagation/internal/chaindriver.h"
#include "propagation/internal/chromautil.h"
#include "propagation/internal/latticemethods.h"
#include "propagation/internal/permutohedral.h"

#include "ml/videopropagationnet.h"

#include <deque>

namespace tincture::propagation {

namespace {

using namespace detail;

class VpnPropagator final : public ChainPropagator
{
public:
    VpnPropagator(std::shared_ptr<const ml::VideoPropagationNet> net, const VpnParams &params)
        : m_net(std::move(net)), m_p(params),
          m_firstStage(onCppLattice() ? nullptr : makeBnnPropagator())
    {
    }

    void start(const cv::Mat &keyGrey, const cv::Mat &keyChroma) override
    {
        m_key = stored(keyGrey, keyChroma, 0, {});
        m_previous.clear();
        m_t = 0;
        if (m_firstStage)
            m_firstStage->start(keyGrey, keyChroma);
    }

    bool step(const cv::Mat &grey, cv::Mat &chroma, cv::Mat &confidence,
              const Feedback &feedback) override
    {
        const ml::VideoPropagationNetInfo &info = m_net->info();
        ++m_t;
        std::vector<const Stored *> sources{&m_key};
        for (const Stored &s : m_previous)
            sources.push_back(&s);
        std::vector<float> values;
        for (const Stored *s : sources)
            values.insert(values.end(), s->values.begin(), s->values.end());
        std::vector<float> here;
        const float t = float(m_t) * info.timeScale;
        appendFeatures(here, grey, 1, info.xyScale, info.lumaScale, &t);
        if (feedback.isCancelled())
            return false;
        chroma.create(grey.size(), CV_32FC2);
        CV_Assert(chroma.isContinuous());
        PermutohedralLattice::Embedding hereEmbedding;
        cv::Mat firstChroma; // the first stage's colour of this frame, an input of the next ones
        Result<void> r;
        if (onCppLattice()) {
            // Every point set on one lattice: the stored frames' embeddings, then the pixels.
            // The first stage (bnn) filters the same points at the same features, so it runs
            // on this lattice too: the stored frames' (Cb, Cr, 1) splatted, blurred, sliced.
            PermutohedralLattice lattice(ml::VideoPropagationNet::kFeatureDims, 3);
            hereEmbedding = lattice.embed(here.data(), size_t(grey.total()));
            std::vector<int32_t> inVertices;
            std::vector<float> inWeights, withWeight;
            for (const Stored *s : sources) {
                const PermutohedralLattice::Points p = lattice.addPoints(s->embedding);
                withWeight.clear();
                for (size_t i = 0; i < s->values.size(); i += 2)
                    withWeight.insert(withWeight.end(), {s->values[i], s->values[i + 1], 1.0f});
                lattice.splat(p, withWeight.data());
                inVertices.insert(inVertices.end(), p.vertices.begin(), p.vertices.end());
                inWeights.insert(inWeights.end(), p.weights.begin(), p.weights.end());
            }
            const PermutohedralLattice::Points out = lattice.addPoints(hereEmbedding);
            r = m_net->predictOnLattice(inVertices.data(), inWeights.data(), values.data(),
                                        values.size() / 2, out.vertices.data(), out.weights.data(),
                                        lattice.vertexCount(), grey.cols, grey.rows,
                                        chroma.ptr<float>());
            if (r) {
                lattice.blur();
                std::vector<float> sliced(grey.total() * 3);
                lattice.slice(out, sliced.data());
                firstChroma = normalisedChroma(sliced, grey.size());
            }
        } else {
            std::vector<float> features;
            for (const Stored *s : sources)
                features.insert(features.end(), s->features.begin(), s->features.end());
            r = m_net->predict(features.data(), values.data(), values.size() / 2, here.data(),
                               grey.cols, grey.rows, chroma.ptr<float>());
            cv::Mat firstConfidence;
            if (r && !m_firstStage->step(grey, firstChroma, firstConfidence, feedback))
                return false;
        }
        if (!r)
            throw cv::Exception(cv::Error::StsError, describe(r.error()).toStdString(),
                                "VpnPropagator::step", __FILE__, __LINE__);
        confidence.create(grey.size(), CV_32FC1);
        confidence.setTo(1.0f);
        if (info.previousFrames > 0) {
            m_previous.push_back(stored(grey, firstChroma, m_t, hereEmbedding));
            while (int(m_previous.size()) > info.previousFrames)
                m_previous.pop_front();
        }
        return true;
    }

private:
    // A frame as an input of later ones: its points on the splatStride grid.
    struct Stored
    {
        std::vector<float> values;                 // Cb, Cr per point
        std::vector<float> features;               // (x, y, Y, t) per point, where needed
        PermutohedralLattice::Embedding embedding; // the C++ lattice's
    };

    bool onCppLattice() const
    {
        return m_p.cppLattice && m_net->info().neighbourhood == 0 && !m_net->info().gpu;
    }

    // The frame t's points on the grid; `full` is the embedding of all its pixels (row-major)
    // when already computed, so that the grid's is taken from it instead of embedding again.
    Stored stored(const cv::Mat &grey, const cv::Mat &chroma, int t,
                  const PermutohedralLattice::Embedding &full) const
    {
        const ml::VideoPropagationNetInfo &info = m_net->info();
        const int stride = m_p.splatStride, off = stride / 2;
        Stored s;
        for (int y = off; y < grey.rows; y += stride) {
            const auto *c = chroma.ptr<cv::Vec2f>(y);
            for (int x = off; x < grey.cols; x += stride) {
                s.values.push_back(c[x][0]);
                s.values.push_back(c[x][1]);
            }
        }
        const size_t count = s.values.size() / 2;
        const bool cpp = onCppLattice();
        if (!cpp || full.count != grey.total()) {
            const float time = float(t) * info.timeScale;
            appendFeatures(s.features, grey, stride, info.xyScale, info.lumaScale, &time);
            if (cpp)
                s.embedding = PermutohedralLattice(ml::VideoPropagationNet::kFeatureDims, 1)
                                  .embed(s.features.data(), count);
            return s;
        }
        constexpr size_t d1 = ml::VideoPropagationNet::kFeatureDims + 1;
        s.embedding.count = count;
        s.embedding.featureDims = ml::VideoPropagationNet::kFeatureDims;
        s.embedding.keys.reserve(count * d1);
        s.embedding.weights.reserve(count * d1);
        for (int y = off; y < grey.rows; y += stride)
            for (int x = off; x < grey.cols; x += stride) {
                const size_t at = (size_t(y) * size_t(grey.cols) + size_t(x)) * d1;
                s.embedding.keys.insert(s.embedding.keys.end(), full.keys.begin() + at,
                                        full.keys.begin() + at + d1);
                s.embedding.weights.insert(s.embedding.weights.end(), full.weights.begin() + at,
                                           full.weights.begin() + at + d1);
            }
        return s;
    }

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
