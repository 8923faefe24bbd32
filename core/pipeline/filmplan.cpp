#include "pipeline/filmplan.h"

#include "foundation/atomicoutput.h"
#include "propagation/propagationmethod.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSysInfo>

#include <algorithm>
#include <cerrno>
#include <csignal>

#include <unistd.h>

using namespace tincture::propagation;

namespace tincture::pipeline {
namespace {

constexpr qint64 kHeadBytes = 1 << 20;

QString hex(QCryptographicHash &hash)
{
    return QString::fromLatin1(hash.result().toHex());
}

// sha256 of a file's bytes from `offset` for at most `limit` bytes (-1: to the end).
Result<QString> fileSha256(const QString &path, qint64 limit = -1)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::FileUnreadable,
                         QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    qint64 left = limit < 0 ? file.size() : std::min(limit, file.size());
    while (left > 0) {
        const QByteArray chunk = file.read(std::min<qint64>(left, 1 << 20));
        if (chunk.isEmpty())
            return makeError(
                ErrorCode::FileUnreadable,
                QStringLiteral("%1: reading failed: %2").arg(path, file.errorString()));
        hash.addData(chunk);
        left -= chunk.size();
    }
    return hex(hash);
}

QString partName(int shot, const char *suffix)
{
    return QStringLiteral("shot-%1%2")
        .arg(shot, 4, 10, QLatin1Char('0'))
        .arg(QLatin1String(suffix));
}

QJsonObject fingerprintJson(const SourceFingerprint &f)
{
    return QJsonObject{{QStringLiteral("path"), f.path},
                       {QStringLiteral("bytes"), double(f.bytes)},
                       {QStringLiteral("headSha256"), f.headSha256},
                       {QStringLiteral("indexSha256"), f.indexSha256},
                       {QStringLiteral("frames"), double(f.frames)},
                       {QStringLiteral("width"), f.width},
                       {QStringLiteral("height"), f.height}};
}

// Reads a plan's JSON: every field it needs, each of the right type, or an error naming it.
class PlanReader
{
public:
    explicit PlanReader(QString path) : m_path(std::move(path)) {}
    QString string(const QJsonObject &o, const char *key)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isString())
            fail(key, "a string");
        return v.toString();
    }
    int64_t integer(const QJsonObject &o, const char *key)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isDouble() || v.toDouble() != double(int64_t(v.toDouble())))
            fail(key, "a whole number");
        return int64_t(v.toDouble());
    }
    double number(const QJsonObject &o, const char *key)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isDouble())
            fail(key, "a number");
        return v.toDouble();
    }
    bool boolean(const QJsonObject &o, const char *key)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isBool())
            fail(key, "true or false");
        return v.toBool();
    }
    QJsonObject object(const QJsonObject &o, const char *key)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isObject())
            fail(key, "an object");
        return v.toObject();
    }
    QJsonArray array(const QJsonObject &o, const char *key)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isArray())
            fail(key, "an array");
        return v.toArray();
    }
    void fail(const char *key, const char *what)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("%1: not a Tincture plan: \"%2\" is missing or not %3")
                          .arg(m_path, QLatin1String(key), QLatin1String(what));
    }
    void failWith(const QString &message)
    {
        if (m_error.isEmpty())
            m_error = m_path + QStringLiteral(": ") + message;
    }
    const QString &error() const { return m_error; }

private:
    QString m_path;
    QString m_error;
};

QString hostName()
{
    return QSysInfo::machineHostName();
}

bool processAlive(qint64 pid)
{
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
}

Result<QJsonObject> readJsonObject(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::FileUnreadable,
                         QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    QJsonParseError parse{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parse);
    if (!doc.isObject())
        return makeError(ErrorCode::CorruptData, QStringLiteral("%1: not a JSON object").arg(path));
    return doc.object();
}

// The folder's owner: parts.json holds the plan's sha256. `create`: a new folder is bound to
// this plan.
Result<void> checkPartsFolder(const LoadedPlan &plan, const QString &partsDir, bool create)
{
    const QString owner = QDir(partsDir).filePath(QStringLiteral("parts.json"));
    if (!QFileInfo::exists(owner)) {
        if (!create)
            return {};
        if (!QDir().mkpath(partsDir))
            return makeError(ErrorCode::WriteFailed,
                             QStringLiteral("%1: cannot create the parts folder").arg(partsDir));
        const QJsonObject json{{QStringLiteral("plan"), plan.sha256},
                               {QStringLiteral("planPath"), plan.path}};
        // Two tasks starting at once both write the same bytes.
        return writeFileAtomically(owner, QJsonDocument(json).toJson(), Existing::Replace);
    }
    Result<QJsonObject> json = readJsonObject(owner);
    if (!json)
        return json.error();
    const QString sha = json->value(QStringLiteral("plan")).toString();
    if (sha != plan.sha256)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("%1 holds the parts of another plan (%2, sha256 %3), not "
                                        "of %4 (sha256 %5); use a new parts folder for this plan")
                             .arg(partsDir, json->value(QStringLiteral("planPath")).toString(),
                                  sha.left(12), plan.path, plan.sha256.left(12)));
    return {};
}

