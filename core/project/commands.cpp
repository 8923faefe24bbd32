#include "project/commands.h"

#include <QCoreApplication>

#include <algorithm>

namespace tincture::project {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("tincture::project", text);
}

// Moves every keyframe of `from` into the shot of `to` that holds its frame.
void redistribute(const QVector<ShotEntry> &from, QVector<ShotEntry> &to)
{
    for (ShotEntry &s : to)
        s.keyframes.clear();
    for (const ShotEntry &s : from)
        for (const KeyframeEntry &k : s.keyframes)
            for (ShotEntry &t : to)
                if (t.contains(k.frame))
                    t.keyframes.append(k);
    for (ShotEntry &s : to)
        std::sort(s.keyframes.begin(), s.keyframes.end(),
                  [](const KeyframeEntry &a, const KeyframeEntry &b) { return a.frame < b.frame; });
}
} // namespace

ShotsCommand::ShotsCommand(Project *project, QVector<ShotEntry> after, const QString &text)
    : QUndoCommand(text), m_project(project), m_before(project->shots()), m_after(std::move(after))
{
}

void ShotsCommand::redo()
{
    m_project->replaceShots(m_after);
}

void ShotsCommand::undo()
{
    m_project->replaceShots(m_before);
}

QVector<ShotEntry> SplitShotCommand::split(const QVector<ShotEntry> &shots, FrameIndex frame)
{
    QVector<ShotEntry> out;
    for (const ShotEntry &s : shots) {
        if (!s.contains(frame) || frame == s.first) {
            out.append(s);
            continue;
        }
        ShotEntry a = s, b = s;
        a.last = frame - 1;
        b.first = frame;
        out.append(a);
        out.append(b);
    }
    redistribute(shots, out);
    return out;
}

SplitShotCommand::SplitShotCommand(Project *project, FrameIndex frame)
    : ShotsCommand(project, split(project->shots(), frame), tr("Split shot at frame %1").arg(frame))
{
}

QVector<ShotEntry> MergeShotsCommand::merge(const QVector<ShotEntry> &shots, int index)
{
    if (index < 0 || index + 1 >= shots.size())
        return shots;
    QVector<ShotEntry> out = shots;
    out[index].last = out[index + 1].last;
    out.remove(index + 1);
    redistribute(shots, out);
    return out;
}

MergeShotsCommand::MergeShotsCommand(Project *project, int index)
    : ShotsCommand(project, merge(project->shots(), index), tr("Merge shots"))
{
}

QVector<ShotEntry> SetShotsCommand::fromSpans(const QVector<ShotEntry> &shots,
                                              const QVector<QPair<FrameIndex, FrameIndex>> &spans)
{
    QVector<ShotEntry> out;
    for (const auto &[first, last] : spans) {
        const auto held = std::find_if(shots.cbegin(), shots.cend(),
                                       [f = first](const ShotEntry &s) { return s.contains(f); });
        out.append(ShotEntry{first, last, {}, 0, -1, {}, held != shots.cend() && held->perFrame});
    }
    redistribute(shots, out);
    return out;
}

SetShotsCommand::SetShotsCommand(Project *project,
                                 const QVector<QPair<FrameIndex, FrameIndex>> &spans)
    : ShotsCommand(project, fromSpans(project->shots(), spans), tr("Detect shots"))
{
}

namespace {
QVector<ShotEntry> withPerFrame(QVector<ShotEntry> shots, int index, bool perFrame)
{
    if (index >= 0 && index < shots.size())
        shots[index].perFrame = perFrame;
    return shots;
}
} // namespace

SetShotPerFrameCommand::SetShotPerFrameCommand(Project *project, int index, bool perFrame)
    : ShotsCommand(project, withPerFrame(project->shots(), index, perFrame),
                   perFrame ? tr("Colour shot %1 per frame").arg(index + 1)
                            : tr("Propagate shot %1 from its keyframes").arg(index + 1))
{
}

KeyframeCommand::KeyframeCommand(Project *project, FrameIndex frame,
                                 std::optional<KeyframeEntry> after, const QString &text)
    : QUndoCommand(text), m_project(project), m_frame(frame), m_after(std::move(after))
{
    if (const KeyframeEntry *k = project->keyframe(frame))
        m_before = *k;
}

void KeyframeCommand::apply(const std::optional<KeyframeEntry> &state)
{
    if (state)
        m_project->putKeyframe(*state);
    else
        m_project->removeKeyframe(m_frame);
}

void KeyframeCommand::redo()
{
    apply(m_after);
}

void KeyframeCommand::undo()
{
    apply(m_before);
}

AddKeyframeCommand::AddKeyframeCommand(Project *project, FrameIndex frame)
    : KeyframeCommand(project, frame, KeyframeEntry{frame, false, {}},
                      tr("Add keyframe at frame %1").arg(frame))
{
    if (m_before)
        m_after = m_before; // already a keyframe: nothing changes
}

RemoveKeyframeCommand::RemoveKeyframeCommand(Project *project, FrameIndex frame)
    : KeyframeCommand(project, frame, std::nullopt, tr("Remove keyframe at frame %1").arg(frame))
{
}

SetKeyframeAcceptedCommand::SetKeyframeAcceptedCommand(Project *project, FrameIndex frame,
                                                       bool accepted)
    : KeyframeCommand(project, frame, std::nullopt,
                      accepted ? tr("Accept keyframe %1").arg(frame)
                               : tr("Reopen keyframe %1").arg(frame))
{
    m_after = m_before ? *m_before : KeyframeEntry{frame, false, {}};
    m_after->accepted = accepted;
}

StrokeCommand::StrokeCommand(Project *project, FrameIndex frame, const PaintStroke &stroke)
    : KeyframeCommand(project, frame, std::nullopt, tr("Paint stroke")), m_serial(stroke.serial)
{
    switch (stroke.tool) {
    case BrushTool::Erase:
        setText(tr("Erase stroke"));
        break;
    case BrushTool::KeepModel:
        setText(tr("Keep model colour stroke"));
        break;
    case BrushTool::Paint:
        break;
    }
    KeyframeEntry after = m_before ? *m_before : KeyframeEntry{frame, false, {}};
    // The same stroke drawn further: replace it, and start from the state before it began.
    if (m_serial != 0 && !after.strokes.isEmpty() && after.strokes.back().serial == m_serial) {
        after.strokes.back() = stroke;
        m_before->strokes.removeLast();
    } else {
        after.strokes.append(stroke);
    }
    m_after = after;
}

bool StrokeCommand::mergeWith(const QUndoCommand *other)
{
    const auto *o = static_cast<const StrokeCommand *>(other);
    if (o->m_frame != m_frame || o->m_serial == 0 || o->m_serial != m_serial)
        return false;
    m_after = o->m_after;
    return true;
}

SetParametersCommand::SetParametersCommand(Project *project, const ProjectParameters &after)
    : QUndoCommand(QCoreApplication::translate("tincture::project", "Change parameters")),
      m_project(project), m_before(project->parameters()), m_after(after)
{
}

void SetParametersCommand::redo()
{
    m_project->setParameters(m_after);
}

void SetParametersCommand::undo()
{
    m_project->setParameters(m_before);
}

} // namespace tincture::project
