#include "project/projectfile.h"

#include "foundation/atomicoutput.h"
#include "foundation/outputguard.h"

#include <QColor>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>

#include <cmath>
#include <unistd.h>

namespace tincture::project {

namespace {

QJsonArray pointsToJson(const QVector<QPointF> &points)
{
    // Flat [x0, y0, x1, y1, …], a hundredth of a pixel is plenty.
    QJsonArray a;
    for (const QPointF &p : points) {
        a.append(std::round(p.x() * 100.0) / 100.0);
        a.append(std::round(p.y() * 100.0) / 100.0);
    }
    return a;
}

QJsonObject strokeToJson(const PaintStroke &s)
{
    QJsonObject o;
    o[QLatin1String("tool")] = brushToolName(s.tool);
    o[QLatin1String("colour")] = QColor::fromRgb(s.colour).name(QColor::HexRgb);
    o[QLatin1String("radius")] = s.radius;
    o[QLatin1String("hardness")] = s.hardness;
    o[QLatin1String("points")] = pointsToJson(s.points);
    return o;
}

std::optional<PaintStroke> strokeFromJson(const QJsonObject &o, QString *problem)
{
    PaintStroke s;
    const auto tool = brushToolFromName(o.value(QLatin1String("tool")).toString());
    if (!tool) {
        *problem =
            QStringLiteral("unknown tool '%1'").arg(o.value(QLatin1String("tool")).toString());
        return std::nullopt;
    }
    s.tool = *tool;
    if (o.contains(QLatin1String("colour")) || s.tool == BrushTool::Paint) {
        const QColor c(o.value(QLatin1String("colour")).toString());
        if (!c.isValid()) {
            *problem = QStringLiteral("invalid colour");
            return std::nullopt;
        }
        s.colour = c.rgb();
    }
    s.radius = o.value(QLatin1String("radius")).toDouble(-1);
    s.hardness = o.value(QLatin1String("hardness")).toDouble(0.8);
    if (!(s.radius > 0) || !(s.hardness >= 0 && s.hardness <= 1)) {
        *problem = QStringLiteral("invalid radius or hardness");
        return std::nullopt;
    }
    const QJsonArray pts = o.value(QLatin1String("points")).toArray();
    if (pts.isEmpty() || pts.size() % 2 != 0) {
        *problem = QStringLiteral("points must be a non-empty list of x, y pairs");
        return std::nullopt;
    }
    for (qsizetype i = 0; i < pts.size(); i += 2)
        s.points.append(QPointF(pts[i].toDouble(), pts[i + 1].toDouble()));
    return s;
}

QString relativeTo(const QString &projectFilePath, const QString &absolute)
{
    if (absolute.isEmpty())
        return {};
    if (projectFilePath.isEmpty())
        return absolute;
    return QFileInfo(projectFilePath).absoluteDir().relativeFilePath(absolute);
}

QString resolve(const QString &projectFilePath, const QString &stored)
{
    if (stored.isEmpty() || QDir::isAbsolutePath(stored))
        return stored;
    return QDir::cleanPath(QFileInfo(projectFilePath).absoluteDir().filePath(stored));
}

QString autosaveDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/autosave");
}

// All or nothing, and on the disk before the rename (fsync): after a kill or a power cut the
// file is the old project or the new one. A killed save's temporary is swept by the next save
// in the folder (AtomicOutput).
Result<void> writeJson(const QString &path, const QJsonObject &root, bool keepBackup)
{
    Result<AtomicOutput> out =
        AtomicOutput::begin(path, AtomicOutput::Kind::File, Existing::Replace);
    if (!out)
        return out.error();
    QFile file(out->tempPath());
    const QByteArray bytes = QJsonDocument(root).toJson(QJsonDocument::Indented);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.flush() ||
        ::fsync(file.handle()) != 0)
        return makeError(ErrorCode::WriteFailed,
                         QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    file.close();
    if (keepBackup && QFile::exists(path)) {
        // The backup is a second name for the file about to be replaced (a hard link: instant,
        // nothing half-copied); a copy where the file system has no hard links.
        const QString bak = path + QStringLiteral(".bak");
        QFile::remove(bak);
        if (::link(QFile::encodeName(path).constData(), QFile::encodeName(bak).constData()) != 0 &&
            !QFile::copy(path, bak))
            return makeError(ErrorCode::WriteFailed,
                             QStringLiteral("cannot keep a backup of %1 as %2").arg(path, bak));
    }
    return out->commit();
}

} // namespace

