#include "propagation/internal/chaindriver.h"

#include "propagation/internal/chromautil.h"

#include <algorithm>
#include <vector>

namespace tincture::propagation::detail {

namespace {

// A forward pass's result for one frame, kept until the backward pass reaches it.
struct Stored
{
    cv::Mat chroma8;     // CV_8UC2, rounded (Cb, Cr)
    cv::Mat confidence8; // CV_8UC1, confidence · 255
};

class Driver
{
public:
    Driver(GreyFrameSource &shot, const PropagatorFactory &factory, FrameSink &sink,
           Feedback &feedback)
        : m_shot(shot), m_factory(factory), m_sink(sink), m_feedback(feedback)
    {
    }

    Result<void> run(const std::vector<Keyframe> &keys)
    {
        const int n = m_shot.frameCount();
        m_total = n;
        for (size_t k = 0; k + 1 < keys.size(); ++k)
            m_total += std::max(0, keys[k + 1].index - keys[k].index - 1);
        m_reportConfidence = m_factory()->reportsConfidence();
        for (const Keyframe &key : keys) {
            auto r = loadKey(key);
            if (!r)
                return r.error();
            m_keys.push_back(std::move(*r));
        }
        for (size_t k = 0; k < keys.size(); ++k) {
            const cv::Mat sure = m_reportConfidence
                                     ? cv::Mat(m_keys[k].grey.size(), CV_8UC1, cv::Scalar(255))
                                     : cv::Mat();
            if (auto r = putFrame(m_keys[k].index, m_keys[k].grey, m_keys[k].chroma, sure); !r)
                return r;
        }
        // Before the first keyframe, after the last: one direction, emitted as they come.
        if (auto r = pass(m_keys.front(), m_keys.front().index - 1, -1, -1, nullptr); !r)
            return r;
        if (auto r = pass(m_keys.back(), m_keys.back().index + 1, n, +1, nullptr); !r)
            return r;
        for (size_t k = 0; k + 1 < m_keys.size(); ++k) {
            const int a = m_keys[k].index, b = m_keys[k + 1].index;
            if (b - a < 2)
                continue;
            std::vector<Stored> forward(size_t(b - a - 1));
            if (auto r = pass(m_keys[k], a + 1, b, +1, &forward); !r)
                return r;
            m_blendFrom = a;
            m_blendTo = b;
            if (auto r = pass(m_keys[k + 1], b - 1, a, -1, nullptr, &forward); !r)
                return r;
        }
        return {};
    }

private:
    struct Key
    {
        int index = 0;
        cv::Mat grey, chroma;
    };

    Result<Key> loadKey(const Keyframe &key)
    {
        auto grey = m_shot.greyFrame(key.index);
        if (!grey)
            return grey.error();
        Key k;
        k.index = key.index;
        k.grey = greyMat(*grey);
        if (k.grey.cols != key.colour.width() || k.grey.rows != key.colour.height())
            return frameSizeError(key.index, k.grey.size(),
                                  cv::Size(key.colour.width(), key.colour.height()));
        k.chroma = chromaOf(key.colour);
        return k;
    }

    Result<void> putFrame(int index, const cv::Mat &grey, const cv::Mat &chroma,
                          const cv::Mat &confidence8)
    {
        if (m_reportConfidence)
            if (auto r = m_sink.putConfidence(index, toGreyFrame(confidence8)); !r)
                return r;
        if (auto r = m_sink.put(index, composeLumaExact(grey, chroma)); !r)
            return r;
        m_feedback.reportProgress(++m_done, m_total);
        return {};
    }

    // Frames from, from + step, … up to but not including stop. With `store`, results are kept
    // (index − from); with `blendWith`, blended with the stored forward results and emitted.
    Result<void> pass(const Key &key, int from, int stop, int step, std::vector<Stored> *store,
                      std::vector<Stored> *blendWith = nullptr)
    {
        if (from == stop)
            return {};
        std::unique_ptr<ChainPropagator> propagator = m_factory();
        propagator->start(key.grey, key.chroma);
        cv::Mat chroma, confidence;
        for (int i = from; i != stop; i += step) {
            if (m_feedback.isCancelled())
                return Error::cancelled();
            auto frame = m_shot.greyFrame(i);
            if (!frame)
                return frame.error();
            const cv::Mat grey = greyMat(*frame);
            if (grey.size() != key.grey.size())
                return frameSizeError(i, grey.size(), key.grey.size());
            if (!propagator->step(grey, chroma, confidence, m_feedback))
                return Error::cancelled();
            if (store) {
                Stored &s = (*store)[size_t(i - from)];
                chroma.convertTo(s.chroma8, CV_8UC2);
                confidence.convertTo(s.confidence8, CV_8UC1, 255.0);
                m_feedback.reportProgress(++m_done, m_total);
                continue;
            }
            if (blendWith) {
                Stored &s = (*blendWith)[size_t(i - m_blendFrom - 1)];
                blend(chroma, confidence, s, i);
                s = Stored(); // release as soon as used
            }
            if (m_reportConfidence)
                confidence.convertTo(m_confidence8, CV_8UC1, 255.0);
            if (auto r = putFrame(i, grey, chroma, m_confidence8); !r)
                return r;
        }
        return {};
    }

