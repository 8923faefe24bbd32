#include "pipeline/filmplan.h"

#include "ml/modelmanifest.h"
#include "pipeline/internal/jsonreader.h"
#include "propagation/propagationmethod.h"
#include "propagation/workingresolution.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

using namespace tincture::propagation;
using tincture::pipeline::detail::JsonReader;

namespace tincture::pipeline {
namespace {

constexpr qint64 kHeadBytes = 1 << 20;

// What a plan's method loads: "per-frame" colours with the plan's model when that is a video
// colouriser (the CLI allows per-frame mode with no other), the shipped one when none is named.
PropagationMethodOptions planMethodOptions(const QString &modelPath)
{
    PropagationMethodOptions options;
    options.colorizerPath = modelPath;
    return options;
}

// sha256 of a file's first `limit` bytes.
Result<QString> headSha256(const QString &path, qint64 limit)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::FileUnreadable,
                         QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    const QByteArray head = file.read(limit);
    if (head.size() != std::min(limit, file.size()))
        return makeError(ErrorCode::FileUnreadable,
                         QStringLiteral("%1: reading failed: %2").arg(path, file.errorString()));
    return QString::fromLatin1(QCryptographicHash::hash(head, QCryptographicHash::Sha256).toHex());
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
        Result<QString> sha = headSha256(head, kHeadBytes);
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
    f.indexSha256 = QString::fromLatin1(index.result().toHex());
    return f;
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
    QJsonObject out{{QStringLiteral("first"), double(output.first)},
                    {QStringLiteral("last"), double(output.last)},
                    {QStringLiteral("h264Crf"), output.h264Crf},
                    {QStringLiteral("withAudio"), output.withAudio}};
    if (output.codec)
        out.insert(QStringLiteral("codec"), codecName(*output.codec));
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
        {QStringLiteral("workingHeight"), workingHeight},
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
    JsonReader read(path);
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
    const int64_t width = read.integer(source, "width");
    const int64_t height = read.integer(source, "height");
    plan.source.width = int(std::clamp<int64_t>(width, -1, 65536));
    plan.source.height = int(std::clamp<int64_t>(height, -1, 65536));
    plan.salvage = read.boolean(json, "salvage");
    const QJsonObject method = read.object(json, "method");
    plan.method = read.string(method, "name");
    plan.methodParameters = read.object(method, "parameters");
    plan.priorWeight = read.number(json, "priorWeight");
    if (json.contains(QStringLiteral("workingHeight")))
        plan.workingHeight =
            int(std::clamp<int64_t>(read.integer(json, "workingHeight"), -1, 65536));
    const QJsonObject model = read.object(json, "keyframeModel");
    plan.modelPath = read.string(model, "path");
    if (model.contains(QStringLiteral("name"))) {
        plan.model.name = read.string(model, "name");
        plan.model.sha256 = read.string(model, "sha256");
    }
    const QJsonObject out = read.object(json, "output");
    if (out.contains(QStringLiteral("codec"))) {
        plan.output.codec = codecFromName(read.string(out, "codec"));
        if (!plan.output.codec)
            read.failWith(QStringLiteral("unknown output codec '%1'")
                              .arg(out.value(QStringLiteral("codec")).toString()));
    }
    plan.output.h264Crf = int(std::clamp<int64_t>(read.integer(out, "h264Crf"), -1, 52));
    plan.output.first = read.integer(out, "first");
    plan.output.last = read.integer(out, "last");
    plan.output.withAudio = read.boolean(out, "withAudio");
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
        if (shot.keyframes.empty() && plan.method != QLatin1String("per-frame"))
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
    if (read.error().isEmpty() && (plan.output.first < 0 || plan.output.last < plan.output.first ||
                                   plan.output.last >= plan.source.frames))
        read.failWith(QStringLiteral("the output range %1–%2 is not inside the film")
                          .arg(plan.output.first)
                          .arg(plan.output.last));
    if (read.error().isEmpty() && (plan.output.h264Crf < 0 || plan.output.h264Crf > 51))
        read.failWith(
            QStringLiteral("the H.264 quality %1 is not in 0–51").arg(plan.output.h264Crf));
    if (read.error().isEmpty() && !(plan.priorWeight >= 0 && std::isfinite(plan.priorWeight)))
        read.failWith(
            QStringLiteral("the prior weight %1 is not a number ≥ 0").arg(plan.priorWeight));
    if (read.error().isEmpty() && (plan.source.width <= 0 || plan.source.height <= 0 ||
                                   plan.source.width > 65535 || plan.source.height > 65535))
        read.failWith(QStringLiteral("the source's size %1×%2 is not a frame size")
                          .arg(plan.source.width)
                          .arg(plan.source.height));
    if (read.error().isEmpty() && plan.workingHeight != 0 &&
        (plan.workingHeight < propagation::kMinWorkingHeight || plan.workingHeight > 65535))
        read.failWith(QStringLiteral("the working height %1 is not 0 or %2–65535 rows")
                          .arg(plan.workingHeight)
                          .arg(propagation::kMinWorkingHeight));
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
    auto method = createPropagationMethod(plan.method, planMethodOptions(modelPath));
    if (!method)
        return method.error();
    plan.methodParameters = (*method)->parameters();
    plan.salvage = job.source.salvageDamaged;
    plan.priorWeight = job.priorWeight;
    plan.workingHeight = job.workingHeight;
    plan.modelPath = modelPath.isEmpty() ? QString() : QFileInfo(modelPath).absoluteFilePath();
    plan.output = output;
    plan.output.path.clear();
    plan.output.existing = Existing::Refuse;

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
    std::tie(plan.output.first, plan.output.last) = *range;
    if (Result<void> ok = checkKeyframes(job.keyframes, **film, feedback); !ok)
        return ok.error();

    std::vector<Shot> shots = job.shots;
    if (shots.empty()) {
        auto detected = detectShots(**film, job.shotParams, feedback);
        if (!detected)
            return detected.error();
        shots = std::move(detected).value();
    }
    // A method that uses no keyframes (per-frame mode) gets none; the engine refuses any given.
    Result<std::vector<ShotKeyframes>> assigned =
        (*method)->usesKeyframes()
            ? assignKeyframes(shots, job.keyframes, plan.output.first, plan.output.last,
                              job.proposeMissing)
            : shotsWithoutKeyframes(shots, plan.output.first, plan.output.last);
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
                Result<QString> sha = ml::sha256OfFile(file);
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
            Result<QString> sha = ml::sha256OfFile(k.path);
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
    auto method = createPropagationMethod(plan.method, planMethodOptions(plan.modelPath));
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

} // namespace tincture::pipeline