struct PartRecord
{
    int64_t frames = 0;
    int64_t bytes = 0;
    QString sha256;
    ShotProvenance provenance;
};

// The finished record of `shot`, if there is one that belongs to this plan and whose part has
// the recorded size; an explanation otherwise.
Result<PartRecord> finishedPart(const LoadedPlan &plan, int shot, const QString &partsDir)
{
    const QDir dir(partsDir);
    const QString recordPath = dir.filePath(partName(shot, ".done.json"));
    const QString partPath = dir.filePath(partName(shot, ".mkv"));
    if (!QFileInfo::exists(recordPath))
        return makeError(ErrorCode::FileNotFound, QStringLiteral("not rendered"));
    Result<QJsonObject> json = readJsonObject(recordPath);
    if (!json)
        return makeError(json.error().code, QStringLiteral("its record is unreadable"));
    PlanReader read(recordPath);
    PartRecord record;
    const QString planSha = read.string(*json, "plan");
    const int64_t recordedShot = read.integer(*json, "shot");
    record.frames = read.integer(*json, "frames");
    record.bytes = read.integer(*json, "bytes");
    record.sha256 = read.string(*json, "sha256");
    const QJsonObject provenance = read.object(*json, "provenance");
    if (!read.error().isEmpty())
        return makeError(ErrorCode::CorruptData, QStringLiteral("its record is damaged"));
    if (planSha != plan.sha256 || recordedShot != shot)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("its record belongs to another plan"));
    Result<ShotProvenance> shotProvenance = ShotProvenance::fromJson(provenance);
    if (!shotProvenance)
        return makeError(ErrorCode::CorruptData, QStringLiteral("its record is damaged"));
    record.provenance = std::move(shotProvenance).value();
    const QFileInfo part(partPath);
    if (!part.exists())
        return makeError(ErrorCode::FileNotFound, QStringLiteral("its part file is missing"));
    if (part.size() != record.bytes)
        return makeError(ErrorCode::CorruptData,
                         QStringLiteral("its part file is %1 bytes, the record says %2")
                             .arg(part.size())
                             .arg(record.bytes));
    return record;
}

// The frames of `shot` that go into the output.
std::pair<FrameIndex, FrameIndex> partRange(const FilmPlan &plan, int shot)
{
    return {std::max(plan.shots[size_t(shot)].first, plan.first),
            std::min(plan.shots[size_t(shot)].last, plan.last)};
}

FilmJob shotJob(const FilmPlan &plan, int shot)
{
    FilmJob job;
    job.input = plan.source.path;
    job.source.salvageDamaged = plan.salvage;
    const PlannedShot &planned = plan.shots[size_t(shot)];
    job.shots = {Shot{planned.first, planned.last}};
    for (const PlannedKeyframe &k : planned.keyframes) {
        KeyframeSpec spec;
        spec.frame = k.frame;
        if (k.source == QLatin1String("image"))
            spec.image = k.path;
        else if (k.source == QLatin1String("hints"))
            spec.hints = k.path;
        job.keyframes.push_back(spec);
    }
    job.proposeMissing = false;
    job.priorWeight = plan.priorWeight;
    job.method = plan.method;
    return job;
}

Result<void> checkShotIndex(const FilmPlan &plan, int shot, const QString &planPath)
{
    if (shot < 0 || size_t(shot) >= plan.shots.size())
        return makeError(ErrorCode::OutOfRange,
                         QStringLiteral("%1: there is no shot %2: the plan has %3 (0–%4)")
                             .arg(planPath)
                             .arg(shot)
                             .arg(plan.shots.size())
                             .arg(qsizetype(plan.shots.size()) - 1));
    return {};
}

} // namespace

