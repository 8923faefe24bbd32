#include "pipeline/shotparts.h"

#include "foundation/atomicoutput.h"
#include "ml/modelmanifest.h"
#include "pipeline/internal/jsonreader.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSysInfo>

#include <algorithm>
#include <cerrno>
#include <csignal>

#include <unistd.h>

using namespace tincture::propagation;
using tincture::pipeline::detail::JsonReader;
using tincture::pipeline::detail::readJsonObject;

namespace tincture::pipeline {
namespace {

QString partName(int shot, const char *suffix)
{
    return QStringLiteral("shot-%1%2")
        .arg(shot, 4, 10, QLatin1Char('0'))
        .arg(QLatin1String(suffix));
}

QString hostName()
{
    return QSysInfo::machineHostName();
}

bool processAlive(qint64 pid)
{
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
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
    JsonReader read(recordPath);
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
    return {std::max(plan.shots[size_t(shot)].first, plan.output.first),
            std::min(plan.shots[size_t(shot)].last, plan.output.last)};
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
    job.workingHeight = plan.workingHeight;
    job.method = plan.method;
    job.methodOptions.colorizerPath = plan.modelPath;
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
    Result<QString> sha = ml::sha256OfFile(report.part);
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
    OutputSpec output = plan.output;
    output.path = outputPath;
    output.existing = existing;
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
            Result<QString> sha = ml::sha256OfFile(dir.filePath(partName(k, ".mkv")));
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
    provenance.first = plan.output.first;
    provenance.last = plan.output.last;
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
