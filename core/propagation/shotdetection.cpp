#include "propagation/shotdetection.h"

#include "propagation/internal/chromautil.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace tincture::propagation {

namespace {

cv::Mat normalisedThumbnail(const Frame &frame, const ShotDetectionParams &p)
{
    const cv::Mat m = detail::greyMat(frame);
    const int w = std::clamp(p.thumbnailWidth, 8, std::max(8, m.cols));
    const int h = std::max(1, int(std::lround(double(m.rows) * w / std::max(1, m.cols))));
    cv::Mat small, f;
    cv::resize(m, small, cv::Size(w, h), 0, 0, cv::INTER_AREA);
    small.convertTo(f, CV_32F);
    cv::Scalar mean, stddev;
    cv::meanStdDev(f, mean, stddev);
    // Dark or flat frames (the middle of a fade) are not stretched beyond the floor.
    const double scale = 1.0 / std::max(stddev[0], std::max(1.0, p.minContrast));
    f.convertTo(f, CV_32F, scale, -mean[0] * scale);
    return f;
}

} // namespace

ShotDetector::ShotDetector(const ShotDetectionParams &params) : m_p(params) {}

void ShotDetector::add(const Frame &grey)
{
    if (grey.isNull()) {
        m_scores.push_back(m_scores.empty() ? 0.0f : m_scores.back());
        return;
    }
    const cv::Mat current = normalisedThumbnail(grey, m_p);
    float score = 0.0f;
    if (!m_previous.empty()) {
        if (m_previousWidth != current.cols || m_previousHeight != current.rows) {
            score = 1e3f; // a change of frame size is a cut
        } else {
            const cv::Mat previous(current.rows, current.cols, CV_32FC1, m_previous.data());
            score = float(cv::norm(current, previous, cv::NORM_L1) / double(current.total()));
        }
    }
    m_scores.push_back(score);
    const cv::Mat continuous = current.isContinuous() ? current : current.clone();
    m_previous.assign(continuous.ptr<float>(), continuous.ptr<float>() + continuous.total());
    m_previousWidth = current.cols;
    m_previousHeight = current.rows;
}

std::vector<Shot> ShotDetector::finish()
{
    const int n = int(m_scores.size());
    std::vector<Shot> shots;
    if (n == 0)
        return shots;
    std::vector<int> cuts; // first frames of new shots
    const int w = std::max(1, m_p.window);
    std::vector<float> around;
    for (int t = 1; t < n; ++t) {
        const float s = m_scores[size_t(t)];
        if (s < m_p.minScore)
            continue;
        around.clear();
        bool localMax = true;
        for (int u = std::max(1, t - w); u <= std::min(n - 1, t + w); ++u) {
            if (u == t)
                continue;
            around.push_back(m_scores[size_t(u)]);
            if (m_scores[size_t(u)] > s || (m_scores[size_t(u)] == s && u < t))
                localMax = false;
        }
        if (!localMax)
            continue;
        float median = 0.0f;
        if (!around.empty()) {
            std::nth_element(around.begin(), around.begin() + around.size() / 2, around.end());
            median = around[around.size() / 2];
        }
        if (double(s) < m_p.ratio * double(median))
            continue;
        // Too close to the previous cut: keep the stronger of the two.
        if (!cuts.empty() && t - cuts.back() < m_p.minShotFrames) {
            if (s > m_scores[size_t(cuts.back())])
                cuts.back() = t;
            continue;
        }
        cuts.push_back(t);
    }
    FrameIndex first = 0;
    for (int c : cuts) {
        shots.push_back({first, FrameIndex(c - 1)});
        first = c;
    }
    shots.push_back({first, FrameIndex(n - 1)});
    return shots;
}

Result<std::vector<Shot>> detectShots(VideoSource &source, const ShotDetectionParams &params,
                                      Feedback &feedback)
{
    ShotDetector detector(params);
    const int64_t n = source.frameCount();
    try {
        for (int64_t i = 0; i < n; ++i) {
            if (feedback.isCancelled())
                return Error::cancelled();
            auto frame = source.frame(i);
            if (!frame)
                return frame.error();
            detector.add(frame->luma());
            feedback.reportProgress(i + 1, n);
        }
    } catch (const cv::Exception &e) {
        return makeError(ErrorCode::Internal, QStringLiteral("shot detection failed"),
                         QString::fromStdString(e.what()));
    }
    return detector.finish();
}

} // namespace tincture::propagation
