#include "lab/clipflow.h"

#include "foundation/atomicoutput.h"
#include "metrics/temporalmetrics.h"

#include <QFile>

#include <opencv2/core.hpp>
#include <opencv2/video/tracking.hpp>

#include <cmath>
#include <cstring>
#include <vector>

namespace tincture::lab {

namespace {

constexpr double kUnitsPerPixel = 16.0; // ml/internal/packedimages.h's kFlowUnit

cv::Mat flowBetween(const cv::Mat &from, const cv::Mat &to)
{
    const metrics::FarnebackParams p;
    cv::Mat flow;
    cv::calcOpticalFlowFarneback(from, to, flow, p.pyrScale, p.levels, p.winSize, p.iterations,
                                 p.polyN, p.polySigma, 0);
    return flow;
}

bool appendFlow(const cv::Mat &flow, QByteArray &out)
{
    std::vector<int16_t> values(size_t(flow.total()) * 2);
    size_t i = 0;
    for (int y = 0; y < flow.rows; ++y) {
        const float *row = flow.ptr<float>(y);
        for (int x = 0; x < flow.cols * 2; ++x) {
            const double v = std::round(double(row[x]) * kUnitsPerPixel);
            if (!(std::abs(v) <= 32767.0))
                return false;
            values[i++] = int16_t(v);
        }
    }
    out.append(reinterpret_cast<const char *>(values.data()),
               qsizetype(values.size() * sizeof(int16_t)));
    return true;
}

} // namespace

Result<void> packClipFlows(const QString &clipsPath, const QString &outPath, Feedback &feedback)
{
    QFile in(clipsPath);
    if (!in.open(QIODevice::ReadOnly))
        return makeError(in.exists() ? ErrorCode::FileUnreadable : ErrorCode::FileNotFound,
                         QStringLiteral("%1: cannot open the packed clips: %2")
                             .arg(clipsPath, in.errorString()));
    char magic[8] = {};
    uint32_t h[5] = {};
    const bool read = in.read(magic, 8) == 8 &&
                      in.read(reinterpret_cast<char *>(h), sizeof h) == qint64(sizeof h);
    if (!read || std::memcmp(magic, "TCVPNC01", 8) != 0 || h[0] == 0 || h[1] < 2 || h[1] > 1000 ||
        h[2] < 8 || h[2] > 4096 || h[3] < 8 || h[3] > 4096 || h[4] != 5)
        return makeError(ErrorCode::CorruptData,
                         QStringLiteral("%1: not a packed clip file (bad header)").arg(clipsPath));
    const int count = int(h[0]), frames = int(h[1]), height = int(h[2]), width = int(h[3]);
    const qsizetype frameBytes = qsizetype(height) * width * 5;
    QByteArray out("TCFLOW01", 8);
    const uint32_t outHeader[4] = {h[0], h[1], h[2], h[3]};
    out.append(reinterpret_cast<const char *>(outHeader), sizeof outHeader);
    const cv::Mat zero(height, width, CV_32FC2, cv::Scalar(0, 0));
    for (int clip = 0; clip < count; ++clip) {
        if (feedback.isCancelled())
            return Error::cancelled();
        const QByteArray bytes = in.read(frameBytes * frames);
        if (bytes.size() != frameBytes * frames)
            return makeError(ErrorCode::CorruptData,
                             QStringLiteral("%1: truncated at clip %2 of %3")
                                 .arg(clipsPath)
                                 .arg(clip + 1)
                                 .arg(count));
        std::vector<cv::Mat> grey;
        for (int t = 0; t < frames; ++t) {
            cv::Mat y(height, width, CV_8UC1);
            const auto *src = reinterpret_cast<const uint8_t *>(bytes.constData()) + t * frameBytes;
            for (int i = 0; i < height * width; ++i)
                y.data[i] = src[size_t(i) * 5];
            grey.push_back(y);
        }
        for (int t = 0; t < frames; ++t) {
            const cv::Mat toPrev =
                t == 0 ? zero : flowBetween(grey[size_t(t)], grey[size_t(t - 1)]);
            const cv::Mat toFirst = t == 0   ? zero
                                    : t == 1 ? toPrev
                                             : flowBetween(grey[size_t(t)], grey[0]);
            if (!appendFlow(toPrev, out) || !appendFlow(toFirst, out))
                return makeError(ErrorCode::CorruptData,
                                 QStringLiteral("%1: clip %2 has a flow beyond ±2,047 px")
                                     .arg(clipsPath)
                                     .arg(clip + 1));
        }
        feedback.reportProgress(clip + 1, count);
    }
    return writeFileAtomically(outPath, out, Existing::Replace);
}

} // namespace tincture::lab
