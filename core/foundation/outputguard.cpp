#include "foundation/outputguard.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <optional>
#include <sys/stat.h>

namespace tincture {

namespace {

struct Identity
{
    dev_t device;
    ino_t inode;
    bool operator==(const Identity &) const = default;
};

std::optional<Identity> identity(const QString &path)
{
    struct stat st;
    if (path.isEmpty() || ::stat(QFile::encodeName(path).constData(), &st) != 0)
        return std::nullopt;
    return Identity{st.st_dev, st.st_ino};
}

// A printf-style frame number in a file name: %d, %6d, %06d.
const QRegularExpression &framePattern()
{
    static const QRegularExpression re(QStringLiteral("%0?\\d*d"));
    return re;
}

bool isSequencePattern(const QString &path)
{
    return framePattern().match(QFileInfo(path).fileName()).hasMatch();
}

// The names a sequence pattern's frames have, as an anchored expression.
QRegularExpression frameNames(const QString &pattern)
{
    const QString name = QFileInfo(pattern).fileName();
    const QRegularExpressionMatch m = framePattern().match(name);
    return QRegularExpression(QStringLiteral("^%1\\d+%2$")
                                  .arg(QRegularExpression::escape(name.left(m.capturedStart())),
                                       QRegularExpression::escape(name.mid(m.capturedEnd()))));
}

// Whether `path` lies somewhere under the folder `folder` (not the folder itself).
bool isInside(const QString &path, const Identity &folder)
{
    QString p = QFileInfo(path).canonicalFilePath();
    while (!p.isEmpty()) {
        const QString parent = QFileInfo(p).path();
        if (parent == p)
            return false;
        p = parent;
        if (identity(p) == folder)
            return true;
    }
    return false;
}

Error isInput(const QString &output, const QString &why)
{
    return {ErrorCode::OutputIsInput,
            QStringLiteral("%1: %2; an output never replaces an input").arg(output, why),
            {}};
}

} // namespace

QString freeOutputName(const QString &wanted)
{
    if (wanted.isEmpty() || !pathIsTaken(wanted))
        return wanted;
    const QFileInfo info(wanted);
    const QString suffix = info.suffix().isEmpty() ? QString() : QLatin1Char('.') + info.suffix();
    const QString stem = wanted.left(wanted.size() - suffix.size());
    for (int n = 2;; ++n) {
        const QString candidate = QStringLiteral("%1-%2%3").arg(stem).arg(n).arg(suffix);
        if (!pathIsTaken(candidate))
            return candidate;
    }
}

bool sameFile(const QString &a, const QString &b)
{
    const std::optional<Identity> x = identity(a);
    return x && x == identity(b);
}

Result<void> checkOutput(const QString &output, const QStringList &inputs, Existing existing)
{
    if (output.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("no output path given"));
    const QFileInfo out(output);
    const std::optional<Identity> target = identity(output);
    const std::optional<Identity> outFolder = identity(out.absolutePath());
    for (const QString &input : inputs) {
        if (input.isEmpty())
            continue;
        if (isSequencePattern(input)) {
            const QString folder = QFileInfo(input).absolutePath();
            const std::optional<Identity> folderId = identity(folder);
            if (!folderId)
                continue;
            if (target && (target == folderId || (out.isDir() && isInside(folder, *target))))
                return isInput(output,
                               QStringLiteral("holds the frames of the input %1").arg(input));
            if (outFolder == folderId && frameNames(input).match(out.fileName()).hasMatch())
                return isInput(output,
                               QStringLiteral("is a frame of the input sequence %1").arg(input));
            continue;
        }
        const std::optional<Identity> source = identity(input);
        if (!source || !target)
            continue;
        if (target == source)
            return isInput(output, QStringLiteral("is the input %1 (the same file)").arg(input));
        if (out.isDir() && isInside(input, *target))
            return isInput(output,
                           QStringLiteral("is a folder that holds the input %1").arg(input));
        if (QFileInfo(input).isDir() && isInside(output, *source))
            return isInput(output, QStringLiteral("lies in the input folder %1").arg(input));
    }
    if (existing == Existing::Refuse && pathIsTaken(output) && !isEmptyFolder(output))
        return makeError(ErrorCode::OutputExists,
                         QStringLiteral("%1: already exists and would be replaced").arg(output));
    return {};
}

} // namespace tincture
