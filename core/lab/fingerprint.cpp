#include "lab/fingerprint.h"

#include "foundation/atomicoutput.h"
#include "media/imageio.h"

#include <QFile>
#include <QStringList>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <bit>

namespace tincture::lab {

QString Fingerprint::hex() const
{
    QString out;
    for (uint64_t word : bits)
        out += QStringLiteral("%1").arg(word, 16, 16, QLatin1Char('0'));
    return out;
}

int fingerprintDistance(const Fingerprint &a, const Fingerprint &b)
{
    int d = 0;
    for (size_t i = 0; i < a.bits.size(); ++i)
        d += std::popcount(a.bits[i] ^ b.bits[i]);
    return d;
}

Fingerprint fingerprintOfGrey(const uint8_t *grey, int width, int height, size_t stride)
{
    const int side = std::min(width, height);
    const cv::Mat all(height, width, CV_8UC1, const_cast<uint8_t *>(grey), stride);
    const cv::Mat square = all(cv::Rect((width - side) / 2, (height - side) / 2, side, side));
    cv::Mat small;
    cv::resize(square, small, cv::Size(17, 16), 0, 0,
               side >= 17 ? cv::INTER_AREA : cv::INTER_LINEAR);
    Fingerprint f;
    int bit = 0;
    for (int y = 0; y < 16; ++y) {
        const uint8_t *row = small.ptr<uint8_t>(y);
        for (int x = 0; x < 16; ++x, ++bit)
            if (row[x] > row[x + 1])
                f.bits[size_t(bit / 64)] |= uint64_t(1) << (bit % 64);
    }
    return f;
}

Fingerprint fingerprintOf(const Frame &picture)
{
    const Frame grey = picture.luma().converted(PixelFormat::Gray8);
    return fingerprintOfGrey(grey.constData(), grey.width(), grey.height(), grey.strideBytes());
}

Result<Fingerprint> fingerprintFile(const QString &path)
{
    Result<Frame> picture = readImage(path);
    if (!picture)
        return picture.error();
    return fingerprintOf(*picture);
}

const NamedFingerprint *samePicture(const Fingerprint &fingerprint,
                                    const std::vector<NamedFingerprint> &list)
{
    const NamedFingerprint *best = nullptr;
    int bestDistance = kSamePictureBits + 1;
    for (const NamedFingerprint &entry : list) {
        const int d = fingerprintDistance(fingerprint, entry.fingerprint);
        if (d < bestDistance) {
            best = &entry;
            bestDistance = d;
        }
    }
    return best;
}

Result<std::vector<NamedFingerprint>> readFingerprintList(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::FileUnreadable,
                         QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    const QList<QByteArray> lines = file.readAll().split('\n');
    if (lines.isEmpty() || lines.front().trimmed() != "name,fingerprint")
        return makeError(ErrorCode::CorruptData,
                         QStringLiteral("%1: not a fingerprint list (no header "
                                        "\"name,fingerprint\")")
                             .arg(path));
    std::vector<NamedFingerprint> list;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype comma = line.lastIndexOf(',');
        const QByteArray hex = comma > 0 ? line.mid(comma + 1) : QByteArray();
        NamedFingerprint entry;
        entry.name = QString::fromUtf8(line.left(comma));
        bool ok = hex.size() == 64;
        for (size_t w = 0; ok && w < entry.fingerprint.bits.size(); ++w)
            entry.fingerprint.bits[w] = hex.mid(qsizetype(16 * w), 16).toULongLong(&ok, 16);
        if (!ok)
            return makeError(ErrorCode::CorruptData,
                             QStringLiteral("%1, line %2: expected a name, a comma and 64 "
                                            "hexadecimal digits")
                                 .arg(path)
                                 .arg(i + 1));
        list.push_back(entry);
    }
    return list;
}

Result<void> writeFingerprintList(const QString &path, const std::vector<NamedFingerprint> &list)
{
    QByteArray bytes = "name,fingerprint\n";
    for (const NamedFingerprint &entry : list)
        bytes += entry.name.toUtf8() + ',' + entry.fingerprint.hex().toLatin1() + '\n';
    return writeFileAtomically(path, bytes, Existing::Replace);
}

} // namespace tincture::lab
