#pragma once
// The project file (.tincture): JSON with an integer formatVersion, migrated one version at a
// time on load. Holds the media path (relative to the project file), the media's fingerprint,
// an optional colour reference clip, the shots with their keyframes and strokes (vectors) and
// mode (propagated or per-frame), and the colouriser and parameters. Saving is all or nothing and
// synced to disk before it replaces the file, and keeps the previous file as <name>.bak. It goes
// through AtomicOutput rather than QSaveFile because QSaveFile's temporaries outlive a SIGKILL with
// nothing to remove them; AtomicOutput's are swept by the next save in the folder. Loading collects
// warnings (a missing or changed media file, a malformed stroke) instead of failing on the first;
// only an unreadable file, invalid JSON or a version newer than this build is an error.
//
// Autosave: a copy of the unsaved state beside the project (<name>.autosave), or, for a
// project never saved, in the user's data location; a newer autosave than the file it belongs
// to is what the studio offers to recover after a crash. Any thread may call these functions;
// the Project object passed must not be changed meanwhile (GUI thread in practice).

#include "foundation/result.h"
#include "project/project.h"

#include <QJsonObject>
#include <QStringList>

namespace tincture::project {

inline constexpr int kFormatVersion = 4;
inline constexpr const char *kProjectSuffix = "tincture";

QJsonObject toJson(const Project &project, const QString &projectFilePath);

// Writes the project to path atomically, keeping the previous file as path + ".bak".
Result<void> saveProject(const Project &project, const QString &path);

struct LoadReport
{
    QStringList warnings; // for the user, each naming the problem
    bool mediaMissing = false;
    int migratedFrom = kFormatVersion; // the file's version before migration
};

// Loads path into project (replacing its content and clearing its undo stack).
Result<LoadReport> loadProject(const QString &path, Project &project);

// Upgrades a parsed file to kFormatVersion, one step per version. Errors for a newer version.
Result<QJsonObject> migrate(QJsonObject root, LoadReport &report);

// Differences between the fingerprint saved with a project and the media as opened now,
// as sentences for the user; empty when they match.
QStringList compareMedia(const MediaFingerprint &saved, const MediaFingerprint &now,
                         const QString &mediaPath);

// Autosave location for a project (saved: beside it; never saved: the data location).
QString autosavePath(const Project &project);
// Autosaves older than the project file they belong to are stale; this lists the recoverable
// ones for never-saved projects (newest first).
QStringList orphanAutosaves();
// True when path + ".autosave" exists and is newer than path.
bool hasNewerAutosave(const QString &projectPath);
Result<void> writeAutosave(const Project &project);
void removeAutosave(const Project &project);

} // namespace tincture::project
