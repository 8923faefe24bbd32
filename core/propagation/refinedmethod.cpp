#include "propagation/internal/refinedmethod.h"

#include "foundation/logging.h"
#include "ml/chromarefiner.h"
#include "propagation/internal/chromautil.h"

#include <algorithm>

namespace tincture::propagation::detail {

namespace {

class RefiningSink final : public FrameSink
{
public:
    RefiningSink(FrameSink &next, std::shared_ptr<const ml::ChromaRefiner> &refiner,
                 std::vector<int> keys)
        : m_next(next), m_refiner(refiner), m_keys(std::move(keys))
    {
    }

    Result<void> putConfidence(int index, const Frame &confidence) override
    {
        return m_next.putConfidence(index, confidence);
    }

    Result<void> put(int index, const Frame &colour) override
    {
        if (std::binary_search(m_keys.begin(), m_keys.end(), index))
            return m_next.put(index, colour);
        try {
            const cv::Mat grey = greyMat(colour);
            cv::Mat chroma = chromaOf(colour);
            const cv::Mat before = m_refiner->info().gpu ? chroma.clone() : cv::Mat();
            auto r = m_refiner->refine(grey.cols, grey.rows, grey.ptr<uint8_t>(), grey.step1(),
                                       chroma.ptr<float>(), chroma.step1());
            if (!r && m_refiner->info().gpu) {
                // A GPU failure falls back to the CPU once, for the rest of the method's life,
                // and says so.
                auto cpu = ml::ChromaRefiner::load(m_refiner->info().path, QStringLiteral("cpu"));
                if (!cpu)
                    return r;
                qCWarning(lcPropagation).noquote()
                    << QStringLiteral("refiner: failed on the GPU, continuing on the CPU: %1")
                           .arg(describe(r.error()));
                m_refiner = *cpu;
                before.copyTo(chroma);
                r = m_refiner->refine(grey.cols, grey.rows, grey.ptr<uint8_t>(), grey.step1(),
                                      chroma.ptr<float>(), chroma.step1());
            }
            if (!r)
                return r;
            return m_next.put(index, composeLumaExact(grey, chroma));
        } catch (const cv::Exception &e) {
            return makeError(ErrorCode::Internal,
                             QStringLiteral("refining frame %1 failed").arg(index),
                             QString::fromStdString(e.what()));
        }
    }

private:
    FrameSink &m_next;
    std::shared_ptr<const ml::ChromaRefiner> &m_refiner; // the method's: a fallback replaces it
    std::vector<int> m_keys;                             // sorted
};

class RefinedMethod final : public PropagationMethod
{
public:
    RefinedMethod(QString name, std::unique_ptr<PropagationMethod> inner,
                  std::shared_ptr<const ml::ChromaRefiner> refiner)
        : m_name(std::move(name)), m_inner(std::move(inner)), m_refiner(std::move(refiner))
    {
    }

    QString name() const override { return m_name; }
    QJsonObject parameters() const override
    {
        const ml::ChromaRefinerInfo &info = m_refiner->info();
        return QJsonObject{
            {QStringLiteral("refiner"), QJsonObject{{QStringLiteral("name"), info.name},
                                                    {QStringLiteral("sha256"), info.sha256}}}};
    }

    Result<void> propagate(GreyFrameSource &shot, const std::vector<Keyframe> &keyframes,
                           FrameSink &sink, Feedback &feedback) override
    {
        std::vector<int> keys;
        for (const Keyframe &k : keyframes)
            keys.push_back(k.index);
        std::sort(keys.begin(), keys.end());
        RefiningSink refining(sink, m_refiner, std::move(keys));
        return m_inner->propagate(shot, keyframes, refining, feedback);
    }

private:
    QString m_name;
    std::unique_ptr<PropagationMethod> m_inner;
    std::shared_ptr<const ml::ChromaRefiner> m_refiner;
};

} // namespace

std::unique_ptr<PropagationMethod>
makeRefinedMethod(QString name, std::unique_ptr<PropagationMethod> inner,
                  std::shared_ptr<const ml::ChromaRefiner> refiner)
{
    return std::make_unique<RefinedMethod>(std::move(name), std::move(inner), std::move(refiner));
}

} // namespace tincture::propagation::detail
