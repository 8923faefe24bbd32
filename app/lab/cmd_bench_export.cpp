// bench export: encode frames/s of the delivery and master formats through VideoEncoder at
// 854×480 (unless --size): H.264 in MP4 with the bundled sample's audio carried over, FFV1 in
// MKV, ProRes 422 HQ in MOV. Baseline, timed in the same run: the ffmpeg program encoding the
// same frames (raw RGB from a file) with the same codec settings.

#include "cmd_bench.h"

#include <QFile>
#include <QJsonArray>

namespace tincture::cli {

Result<EncodeTiming> encodeSyntheticClip(const QString &path, QSize size, int frames,
                                         const EncodeSettings &settings)
{
    EncodeTiming timing;
    const BenchClock::time_point t0 = BenchClock::now();
    auto enc = VideoEncoder::create(path, size.width(), size.height(), settings);
    if (!enc)
        return enc.error();
    timing.ms += msSince(t0);
    for (int i = 0; i < frames; ++i) {
        if (benchInterrupted()) {
            (*enc)->abort();
            return Error::cancelled();
        }
        const Frame f = syntheticFrame(size.width(), size.height(), i); // not timed
        const BenchClock::time_point t = BenchClock::now();
        if (auto r = (*enc)->write(f); !r)
            return r.error();
        timing.ms += msSince(t);
    }
    const BenchClock::time_point t1 = BenchClock::now();
    if (auto r = (*enc)->finish(); !r)
        return r.error();
    timing.ms += msSince(t1);
    timing.audioStreams = (*enc)->audioStreamsWritten();
    return timing;
}

namespace {

struct ExportFormat
{
    VideoCodec codec;
    const char *label;
    const char *suffix;
    QStringList ffmpegArgs; // the same codec settings as VideoEncoder's
};

QList<ExportFormat> exportFormats()
{
    return {
        {VideoCodec::H264,
         "H.264 CRF 16 medium + audio",
         "mp4",
         {QStringLiteral("-c:v"), QStringLiteral("libx264"), QStringLiteral("-preset"),
          QStringLiteral("medium"), QStringLiteral("-crf"), QStringLiteral("16"),
          QStringLiteral("-pix_fmt"), QStringLiteral("yuv420p")}},
        {VideoCodec::Ffv1,
         "FFV1 (RGB 8-bit, as the sample)",
         "mkv",
         {QStringLiteral("-c:v"), QStringLiteral("ffv1"), QStringLiteral("-level"),
          QStringLiteral("3"), QStringLiteral("-g"), QStringLiteral("1"), QStringLiteral("-slices"),
          QStringLiteral("4"), QStringLiteral("-slicecrc"), QStringLiteral("1"),
          QStringLiteral("-pix_fmt"), QStringLiteral("bgr0")}},
        {VideoCodec::ProRes,
         "ProRes 422 HQ",
         "mov",
         {QStringLiteral("-c:v"), QStringLiteral("prores_ks"), QStringLiteral("-profile:v"),
          QStringLiteral("hq"), QStringLiteral("-vendor"), QStringLiteral("apl0"),
          QStringLiteral("-pix_fmt"), QStringLiteral("yuv422p10le")}},
    };
}

// The synthetic frames as one raw RGB file, the baseline's input (read from the page cache).
Result<void> writeRaw(const QString &path, QSize size, int frames)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(ErrorCode::WriteFailed, QStringLiteral("%1: cannot write").arg(path),
                         file.errorString());
    for (int i = 0; i < frames; ++i) {
        const Frame f = syntheticFrame(size.width(), size.height(), i);
        const auto bytes = qint64(f.byteSize());
        if (file.write(reinterpret_cast<const char *>(f.constData()), bytes) != bytes)
            return makeError(ErrorCode::WriteFailed, QStringLiteral("%1: cannot write").arg(path),
                             file.errorString());
    }
    return {};
}

} // namespace

