#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>

namespace tincture::test {

QString cliPath()
{
    return qEnvironmentVariable("TINCTURE_CLI", QStringLiteral("tincture-cli"));
}

QString sourceDir()
{
    return qEnvironmentVariable("TINCTURE_SOURCE_DIR", QDir::currentPath());
}

QString samplePath()
{
    return sourceDir() + QStringLiteral("/resources/samples/sample.mp4");
}

ProcessResult runProcess(const QString &program, const QStringList &args, int timeoutMs)
{
    QProcess p;
    p.start(program, args);
    ProcessResult r;
    if (!p.waitForStarted()) {
        r.err = QStringLiteral("could not start ") + program;
        return r;
    }
    if (!p.waitForFinished(timeoutMs)) {
        r.timedOut = true;
        p.kill();
        p.waitForFinished();
    }
    r.crashed = p.exitStatus() == QProcess::CrashExit;
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

ProcessResult runCli(const QStringList &args, int timeoutMs)
{
    return runProcess(cliPath(), args, timeoutMs);
}

bool haveProgram(const QString &name)
{
    return !QStandardPaths::findExecutable(name).isEmpty();
}

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFileBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

} // namespace tincture::test
