#include "lab/syntheticsequence.h"

#include "media/imageio.h"
#include "propagation/internal/chromautil.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace tincture::lab {

namespace {

// Background `back` panned, zoomed and rotated about its centre;
// a disc of `object` moving over it.
std::vector<Frame> syntheticFrames(const cv::Mat &back, const cv::Mat &object, int frames,
                                   std::mt19937_64 &rng)
{
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    const double vx = 4 * u(rng), vy = 4 * u(rng), zoom = 0.015 * u(rng), turn = u(rng);
    const int side = std::min(back.cols, back.rows);
    const double radius = side * (0.225 + 0.075 * u(rng));
    const double ox = back.cols * (0.5 + 0.25 * u(rng)), oy = back.rows * (0.5 + 0.25 * u(rng));
    const double ux = 5 * u(rng), uy = 5 * u(rng);
    const cv::Point2f centre(back.cols * 0.5f, back.rows * 0.5f);
    std::vector<Frame> out;
    for (int t = 0; t < frames; ++t) {
        cv::Mat m = cv::getRotationMatrix2D(centre, turn * t, 1.0 + zoom * t);
        m.at<double>(0, 2) += vx * t;
        m.at<double>(1, 2) += vy * t;
        cv::Mat frame;
        cv::warpAffine(back, frame, m, back.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT_101);
        // The disc carries the object's centre with it; a one-pixel soft edge.
        const double cx = ox + ux * t, cy = oy + uy * t;
        for (int y = 0; y < frame.rows; ++y) {
            auto *row = frame.ptr<cv::Vec3b>(y);
            for (int x = 0; x < frame.cols; ++x) {
                const double d = std::hypot(x - cx, y - cy);
                const double a = std::clamp(radius + 0.5 - d, 0.0, 1.0);
                if (a <= 0.0)
                    continue;
                const int sx =
                    std::clamp(int(std::lround(x - cx + object.cols * 0.5)), 0, object.cols - 1);
                const int sy =
                    std::clamp(int(std::lround(y - cy + object.rows * 0.5)), 0, object.rows - 1);
                const cv::Vec3b o = object.at<cv::Vec3b>(sy, sx);
                for (int c = 0; c < 3; ++c)
                    row[x][c] = uint8_t(std::lround(a * o[c] + (1.0 - a) * row[x][c]));
            }
        }
        out.push_back(propagation::detail::toRgbFrame(frame));
    }
    return out;
}

} // namespace

Result<std::vector<Frame>> syntheticSequence(const QString &backPath, const QString &objectPath,
                                             int frames, std::mt19937_64 &rng)
{
    auto back = readImage(backPath);
    if (!back)
        return back.error();
    auto object = readImage(objectPath);
    if (!object)
        return object.error();
    try {
        return syntheticFrames(
            propagation::detail::toMat(back->converted(PixelFormat::Rgb8), CV_8UC3),
            propagation::detail::toMat(object->converted(PixelFormat::Rgb8), CV_8UC3), frames, rng);
    } catch (const cv::Exception &e) {
        return makeError(ErrorCode::Internal,
                         QStringLiteral("%1: making a synthetic sequence failed").arg(backPath),
                         QString::fromStdString(e.what()));
    }
}

} // namespace tincture::lab
