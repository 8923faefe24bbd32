#include "media/videosource.h"

#include "media/internal/ffmpegsource.h"
#include "media/internal/imagesequencesource.h"

#include <QFileInfo>

namespace tincture {

Result<std::unique_ptr<VideoSource>> VideoSource::open(const QString &path,
                                                       const SourceOptions &options)
{
    if (path.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("no input file given"));
    const QFileInfo fi(path);
    if (fi.isDir() || (path.contains(QLatin1Char('%')) && !fi.exists()))
        return ImageSequenceSource::open(path, options);
    return FfmpegSource::open(path, options);
}

} // namespace tincture
