#include "foundation/atomicoutput.h"

#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace tincture {

namespace {

QString randomSuffix()
{
    return QString::number(QRandomGenerator::global()->generate64(), 36);
}

} // namespace

Result<AtomicOutput> AtomicOutput::begin(const QString &targetPath, Kind kind)
{
    if (targetPath.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("no output path given"));
    const QFileInfo target(targetPath);
    const QString folder = target.absolutePath();
    const QFileInfo folderInfo(folder);
    if (!folderInfo.exists() || !folderInfo.isDir())
        return makeError(ErrorCode::WriteFailed,
                         QStringLiteral("%1: the output folder %2 does not exist")
                             .arg(targetPath, folder));
    if (target.isDir() && kind == Kind::File)
        return makeError(ErrorCode::WriteFailed,
                         QStringLiteral("%1: is a folder, expected a file name").arg(targetPath));
    // access() honours read-only mounts; root bypasses permission bits, so the real test is
    // creating the temporary itself, which the writer does next.
    if (::access(QFile::encodeName(folder).constData(), W_OK) != 0)
        return makeError(ErrorCode::WriteFailed,
                         QStringLiteral("%1: cannot write to the folder %2: %3")
                             .arg(targetPath, folder, QString::fromLocal8Bit(strerror(errno))));

    AtomicOutput out;
    out.m_kind = kind;
    out.m_targetPath = target.absoluteFilePath();
    // Keep the extension last so that writers which guess the format from it still work.
    const QString suffix = target.completeSuffix();
    const QString base = QStringLiteral(".%1.tincture-tmp-%2").arg(target.baseName(), randomSuffix());
    out.m_tempPath = folder + QLatin1Char('/') + base
                     + (suffix.isEmpty() || kind == Kind::Folder ? QString()
                                                                 : QLatin1Char('.') + suffix);
    if (kind == Kind::Folder) {
        if (!QDir().mkdir(out.m_tempPath))
            return makeError(ErrorCode::WriteFailed,
                             QStringLiteral("%1: cannot create a folder in %2")
                                 .arg(targetPath, folder));
    } else {
        // Create the file now so that an unwritable folder fails here, not mid-export.
        QFile probe(out.m_tempPath);
        if (!probe.open(QIODevice::WriteOnly | QIODevice::NewOnly))
            return makeError(ErrorCode::WriteFailed,
                             QStringLiteral("%1: cannot write to the folder %2: %3")
                                 .arg(targetPath, folder, probe.errorString()));
    }
    out.m_active = true;
    return out;
}

AtomicOutput::AtomicOutput(AtomicOutput &&other) noexcept
    : m_targetPath(std::move(other.m_targetPath)), m_tempPath(std::move(other.m_tempPath)),
      m_kind(other.m_kind), m_active(other.m_active)
{
    other.m_active = false;
}

AtomicOutput &AtomicOutput::operator=(AtomicOutput &&other) noexcept
{
    if (this != &other) {
        discard();
        m_targetPath = std::move(other.m_targetPath);
        m_tempPath = std::move(other.m_tempPath);
        m_kind = other.m_kind;
        m_active = other.m_active;
        other.m_active = false;
    }
    return *this;
}

AtomicOutput::~AtomicOutput()
{
    discard();
}

void AtomicOutput::discard()
{
    if (!m_active)
        return;
    m_active = false;
    if (m_kind == Kind::Folder)
        QDir(m_tempPath).removeRecursively();
    else
        QFile::remove(m_tempPath);
}

Result<void> AtomicOutput::commit()
{
    if (!m_active)
        return makeError(ErrorCode::Internal, QStringLiteral("%1: output already finished")
                                                  .arg(m_targetPath));
    const QByteArray from = QFile::encodeName(m_tempPath);
    const QByteArray to = QFile::encodeName(m_targetPath);
    if (m_kind == Kind::Folder && QFileInfo(m_targetPath).isDir()) {
        // A folder cannot be renamed over a non-empty one: move the old one aside first, and
        // put it back if the swap fails.
        const QString aside = m_targetPath + QStringLiteral(".tincture-old-") + randomSuffix();
        const QByteArray asideBytes = QFile::encodeName(aside);
        if (std::rename(to.constData(), asideBytes.constData()) != 0) {
            const QString why = QString::fromLocal8Bit(strerror(errno));
            discard();
            return makeError(ErrorCode::WriteFailed,
                             QStringLiteral("%1: cannot replace the existing folder: %2")
                                 .arg(m_targetPath, why));
        }
        if (std::rename(from.constData(), to.constData()) != 0) {
            const QString why = QString::fromLocal8Bit(strerror(errno));
            std::rename(asideBytes.constData(), to.constData());
            discard();
            return makeError(ErrorCode::WriteFailed,
                             QStringLiteral("%1: cannot move the output into place: %2")
                                 .arg(m_targetPath, why));
        }
        m_active = false;
        QDir(aside).removeRecursively();
        return {};
    }
    if (std::rename(from.constData(), to.constData()) != 0) {
        const QString why = QString::fromLocal8Bit(strerror(errno));
        discard();
        return makeError(ErrorCode::WriteFailed,
                         QStringLiteral("%1: cannot move the output into place: %2")
                             .arg(m_targetPath, why));
    }
    m_active = false;
    return {};
}

} // namespace tincture
