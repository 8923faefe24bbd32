#include "foundation/atomicoutput.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSysInfo>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tincture {

namespace {

QString randomSuffix()
{
    return QString::number(QRandomGenerator::global()->generate64(), 36);
}

// This machine in a temporary's name, so that a folder shared between machines (a cluster's
// storage) is swept only of this machine's leftovers.
const QString &hostTag()
{
    static const QString tag = QString::fromLatin1(
        QCryptographicHash::hash(QSysInfo::machineHostName().toUtf8(), QCryptographicHash::Md5)
            .toHex()
            .left(8));
    return tag;
}

// "<pid>-<host>-<random>": the owner of a temporary or a set-aside folder.
QString ownerTag()
{
    return QStringLiteral("%1-%2-%3")
        .arg(QCoreApplication::applicationPid())
        .arg(hostTag(), randomSuffix());
}

const QRegularExpression &leftoverName()
{
    static const QRegularExpression re(
        QStringLiteral("^(.*)\\.tincture-(tmp|old)-(\\d+)-([0-9a-z]+)-[0-9a-z]+(\\..*)?$"));
    return re;
}

bool processIsGone(qint64 pid)
{
    return pid > 0 && pid != QCoreApplication::applicationPid() && ::kill(pid_t(pid), 0) != 0 &&
           errno == ESRCH;
}

void removeEntry(const QString &path)
{
    const QFileInfo info(path);
    if (info.isDir() && !info.isSymLink())
        QDir(path).removeRecursively();
    else
        QFile::remove(path);
}

Error exists(const QString &path)
{
    return {ErrorCode::OutputExists,
            QStringLiteral("%1: already exists and would be replaced").arg(path),
            {}};
}

// rename() that fails with EEXIST instead of replacing what is at `to`. Filesystems without
// RENAME_NOREPLACE (EINVAL) get link()+unlink() for a file, which is just as atomic, and a
// check before the rename for a folder.
int renameNoReplace(const QByteArray &from, const QByteArray &to, bool folder)
{
    if (::renameat2(AT_FDCWD, from.constData(), AT_FDCWD, to.constData(), RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    if (!folder) {
        if (::link(from.constData(), to.constData()) != 0)
            return -1;
        ::unlink(from.constData());
        return 0;
    }
    struct stat st;
    if (::lstat(to.constData(), &st) == 0) {
        errno = EEXIST;
        return -1;
    }
    return std::rename(from.constData(), to.constData());
}

} // namespace

bool isEmptyFolder(const QString &path)
{
    const QFileInfo info(path);
    return info.isDir() && !info.isSymLink() &&
           QDir(path).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden |
                              QDir::System);
}

bool pathIsTaken(const QString &path)
{
    const QFileInfo info(path);
    return info.exists() || info.isSymLink();
}

void AtomicOutput::sweepLeftovers(const QString &folder)
{
    static QMutex mutex;
    static QSet<QString> swept;
    const QString key = QFileInfo(folder).absoluteFilePath();
    {
        QMutexLocker lock(&mutex);
        if (swept.contains(key))
            return;
        swept.insert(key);
    }
    const QDir dir(key);
    const QStringList names =
        dir.entryList({QStringLiteral("*.tincture-tmp-*"), QStringLiteral("*.tincture-old-*")},
                      QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    for (const QString &name : names) {
        const QRegularExpressionMatch m = leftoverName().match(name);
        if (!m.hasMatch() || m.captured(4) != hostTag() ||
            !processIsGone(m.captured(3).toLongLong()))
            continue;
        const QString path = dir.filePath(name);
        if (m.captured(2) == QLatin1String("old")) {
            // The owner died between setting the old folder aside and moving the new one in:
            // the old one goes back under its name if that is still free.
            const QString target = dir.filePath(m.captured(1));
            if (!QFileInfo(target).exists() && !QFileInfo(target).isSymLink() &&
                std::rename(QFile::encodeName(path).constData(),
                            QFile::encodeName(target).constData()) == 0)
                continue;
        }
        removeEntry(path);
    }
}

Result<AtomicOutput> AtomicOutput::begin(const QString &targetPath, Kind kind, Existing existing)
{
    if (targetPath.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("no output path given"));
    const QFileInfo target(targetPath);
    const QString folder = target.absolutePath();
    const QFileInfo folderInfo(folder);
    if (!folderInfo.exists() || !folderInfo.isDir())
        return makeError(
            ErrorCode::WriteFailed,
            QStringLiteral("%1: the output folder %2 does not exist").arg(targetPath, folder));
    if (target.isDir() && kind == Kind::File)
        return makeError(ErrorCode::WriteFailed,
                         QStringLiteral("%1: is a folder, expected a file name").arg(targetPath));
    if (existing == Existing::Refuse && pathIsTaken(targetPath) &&
        !(kind == Kind::Folder && isEmptyFolder(targetPath)))
        return exists(targetPath);
    // access() honours read-only mounts; root bypasses permission bits, so the real test is
    // creating the temporary itself, which the writer does next.
    if (::access(QFile::encodeName(folder).constData(), W_OK) != 0)
        return makeError(ErrorCode::WriteFailed,
                         QStringLiteral("%1: cannot write to the folder %2: %3")
                             .arg(targetPath, folder, QString::fromLocal8Bit(strerror(errno))));

    AtomicOutput out;
    out.m_kind = kind;
    out.m_existing = existing;
    out.m_targetPath = target.absoluteFilePath();
    // Keep the extension last so that writers which guess the format from it still work.
    const QString suffix = target.completeSuffix();
    sweepLeftovers(folder);
    const QString base = QStringLiteral(".%1.tincture-tmp-%2").arg(target.baseName(), ownerTag());
    out.m_tempPath =
        folder + QLatin1Char('/') + base +
        (suffix.isEmpty() || kind == Kind::Folder ? QString() : QLatin1Char('.') + suffix);
    if (kind == Kind::Folder) {
        if (!QDir().mkdir(out.m_tempPath))
            return makeError(
                ErrorCode::WriteFailed,
                QStringLiteral("%1: cannot create a folder in %2").arg(targetPath, folder));
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
      m_kind(other.m_kind), m_existing(other.m_existing), m_active(other.m_active)
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
        m_existing = other.m_existing;
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
        return makeError(ErrorCode::Internal,
                         QStringLiteral("%1: output already finished").arg(m_targetPath));
    const QByteArray from = QFile::encodeName(m_tempPath);
    const QByteArray to = QFile::encodeName(m_targetPath);
    if (m_existing == Existing::Refuse) {
        // An empty folder holds nothing to lose; anything else under the name stays.
        if (m_kind == Kind::Folder && isEmptyFolder(m_targetPath))
            ::rmdir(to.constData());
        if (renameNoReplace(from, to, m_kind == Kind::Folder) != 0) {
            const int why = errno;
            discard();
            if (why == EEXIST || why == ENOTEMPTY)
                return exists(m_targetPath);
            return makeError(ErrorCode::WriteFailed,
                             QStringLiteral("%1: cannot move the output into place: %2")
                                 .arg(m_targetPath, QString::fromLocal8Bit(strerror(why))));
        }
        m_active = false;
        return {};
    }
    if (m_kind == Kind::Folder && QFileInfo(m_targetPath).isDir()) {
        // A folder cannot be renamed over a non-empty one: move the old one aside first, and
        // put it back if the swap fails.
        const QString aside = m_targetPath + QStringLiteral(".tincture-old-") + ownerTag();
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
            return makeError(
                ErrorCode::WriteFailed,
                QStringLiteral("%1: cannot move the output into place: %2").arg(m_targetPath, why));
        }
        m_active = false;
        QDir(aside).removeRecursively();
        return {};
    }
    if (std::rename(from.constData(), to.constData()) != 0) {
        const QString why = QString::fromLocal8Bit(strerror(errno));
        discard();
        return makeError(
            ErrorCode::WriteFailed,
            QStringLiteral("%1: cannot move the output into place: %2").arg(m_targetPath, why));
    }
    m_active = false;
    return {};
}

Result<void> writeFileAtomically(const QString &path, const QByteArray &bytes, Existing existing)
{
    Result<AtomicOutput> out = AtomicOutput::begin(path, AtomicOutput::Kind::File, existing);
    if (!out)
        return out.error();
    QFile file(out->tempPath());
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.flush())
        return makeError(ErrorCode::WriteFailed, QStringLiteral("%1: cannot write").arg(path),
                         file.errorString());
    file.close();
    return out->commit();
}

} // namespace tincture
