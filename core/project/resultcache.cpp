#include "project/resultcache.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>

namespace tincture::project {

QString ResultCache::defaultDir(const QString &projectId)
{
    QString base = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    if (base.isEmpty())
        base = QDir::tempPath() + QStringLiteral("/tincture-cache");
    return base + QStringLiteral("/projects/") + projectId;
}

bool ResultCache::ensureExists() const
{
    return isValid() && QDir().mkpath(m_dir);
}

QString ResultCache::framePath(FrameIndex frame) const
{
    return QStringLiteral("%1/frame_%2.png").arg(m_dir).arg(frame, 6, 10, QLatin1Char('0'));
}

QString ResultCache::confidencePath(FrameIndex frame) const
{
    return QStringLiteral("%1/confidence_%2.png").arg(m_dir).arg(frame, 6, 10, QLatin1Char('0'));
}

QString ResultCache::keyframeModelPath(FrameIndex frame) const
{
    return QStringLiteral("%1/key_%2_model.png").arg(m_dir).arg(frame, 6, 10, QLatin1Char('0'));
}

QString ResultCache::keyframeResultPath(FrameIndex frame) const
{
    return QStringLiteral("%1/key_%2_colour.png").arg(m_dir).arg(frame, 6, 10, QLatin1Char('0'));
}

QString ResultCache::keyframeModelInfoPath(FrameIndex frame) const
{
    return QStringLiteral("%1/key_%2_model.json").arg(m_dir).arg(frame, 6, 10, QLatin1Char('0'));
}

bool ResultCache::hasFrame(FrameIndex frame) const
{
    return isValid() && QFile::exists(framePath(frame));
}

void ResultCache::removeFrames(FrameIndex first, FrameIndex last) const
{
    if (!isValid())
        return;
    for (FrameIndex f = first; f <= last; ++f) {
        QFile::remove(framePath(f));
        QFile::remove(confidencePath(f));
    }
}

} // namespace tincture::project
