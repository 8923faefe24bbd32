#pragma once
// ResultCache: where a project's computed pictures live on disk, so coloured frames are never
// all held in memory: one folder per project (named by the project's id, under the user's
// cache location unless given), holding PNGs of the keyframe model's proposal, the keyframe's
// solved colour and every propagated frame. Files are written atomically (writeImage), so a
// reader sees a whole old picture or a whole new one. Any thread may use it.

#include "foundation/rational.h"

#include <QString>

namespace tincture::project {

class ResultCache
{
public:
    ResultCache() = default;
    explicit ResultCache(QString dir) : m_dir(std::move(dir)) {}
    // <cache location>/projects/<projectId>
    static QString defaultDir(const QString &projectId);

    bool isValid() const { return !m_dir.isEmpty(); }
    const QString &dir() const { return m_dir; }
    bool ensureExists() const;

    QString framePath(FrameIndex frame) const; // propagated colour
    // How sure the propagation was of each pixel of that frame (grey PNG, 255 sure), where the
    // method says; absent for methods that do not.
    QString confidencePath(FrameIndex frame) const;
    QString keyframeModelPath(FrameIndex frame) const;  // the model's proposal (the prior)
    QString keyframeResultPath(FrameIndex frame) const; // the solved keyframe colour
    // Which model made the proposal (JSON: name and sha256; {} when there was none).
    QString keyframeModelInfoPath(FrameIndex frame) const;
    bool hasFrame(FrameIndex frame) const;
    void removeFrames(FrameIndex first, FrameIndex last) const;

private:
    QString m_dir;
};

} // namespace tincture::project
