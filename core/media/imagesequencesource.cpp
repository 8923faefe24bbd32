#include "media/internal/imagesequencesource.h"

#include "media/imageio.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <map>

namespace tincture {

namespace {

const QStringList kImageSuffixes = {
    QStringLiteral("png"),  QStringLiteral("tif"), QStringLiteral("tiff"), QStringLiteral("jpg"),
    QStringLiteral("jpeg"), QStringLiteral("dpx"), QStringLiteral("bmp"),  QStringLiteral("exr")};

struct Numbered
{
    qint64 number;
    QString path;
};

} // namespace

Result<std::unique_ptr<VideoSource>> ImageSequenceSource::open(const QString &path,
                                                               const SourceOptions &options)
{
    QDir dir;
    QRegularExpression pattern;
    const QFileInfo fi(path);
    if (fi.isDir()) {
        dir = QDir(path);
        pattern = QRegularExpression(QStringLiteral("^(.*?)(\\d+)\\.([A-Za-z]+)$"));
    } else {
        // printf pattern: "name_%04d.png" or "name_%d.png".
        const QString name = fi.fileName();
        const QRegularExpression spec(QStringLiteral("%0?(\\d*)d"));
        const QRegularExpressionMatch m = spec.match(name);
        if (!m.hasMatch())
            return makeError(ErrorCode::FileNotFound, QStringLiteral("%1: no such file").arg(path));
        dir = fi.absoluteDir();
        const QString re = QStringLiteral("^(") +
                           QRegularExpression::escape(name.left(m.capturedStart())) +
                           QStringLiteral(")(\\d+)\\.(") + QRegularExpression::escape(fi.suffix()) +
                           QStringLiteral(")$");
        pattern = QRegularExpression(re);
    }
    if (!dir.exists())
        return makeError(ErrorCode::FileNotFound,
                         QStringLiteral("%1: no such folder").arg(dir.path()));

    // Group the numbered images by (prefix, extension): exactly one sequence is expected.
    std::map<QString, std::vector<Numbered>> groups;
    const QStringList entries = dir.entryList(QDir::Files | QDir::Readable, QDir::Name);
    for (const QString &entry : entries) {
        const QRegularExpressionMatch m = pattern.match(entry);
        if (!m.hasMatch() || !kImageSuffixes.contains(m.captured(3).toLower()))
            continue;
        bool ok = false;
        const qint64 number = m.captured(2).toLongLong(&ok);
        if (!ok)
            continue;
        groups[m.captured(1) + QStringLiteral("#.") + m.captured(3)].push_back(
            {number, dir.filePath(entry)});
    }
    if (groups.empty())
        return makeError(
            ErrorCode::FileNotFound,
            QStringLiteral("%1: no numbered image files (PNG, TIFF, JPEG, DPX) found").arg(path));
    if (groups.size() > 1) {
        QStringList names;
        for (const auto &[key, files] : groups)
            names << key;
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("%1: holds several image sequences (%2); name one with a "
                                        "pattern such as %3")
                             .arg(path, names.join(QStringLiteral(", ")),
                                  dir.filePath(names.front().replace(QLatin1Char('#'),
                                                                     QStringLiteral("%04d")))));
    }
    std::vector<Numbered> files = std::move(groups.begin()->second);
    std::sort(files.begin(), files.end(),
              [](const Numbered &a, const Numbered &b) { return a.number < b.number; });
    for (size_t i = 1; i < files.size(); ++i) {
        if (files[i].number == files[i - 1].number)
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("%1: frame number %2 appears twice (%3 and %4)")
                                 .arg(path)
                                 .arg(files[i].number)
                                 .arg(QFileInfo(files[i - 1].path).fileName(),
                                      QFileInfo(files[i].path).fileName()));
        if (files[i].number != files[i - 1].number + 1)
            return makeError(ErrorCode::SequenceGap,
                             QStringLiteral("%1: the sequence has a gap: frame %2 is missing "
                                            "between %3 and %4")
                                 .arg(path)
                                 .arg(files[i - 1].number + 1)
                                 .arg(QFileInfo(files[i - 1].path).fileName(),
                                      QFileInfo(files[i].path).fileName()));
    }

    std::unique_ptr<ImageSequenceSource> source(new ImageSequenceSource(options));
    for (const Numbered &n : files)
        source->m_files << n.path;
    const ImageReadLimits limits{options.maxFrameSide, options.maxFramePixels};
    Result<Frame> first = readImage(source->m_files.front(), limits);
    if (!first)
        return first.error();
    MediaInfo &info = source->m_info;
    info.path = path;
    info.container = QStringLiteral("image-sequence");
    info.codec = QFileInfo(files.front().path).suffix().toLower();
    info.pixelFormat = QString::fromLatin1(pixelFormatName(first->format()));
    info.width = info.codedWidth = first->width();
    info.height = info.codedHeight = first->height();
    info.bitDepth = first->bitDepth();
    info.fps = options.sequenceFps.reduced();
    info.timeBase = info.fps.inverted();
    info.frames = int64_t(files.size());
    info.durationSeconds = double(info.frames) / info.fps.toDouble();
    info.colour.fullRange = true;
    source->m_format = first->bitDepth() > 8 ? PixelFormat::Rgb16 : PixelFormat::Rgb8;
    return std::unique_ptr<VideoSource>(std::move(source));
}

Result<Frame> ImageSequenceSource::frame(FrameIndex index)
{
    if (index < 0 || index >= m_info.frames)
        return makeError(ErrorCode::OutOfRange,
                         QStringLiteral("%1: frame %2 is out of range (0–%3)")
                             .arg(m_info.path)
                             .arg(index)
                             .arg(m_info.frames - 1));
    if (std::optional<Frame> hit = m_cache.find(index))
        return *hit;
    const QString &file = m_files[int(index)];
    Result<Frame> image = readImage(file, {m_options.maxFrameSide, m_options.maxFramePixels});
    if (!image)
        return image.error();
    if (image->width() != m_info.width || image->height() != m_info.height)
        return makeError(ErrorCode::SizeMismatch,
                         QStringLiteral("%1: the frame is %2×%3 but the sequence is %4×%5")
                             .arg(file)
                             .arg(image->width())
                             .arg(image->height())
                             .arg(m_info.width)
                             .arg(m_info.height));
    Frame out = image->converted(m_format);
    out.index = index;
    out.pts = index;
    out.timeBase = m_info.timeBase;
    m_cache.insert(out);
    return out;
}

double ImageSequenceSource::frameTimeSeconds(FrameIndex index) const
{
    return double(index) / m_info.fps.toDouble();
}

int64_t ImageSequenceSource::framePts(FrameIndex index) const
{
    return index;
}

} // namespace tincture
