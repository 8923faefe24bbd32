#pragma once
// AtomicOutput: write a file or a folder under a temporary name beside the target, then rename
// it into place only when complete. A failed or cancelled write leaves nothing under the target
// name (and an existing target untouched until the final rename). Not thread-safe; one owner.

#include "foundation/result.h"

#include <QString>

namespace tincture {

class AtomicOutput
{
public:
    enum class Kind { File, Folder };

    // Chooses a temporary name in the target's folder and checks the folder is writable.
    static Result<AtomicOutput> begin(const QString &targetPath, Kind kind = Kind::File);

    AtomicOutput(AtomicOutput &&other) noexcept;
    AtomicOutput &operator=(AtomicOutput &&other) noexcept;
    AtomicOutput(const AtomicOutput &) = delete;
    AtomicOutput &operator=(const AtomicOutput &) = delete;
    ~AtomicOutput(); // discards the temporary unless committed

    const QString &tempPath() const { return m_tempPath; }
    const QString &targetPath() const { return m_targetPath; }

    // Renames the temporary into place (replacing an existing target).
    Result<void> commit();
    // Removes the temporary; safe to call more than once.
    void discard();

private:
    AtomicOutput() = default;
    QString m_targetPath;
    QString m_tempPath;
    Kind m_kind = Kind::File;
    bool m_active = false;
};

} // namespace tincture
