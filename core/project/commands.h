#pragma once
// Undo commands: the only way the studio edits a Project. Each stores the state before and
// after, so undo and redo are exact. One brush stroke is one command: while the stroke is
// drawn, StrokeCommands with the same serial merge into the first. GUI thread only.

#include "project/project.h"

#include <QUndoCommand>

#include <optional>

namespace tincture::project {

// Replaces the shot list (split, merge, detected shots). Keyframes keep their frames.
class ShotsCommand : public QUndoCommand
{
public:
    ShotsCommand(Project *project, QVector<ShotEntry> after, const QString &text);
    void redo() override;
    void undo() override;

protected:
    Project *m_project;
    QVector<ShotEntry> m_before;
    QVector<ShotEntry> m_after;
};

// Splits the shot holding `frame` so that `frame` starts a new shot (no-op at a shot's start).
class SplitShotCommand : public ShotsCommand
{
public:
    SplitShotCommand(Project *project, FrameIndex frame);
    static QVector<ShotEntry> split(const QVector<ShotEntry> &shots, FrameIndex frame);
};

// Merges shot `index` with the shot after it.
class MergeShotsCommand : public ShotsCommand
{
public:
    MergeShotsCommand(Project *project, int index);
    static QVector<ShotEntry> merge(const QVector<ShotEntry> &shots, int index);
};

// Sets shots from a list of (first, last) spans, e.g. from shot detection; keyframes move to
// the shot that holds their frame, and a shot is in per-frame mode when the shot that held its
// first frame was.
class SetShotsCommand : public ShotsCommand
{
public:
    SetShotsCommand(Project *project, const QVector<QPair<FrameIndex, FrameIndex>> &spans);
    static QVector<ShotEntry> fromSpans(const QVector<ShotEntry> &shots,
                                        const QVector<QPair<FrameIndex, FrameIndex>> &spans);
};

// Puts shot `index` in per-frame mode (a video colouriser colours each frame; its keyframes are
// not used) or back to propagation from its keyframes; the shot becomes stale.
class SetShotPerFrameCommand : public ShotsCommand
{
public:
    SetShotPerFrameCommand(Project *project, int index, bool perFrame);
};

// Sets (or removes, with std::nullopt) the keyframe at one frame.
class KeyframeCommand : public QUndoCommand
{
public:
    KeyframeCommand(Project *project, FrameIndex frame, std::optional<KeyframeEntry> after,
                    const QString &text);
    void redo() override;
    void undo() override;

protected:
    void apply(const std::optional<KeyframeEntry> &state);
    Project *m_project;
    FrameIndex m_frame;
    std::optional<KeyframeEntry> m_before;
    std::optional<KeyframeEntry> m_after;
};

class AddKeyframeCommand : public KeyframeCommand
{
public:
    AddKeyframeCommand(Project *project, FrameIndex frame);
};

class RemoveKeyframeCommand : public KeyframeCommand
{
public:
    RemoveKeyframeCommand(Project *project, FrameIndex frame);
};

class SetKeyframeAcceptedCommand : public KeyframeCommand
{
public:
    SetKeyframeAcceptedCommand(Project *project, FrameIndex frame, bool accepted);
};

// Adds a stroke to a keyframe (creating the keyframe if needed). Pushing a StrokeCommand whose
// stroke has the serial of the stroke on top replaces that stroke (the same stroke, longer) and
// merges into its command: one stroke, one undo step.
class StrokeCommand : public KeyframeCommand
{
public:
    enum { Id = 0x7417 };
    StrokeCommand(Project *project, FrameIndex frame, const PaintStroke &stroke);
    int id() const override { return Id; }
    bool mergeWith(const QUndoCommand *other) override;

private:
    quint64 m_serial;
};

class SetParametersCommand : public QUndoCommand
{
public:
    SetParametersCommand(Project *project, const ProjectParameters &after);
    void redo() override;
    void undo() override;

private:
    Project *m_project;
    ProjectParameters m_before;
    ProjectParameters m_after;
};

} // namespace tincture::project
