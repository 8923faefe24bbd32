#include "foundation/sysinfo.h"

#include <QFile>
#include <QSysInfo>
#include <QThread>

namespace tincture::sysinfo {

namespace {

// A "Key:   value" line of a /proc text file, value trimmed; empty if absent.
QString procField(const char *path, const QByteArray &key)
{
    QFile file(QString::fromLatin1(path));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    // /proc files report size 0, so atEnd() is true at once: read everything, then split.
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        const int colon = int(line.indexOf(':'));
        if (colon > 0 && line.left(colon).trimmed() == key)
            return QString::fromUtf8(line.mid(colon + 1).trimmed());
    }
    return {};
}

int64_t statusKiB(const QByteArray &key)
{
    const QString v = procField("/proc/self/status", key); // e.g. "123456 kB"
    bool ok = false;
    const int64_t kib = v.section(QLatin1Char(' '), 0, 0).toLongLong(&ok);
    return ok ? kib * 1024 : -1;
}

} // namespace

int logicalCores()
{
    return QThread::idealThreadCount();
}

QString cpuModel()
{
    const QString model = procField("/proc/cpuinfo", "model name");
    return model.isEmpty() ? QSysInfo::currentCpuArchitecture() : model;
}

QString osName()
{
    return QSysInfo::prettyProductName();
}

int64_t residentBytes()
{
    return statusKiB("VmRSS");
}

int64_t peakResidentBytes()
{
    return statusKiB("VmHWM");
}

bool resetPeakResident()
{
    QFile file(QStringLiteral("/proc/self/clear_refs"));
    return file.open(QIODevice::WriteOnly) && file.write("5") == 1;
}

} // namespace tincture::sysinfo
