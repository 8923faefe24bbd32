#include "pipeline/reorderbuffer.h"

#include <QDir>
#include <QFile>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

using namespace tincture::propagation;

namespace tincture::pipeline {

namespace {

QString lastError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

// Moves the whole buffer with pwrite or pread, which may move fewer bytes than asked.
template <typename Byte, typename Io>
bool transferAt(Io io, int fd, Byte *data, size_t size, int64_t offset)
{
    while (size > 0) {
        const ssize_t n = io(fd, data, size, off_t(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= size_t(n);
        offset += n;
    }
    return true;
}

} // namespace

FrameReorderBuffer::FrameReorderBuffer(int64_t memoryBudgetBytes) : m_budget(memoryBudgetBytes) {}

FrameReorderBuffer::~FrameReorderBuffer()
{
    if (m_spillFd >= 0)
        ::close(m_spillFd);
}

Result<void> FrameReorderBuffer::openSpill()
{
    const QByteArray dir = QFile::encodeName(QDir::tempPath());
    m_spillFd = ::open(dir.constData(), O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
    if (m_spillFd < 0) {
        // A file system without O_TMPFILE: a named file, unlinked at once.
        QByteArray name = dir + "/tincture-spill-XXXXXX";
        m_spillFd = ::mkostemp(name.data(), O_CLOEXEC);
        if (m_spillFd >= 0)
            ::unlink(name.constData());
    }
    if (m_spillFd < 0)
        return makeError(
            ErrorCode::WriteFailed,
            QStringLiteral("%1: cannot create a file to spill frames to").arg(QDir::tempPath()),
            lastError());
    return {};
}

Result<void> FrameReorderBuffer::put(int index, const Frame &colour)
{
    if (m_memory.count(index) || m_disk.count(index))
        return makeError(ErrorCode::Internal,
                         QStringLiteral("frame %1 was delivered twice").arg(index));
    if (m_bytes + int64_t(colour.byteSize()) <= m_budget) {
        m_bytes += int64_t(colour.byteSize());
        m_memory.emplace(index, colour);
        return {};
    }
    if (m_spillFd < 0)
        if (Result<void> ok = openSpill(); !ok)
            return ok;
    if (!transferAt(::pwrite, m_spillFd, colour.constData(), colour.byteSize(), m_spillEnd))
        return makeError(ErrorCode::WriteFailed,
                         QStringLiteral("%1: cannot spill frame %2 (disk full?)")
                             .arg(QDir::tempPath())
                             .arg(index),
                         lastError());
    m_disk.emplace(index, Spilled{m_spillEnd, colour.width(), colour.height(), colour.format()});
    m_spillEnd += int64_t(colour.byteSize());
    ++m_spilled;
    return {};
}

Result<Frame> FrameReorderBuffer::take(int index)
{
    if (auto it = m_memory.find(index); it != m_memory.end()) {
        Frame f = std::move(it->second);
        m_memory.erase(it);
        m_bytes -= int64_t(f.byteSize());
        return f;
    }
    auto it = m_disk.find(index);
    if (it == m_disk.end())
        return makeError(ErrorCode::Internal,
                         QStringLiteral("propagation produced no frame %1").arg(index));
    Frame f(it->second.width, it->second.height, it->second.format);
    if (!transferAt(::pread, m_spillFd, f.data(), f.byteSize(), it->second.offset))
        return makeError(ErrorCode::FileUnreadable,
                         QStringLiteral("spilled frame %1 unreadable").arg(index), lastError());
    // Give the frame's blocks back; where holes are not supported the space goes when the file
    // is closed.
    ::fallocate(m_spillFd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off_t(it->second.offset),
                off_t(f.byteSize()));
    m_disk.erase(it);
    if (m_disk.empty() && ::ftruncate(m_spillFd, 0) == 0)
        m_spillEnd = 0;
    return f;
}

void FrameReorderBuffer::clear()
{
    m_memory.clear();
    m_bytes = 0;
    m_disk.clear();
    if (m_spillFd >= 0 && ::ftruncate(m_spillFd, 0) == 0)
        m_spillEnd = 0;
}

} // namespace tincture::pipeline
