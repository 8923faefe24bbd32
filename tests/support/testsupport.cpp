#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryFile>
#include <QTest>

#include <cstdio>

namespace tincture::test {

QString cliPath()
{
    return qEnvironmentVariable("TINCTURE_CLI", QStringLiteral("tincture-cli"));
}

QString sourceDir()
{
    return qEnvironmentVariable("TINCTURE_SOURCE_DIR", QDir::currentPath());
}

QString shippedModelSha256(const QString &name)
{
    QFile manifest(sourceDir() + QStringLiteral("/models/%1.json").arg(name));
    if (!manifest.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(manifest.readAll())
        .object()
        .value(QStringLiteral("sha256"))
        .toString();
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

ProcessResult runLab(const QStringList &args, int timeoutMs)
{
    return runProcess(qEnvironmentVariable("TINCTURE_LAB", QStringLiteral("tincture-lab")), args,
                      timeoutMs);
}

int execReportingSkips(QObject *test, int argc, char **argv)
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    // Asked for its own log format or a listing: Qt Test as it is.
    for (const QString &a : args.mid(1))
        if (a == QLatin1String("-o") || a.startsWith(QLatin1String("-functions")) ||
            a == QLatin1String("-help") || a == QLatin1String("--help") ||
            a == QLatin1String("-datatags"))
            return QTest::qExec(test, args);
    QTemporaryFile log(QDir::tempPath() + QStringLiteral("/tincture-test-XXXXXX.txt"));
    if (!log.open())
        return QTest::qExec(test, args);
    log.close();
    args << QStringLiteral("-o") << log.fileName() + QStringLiteral(",txt") << QStringLiteral("-o")
         << QStringLiteral("-,txt");
    const int failures = QTest::qExec(test, args);
    if (failures != 0)
        return failures;
    int skips = 0;
    QFile text(log.fileName());
    if (text.open(QIODevice::ReadOnly))
        while (!text.atEnd())
            if (text.readLine().startsWith("SKIP   :"))
                ++skips;
    if (skips == 0)
        return 0;
    std::fprintf(stderr, "%d test function(s) skipped: reporting the test as skipped\n", skips);
    return kSkippedExitCode;
}

KillPlan killPlan(int defaultRounds)
{
    const int rounds = qEnvironmentVariableIntValue("TINCTURE_KILL_ROUNDS");
    const KillPlan plan{rounds > 0 ? rounds : defaultRounds,
                        qEnvironmentVariableIsSet("TINCTURE_KILL_SEED")
                            ? qgetenv("TINCTURE_KILL_SEED").toUInt() // seeds reach 2^32 − 1
                            : QRandomGenerator::global()->generate()};
    qInfo("kill rounds %d, seed %u", plan.rounds, plan.seed);
    return plan;
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