Result<SourceFingerprint> fingerprintSource(const QString &path, const VideoSource &film)
{
    SourceFingerprint f;
    const QFileInfo info(path);
    f.path = info.absoluteFilePath();
    QString head = f.path;
    if (info.isDir()) {
        const QFileInfoList files = QDir(f.path).entryInfoList(QDir::Files, QDir::Name);
        for (const QFileInfo &file : files)
            f.bytes += file.size();
        head = files.isEmpty() ? QString() : files.front().absoluteFilePath();
    } else if (info.exists()) {
        f.bytes = info.size();
    } else { // a printf pattern: the frames' folder
        const QFileInfoList files = info.dir().entryInfoList(QDir::Files, QDir::Name);
        for (const QFileInfo &file : files)
            f.bytes += file.size();
        head = files.isEmpty() ? QString() : files.front().absoluteFilePath();
    }
    if (!head.isEmpty()) {
        Result<QString> sha = fileSha256(head, kHeadBytes);
        if (!sha)
            return sha.error();
        f.headSha256 = *sha;
    }
    const MediaInfo &m = film.info();
    f.frames = m.frames;
    f.width = m.width;
    f.height = m.height;
    QCryptographicHash index(QCryptographicHash::Sha256);
    index.addData(QStringLiteral("%1x%2 %3 frames, time base %4/%5, sample aspect %6/%7, %8-bit\n")
                      .arg(m.width)
                      .arg(m.height)
                      .arg(m.frames)
                      .arg(m.timeBase.num)
                      .arg(m.timeBase.den)
                      .arg(m.sampleAspect.num)
                      .arg(m.sampleAspect.den)
                      .arg(m.bitDepth)
                      .toUtf8());
    for (FrameIndex i = 0; i < m.frames; ++i)
        index.addData(QByteArray::number(qint64(film.framePts(i))) + '\n');
    f.indexSha256 = hex(index);
    return f;
}

const char *shotStateName(ShotState state)
{
    switch (state) {
    case ShotState::Done:
        return "done";
    case ShotState::Running:
        return "running";
    case ShotState::Failed:
        return "failed";
    case ShotState::Pending:
        break;
    }
    return "pending";
}

QByteArray FilmPlan::toBytes() const
{
    QJsonArray shotArray;
    for (const PlannedShot &s : shots) {
        QJsonArray keys;
        for (const PlannedKeyframe &k : s.keyframes) {
            QJsonObject key{{QStringLiteral("frame"), double(k.frame)},
                            {QStringLiteral("source"), k.source}};
            if (!k.path.isEmpty()) {
                key.insert(QStringLiteral("path"), k.path);
                key.insert(QStringLiteral("sha256"), k.sha256);
            }
            keys.append(key);
        }
        shotArray.append(QJsonObject{{QStringLiteral("first"), double(s.first)},
                                     {QStringLiteral("last"), double(s.last)},
                                     {QStringLiteral("keyframes"), keys}});
    }
    QJsonObject out{{QStringLiteral("first"), double(first)},
                    {QStringLiteral("last"), double(last)},
                    {QStringLiteral("h264Crf"), h264Crf},
                    {QStringLiteral("withAudio"), withAudio}};
    if (codec)
        out.insert(QStringLiteral("codec"), codecName(*codec));
    QJsonObject modelJson{{QStringLiteral("path"), modelPath}};
    if (!model.name.isEmpty()) {
        modelJson.insert(QStringLiteral("name"), model.name);
        modelJson.insert(QStringLiteral("sha256"), model.sha256);
    }
    const QJsonObject json{
        {QStringLiteral("tinctureFilmPlan"), kVersion},
        {QStringLiteral("tinctureVersion"), tinctureVersion},
        {QStringLiteral("source"), fingerprintJson(source)},
        {QStringLiteral("salvage"), salvage},
        {QStringLiteral("method"), QJsonObject{{QStringLiteral("name"), method},
                                               {QStringLiteral("parameters"), methodParameters}}},
        {QStringLiteral("priorWeight"), priorWeight},
        {QStringLiteral("keyframeModel"), modelJson},
        {QStringLiteral("output"), out},
        {QStringLiteral("shots"), shotArray}};
    return QJsonDocument(json).toJson(QJsonDocument::Indented);
}