    // chroma (the backward pass from m_blendTo) ← weighted mean with the forward pass;
    // confidence ← the passes' confidences weighted by temporal distance.
    void blend(cv::Mat &chroma, cv::Mat &confidence, const Stored &forward, int index) const
    {
        const float span = float(m_blendTo - m_blendFrom);
        const float tf = float(m_blendTo - index) / span; // forward pass's temporal weight
        const float tb = float(index - m_blendFrom) / span;
        constexpr float kFloor = 1e-3f; // both unsure: fall back to temporal distance
        cv::parallel_for_(cv::Range(0, chroma.rows), [&](const cv::Range &rows) {
            for (int y = rows.start; y < rows.end; ++y) {
                auto *c = chroma.ptr<cv::Vec2f>(y);
                float *cb = confidence.ptr<float>(y);
                const auto *fc = forward.chroma8.ptr<cv::Vec2b>(y);
                const uint8_t *fk = forward.confidence8.ptr<uint8_t>(y);
                for (int x = 0; x < chroma.cols; ++x) {
                    const float wf = tf * (float(fk[x]) / 255.0f + kFloor);
                    const float wb = tb * (cb[x] + kFloor);
                    const float s = 1.0f / (wf + wb);
                    c[x][0] = (wf * float(fc[x][0]) + wb * c[x][0]) * s;
                    c[x][1] = (wf * float(fc[x][1]) + wb * c[x][1]) * s;
                    cb[x] = tf * (float(fk[x]) / 255.0f) + tb * cb[x];
                }
            }
        });
    }

    GreyFrameSource &m_shot;
    const PropagatorFactory &m_factory;
    FrameSink &m_sink;
    Feedback &m_feedback;
    std::vector<Key> m_keys;
    int64_t m_done = 0;
    int64_t m_total = 0;
    int m_blendFrom = 0;
    int m_blendTo = 0;
    bool m_reportConfidence = false;
    cv::Mat m_confidence8;
};

} // namespace

Result<void> runChains(GreyFrameSource &shot, const std::vector<Keyframe> &keyframes,
                       const PropagatorFactory &factory, FrameSink &sink, Feedback &feedback)
{
    auto keys = sortedKeyframes(keyframes, shot.frameCount());
    if (!keys)
        return keys.error();
    if (feedback.isCancelled())
        return Error::cancelled();
    return Driver(shot, factory, sink, feedback).run(*keys);
}

namespace {

class ChainMethod final : public PropagationMethod
{
public:
    ChainMethod(QString name, PropagatorFactory factory, QJsonObject parameters)
        : m_name(std::move(name)), m_factory(std::move(factory)),
          m_parameters(std::move(parameters))
    {
    }
    QString name() const override { return m_name; }
    QJsonObject parameters() const override { return m_parameters; }
    Result<void> propagate(GreyFrameSource &shot, const std::vector<Keyframe> &keyframes,
                           FrameSink &sink, Feedback &feedback) override
    {
        try {
            return runChains(shot, keyframes, m_factory, sink, feedback);
        } catch (const cv::Exception &e) {
            return makeError(ErrorCode::Internal,
                             QStringLiteral("%1 propagation failed").arg(m_name),
                             QString::fromStdString(e.what()));
        }
    }

private:
    QString m_name;
    PropagatorFactory m_factory;
    QJsonObject m_parameters;
};

} // namespace

std::unique_ptr<PropagationMethod> makeChainMethod(QString name, PropagatorFactory factory,
                                                   QJsonObject parameters)
{
    return std::make_unique<ChainMethod>(std::move(name), std::move(factory),
                                         std::move(parameters));
}

} // namespace tincture::propagation::detail
