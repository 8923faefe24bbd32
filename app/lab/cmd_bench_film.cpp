// bench film: `colorize` end to end at archival resolutions — decode a 16-bit grey DPX scan,
// detect its shots, make the keyframe, propagate at the default working height, deliver at
// full size and depth, encode a 16-bit FFV1 master — at 854×480, 1920×1080, 2048×1556 and
// 4096×3112 (unless --size), frames/s and each size's own peak resident memory. The 480p row
// is the baseline, timed in the same run. Frames: the synthetic film picture as grey, written
// as DPX by the ffmpeg program (a TIFF sequence, said so, without it). One timed run per size
// and no warm-up (--runs ignored): each run is long, and it includes what a user's run does
// (loading the model).

#include "cmd_bench.h"
#include "clicommon.h"

#include "foundation/sysinfo.h"
#include "media/imageio.h"
#include "pipeline/filmengine.h"
#include "propagation/workingresolution.h"

#include <QDir>
#include <QJsonArray>

namespace tincture::cli {
namespace {

struct FilmRun
{
    QSize size;
    QString format; // "DPX" or "TIFF"
    double seconds = 0, detectSeconds = 0, keyframeSeconds = 0, colourSeconds = 0;
    double peakMb = -1;
    int workingHeight = 0;
};

// Writes `frames` grey 16-bit frames of `size` into dir as f00000.dpx … (or .tif); returns
// the pattern.
Result<QString> writeScan(const QString &dir, QSize size, int frames, QString &format)
{
    if (!QDir().mkpath(dir))
        return makeError(ErrorCode::WriteFailed, QStringLiteral("%1: cannot create").arg(dir));
    for (int i = 0; i < frames; ++i) {
        if (benchInterrupted())
            return Error::cancelled();
        const Frame grey =
            syntheticFrame(size.width(), size.height(), i).luma().converted(PixelFormat::Gray16);
        const QString path =
            QDir(dir).filePath(QStringLiteral("f%1.tif").arg(i, 5, 10, QLatin1Char('0')));
        if (auto w = writeImage(path, grey, Existing::Replace); !w)
            return w.error();
    }
    const QString tiffs = QDir(dir).filePath(QStringLiteral("f%05d.tif"));
    format = QStringLiteral("TIFF");
    if (!haveFfmpeg())
        return tiffs;
    const QString dpx = QDir(dir).filePath(QStringLiteral("f%05d.dpx"));
    auto converted =
        runFfmpeg({QStringLiteral("-i"), tiffs, QStringLiteral("-c:v"), QStringLiteral("dpx"),
                   QStringLiteral("-pix_fmt"), QStringLiteral("gray16le"), dpx});
    if (!converted)
        return converted.error();
    for (const QString &f : QDir(dir).entryList({QStringLiteral("*.tif")}))
        QFile::remove(QDir(dir).filePath(f));
    format = QStringLiteral("DPX");
    return dpx;
}

Result<FilmRun> runOne(const BenchOptions &options, QSize size)
{
    FilmRun run;
    run.size = size;
    const QString dir =
        QDir(options.workDir)
            .filePath(QStringLiteral("film-%1x%2").arg(size.width()).arg(size.height()));
    Result<QString> scan = writeScan(dir, size, options.frames, run.format);
    if (!scan)
        return scan.error();
    pipeline::FilmJob job;
    job.input = *scan;
    job.workingHeight = propagation::kDefaultWorkingHeight;
    job.threads = options.threads;
    run.workingHeight = propagation::workingSize(size, job.workingHeight).height();
    OutputSpec out;
    out.path = QDir(dir).filePath(QStringLiteral("out.mkv"));
    out.codec = VideoCodec::Ffv1;
    out.existing = Existing::Replace;
    pipeline::KeyframeModelOptions model;
    pipeline::KeyframeService keyframes(model);
    Feedback feedback;
    feedback.linkCancelFlag(&interruptFlag());
    sysinfo::resetPeakResident();
    const BenchClock::time_point t0 = BenchClock::now();
    auto report = pipeline::colorizeFilm(job, out, keyframes, feedback);
    run.seconds = msSince(t0) / 1000.0;
    if (!report)
        return report.error();
    const int64_t peak = sysinfo::peakResidentBytes();
    run.peakMb = peak >= 0 ? double(peak) / (1 << 20) : -1;
    run.detectSeconds = report->detectSeconds;
    run.keyframeSeconds = report->keyframeSeconds;
    run.colourSeconds = report->colourSeconds;
    QDir(dir).removeRecursively();
    return run;
}

} // namespace

Result<QJsonObject> benchFilm(const BenchOptions &options, QTextStream &out)
{
    const QList<QSize> sizes =
        options.sizes.isEmpty()
            ? QList<QSize>{QSize(854, 480), QSize(1920, 1080), QSize(2048, 1556), QSize(4096, 3112)}
            : options.sizes;
    out << QStringLiteral("film: colorize end to end, %1 frames of a 16-bit grey scan → FFV1 "
                          "16-bit, working height %2; one run per size, no warm-up\n")
               .arg(options.frames)
               .arg(propagation::kDefaultWorkingHeight);
    out.flush();
    QList<QStringList> rows;
    QJsonArray results;
    double baseline = 0;
    for (const QSize &size : sizes) {
        if (benchInterrupted())
            return Error::cancelled();
        Result<FilmRun> run = runOne(options, size);
        if (!run)
            return run.error();
        const double fps = options.frames / run->seconds;
        if (baseline == 0)
            baseline = fps;
        rows << QStringList{QStringLiteral("%1×%2").arg(size.width()).arg(size.height()),
                            run->format,
                            QString::number(run->workingHeight),
                            fixed(fps, 2),
                            fixed(fps / baseline, 2),
                            fixed(run->detectSeconds, 1),
                            fixed(run->keyframeSeconds, 1),
                            fixed(run->colourSeconds, 1),
                            run->peakMb >= 0 ? fixed(run->peakMb, 0) : QStringLiteral("–")};
        results.append(
            QJsonObject{{QStringLiteral("width"), size.width()},
                        {QStringLiteral("height"), size.height()},
                        {QStringLiteral("source_format"), run->format},
                        {QStringLiteral("working_height"), run->workingHeight},
                        {QStringLiteral("frames"), options.frames},
                        {QStringLiteral("seconds"), run->seconds},
                        {QStringLiteral("frames_per_second"), fps},
                        {QStringLiteral("detect_seconds"), run->detectSeconds},
                        {QStringLiteral("keyframe_seconds"), run->keyframeSeconds},
                        {QStringLiteral("colour_and_encode_seconds"), run->colourSeconds},
                        {QStringLiteral("peak_rss_mb"), run->peakMb}});
        out << QStringLiteral("  %1×%2: %3 frames/s, peak %4 MB\n")
                   .arg(size.width())
                   .arg(size.height())
                   .arg(fps, 0, 'f', 2)
                   .arg(run->peakMb, 0, 'f', 0);
        out.flush();
    }
    out << formatTable({QStringLiteral("size"), QStringLiteral("source"),
                        QStringLiteral("working rows"), QStringLiteral("frames/s"),
                        QStringLiteral("× first"), QStringLiteral("shots s"),
                        QStringLiteral("keyframes s"), QStringLiteral("colour+encode s"),
                        QStringLiteral("peak MB")},
                       rows);
    return QJsonObject{{QStringLiteral("target"), QStringLiteral("film")},
                       {QStringLiteral("sizes"), results}};
}

} // namespace tincture::cli
