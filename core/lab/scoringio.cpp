#include "lab/scoringio.h"

#include <QDir>
#include <QFileInfo>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstring>

namespace tincture::lab {

Result<Frame> readScoringImage(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return makeError(ErrorCode::FileNotFound, QStringLiteral("%1: no such file").arg(path));
    try {
        const cv::Mat bgr = cv::imread(QFile::encodeName(path).toStdString(),
                                       cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
        if (bgr.empty())
            return makeError(ErrorCode::FileUnreadable,
                             QStringLiteral("%1: not a readable image").arg(path));
        cv::Mat rgb;
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
        Frame out(rgb.cols, rgb.rows, PixelFormat::Rgb8);
        for (int y = 0; y < rgb.rows; ++y)
            std::memcpy(out.row(y), rgb.ptr<uint8_t>(y), out.strideBytes());
        return out;
    } catch (const cv::Exception &e) {
        return makeError(ErrorCode::FileUnreadable,
                         QStringLiteral("%1: could not decode the image").arg(path),
                         QString::fromStdString(e.what()));
    }
}

Result<void> writeScoringImage(const QString &path, const Frame &frame)
{
    if (frame.isNull())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("%1: empty frame").arg(path));
    const bool grey = frame.channels() == 1;
    const Frame f = frame.converted(grey ? PixelFormat::Gray8 : PixelFormat::Rgb8);
    try {
        const cv::Mat m(f.height(), f.width(), grey ? CV_8UC1 : CV_8UC3,
                        const_cast<uint8_t *>(f.constData()));
        cv::Mat toWrite; // a new buffer: m wraps the caller's (shared, const) pixels
        if (grey)
            toWrite = m;
        else
            cv::cvtColor(m, toWrite, cv::COLOR_RGB2BGR);
        if (!cv::imwrite(QFile::encodeName(path).toStdString(), toWrite))
            return makeError(ErrorCode::WriteFailed,
                             QStringLiteral("%1: could not write").arg(path));
        return {};
    } catch (const cv::Exception &e) {
        return makeError(ErrorCode::WriteFailed, QStringLiteral("%1: could not write").arg(path),
                         QString::fromStdString(e.what()));
    }
}

Result<QStringList> listPhotographs(const QString &folder)
{
    const QDir dir(folder);
    if (!dir.exists())
        return makeError(ErrorCode::FileNotFound, QStringLiteral("%1: no such folder").arg(folder));
    const QStringList files =
        dir.entryList({QStringLiteral("*.jpg"), QStringLiteral("*.jpeg"), QStringLiteral("*.png"),
                       QStringLiteral("*.JPG"), QStringLiteral("*.JPEG"), QStringLiteral("*.PNG")},
                      QDir::Files, QDir::Name);
    if (files.isEmpty())
        return makeError(ErrorCode::FileEmpty,
                         QStringLiteral("%1: no .jpg or .png images").arg(folder));
    return files;
}

} // namespace tincture::lab
