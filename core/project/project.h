#pragma once
// Project: the studio's document — the film, its shots, each shot's keyframes, each keyframe's
// paint strokes (as vectors) and the colourisation parameters. It owns the undo stack; the
// interface changes the document only by pushing the commands of commands.h, whose redo/undo
// call the raw edit functions below. Saved and loaded by projectfile.h.
//
// Staleness: every change to a shot's keyframes, extent or mode gives the shot a new revision;
// a shot's propagated frames are current when its propagatedRevision equals its revision.
//
// GUI thread only (a QObject with signals). Workers get copies of the plain structs.

#include "foundation/rational.h"

#include <QJsonObject>
#include <QObject>
#include <QPointF>
#include <QRgb>
#include <QString>
#include <QUndoStack>
#include <QVector>

#include <optional>

namespace tincture::project {

enum class BrushTool { Paint, Erase, KeepModel };
QString brushToolName(BrushTool tool); // "paint", "erase", "keep"
std::optional<BrushTool> brushToolFromName(const QString &name);

// One brush stroke in image pixel coordinates of the keyframe.
struct PaintStroke
{
    BrushTool tool = BrushTool::Paint;
    QRgb colour = qRgb(128, 128, 128); // Paint only
    double radius = 8.0;               // image pixels
    double hardness = 0.8;             // 0..1: the hard-constrained core is radius × hardness
    QVector<QPointF> points;
    quint64 serial = 0; // identifies a stroke while it is drawn (merging); not saved
    bool operator==(const PaintStroke &) const = default;
};

struct KeyframeEntry
{
    FrameIndex frame = 0;
    bool accepted = false; // the keyframe's colour is used for propagation
    QVector<PaintStroke> strokes;
    bool operator==(const KeyframeEntry &) const = default;
};

struct ShotEntry
{
    FrameIndex first = 0;             // inclusive
    FrameIndex last = 0;              // inclusive
    QVector<KeyframeEntry> keyframes; // sorted by frame, all within [first, last]
    int revision = 0;
    int propagatedRevision = -1; // revision the cached propagated frames were made from
    // How those frames got their colour (pipeline/provenance.h's ShotProvenance as JSON; the
    // document keeps it without reading it); empty when unknown.
    QJsonObject provenance;
    // Per-frame mode: a video colouriser colours every frame by itself (the "per-frame"
    // propagation method) and the keyframes are not used; otherwise the shot is propagated from
    // its accepted keyframes.
    bool perFrame = false;
    FrameIndex length() const { return last - first + 1; }
    bool contains(FrameIndex f) const { return f >= first && f <= last; }
};

// What the media file looked like when the project was made (to notice a changed file).
struct MediaFingerprint
{
    int64_t frames = 0;
    int width = 0;
    int height = 0;
    qint64 fileSize = -1; // bytes; -1 unknown (image sequences)
    bool operator==(const MediaFingerprint &) const = default;
};

// The working heights a project may hold: 0 or at least this (propagation's kMinWorkingHeight),
// and a new project's.
inline constexpr int kProjectMinWorkingHeight = 64;
inline constexpr int kProjectWorkingHeight = 480;

inline constexpr const char *kDefaultColorizer = "pix2pix";

struct ProjectParameters
{
    // The colouriser that proposes keyframes, by name (pipeline::colorizers(): "pix2pix", the
    // keyframe model, or a video colouriser); per-frame shots use it too when it is a video
    // colouriser. The document keeps a name that is not installed here.
    QString model = QString::fromLatin1(kDefaultColorizer);
    QString propagationMethod; // empty: defaultPropagationMethodName() (propagation)
    // λ of the scribble solver's pull towards the model's colour: a stroke's colour fades
    // into the model's over about 1/√λ pixels of flat picture (0.01: ~10 px).
    double priorWeight = 0.01;
    // Keyframe repaints and propagation run on frames of this many rows and the colour is
    // delivered at the film's size over its own luma (propagation/workingresolution.h); 0:
    // at the film's size. A new project gets the CLI's default (kDefaultWorkingHeight, checked
    // by tst_filmops); a project file without it reads as 0, as it was coloured.
    int workingHeight = kProjectWorkingHeight;
    bool operator==(const ProjectParameters &) const = default;
};

class Project : public QObject
{
    Q_OBJECT
public:
    explicit Project(QObject *parent = nullptr);
    ~Project() override;

    // A new project on footage: one shot over the whole film, propagated with
    // `propagationMethod` (empty: whatever is the default when it runs).
    void reset(const QString &mediaPath, const MediaFingerprint &media,
               const QString &propagationMethod = {});

    QString id() const { return m_id; } // names the result cache folder
    void setId(const QString &id) { m_id = id; }
    QString mediaPath() const { return m_mediaPath; } // absolute
    void setMediaPath(const QString &path);           // e.g. after relocating a moved file
    const MediaFingerprint &media() const { return m_media; }
    void setMediaFingerprint(const MediaFingerprint &media) { m_media = media; }
    QString referencePath() const { return m_referencePath; } // colour reference clip, or empty
    void setReferencePath(const QString &path);
    QString filePath() const { return m_filePath; } // empty: never saved
    void setFilePath(const QString &path);
    const ProjectParameters &parameters() const { return m_parameters; }
    int64_t frameCount() const { return m_media.frames; }

    const QVector<ShotEntry> &shots() const { return m_shots; }
    int shotIndexAt(FrameIndex frame) const; // -1 outside every shot
    const KeyframeEntry *keyframe(FrameIndex frame) const;
    QVector<FrameIndex> keyframeFrames() const;
    bool isShotPropagated(int shot) const; // frames cached and current
    bool isShotStale(int shot) const;      // propagated once, but the keyframes changed since
    // Records that a propagation made from `revision` finished, and how it coloured the shot
    // (ignored if the shot changed since).
    void markPropagated(int shot, int revision, const QJsonObject &provenance = {});

    QUndoStack *undoStack() { return &m_undo; }
    bool isModified() const { return !m_undo.isClean() || m_dirty; }
    void markSaved();

    // Raw edits for the undo commands (commands.h); the interface pushes commands instead.
    void replaceShots(QVector<ShotEntry> shots);
    void putKeyframe(const KeyframeEntry &keyframe); // inserted into the shot holding its frame
    void removeKeyframe(FrameIndex frame);
    // Changing the colouriser alone makes only the per-frame shots stale (keyframes already
    // proposed keep their colour); any other parameter makes every shot stale.
    void setParameters(const ProjectParameters &parameters);
    // Loading: shots exactly as saved (revisions included).
    void restore(QVector<ShotEntry> shots, const ProjectParameters &parameters);

signals:
    void shotsChanged();
    void keyframeChanged(qint64 frame);
    void parametersChanged();
    void modifiedChanged(bool modified);
    void filePathChanged(const QString &path);
    void referenceChanged(const QString &path);

private:
    int nextRevision() { return ++m_revisionCounter; }
    void setDirty();

    QString m_id;
    QString m_mediaPath;
    MediaFingerprint m_media;
    QString m_referencePath;
    QString m_filePath;
    ProjectParameters m_parameters;
    QVector<ShotEntry> m_shots;
    int m_revisionCounter = 0;
    bool m_dirty = false; // changes outside the undo stack (reference clip, propagation)
    QUndoStack m_undo;
};

} // namespace tincture::project
