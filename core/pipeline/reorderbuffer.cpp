#include "pipeline/reorderbuffer.h"

#include <QFile>

namespace tincture::pipeline {

FrameReorderBuffer::FrameReorderBuffer(int64_t memoryBudgetBytes)
    : m_budget(memoryBudgetBytes)
{
}

FrameReorderBuffer::~FrameReorderBuffer() = default;

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
    if (!m_dir) {
        m_dir = std::make_unique<QTemporaryDir>();
        if (!m_dir->isValid())
            return makeError(ErrorCode::WriteFailed,
                             QStringLiteral("cannot create a temporary folder for frames"),
                             m_dir->errorString());
    }
    const QString path = m_dir->filePath(QString::number(index));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)
        || file.write(reinterpret_cast<const char *>(colour.constData()),
                      qint64(colour.byteSize()))
            != qint64(colour.byteSize()))
        return makeError(ErrorCode::WriteFailed,
                         QStringLiteral("%1: cannot spill a frame (disk full?)").arg(path),
                         file.errorString());
    m_disk.emplace(index, Spilled{path, colour.width(), colour.height(), colour.format()});
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
    QFile file(it->second.path);
    if (!file.open(QIODevice::ReadOnly)
        || file.read(reinterpret_cast<char *>(f.data()), qint64(f.byteSize()))
            != qint64(f.byteSize()))
        return makeError(ErrorCode::FileUnreadable,
                         QStringLiteral("%1: spilled frame unreadable").arg(it->second.path));
    file.remove();
    m_disk.erase(it);
    return f;
}

void FrameReorderBuffer::clear()
{
    m_memory.clear();
    m_bytes = 0;
    for (auto &[i, s] : m_disk)
        QFile::remove(s.path);
    m_disk.clear();
}

} // namespace tincture::pipeline