Result<FilmPlan> FilmPlan::fromBytes(const QByteArray &bytes, const QString &path)
{
    QJsonParseError parse{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parse);
    if (!doc.isObject())
        return makeError(ErrorCode::CorruptData,
                         QStringLiteral("%1: not a Tincture plan: %2")
                             .arg(path, parse.error != QJsonParseError::NoError
                                            ? QStringLiteral("not JSON (%1 at byte %2)")
                                                  .arg(parse.errorString())
                                                  .arg(parse.offset)
                                            : QStringLiteral("not a JSON object")));
    const QJsonObject json = doc.object();
    if (!json.contains(QStringLiteral("tinctureFilmPlan")))
        return makeError(
            ErrorCode::CorruptData,
            QStringLiteral("%1: not a Tincture plan (no \"tinctureFilmPlan\")").arg(path));
    PlanReader read(path);
    const int64_t version = read.integer(json, "tinctureFilmPlan");
    if (read.error().isEmpty() && version != kVersion)
        return makeError(ErrorCode::UnsupportedFormat,
                         QStringLiteral("%1: a plan of version %2; this Tincture reads version %3: "
                                        "plan the film again")
                             .arg(path)
                             .arg(version)
                             .arg(kVersion));
    FilmPlan plan;
    plan.tinctureVersion = read.string(json, "tinctureVersion");
    const QJsonObject source = read.object(json, "source");
    plan.source.path = read.string(source, "path");
    plan.source.bytes = read.integer(source, "bytes");
    plan.source.headSha256 = read.string(source, "headSha256");
    plan.source.indexSha256 = read.string(source, "indexSha256");
    plan.source.frames = read.integer(source, "frames");
    plan.source.width = int(read.integer(source, "width"));
    plan.source.height = int(read.integer(source, "height"));
    plan.salvage = read.boolean(json, "salvage");
    const QJsonObject method = read.object(json, "method");
    plan.method = read.string(method, "name");
    plan.methodParameters = read.object(method, "parameters");
    plan.priorWeight = read.number(json, "priorWeight");
    const QJsonObject model = read.object(json, "keyframeModel");
    plan.modelPath = read.string(model, "path");
    if (model.contains(QStringLiteral("name"))) {
        plan.model.name = read.string(model, "name");
        plan.model.sha256 = read.string(model, "sha256");
    }
    const QJsonObject out = read.object(json, "output");
    if (out.contains(QStringLiteral("codec"))) {
        plan.codec = codecFromName(read.string(out, "codec"));
        if (!plan.codec)
            read.failWith(QStringLiteral("unknown output codec '%1'")
                              .arg(out.value(QStringLiteral("codec")).toString()));
    }
    plan.h264Crf = int(read.integer(out, "h264Crf"));
    plan.first = read.integer(out, "first");
    plan.last = read.integer(out, "last");
    plan.withAudio = read.boolean(out, "withAudio");
    for (const QJsonValue &v : read.array(json, "shots")) {
        PlannedShot shot;
        const QJsonObject s = v.toObject();
        shot.first = read.integer(s, "first");
        shot.last = read.integer(s, "last");
        for (const QJsonValue &kv : read.array(s, "keyframes")) {
            const QJsonObject k = kv.toObject();
            PlannedKeyframe key;
            key.frame = read.integer(k, "frame");
            key.source = read.string(k, "source");
            if (key.source != QLatin1String("model")) {
                key.path = read.string(k, "path");
                key.sha256 = read.string(k, "sha256");
            }
            if (key.source != QLatin1String("model") && key.source != QLatin1String("image") &&
                key.source != QLatin1String("hints"))
                read.failWith(QStringLiteral("keyframe %1 has an unknown source '%2'")
                                  .arg(key.frame)
                                  .arg(key.source));
            if (key.frame < shot.first || key.frame > shot.last)
                read.failWith(QStringLiteral("keyframe %1 is outside its shot %2–%3")
                                  .arg(key.frame)
                                  .arg(shot.first)
                                  .arg(shot.last));
            shot.keyframes.push_back(key);
        }
        if (shot.keyframes.empty())
            read.failWith(
                QStringLiteral("shot %1–%2 has no keyframe").arg(shot.first).arg(shot.last));
        if (shot.first > shot.last || shot.first < 0 || shot.last >= plan.source.frames ||
            (!plan.shots.empty() && shot.first <= plan.shots.back().last))
            read.failWith(QStringLiteral("shot %1–%2 is not a range of the film after the "
                                         "shot before it")
                              .arg(shot.first)
                              .arg(shot.last));
        plan.shots.push_back(std::move(shot));
    }
    if (read.error().isEmpty() &&
        (plan.first < 0 || plan.last < plan.first || plan.last >= plan.source.frames))
        read.failWith(QStringLiteral("the output range %1–%2 is not inside the film")
                          .arg(plan.first)
                          .arg(plan.last));
    if (read.error().isEmpty() && plan.shots.empty())
        read.failWith(QStringLiteral("the plan has no shot"));
    if (!read.error().isEmpty())
        return makeError(ErrorCode::CorruptData, read.error());
    return plan;
}

