#include "propagation/internal/baselines.h"

#include "propagation/internal/chromautil.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include <algorithm>

namespace tincture::propagation {

namespace {

using detail::toMat;
using detail::toRgbFrame;

enum class Kind { Grey, CopyFirst, Flow };

Frame asGray8(const Frame &f)
{
    return f.channels() == 1 && f.bitDepth() == 8 ? f : f.luma().converted(PixelFormat::Gray8);
}

// Y from the grey frame, (Cr, Cb) from the 8-bit chroma, through OpenCV's YCrCb → RGB.
Frame compose(const cv::Mat &grey, const cv::Mat &chroma8)
{
    cv::Mat planes[3];
    planes[0] = grey;
    cv::split(chroma8, planes + 1);
    cv::Mat ycc, rgb;
    cv::merge(planes, 3, ycc);
    cv::cvtColor(ycc, rgb, cv::COLOR_YCrCb2RGB);
    return toRgbFrame(rgb);
}

// float → uint8 as numpy's clip(0, 255).astype(uint8): clamp, then truncate (not round).
cv::Mat truncateToBytes(const cv::Mat &chroma)
{
    cv::Mat out(chroma.size(), CV_8UC2);
    for (int y = 0; y < chroma.rows; ++y) {
        const float *src = chroma.ptr<float>(y);
        uint8_t *dst = out.ptr<uint8_t>(y);
        for (int i = 0; i < chroma.cols * 2; ++i)
            dst[i] = uint8_t(std::clamp(src[i], 0.0f, 255.0f));
    }
    return out;
}

Error sizeError(int index, const Frame &a, const Frame &b)
{
    return makeError(ErrorCode::SizeMismatch,
                     QStringLiteral("frame %1 is %2×%3, the keyframe %4×%5")
                         .arg(index)
                         .arg(a.width())
                         .arg(a.height())
                         .arg(b.width())
                         .arg(b.height()));
}

class ChainBaseline final : public PropagationMethod
{
public:
    explicit ChainBaseline(Kind kind) : m_kind(kind) {}

    QString name() const override
    {
        switch (m_kind) {
        case Kind::Grey:
            return QStringLiteral("grey");
        case Kind::CopyFirst:
            return QStringLiteral("copy0");
        case Kind::Flow:
            return QStringLiteral("flow");
        }
        return {};
    }

    Result<void> propagate(GreyFrameSource &shot, const std::vector<Keyframe> &keyframes,
                           FrameSink &sink, Feedback &feedback) override
    {
        const int n = shot.frameCount();
        auto keys = sortedKeyframes(keyframes, n);
        if (!keys)
            return keys.error();
        m_done = 0;
        try {
            for (size_t k = 0; k < keys->size(); ++k) {
                const int stop = k + 1 < keys->size() ? (*keys)[k + 1].index : n;
                if (auto r = chain(shot, (*keys)[k], +1, stop, sink, feedback); !r)
                    return r;
            }
            if (keys->front().index > 0)
                if (auto r = chain(shot, keys->front(), -1, -1, sink, feedback, false); !r)
                    return r;
        } catch (const cv::Exception &e) {
            return makeError(ErrorCode::Internal,
                             QStringLiteral("%1 propagation failed").arg(name()),
                             QString::fromStdString(e.what()));
        }
        return {};
    }

private:
    // Frames key.index (when putKey), key.index + step, … up to but not including stop.
    Result<void> chain(GreyFrameSource &shot, const Keyframe &key, int step, int stop,
                       FrameSink &sink, Feedback &feedback, bool putKey = true)
    {
        const int n = shot.frameCount();
        auto keyGrey = shot.greyFrame(key.index);
        if (!keyGrey)
            return keyGrey.error();
        if (keyGrey->width() != key.colour.width() || keyGrey->height() != key.colour.height())
            return sizeError(key.index, *keyGrey, key.colour);
        cv::Mat keyYcc;
        cv::cvtColor(toMat(key.colour.converted(PixelFormat::Rgb8), CV_8UC3), keyYcc,
                     cv::COLOR_RGB2YCrCb);
        cv::Mat keyChroma8(keyYcc.size(), CV_8UC2);
        const int fromTo[] = {1, 0, 2, 1};
        cv::mixChannels(&keyYcc, 1, &keyChroma8, 1, fromTo, 2);
        cv::Mat chroma; // running chroma of the flow chain, float (Cr, Cb)
        keyChroma8.convertTo(chroma, CV_32FC2);
        cv::Mat previous = toMat(asGray8(*keyGrey), CV_8UC1);
        const cv::Mat neutral(keyChroma8.size(), CV_8UC2, cv::Scalar(128, 128));

        if (feedback.isCancelled())
            return Error::cancelled();
        if (putKey) {
            if (auto r = sink.put(key.index, compose(previous, keyChroma8)); !r)
                return r;
            feedback.reportProgress(++m_done, n);
        }
        for (int i = key.index + step; i != stop; i += step) {
            if (feedback.isCancelled())
                return Error::cancelled();
            auto greyFrame = shot.greyFrame(i);
            if (!greyFrame)
                return greyFrame.error();
            if (greyFrame->width() != key.colour.width() ||
                greyFrame->height() != key.colour.height())
                return sizeError(i, *greyFrame, key.colour);
            const cv::Mat grey = toMat(asGray8(*greyFrame), CV_8UC1);
            cv::Mat chroma8;
            switch (m_kind) {
            case Kind::Grey:
                chroma8 = neutral;
                break;
            case Kind::CopyFirst:
                chroma8 = keyChroma8;
                break;
            case Kind::Flow: {
                // Flow from this frame to the previous one: where each pixel came from.
                cv::Mat flow;
                cv::calcOpticalFlowFarneback(grey, previous, flow, 0.5, 4, 21, 3, 7, 1.5, 0);
                cv::Mat mapX(grey.size(), CV_32FC1), mapY(grey.size(), CV_32FC1);
                for (int y = 0; y < grey.rows; ++y) {
                    const cv::Vec2f *f = flow.ptr<cv::Vec2f>(y);
                    float *mx = mapX.ptr<float>(y), *my = mapY.ptr<float>(y);
                    for (int x = 0; x < grey.cols; ++x) {
                        mx[x] = float(x) + f[x][0];
                        my[x] = float(y) + f[x][1];
                    }
                }
                cv::Mat warped;
                cv::remap(chroma, warped, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
                chroma = warped;
                previous = grey;
                chroma8 = truncateToBytes(chroma);
                break;
            }
            }
            if (auto r = sink.put(i, compose(grey, chroma8)); !r)
                return r;
            feedback.reportProgress(++m_done, n);
        }
        return {};
    }

    Kind m_kind;
    int64_t m_done = 0;
};

} // namespace

std::unique_ptr<PropagationMethod> makeGreyBaseline()
{
    return std::make_unique<ChainBaseline>(Kind::Grey);
}

std::unique_ptr<PropagationMethod> makeCopyFirstBaseline()
{
    return std::make_unique<ChainBaseline>(Kind::CopyFirst);
}

std::unique_ptr<PropagationMethod> makeFlowBaseline()
{
    return std::make_unique<ChainBaseline>(Kind::Flow);
}

} // namespace tincture::propagation