QJsonObject toJson(const Project &project, const QString &projectFilePath)
{
    QJsonObject root;
    root[QLatin1String("formatVersion")] = kFormatVersion;
    root[QLatin1String("application")] = QStringLiteral("Tincture");
    root[QLatin1String("id")] = project.id();
    QJsonObject media;
    media[QLatin1String("path")] = relativeTo(projectFilePath, project.mediaPath());
    media[QLatin1String("frames")] = qint64(project.media().frames);
    media[QLatin1String("width")] = project.media().width;
    media[QLatin1String("height")] = project.media().height;
    media[QLatin1String("fileSize")] = project.media().fileSize;
    root[QLatin1String("media")] = media;
    if (!project.referencePath().isEmpty())
        root[QLatin1String("reference")] = relativeTo(projectFilePath, project.referencePath());
    const ProjectParameters &p = project.parameters();
    root[QLatin1String("model")] = QJsonObject{{QLatin1String("name"), p.model}};
    root[QLatin1String("parameters")] =
        QJsonObject{{QLatin1String("propagationMethod"), p.propagationMethod},
                    {QLatin1String("priorWeight"), p.priorWeight},
                    {QLatin1String("workingHeight"), p.workingHeight}};
    QJsonArray shots;
    for (const ShotEntry &s : project.shots()) {
        QJsonArray keys;
        for (const KeyframeEntry &k : s.keyframes) {
            QJsonArray strokes;
            for (const PaintStroke &st : k.strokes)
                strokes.append(strokeToJson(st));
            keys.append(QJsonObject{{QLatin1String("frame"), qint64(k.frame)},
                                    {QLatin1String("accepted"), k.accepted},
                                    {QLatin1String("strokes"), strokes}});
        }
        QJsonObject shot{{QLatin1String("first"), qint64(s.first)},
                         {QLatin1String("last"), qint64(s.last)},
                         {QLatin1String("revision"), s.revision},
                         {QLatin1String("propagatedRevision"), s.propagatedRevision},
                         {QLatin1String("perFrame"), s.perFrame},
                         {QLatin1String("keyframes"), keys}};
        if (!s.provenance.isEmpty())
            shot[QLatin1String("provenance")] = s.provenance;
        shots.append(shot);
    }
    root[QLatin1String("shots")] = shots;
    return root;
}

Result<void> saveProject(const Project &project, const QString &path)
{
    // Saving over the footage or the reference clip would destroy it; a project file under
    // the name is replaced (the studio's save dialog asked), with a .bak kept.
    if (Result<void> ok =
            checkOutput(path, {project.mediaPath(), project.referencePath()}, Existing::Replace);
        !ok)
        return ok.error();
    return writeJson(path, toJson(project, path), true);
}

Result<QJsonObject> migrate(QJsonObject root, LoadReport &report)
{
    const int version = root.value(QLatin1String("formatVersion")).toInt(0);
    report.migratedFrom = version;
    if (version < 1)
        return makeError(ErrorCode::CorruptData,
                         QStringLiteral("no valid formatVersion in the project file"));
    if (version > kFormatVersion)
        return makeError(ErrorCode::UnsupportedFormat,
                         QStringLiteral("the project was saved by a newer Tincture (format "
                                        "version %1; this build reads up to %2)")
                             .arg(version)
                             .arg(kFormatVersion));
    // One step per version: `case n:` turns a version-n object into version n + 1 and falls
    // through to the next.
    switch (version) {
    case 1:
        // Version 2 adds each propagated shot's provenance; a version-1 shot has none (its
        // colour's origin is unknown), which an absent key says already.
        [[fallthrough]];
    case 2: {
        // Version 3 adds the working height; a version-2 project was coloured at the film's
        // size.
        QJsonObject parameters = root.value(QLatin1String("parameters")).toObject();
        parameters[QLatin1String("workingHeight")] = 0;
        root[QLatin1String("parameters")] = parameters;
        [[fallthrough]];
    }
    case 3: {
        // Version 4 names the colouriser as the studio lists it ("pix2pix", not the keyframe
        // model's architecture "pix2pix-unet") and adds each shot's per-frame mode, which an
        // absent key says is off (propagated, as before).
        QJsonObject model = root.value(QLatin1String("model")).toObject();
        if (model.value(QLatin1String("name")).toString() == QLatin1String("pix2pix-unet"))
            model[QLatin1String("name")] = QString::fromLatin1(kDefaultColorizer);
        root[QLatin1String("model")] = model;
        [[fallthrough]];
    }
    default:
        break;
    }
    root[QLatin1String("formatVersion")] = kFormatVersion;
    return root;
}