Result<FilmPlan> planFilm(const FilmJob &job, const OutputSpec &output, const QString &modelPath,
                          KeyframeService &keyframes, Feedback &feedback)
{
    FilmPlan plan;
    plan.tinctureVersion = pipeline::tinctureVersion();
    plan.method = job.method.isEmpty() ? defaultPropagationMethodName() : job.method;
    auto method = createPropagationMethod(plan.method);
    if (!method)
        return method.error();
    plan.methodParameters = (*method)->parameters();
    plan.salvage = job.source.salvageDamaged;
    plan.priorWeight = job.priorWeight;
    plan.modelPath = modelPath.isEmpty() ? QString() : QFileInfo(modelPath).absoluteFilePath();
    plan.codec = output.codec;
    plan.h264Crf = output.h264Crf;
    plan.withAudio = output.withAudio;

    auto film = VideoSource::open(job.input, job.source);
    if (!film)
        return film.error();
    Result<SourceFingerprint> fingerprint = fingerprintSource(job.input, **film);
    if (!fingerprint)
        return fingerprint.error();
    plan.source = *fingerprint;
    Result<std::pair<FrameIndex, FrameIndex>> range =
        outputRange(output, (*film)->frameCount(), job.input);
    if (!range)
        return range.error();
    std::tie(plan.first, plan.last) = *range;
    if (Result<void> ok = checkKeyframes(job.keyframes, **film, feedback); !ok)
        return ok.error();

    std::vector<Shot> shots = job.shots;
    if (shots.empty()) {
        auto detected = detectShots(**film, job.shotParams, feedback);
        if (!detected)
            return detected.error();
        shots = std::move(detected).value();
    }
    Result<std::vector<ShotKeyframes>> assigned =
        assignKeyframes(shots, job.keyframes, plan.first, plan.last, job.proposeMissing);
    if (!assigned)
        return assigned.error();
    bool needModel = false;
    for (const ShotKeyframes &s : *assigned) {
        PlannedShot shot{s.shot.first, s.shot.last, {}};
        for (const KeyframeSpec &k : s.keyframes) {
            PlannedKeyframe key;
            key.frame = k.frame;
            const QString file = k.image.isEmpty() ? k.hints : k.image;
            key.source = !k.image.isEmpty()   ? QStringLiteral("image")
                         : !k.hints.isEmpty() ? QStringLiteral("hints")
                                              : QStringLiteral("model");
            needModel = needModel || k.image.isEmpty();
            if (!file.isEmpty()) {
                key.path = QFileInfo(file).absoluteFilePath();
                Result<QString> sha = fileSha256(file);
                if (!sha)
                    return sha.error();
                key.sha256 = *sha;
            }
            shot.keyframes.push_back(key);
        }
        plan.shots.push_back(std::move(shot));
    }
    if (needModel) {
        if (Result<void> ok = keyframes.ensureModel(); !ok)
            return ok.error();
        plan.model = keyframes.modelIdentity();
    }
    return plan;
}

Result<LoadedPlan> loadPlan(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return makeError(ErrorCode::FileNotFound, QStringLiteral("%1: no such plan").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::FileUnreadable,
                         QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    const QByteArray bytes = file.readAll();
    Result<FilmPlan> plan = FilmPlan::fromBytes(bytes, path);
    if (!plan)
        return plan.error();
    return LoadedPlan{
        QFileInfo(path).absoluteFilePath(), std::move(plan).value(),
        QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex())};
}

