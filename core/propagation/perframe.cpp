#include "propagation/internal/perframe.h"

#include "ml/videocolorizer.h"

namespace tincture::propagation::detail {

namespace {

class PerFrameMethod final : public PropagationMethod
{
public:
    explicit PerFrameMethod(std::shared_ptr<const ml::VideoColorizer> model)
        : m_model(std::move(model))
    {
    }
    QString name() const override { return QStringLiteral("per-frame"); }
    bool usesKeyframes() const override { return false; }
    QJsonObject parameters() const override
    {
        const ml::ColorizerInfo &info = m_model->info();
        return QJsonObject{{QStringLiteral("colorizer"), info.name},
                           {QStringLiteral("colorizerSha256"), info.sha256}};
    }
    Result<void> propagate(GreyFrameSource &shot, const std::vector<Keyframe> &keyframes,
                           FrameSink &sink, Feedback &feedback) override
    {
        const int n = shot.frameCount();
        if (!keyframes.empty())
            if (auto sorted = sortedKeyframes(keyframes, n); !sorted)
                return sorted.error();
        const std::unique_ptr<ml::VideoColorizer::Run> run = m_model->start(true);
        for (int i = 0; i < n; ++i) {
            if (feedback.isCancelled())
                return Error::cancelled();
            auto grey = shot.greyFrame(i);
            if (!grey)
                return grey.error();
            auto colour = run->next(*grey);
            if (!colour)
                return colour.error();
            if (auto r = sink.put(i, colour->converted(PixelFormat::Rgb8)); !r)
                return r.error();
            feedback.reportProgress(i + 1, n);
        }
        return {};
    }

private:
    std::shared_ptr<const ml::VideoColorizer> m_model;
};

} // namespace

std::unique_ptr<PropagationMethod>
makePerFrameMethod(std::shared_ptr<const ml::VideoColorizer> model)
{
    return std::make_unique<PerFrameMethod>(std::move(model));
}

} // namespace tincture::propagation::detail
