// BNN-Identity (VPN's bilateral stage with a fixed Gaussian); see latticemethods.h.

#include "propagation/internal/chaindriver.h"
#include "propagation/internal/chromautil.h"
#include "propagation/internal/latticemethods.h"
#include "propagation/internal/permutohedral.h"

#include "foundation/logging.h"
#include "ml/latticefilter.h"

#include <deque>

namespace tincture::propagation {

namespace {

using namespace detail;

class BnnPropagator final : public ChainPropagator
{
public:
    BnnPropagator(const BnnParams &params, std::shared_ptr<const ml::LatticeFilter> device)
        : m_p(params), m_device(std::move(device))
    {
    }

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
        std::vector<const Stored *> sources{&m_key};
        for (const Stored &s : m_previous)
            sources.push_back(&s);
        std::vector<std::vector<float>> features(sources.size()), values(sources.size());
        for (size_t i = 0; i < sources.size(); ++i) {
            const Stored *s = sources[i];
            const float t = float(s->t) * m_p.timeScale;
            appendFeatures(features[i], s->grey, m_p.splatStride, m_p.xyScale, m_p.lumaScale, &t);
            const int off = m_p.splatStride / 2;
            for (int y = off; y < s->grey.rows; y += m_p.splatStride) {
                const auto *c = s->chroma.ptr<cv::Vec2f>(y);
                for (int x = off; x < s->grey.cols; x += m_p.splatStride) {
                    values[i].push_back(c[x][0]);
                    values[i].push_back(c[x][1]);
                    values[i].push_back(1.0f);
                }
            }
        }
        std::vector<float> here;
        const float t = float(m_t) * m_p.timeScale;
        appendFeatures(here, grey, 1, m_p.xyScale, m_p.lumaScale, &t);
        if (feedback.isCancelled())
            return false;
        std::vector<float> out(here.size() / 4 * 3);
        if (!filterOnDevice(features, values, here, out))
            filterOnCpu(features, values, here, out);

        // Vertices added only by the slice points carry no weight: neutral grey there.
        chroma = normalisedChroma(out, grey.size());
        confidence.create(grey.size(), CV_32FC1);
        confidence.setTo(1.0f);
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
    using Planes = std::vector<std::vector<float>>;

    // Splats every source, blurs and slices at `here` (the current frame's pixels).
    static void filterOnCpu(const Planes &features, const Planes &values,
                            const std::vector<float> &here, std::vector<float> &out)
    {
        PermutohedralLattice lattice(4, 3);
        for (size_t i = 0; i < features.size(); ++i) {
            const auto points = lattice.addPoints(features[i].data(), features[i].size() / 4);
            lattice.splat(points, values[i].data());
        }
        const auto at = lattice.addPoints(here.data(), here.size() / 4);
        lattice.blur();
        lattice.slice(at, out.data());
    }

    // The same on the device; false (after one warning, and for the rest of the pass) where
    // there is none or it failed.
    bool filterOnDevice(const Planes &features, const Planes &values,
                        const std::vector<float> &here, std::vector<float> &out)
    {
        if (!m_device)
            return false;
        std::vector<ml::LatticePointSet> sets;
        for (size_t i = 0; i < features.size(); ++i)
            sets.push_back({features[i].data(), values[i].data(), features[i].size() / 4});
        const auto r = m_device->filter(sets, here.data(), here.size() / 4, out.data());
        if (r)
            return true;
        qCWarning(lcPropagation).noquote()
            << QStringLiteral("bnn: the lattice filter failed on %1, continuing on the CPU: %2")
                   .arg(m_device->deviceName(), describe(r.error()));
        m_device.reset();
        return false;
    }

    BnnParams m_p;
    std::shared_ptr<const ml::LatticeFilter> m_device;
    Stored m_key;
    std::deque<Stored> m_previous;
    int m_t = 0;
};

} // namespace

std::unique_ptr<ChainPropagator> makeBnnPropagator(const BnnParams &params)
{
    return std::make_unique<BnnPropagator>(params, nullptr);
}

std::unique_ptr<PropagationMethod> makeBnnMethod(const BnnParams &params,
                                                 std::shared_ptr<const ml::LatticeFilter> filter)
{
    return makeChainMethod(QStringLiteral("bnn"), [params, filter] {
        return std::make_unique<BnnPropagator>(params, filter);
    });
}

Result<std::unique_ptr<PropagationMethod>> makeBnnMethodOn(const QString &device,
                                                           const BnnParams &params)
{
    if (device == QLatin1String("cpu"))
        return makeBnnMethod(params);
    auto filter = ml::LatticeFilter::create(4, 3, device);
    if (!filter)
        return filter.error();
    // "auto" without a GPU: the C++ lattice, the faster CPU path.
    return makeBnnMethod(params, (*filter)->onGpu() ? *filter : nullptr);
}

} // namespace tincture::propagation
