#include "lab/dataset.h"

#include "foundation/atomicoutput.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstring>

namespace tincture::lab {

Result<PackReport> packDataset(const QString &folder, const QString &outPath, int side,
                               Feedback &feedback, const std::vector<NamedFingerprint> &exclude)
{
    if (side < 16 || side > 4096)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("image side %1 is out of range (16–4096)").arg(side));
    const QDir dir(folder);
    if (!dir.exists())
        return makeError(ErrorCode::FileNotFound, QStringLiteral("%1: no such folder").arg(folder));
    const QStringList files =
        dir.entryList({QStringLiteral("*.jpg"), QStringLiteral("*.jpeg"), QStringLiteral("*.png"),
                       QStringLiteral("*.JPG"), QStringLiteral("*.JPEG"), QStringLiteral("*.PNG"),
                       QStringLiteral("*.tif"), QStringLiteral("*.tiff"), QStringLiteral("*.bmp")},
                      QDir::Files, QDir::Name);
    if (files.isEmpty())
        return makeError(ErrorCode::FileEmpty,
                         QStringLiteral("%1: no images (.jpg, .png, .tif, .bmp)").arg(folder));

    auto output = AtomicOutput::begin(outPath, AtomicOutput::Kind::File, Existing::Replace);
    if (!output)
        return output.error();
    QFile file(output.value().tempPath());
    if (!file.open(QIODevice::WriteOnly))
        return makeError(ErrorCode::WriteFailed,
                         QStringLiteral("%1: cannot write: %2").arg(outPath, file.errorString()));
    // The count is patched in when all images are known.
    const uint32_t header[4] = {0, uint32_t(side), uint32_t(side), 3};
    file.write("TCDSET01", 8);
    file.write(reinterpret_cast<const char *>(header), sizeof header);

    PackReport report;
    std::vector<uint8_t> rgb(size_t(side) * side * 3);
    for (int i = 0; i < files.size(); ++i) {
        if (feedback.isCancelled()) {
            file.close();
            output.value().discard();
            return makeError(ErrorCode::Cancelled, QStringLiteral("cancelled"));
        }
        const QString path = dir.filePath(files[i]);
        cv::Mat bgr;
        try {
            bgr = cv::imread(QFile::encodeName(path).toStdString(), cv::IMREAD_COLOR);
        } catch (const cv::Exception &) {
            bgr.release();
        }
        if (bgr.empty() || bgr.cols < 16 || bgr.rows < 16) {
            feedback.warn(QStringLiteral("%1: unreadable or too small, skipped").arg(path));
            ++report.skipped;
            continue;
        }
        cv::Mat grey;
        cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
        const Fingerprint fingerprint =
            fingerprintOfGrey(grey.data, grey.cols, grey.rows, grey.step);
        if (const NamedFingerprint *same = samePicture(fingerprint, exclude)) {
            feedback.warn(QStringLiteral("%1: the same picture as %2 (%3 of 256 fingerprint bits "
                                         "differ), which is kept out of training; skipped")
                              .arg(path, same->name)
                              .arg(fingerprintDistance(fingerprint, same->fingerprint)));
            ++report.skipped;
            ++report.excluded;
            continue;
        }
        const int s = std::min(bgr.cols, bgr.rows);
        cv::Mat square = bgr(cv::Rect((bgr.cols - s) / 2, (bgr.rows - s) / 2, s, s));
        cv::Mat sized;
        if (s == side)
            sized = square.clone();
        else
            cv::resize(square, sized, cv::Size(side, side), 0, 0,
                       s > side ? cv::INTER_AREA : cv::INTER_CUBIC);
        cv::Mat channels[3];
        cv::split(sized, channels);
        const double chroma = cv::norm(channels[0], channels[1], cv::NORM_L1) +
                              cv::norm(channels[1], channels[2], cv::NORM_L1);
        if (chroma < 2.0 * side * side) { // below a mean of 1 code per pixel: a grey photograph
            feedback.warn(QStringLiteral("%1: greyscale, skipped").arg(path));
            ++report.skipped;
            continue;
        }
        cv::Mat rgbMat(side, side, CV_8UC3, rgb.data());
        cv::cvtColor(sized, rgbMat, cv::COLOR_BGR2RGB);
        if (file.write(reinterpret_cast<const char *>(rgb.data()), qint64(rgb.size())) !=
            qint64(rgb.size())) {
            file.close();
            output.value().discard();
            return makeError(
                ErrorCode::WriteFailed,
                QStringLiteral("%1: write failed: %2").arg(outPath, file.errorString()));
        }
        ++report.packed;
        report.pictures.push_back(NamedFingerprint{files[i], fingerprint});
        feedback.reportProgress(i + 1, files.size());
    }
    if (report.packed == 0) {
        file.close();
        output.value().discard();
        return makeError(ErrorCode::FileEmpty,
                         QStringLiteral("%1: no usable colour images").arg(folder));
    }
    const uint32_t count = uint32_t(report.packed);
    file.seek(8);
    file.write(reinterpret_cast<const char *>(&count), 4);
    file.close();
    if (auto committed = output.value().commit(); !committed)
        return committed.error();
    return report;
}

} // namespace tincture::lab