Result<void> checkPlanInputs(const FilmPlan &plan, KeyframeService &keyframes)
{
    QStringList changed;
    SourceOptions options;
    options.salvageDamaged = plan.salvage;
    options.cacheBytes = 0;
    auto film = VideoSource::open(plan.source.path, options);
    if (!film) {
        changed << QStringLiteral("the source %1 cannot be opened (%2)")
                       .arg(plan.source.path, film.error().message);
    } else {
        Result<SourceFingerprint> now = fingerprintSource(plan.source.path, **film);
        if (!now)
            return now.error();
        if (now->bytes != plan.source.bytes)
            changed << QStringLiteral("the source %1 is %2 bytes, the plan says %3")
                           .arg(plan.source.path)
                           .arg(now->bytes)
                           .arg(plan.source.bytes);
        else if (now->headSha256 != plan.source.headSha256)
            changed << QStringLiteral("the source %1 has other bytes (sha256 of its first MiB)")
                           .arg(plan.source.path);
        else if (now->indexSha256 != plan.source.indexSha256)
            changed
                << QStringLiteral("the source %1 has another frame index").arg(plan.source.path);
    }
    for (const PlannedShot &shot : plan.shots)
        for (const PlannedKeyframe &k : shot.keyframes) {
            if (k.path.isEmpty())
                continue;
            Result<QString> sha = fileSha256(k.path);
            if (!sha)
                changed << QStringLiteral("keyframe %1's file %2 cannot be read")
                               .arg(k.frame)
                               .arg(k.path);
            else if (*sha != k.sha256)
                changed << QStringLiteral("keyframe %1's file %2 has changed (sha256)")
                               .arg(k.frame)
                               .arg(k.path);
        }
    if (!plan.model.name.isEmpty()) {
        if (Result<void> ok = keyframes.ensureModel(); !ok)
            changed << QStringLiteral("the keyframe model cannot be loaded (%1)")
                           .arg(ok.error().message);
        else if (keyframes.modelIdentity() != plan.model)
            changed << QStringLiteral("the keyframe model is %1 (sha256 %2), the plan was made "
                                      "with %3 (sha256 %4)")
                           .arg(keyframes.modelIdentity().name,
                                keyframes.modelIdentity().sha256.left(12), plan.model.name,
                                plan.model.sha256.left(12));
    }
    auto method = createPropagationMethod(plan.method);
    if (!method)
        changed << QStringLiteral("the propagation method %1 cannot be made (%2)")
                       .arg(plan.method, method.error().message);
    else if ((*method)->parameters() != plan.methodParameters)
        changed
            << QStringLiteral("the propagation method %1's models have changed: now %2, the "
                              "plan says %3")
                   .arg(plan.method,
                        QString::fromUtf8(
                            QJsonDocument((*method)->parameters()).toJson(QJsonDocument::Compact)),
                        QString::fromUtf8(
                            QJsonDocument(plan.methodParameters).toJson(QJsonDocument::Compact)));
    if (!changed.isEmpty())
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("the plan no longer matches its inputs: %1; plan the film "
                                        "again")
                             .arg(changed.join(QStringLiteral("; "))));
    return {};
}

Result<std::vector<ShotStatus>> shotStatus(const LoadedPlan &plan, const QString &partsDir)
{
    if (Result<void> ok = checkPartsFolder(plan, partsDir, false); !ok)
        return ok.error();
    const QDir dir(partsDir);
    std::vector<ShotStatus> states;
    for (int k = 0; k < int(plan.plan.shots.size()); ++k) {
        ShotStatus status;
        status.shot = k;
        Result<PartRecord> done = finishedPart(plan, k, partsDir);
        const QString running = dir.filePath(partName(k, ".running.json"));
        const QString failed = dir.filePath(partName(k, ".failed.json"));
        if (done) {
            status.state = ShotState::Done;
        } else if (QFileInfo::exists(running)) {
            Result<QJsonObject> marker = readJsonObject(running);
            const QString host =
                marker ? marker->value(QStringLiteral("host")).toString() : QString();
            const qint64 pid = marker ? qint64(marker->value(QStringLiteral("pid")).toDouble()) : 0;
            if (host == hostName() && !processAlive(pid)) {
                status.state = ShotState::Failed;
                status.detail = QStringLiteral("stopped without finishing (process %1 on %2 is "
                                               "gone)")
                                    .arg(pid)
                                    .arg(host);
            } else {
                status.state = ShotState::Running;
                status.detail =
                    QStringLiteral("process %1 on %2 since %3")
                        .arg(pid)
                        .arg(host, marker ? marker->value(QStringLiteral("started")).toString()
                                          : QString());
            }
        } else if (QFileInfo::exists(failed)) {
            Result<QJsonObject> marker = readJsonObject(failed);
            status.state = ShotState::Failed;
            status.detail = marker ? marker->value(QStringLiteral("error")).toString()
                                   : QStringLiteral("failed");
        } else if (QFileInfo::exists(dir.filePath(partName(k, ".done.json")))) {
            status.state = ShotState::Failed;
            status.detail = done.error().message;
        }
        states.push_back(status);
    }
    return states;
}

