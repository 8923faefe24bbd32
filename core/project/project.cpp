#include "project/project.h"

#include <QUuid>

#include <algorithm>

namespace tincture::project {

QString brushToolName(BrushTool tool)
{
    switch (tool) {
    case BrushTool::Paint:
        return QStringLiteral("paint");
    case BrushTool::Erase:
        return QStringLiteral("erase");
    case BrushTool::KeepModel:
        return QStringLiteral("keep");
    }
    return {};
}

std::optional<BrushTool> brushToolFromName(const QString &name)
{
    for (BrushTool t : {BrushTool::Paint, BrushTool::Erase, BrushTool::KeepModel})
        if (brushToolName(t) == name)
            return t;
    return std::nullopt;
}

Project::Project(QObject *parent) : QObject(parent)
{
    m_id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    connect(&m_undo, &QUndoStack::cleanChanged, this,
            [this] { emit modifiedChanged(isModified()); });
}

Project::~Project()
{
    // Commands refer to the project: drop them while it is still whole.
    m_undo.clear();
}

void Project::reset(const QString &mediaPath, const MediaFingerprint &media,
                    const QString &propagationMethod)
{
    m_undo.clear();
    m_id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m_mediaPath = mediaPath;
    m_media = media;
    m_referencePath.clear();
    m_filePath.clear();
    m_parameters = {};
    m_parameters.propagationMethod = propagationMethod;
    m_shots.clear();
    m_revisionCounter = 0;
    if (media.frames > 0)
        m_shots.append(ShotEntry{0, media.frames - 1, {}, nextRevision(), -1, {}, false});
    m_dirty = false;
    emit filePathChanged(m_filePath);
    emit referenceChanged(m_referencePath);
    emit shotsChanged();
    emit parametersChanged();
    emit modifiedChanged(false);
}

void Project::setMediaPath(const QString &path)
{
    if (path == m_mediaPath)
        return;
    m_mediaPath = path;
    setDirty();
}

void Project::setReferencePath(const QString &path)
{
    if (path == m_referencePath)
        return;
    m_referencePath = path;
    setDirty();
    emit referenceChanged(path);
}

void Project::setFilePath(const QString &path)
{
    m_filePath = path;
    emit filePathChanged(path);
}

int Project::shotIndexAt(FrameIndex frame) const
{
    for (int i = 0; i < m_shots.size(); ++i)
        if (m_shots[i].contains(frame))
            return i;
    return -1;
}

const KeyframeEntry *Project::keyframe(FrameIndex frame) const
{
    const int s = shotIndexAt(frame);
    if (s < 0)
        return nullptr;
    for (const KeyframeEntry &k : m_shots[s].keyframes)
        if (k.frame == frame)
            return &k;
    return nullptr;
}

QVector<FrameIndex> Project::keyframeFrames() const
{
    QVector<FrameIndex> frames;
    for (const ShotEntry &s : m_shots)
        for (const KeyframeEntry &k : s.keyframes)
            frames.append(k.frame);
    return frames;
}

bool Project::isShotPropagated(int shot) const
{
    return shot >= 0 && shot < m_shots.size() &&
           m_shots[shot].propagatedRevision == m_shots[shot].revision;
}

bool Project::isShotStale(int shot) const
{
    return shot >= 0 && shot < m_shots.size() && m_shots[shot].propagatedRevision >= 0 &&
           m_shots[shot].propagatedRevision != m_shots[shot].revision;
}

void Project::markPropagated(int shot, int revision, const QJsonObject &provenance)
{
    if (shot < 0 || shot >= m_shots.size() || m_shots[shot].revision != revision)
        return;
    m_shots[shot].propagatedRevision = revision;
    m_shots[shot].provenance = provenance;
    setDirty();
    emit shotsChanged();
}

void Project::markSaved()
{
    m_dirty = false;
    m_undo.setClean();
    emit modifiedChanged(false);
}

void Project::setDirty()
{
    const bool was = isModified();
    m_dirty = true;
    if (!was)
        emit modifiedChanged(true);
}

void Project::replaceShots(QVector<ShotEntry> shots)
{
    // A shot identical to a current one (extent, keyframes and mode) keeps its revision and its
    // propagated frames; any other is new, so stale until propagated again.
    for (ShotEntry &s : shots) {
        auto same = std::find_if(m_shots.cbegin(), m_shots.cend(), [&](const ShotEntry &c) {
            return c.first == s.first && c.last == s.last && c.keyframes == s.keyframes &&
                   c.perFrame == s.perFrame;
        });
        if (same != m_shots.cend()) {
            s.revision = same->revision;
            s.propagatedRevision = same->propagatedRevision;
            s.provenance = same->provenance;
        } else {
            s.revision = nextRevision(); // a propagation made before now shows as stale
        }
    }
    m_shots = std::move(shots);
    emit shotsChanged();
}

void Project::putKeyframe(const KeyframeEntry &keyframe)
{
    const int s = shotIndexAt(keyframe.frame);
    if (s < 0)
        return;
    QVector<KeyframeEntry> &keys = m_shots[s].keyframes;
    auto it = std::lower_bound(keys.begin(), keys.end(), keyframe.frame,
                               [](const KeyframeEntry &k, FrameIndex f) { return k.frame < f; });
    if (it != keys.end() && it->frame == keyframe.frame)
        *it = keyframe;
    else
        keys.insert(it, keyframe);
    m_shots[s].revision = nextRevision();
    emit keyframeChanged(keyframe.frame);
    emit shotsChanged();
}

void Project::removeKeyframe(FrameIndex frame)
{
    const int s = shotIndexAt(frame);
    if (s < 0)
        return;
    QVector<KeyframeEntry> &keys = m_shots[s].keyframes;
    const auto before = keys.size();
    keys.erase(std::remove_if(keys.begin(), keys.end(),
                              [&](const KeyframeEntry &k) { return k.frame == frame; }),
               keys.end());
    if (keys.size() == before)
        return;
    m_shots[s].revision = nextRevision();
    emit keyframeChanged(frame);
    emit shotsChanged();
}

void Project::setParameters(const ProjectParameters &parameters)
{
    ProjectParameters sameModel = parameters;
    sameModel.model = m_parameters.model;
    // The colouriser colours what it proposes from now on, and the per-frame shots; other
    // parameters change every shot's colours: all propagated frames are stale.
    const bool onlyModel = sameModel == m_parameters;
    m_parameters = parameters;
    for (ShotEntry &s : m_shots)
        if (!onlyModel || s.perFrame)
            s.revision = nextRevision();
    emit parametersChanged();
    emit shotsChanged();
}

void Project::restore(QVector<ShotEntry> shots, const ProjectParameters &parameters)
{
    m_undo.clear();
    m_shots = std::move(shots);
    m_parameters = parameters;
    m_revisionCounter = 0;
    for (const ShotEntry &s : m_shots)
        m_revisionCounter = std::max({m_revisionCounter, s.revision, s.propagatedRevision});
    m_dirty = false;
    emit shotsChanged();
    emit parametersChanged();
    emit modifiedChanged(false);
}

} // namespace tincture::project