Result<QJsonObject> benchExport(const BenchOptions &options, QTextStream &out)
{
    const bool ffmpeg = haveFfmpeg();
    const bool audio = !options.sample.isEmpty();
    out << "export: VideoEncoder (encoder threads: "
        << (options.threads ? QString::number(options.threads) : QStringLiteral("auto")) << "), "
        << options.frames << " synthetic frames; "
        << (ffmpeg ? QStringLiteral("baseline: ffmpeg with the same codec settings on the same "
                                    "frames as raw RGB (rtime)")
                   : QStringLiteral("no ffmpeg on PATH: no baseline"))
        << (audio ? QString() : QStringLiteral("; no sample found, so no audio")) << '\n';
    QList<QSize> sizes = options.sizes;
    if (sizes.isEmpty())
        sizes = {QSize(854, 480)};
    QJsonArray rows;
    QList<QStringList> table;
    for (const QSize &size : sizes) {
        const QString raw = QStringLiteral("%1/export_%2x%3.rgb")
                                .arg(options.workDir)
                                .arg(size.width())
                                .arg(size.height());
        if (ffmpeg)
            if (auto r = writeRaw(raw, size, options.frames); !r)
                return r.error();
        for (const ExportFormat &format : exportFormats()) {
            const QString path =
                QStringLiteral("%1/export.%2").arg(options.workDir, QLatin1String(format.suffix));
            EncodeSettings settings;
            settings.codec = format.codec;
            settings.threads = options.threads;
            settings.bitDepth = 8;                 // the synthetic frames, like the sample's
            settings.existing = Existing::Replace; // the bench's own work folder, run after run
            const bool withAudio = audio && format.codec == VideoCodec::H264;
            if (withAudio)
                settings.audioSource = options.sample;
            std::vector<double> ours, base;
            int audioStreams = 0;
            for (int run = 0; run <= options.runs; ++run) {
                auto t = encodeSyntheticClip(path, size, options.frames, settings);
                if (!t)
                    return t.error();
                audioStreams = t->audioStreams;
                if (run > 0)
                    ours.push_back(1000.0 * options.frames / t->ms);
            }
            QFile::remove(path);
            if (ffmpeg) {
                QStringList args = {QStringLiteral("-f"),
                                    QStringLiteral("rawvideo"),
                                    QStringLiteral("-pix_fmt"),
                                    QStringLiteral("rgb24"),
                                    QStringLiteral("-s"),
                                    QStringLiteral("%1x%2").arg(size.width()).arg(size.height()),
                                    QStringLiteral("-r"),
                                    QStringLiteral("24"),
                                    QStringLiteral("-i"),
                                    raw};
                if (withAudio)
                    args << QStringLiteral("-i") << options.sample << QStringLiteral("-map")
                         << QStringLiteral("0:v") << QStringLiteral("-map") << QStringLiteral("1:a")
                         << QStringLiteral("-c:a") << QStringLiteral("copy")
                         << QStringLiteral("-shortest");
                args << format.ffmpegArgs << QStringLiteral("-threads")
                     << QString::number(options.threads) << QStringLiteral("-y") << path;
                for (int run = 0; run <= options.runs; ++run) {
                    auto t = runFfmpeg(args);
                    if (!t)
                        return t.error();
                    if (run > 0)
                        base.push_back(1000.0 * options.frames / t->ms);
                }
                QFile::remove(path);
            }
            rows.append(QJsonObject{{QStringLiteral("codec"), codecName(format.codec)},
                                    {QStringLiteral("settings"), QString::fromLatin1(format.label)},
                                    {QStringLiteral("width"), size.width()},
                                    {QStringLiteral("height"), size.height()},
                                    {QStringLiteral("frames"), options.frames},
                                    {QStringLiteral("audio_streams"), audioStreams},
                                    {QStringLiteral("encode_fps_median"), median(ours)},
                                    {QStringLiteral("encode_fps_min"), minimum(ours)},
                                    {QStringLiteral("ffmpeg_fps_median"),
                                     ffmpeg ? QJsonValue(median(base)) : QJsonValue()}});
            table << QStringList{QString::fromLatin1(format.label),
                                 QStringLiteral("%1×%2").arg(size.width()).arg(size.height()),
                                 QString::number(audioStreams), fixed(median(ours), 1),
                                 ffmpeg ? fixed(median(base), 1) : QStringLiteral("–")};
        }
        QFile::remove(raw);
    }
    out << formatTable({QStringLiteral("format"), QStringLiteral("size"), QStringLiteral("audio"),
                        QStringLiteral("encode fps"), QStringLiteral("ffmpeg fps")},
                       table);
    return QJsonObject{{QStringLiteral("target"), QStringLiteral("export")},
                       {QStringLiteral("encoder_threads"),
                        options.threads ? QJsonValue(options.threads) : QJsonValue("auto")},
                       {QStringLiteral("formats"), rows}};
}

} // namespace tincture::cli