Result<ShotRenderReport> renderShot(const LoadedPlan &loaded, int shot, const QString &partsDir,
                                    bool force, int threads, KeyframeService &keyframes,
                                    Feedback &feedback)
{
    const FilmPlan &plan = loaded.plan;
    if (Result<void> ok = checkShotIndex(plan, shot, loaded.path); !ok)
        return ok.error();
    if (Result<void> ok = checkPartsFolder(loaded, partsDir, true); !ok)
        return ok.error();
    const QDir dir(partsDir);
    ShotRenderReport report;
    report.part = dir.filePath(partName(shot, ".mkv"));
    if (!force)
        if (Result<PartRecord> done = finishedPart(loaded, shot, partsDir); done) {
            report.skipped = true;
            report.frames = done->frames;
            return report;
        }
    if (Result<void> ok = checkPlanInputs(plan, keyframes); !ok)
        return ok.error();

    const QString running = dir.filePath(partName(shot, ".running.json"));
    const QString failed = dir.filePath(partName(shot, ".failed.json"));
    const QString record = dir.filePath(partName(shot, ".done.json"));
    // A forced render: the old part no longer counts as finished from here on.
    QFile::remove(record);
    QFile::remove(failed);
    const QJsonObject marker{
        {QStringLiteral("host"), hostName()},
        {QStringLiteral("pid"), double(::getpid())},
        {QStringLiteral("started"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}};
    if (Result<void> ok =
            writeFileAtomically(running, QJsonDocument(marker).toJson(), Existing::Replace);
        !ok)
        return ok.error();
    const auto fail = [&](const Error &error) -> Error {
        const QJsonObject json{
            {QStringLiteral("error"),
             error.code == ErrorCode::Cancelled ? QStringLiteral("cancelled") : error.message},
            {QStringLiteral("host"), hostName()},
            {QStringLiteral("finished"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}};
        (void)writeFileAtomically(failed, QJsonDocument(json).toJson(), Existing::Replace);
        QFile::remove(running);
        return error;
    };

    QElapsedTimer clock;
    clock.start();
    FilmJob job = shotJob(plan, shot);
    job.threads = threads;
    job.protectedInputs << loaded.path;
    OutputSpec part;
    part.path = report.part;
    part.codec = VideoCodec::Ffv1;
    std::tie(part.first, part.last) = partRange(plan, shot);
    part.withAudio = false;
    part.existing = Existing::Replace;
    Result<FilmReport> made = colorizeFilm(job, part, keyframes, feedback);
    if (!made)
        return fail(made.error());
    if (made->provenance.shots.size() != 1)
        return fail(
            makeError(ErrorCode::Internal, QStringLiteral("shot %1: the engine coloured %2 shots")
                                               .arg(shot)
                                               .arg(made->provenance.shots.size())));
    Result<QString> sha = fileSha256(report.part);
    if (!sha)
        return fail(sha.error());
    const QJsonObject done{{QStringLiteral("plan"), loaded.sha256},
                           {QStringLiteral("shot"), shot},
                           {QStringLiteral("first"), double(part.first)},
                           {QStringLiteral("last"), double(part.last)},
                           {QStringLiteral("frames"), double(made->frames)},
                           {QStringLiteral("bytes"), double(QFileInfo(report.part).size())},
                           {QStringLiteral("sha256"), *sha},
                           {QStringLiteral("host"), hostName()},
                           {QStringLiteral("seconds"), clock.elapsed() / 1000.0},
                           {QStringLiteral("provenance"), made->provenance.shots[0].toJson()}};
    if (Result<void> ok =
            writeFileAtomically(record, QJsonDocument(done).toJson(), Existing::Replace);
        !ok)
        return fail(ok.error());
    QFile::remove(running);
    report.frames = made->frames;
    return report;
}

Result<TranscodeReport> assembleFilm(const LoadedPlan &loaded, const QString &partsDir,
                                     const QString &outputPath, Existing existing,
                                     Feedback &feedback)
{
    const FilmPlan &plan = loaded.plan;
    if (!QFileInfo(partsDir).isDir())
        return makeError(ErrorCode::FileNotFound,
                         QStringLiteral("%1: no such parts folder").arg(partsDir));
    if (Result<void> ok = checkPartsFolder(loaded, partsDir, false); !ok)
        return ok.error();
    OutputSpec output;
    output.path = outputPath;
    output.existing = existing;
    output.codec = plan.codec;
    output.h264Crf = plan.h264Crf;
    output.first = plan.first;
    output.last = plan.last;
    output.withAudio = plan.withAudio;
    QStringList inputs{loaded.path, partsDir};
    for (const PlannedShot &s : plan.shots)
        for (const PlannedKeyframe &k : s.keyframes)
            if (!k.path.isEmpty())
                inputs << k.path;
    if (Result<void> ok = checkFilmOutput(output, QStringList{plan.source.path} + inputs); !ok)
        return ok.error();

    // Every part, finished and intact, before anything is written.
    const QDir dir(partsDir);
    std::vector<PartRecord> records;
    QStringList bad;
    QList<int> rerun;
    for (int k = 0; k < int(plan.shots.size()); ++k) {
        if (feedback.isCancelled())
            return Error::cancelled();
        Result<PartRecord> done = finishedPart(loaded, k, partsDir);
        if (done) {
            Result<QString> sha = fileSha256(dir.filePath(partName(k, ".mkv")));
            const auto [first, last] = partRange(plan, k);
            if (!sha || *sha != done->sha256)
                done = makeError(ErrorCode::CorruptData,
                                 QStringLiteral("its part file is damaged (sha256 differs from "
                                                "its record)"));
            else if (done->frames != last - first + 1)
                done = makeError(ErrorCode::CorruptData,
                                 QStringLiteral("its record holds %1 frames, the shot has %2")
                                     .arg(done->frames)
                                     .arg(last - first + 1));
        }
        if (!done) {
            bad << QStringLiteral("shot %1: %2").arg(k).arg(done.error().message);
            rerun << k;
            continue;
        }
        records.push_back(std::move(done).value());
    }
    if (!bad.isEmpty()) {
        QStringList numbers;
        for (int k : rerun)
            numbers << QString::number(k);
        return makeError(
            ErrorCode::InvalidArgument,
            QStringLiteral("%1: %2 of %3 parts are not finished or are damaged (%4); "
                           "render shots %5 again (tincture-cli render-shot %6 "
                           "--shot K -o %1)")
                .arg(partsDir)
                .arg(bad.size())
                .arg(plan.shots.size())
                .arg(bad.join(QStringLiteral("; ")), numbers.join(QLatin1Char(',')), loaded.path));
    }

    SourceOptions options;
    options.salvageDamaged = plan.salvage;
    options.cacheBytes = 0;
    auto film = VideoSource::open(plan.source.path, options);
    if (!film)
        return film.error();
    Result<SourceFingerprint> now = fingerprintSource(plan.source.path, **film);
    if (!now)
        return now.error();
    if (!(*now == plan.source))
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("%1: the source has changed since it was planned (%2); "
                                        "plan and render the film again")
                             .arg(plan.source.path, loaded.path));

    Provenance provenance;
    provenance.version = pipeline::tinctureVersion();
    provenance.source = QFileInfo(plan.source.path).fileName();
    provenance.first = plan.first;
    provenance.last = plan.last;
    for (const PartRecord &r : records)
        provenance.shots.push_back(r.provenance);
    Result<std::unique_ptr<FilmWriter>> opened =
        FilmWriter::open(output, **film, inputs, provenance.toBytes());
    if (!opened)
        return opened.error();
    FilmWriter &writer = **opened;
    // The engine's frames: 8-bit RGB from an 8-bit film, 16-bit otherwise.
    const PixelFormat format =
        (*film)->info().bitDepth > 8 ? PixelFormat::Rgb16 : PixelFormat::Rgb8;
    int64_t written = 0;
    for (int k = 0; k < int(plan.shots.size()); ++k) {
        const QString partPath = dir.filePath(partName(k, ".mkv"));
        SourceOptions partOptions;
        partOptions.cacheBytes = 0;
        auto part = VideoSource::open(partPath, partOptions);
        const auto [first, last] = partRange(plan, k);
        if (part && ((*part)->frameCount() != last - first + 1 ||
                     (*part)->info().width != plan.source.width ||
                     (*part)->info().height != plan.source.height))
            part = makeError(ErrorCode::CorruptData,
                             QStringLiteral("%1: %2 frames of %3×%4, the shot needs %5 of %6×%7")
                                 .arg(partPath)
                                 .arg((*part)->frameCount())
                                 .arg((*part)->info().width)
                                 .arg((*part)->info().height)
                                 .arg(last - first + 1)
                                 .arg(plan.source.width)
                                 .arg(plan.source.height));
        if (!part) {
            writer.abort();
            return makeError(
                part.error().code,
                QStringLiteral("shot %1: %2; render it again").arg(k).arg(part.error().message));
        }
        for (FrameIndex f = first; f <= last; ++f) {
            if (feedback.isCancelled()) {
                writer.abort();
                return Error::cancelled();
            }
            Result<Frame> frame = (*part)->frame(f - first);
            if (!frame) {
                writer.abort();
                return makeError(frame.error().code, QStringLiteral("shot %1: %2; render it again")
                                                         .arg(k)
                                                         .arg(frame.error().message));
            }
            if (Result<void> ok = writer.write(f, frame->converted(format)); !ok)
                return ok.error();
            feedback.reportProgress(++written, writer.frameCount());
        }
    }
    return writer.finish();
}

} // namespace tincture::pipeline
