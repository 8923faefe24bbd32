#pragma once
// AtomicOutput: write a file or a folder under a temporary name beside the target, then rename
// it into place only when complete. A failed or cancelled write leaves nothing under the target
// name (and an existing target untouched until the final rename). An existing target is
// replaced only when the owner says so (Existing::Replace); otherwise begin() refuses it and the
// final rename will not replace one that appeared meanwhile (renameat2's RENAME_NOREPLACE).
// An empty folder counts as no target: replacing it loses nothing. Not thread-safe; one owner.
//
// Temporaries are named ".<name>.tincture-tmp-<pid>-<host>-<random>[.<ext>]". A process killed
// outright (SIGKILL, a power cut) leaves its temporary behind; the first begin() in a folder
// in a later process removes every leftover there whose process is gone (on this machine: a
// folder shared between machines keeps the others' until they sweep it themselves), and puts a
// folder that was set aside for replacement back under its name if that is still free.

#include "foundation/result.h"

#include <QString>

namespace tincture {

// What a writer may do with a file or folder already under its output name.
enum class Existing { Refuse, Replace };

// Whether anything is under the path: a file, a folder, a link (a dangling one too).
bool pathIsTaken(const QString &path);
// Whether the path is a folder with nothing in it (replacing it loses nothing).
bool isEmptyFolder(const QString &path);

// Writes bytes to path through AtomicOutput: the whole file appears, or nothing (WriteFailed
// names the file).
Result<void> writeFileAtomically(const QString &path, const QByteArray &bytes, Existing existing);

class AtomicOutput
{
public:
    enum class Kind { File, Folder };

    // Chooses a temporary name in the target's folder and checks the folder is writable; with
    // Existing::Refuse, fails with OutputExists when the target exists.
    static Result<AtomicOutput> begin(const QString &targetPath, Kind kind = Kind::File,
                                      Existing existing = Existing::Refuse);

    AtomicOutput(AtomicOutput &&other) noexcept;
    AtomicOutput &operator=(AtomicOutput &&other) noexcept;
    AtomicOutput(const AtomicOutput &) = delete;
    AtomicOutput &operator=(const AtomicOutput &) = delete;
    ~AtomicOutput(); // discards the temporary unless committed

    const QString &tempPath() const { return m_tempPath; }
    const QString &targetPath() const { return m_targetPath; }

    // Removes the leftovers of dead processes in `folder` (once per folder and process; begin()
    // calls it). Any thread.
    static void sweepLeftovers(const QString &folder);

    // Renames the temporary into place (replacing an existing target only with
    // Existing::Replace).
    Result<void> commit();
    // Removes the temporary; safe to call more than once.
    void discard();

private:
    AtomicOutput() = default;
    QString m_targetPath;
    QString m_tempPath;
    Kind m_kind = Kind::File;
    Existing m_existing = Existing::Refuse;
    bool m_active = false;
};

} // namespace tincture