Result<LoadReport> loadProject(const QString &path, Project &project)
{
    QFile file(path);
    if (!file.exists())
        return makeError(ErrorCode::FileNotFound, QStringLiteral("%1 does not exist").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::FileUnreadable,
                         QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (doc.isNull() || !doc.isObject())
        return makeError(ErrorCode::CorruptData,
                         QStringLiteral("%1 is not a Tincture project: %2 at byte %3")
                             .arg(path, parseError.errorString())
                             .arg(parseError.offset));
    LoadReport report;
    Result<QJsonObject> migrated = migrate(doc.object(), report);
    if (!migrated)
        return makeError(migrated.error().code,
                         QStringLiteral("%1: %2").arg(path, migrated.error().message));
    const QJsonObject root = *migrated;

    const QJsonObject media = root.value(QLatin1String("media")).toObject();
    const QString mediaPath = resolve(path, media.value(QLatin1String("path")).toString());
    MediaFingerprint fp;
    fp.frames = media.value(QLatin1String("frames")).toInteger();
    fp.width = media.value(QLatin1String("width")).toInt();
    fp.height = media.value(QLatin1String("height")).toInt();
    fp.fileSize = media.value(QLatin1String("fileSize")).toInteger(-1);
    if (mediaPath.isEmpty()) {
        report.warnings << QStringLiteral("the project names no media file");
        report.mediaMissing = true;
    } else if (!QFileInfo::exists(mediaPath)) {
        report.warnings << QStringLiteral("the media file %1 is missing").arg(mediaPath);
        report.mediaMissing = true;
    } else if (fp.fileSize >= 0 && QFileInfo(mediaPath).isFile() &&
               QFileInfo(mediaPath).size() != fp.fileSize) {
        report.warnings << QStringLiteral("the media file %1 has changed since the project was "
                                          "saved (%2 bytes, was %3)")
                               .arg(mediaPath)
                               .arg(QFileInfo(mediaPath).size())
                               .arg(fp.fileSize);
    }

    ProjectParameters params;
    params.model = root.value(QLatin1String("model"))
                       .toObject()
                       .value(QLatin1String("name"))
                       .toString(params.model);
    if (params.model.isEmpty())
        params.model = QString::fromLatin1(kDefaultColorizer);
    const QJsonObject po = root.value(QLatin1String("parameters")).toObject();
    params.propagationMethod = po.value(QLatin1String("propagationMethod")).toString();
    params.priorWeight = po.value(QLatin1String("priorWeight")).toDouble(params.priorWeight);
    const double workingHeight = po.value(QLatin1String("workingHeight")).toDouble(-1);
    if (workingHeight == 0 ||
        (workingHeight >= kProjectMinWorkingHeight && workingHeight <= 65535 &&
         workingHeight == std::floor(workingHeight))) {
        params.workingHeight = int(workingHeight);
    } else {
        params.workingHeight = 0;
        report.warnings << QStringLiteral("the working height is not 0 or a whole number of "
                                          "rows from %1; the film's size is used")
                               .arg(kProjectMinWorkingHeight);
    }

    QVector<ShotEntry> shots;
    FrameIndex expectFirst = 0;
    const QJsonArray shotArray = root.value(QLatin1String("shots")).toArray();
    for (qsizetype i = 0; i < shotArray.size(); ++i) {
        const QJsonObject so = shotArray[i].toObject();
        ShotEntry s;
        s.first = so.value(QLatin1String("first")).toInteger(-1);
        s.last = so.value(QLatin1String("last")).toInteger(-1);
        s.revision = so.value(QLatin1String("revision")).toInt(0);
        s.propagatedRevision = so.value(QLatin1String("propagatedRevision")).toInt(-1);
        s.provenance = so.value(QLatin1String("provenance")).toObject();
        s.perFrame = so.value(QLatin1String("perFrame")).toBool(false);
        if (s.first != expectFirst || s.last < s.first || (fp.frames > 0 && s.last >= fp.frames)) {
            report.warnings << QStringLiteral("shot %1 (frames %2–%3) does not continue the "
                                              "shots before it; skipped")
                                   .arg(i + 1)
                                   .arg(s.first)
                                   .arg(s.last);
            continue;
        }
        expectFirst = s.last + 1;
        const QJsonArray keys = so.value(QLatin1String("keyframes")).toArray();
        for (const QJsonValue &kv : keys) {
            const QJsonObject ko = kv.toObject();
            KeyframeEntry k;
            k.frame = ko.value(QLatin1String("frame")).toInteger(-1);
            k.accepted = ko.value(QLatin1String("accepted")).toBool();
            if (!s.contains(k.frame)) {
                report.warnings
                    << QStringLiteral("keyframe %1 lies outside its shot; skipped").arg(k.frame);
                continue;
            }
            const QJsonArray strokes = ko.value(QLatin1String("strokes")).toArray();
            for (qsizetype j = 0; j < strokes.size(); ++j) {
                QString problem;
                if (auto st = strokeFromJson(strokes[j].toObject(), &problem))
                    k.strokes.append(*st);
                else
                    report.warnings << QStringLiteral("stroke %1 of keyframe %2: %3; skipped")
                                           .arg(j + 1)
                                           .arg(k.frame)
                                           .arg(problem);
            }
            s.keyframes.append(k);
        }
        std::sort(s.keyframes.begin(), s.keyframes.end(),
                  [](const KeyframeEntry &a, const KeyframeEntry &b) { return a.frame < b.frame; });
        shots.append(s);
    }
    if (fp.frames > 0 && expectFirst != fp.frames) {
        report.warnings << QStringLiteral("the shots end at frame %1 but the film has %2 "
                                          "frames; the rest is one more shot")
                               .arg(expectFirst)
                               .arg(fp.frames);
        shots.append(ShotEntry{expectFirst, fp.frames - 1, {}, 0, -1, {}, false});
    }

    project.reset(mediaPath, fp);
    const QString id = root.value(QLatin1String("id")).toString();
    if (!id.isEmpty())
        project.setId(id);
    const QString reference = resolve(path, root.value(QLatin1String("reference")).toString());
    if (!reference.isEmpty()) {
        project.setReferencePath(reference);
        if (!QFileInfo::exists(reference))
            report.warnings << QStringLiteral("the reference clip %1 is missing").arg(reference);
    }
    project.restore(shots, params);
    project.setFilePath(QFileInfo(path).absoluteFilePath());
    return report;
}

QStringList compareMedia(const MediaFingerprint &saved, const MediaFingerprint &now,
                         const QString &mediaPath)
{
    QStringList out;
    if (saved.frames > 0 && saved.frames != now.frames)
        out << QStringLiteral("%1 now has %2 frames; the project was made with %3")
                   .arg(mediaPath)
                   .arg(now.frames)
                   .arg(saved.frames);
    if (saved.width > 0 && (saved.width != now.width || saved.height != now.height))
        out << QStringLiteral("%1 is now %2×%3; the project was made at %4×%5")
                   .arg(mediaPath)
                   .arg(now.width)
                   .arg(now.height)
                   .arg(saved.width)
                   .arg(saved.height);
    return out;
}

QString autosavePath(const Project &project)
{
    if (!project.filePath().isEmpty())
        return project.filePath() + QStringLiteral(".autosave");
    return autosaveDir() +
           QStringLiteral("/untitled-%1.%2").arg(project.id(), QLatin1String(kProjectSuffix));
}

QStringList orphanAutosaves()
{
    QDir dir(autosaveDir());
    QStringList out;
    const QFileInfoList files =
        dir.entryInfoList({QStringLiteral("untitled-*.tincture")}, QDir::Files, QDir::Time);
    for (const QFileInfo &f : files)
        out << f.absoluteFilePath();
    return out;
}

bool hasNewerAutosave(const QString &projectPath)
{
    const QFileInfo autosave(projectPath + QStringLiteral(".autosave"));
    return autosave.exists() && autosave.lastModified() >= QFileInfo(projectPath).lastModified();
}

Result<void> writeAutosave(const Project &project)
{
    const QString path = autosavePath(project);
    QDir().mkpath(QFileInfo(path).absolutePath());
    // Relative paths are resolved against the project file, even when written elsewhere.
    QJsonObject root = toJson(project, project.filePath());
    if (!project.filePath().isEmpty())
        root[QLatin1String("autosaveOf")] = project.filePath();
    return writeJson(path, root, false);
}

void removeAutosave(const Project &project)
{
    QFile::remove(autosavePath(project));
}

} // namespace tincture::project
