// bench decode: our decoder's frames/s (VideoSource, frames read in order, RGB out) on the
// bundled sample and on H.264 clips the bench encodes itself (854×480 and 1920×1080 unless
// --size), the H.264 encode frames/s of those clips, and FFmpeg's own decode of the same files
// timed in the same run as the baseline: decode only, plus conversion to RGB with swscale's
// default flags, and with the accurate flags our decoder uses (the fair comparison).

#include "cmd_bench.h"

#include "foundation/sysinfo.h"
#include "media/videosource.h"

#include <QFileInfo>
#include <QJsonArray>

namespace tincture::cli {

namespace {

struct DecodeFigures
{
    int64_t frames = 0;
    int width = 0, height = 0;
    std::vector<double> fps, openMs;
};

Result<DecodeFigures> timeOurDecoder(const QString &path, int runs)
{
    DecodeFigures d;
    for (int run = 0; run <= runs; ++run) { // run 0 is the warm-up
        if (benchInterrupted())
            return Error::cancelled();
        const BenchClock::time_point t0 = BenchClock::now();
        auto source = VideoSource::open(path); // a fresh source: no frame comes from a cache
        if (!source)
            return source.error();
        const double openMs = msSince(t0);
        const int64_t n = (*source)->frameCount();
        const BenchClock::time_point t1 = BenchClock::now();
        for (int64_t i = 0; i < n; ++i)
            if (auto f = (*source)->frame(i); !f)
                return f.error();
        const double ms = msSince(t1);
        d.frames = n;
        d.width = (*source)->info().width;
        d.height = (*source)->info().height;
        if (run == 0)
            continue;
        d.fps.push_back(1000.0 * double(n) / ms);
        d.openMs.push_back(openMs);
    }
    return d;
}

enum class FfmpegOutput {
    Native,       // decode only (-f null keeps the decoder's YUV)
    Rgb,          // plus conversion to RGB with swscale's default (fast, bicubic) flags
    RgbSameFlags, // plus conversion with the flags our decoder uses (media/ffmpegutil.cpp)
};

Result<std::vector<double>> timeFfmpegDecode(const QString &path, int64_t frames, int threads,
                                             FfmpegOutput output, int runs)
{
    QStringList args = {QStringLiteral("-threads"), QString::number(threads), QStringLiteral("-i"),
                        path, QStringLiteral("-an")};
    if (output == FfmpegOutput::RgbSameFlags)
        args << QStringLiteral("-sws_flags")
             << QStringLiteral("neighbor+accurate_rnd+full_chroma_int+full_chroma_inp");
    if (output != FfmpegOutput::Native)
        args << QStringLiteral("-pix_fmt") << QStringLiteral("rgb24");
    args << QStringLiteral("-f") << QStringLiteral("null") << QStringLiteral("-");
    std::vector<double> fps;
    for (int run = 0; run <= runs; ++run) {
        auto t = runFfmpeg(args);
        if (!t)
            return t.error();
        if (run > 0)
            fps.push_back(1000.0 * double(frames) / t->ms);
    }
    return fps;
}

} // namespace

Result<QJsonObject> benchDecode(const BenchOptions &options, QTextStream &out)
{
    const int ffThreads = options.threads > 0 ? options.threads : sysinfo::logicalCores();
    const bool ffmpeg = haveFfmpeg();
    out << "decode: VideoSource, frames in order to RGB (FFmpeg decoder threads: auto); "
        << (ffmpeg ? QStringLiteral("baseline `ffmpeg -threads %1 -i FILE -an -f null -` "
                                    "(rtime)")
                         .arg(ffThreads)
                   : QStringLiteral("no ffmpeg on PATH: no baseline"))
        << '\n';
    struct Clip
    {
        QString label, path;
        std::vector<double> encodeFps;
    };
    std::vector<Clip> clips;
    if (!options.sample.isEmpty())
        clips.push_back({QStringLiteral("sample"), options.sample, {}});
    else
        out << "  (bundled sample not found; give --sample FILE)\n";
    QList<QSize> sizes = options.sizes;
    if (sizes.isEmpty())
        sizes = {QSize(854, 480), QSize(1920, 1080)};
    for (const QSize &s : sizes) {
        Clip c{QStringLiteral("synthetic"),
               QStringLiteral("%1/decode_%2x%3.mp4")
                   .arg(options.workDir)
                   .arg(s.width())
                   .arg(s.height()),
               {}};
        EncodeSettings settings; // H.264, CRF 16, preset medium, 24 fps
        settings.threads = options.threads;
        settings.existing = Existing::Replace; // the bench's own work folder, run after run
        for (int run = 0; run <= options.runs; ++run) {
            if (benchInterrupted())
                return Error::cancelled();
            auto t = encodeSyntheticClip(c.path, s, options.frames, settings);
            if (!t)
                return t.error();
            if (run > 0)
                c.encodeFps.push_back(1000.0 * options.frames / t->ms);
        }
        clips.push_back(c);
    }

    QJsonArray rows;
    QList<QStringList> table;
    for (const Clip &c : clips) {
        auto ours = timeOurDecoder(c.path, options.runs);
        if (!ours)
            return ours.error();
        std::vector<double> ff, ffRgb, ffSame;
        if (ffmpeg) {
            for (auto [mode, into] :
                 {std::pair{FfmpegOutput::Native, &ff}, std::pair{FfmpegOutput::Rgb, &ffRgb},
                  std::pair{FfmpegOutput::RgbSameFlags, &ffSame}}) {
                auto t = timeFfmpegDecode(c.path, ours->frames, ffThreads, mode, options.runs);
                if (!t)
                    return t.error();
                *into = *t;
            }
        }
        const double enc = median(c.encodeFps);
        rows.append(QJsonObject{
            {QStringLiteral("clip"), c.label},
            {QStringLiteral("file"), QFileInfo(c.path).fileName()},
            {QStringLiteral("width"), ours->width},
            {QStringLiteral("height"), ours->height},
            {QStringLiteral("frames"), qint64(ours->frames)},
            {QStringLiteral("decode_fps_median"), median(ours->fps)},
            {QStringLiteral("decode_fps_min"), minimum(ours->fps)},
            {QStringLiteral("open_ms_median"), median(ours->openMs)},
            {QStringLiteral("ffmpeg_fps_median"), ffmpeg ? QJsonValue(median(ff)) : QJsonValue()},
            {QStringLiteral("ffmpeg_rgb24_fps_median"),
             ffmpeg ? QJsonValue(median(ffRgb)) : QJsonValue()},
            {QStringLiteral("ffmpeg_rgb24_same_flags_fps_median"),
             ffmpeg ? QJsonValue(median(ffSame)) : QJsonValue()},
            {QStringLiteral("encode_fps_median"),
             c.encodeFps.empty() ? QJsonValue() : QJsonValue(enc)}});
        table << QStringList{c.label,
                             QStringLiteral("%1×%2").arg(ours->width).arg(ours->height),
                             QString::number(ours->frames),
                             fixed(median(ours->fps), 1),
                             ffmpeg ? fixed(median(ff), 1) : QStringLiteral("–"),
                             ffmpeg ? fixed(median(ffRgb), 1) : QStringLiteral("–"),
                             ffmpeg ? fixed(median(ffSame), 1) : QStringLiteral("–"),
                             fixed(median(ours->openMs), 1),
                             c.encodeFps.empty() ? QStringLiteral("–") : fixed(enc, 1)};
    }
    out << formatTable({QStringLiteral("clip"), QStringLiteral("size"), QStringLiteral("frames"),
                        QStringLiteral("decode fps"), QStringLiteral("ffmpeg fps"),
                        QStringLiteral("ffmpeg→rgb24 fps"), QStringLiteral("same flags fps"),
                        QStringLiteral("open ms"), QStringLiteral("H.264 encode fps")},
                       table);
    return QJsonObject{
        {QStringLiteral("target"), QStringLiteral("decode")},
        {QStringLiteral("decoder_threads"), QStringLiteral("auto")},
        {QStringLiteral("ffmpeg_threads"), ffThreads},
        {QStringLiteral("baseline"),
         ffmpeg ? QStringLiteral("ffmpeg -threads N -i FILE -an [-sws_flags neighbor+accurate_rnd+"
                                 "full_chroma_int+full_chroma_inp] [-pix_fmt rgb24] -f null - "
                                 "(-benchmark rtime)")
                : QStringLiteral("none (no ffmpeg on PATH)")},
        {QStringLiteral("encoder"), QStringLiteral("VideoEncoder libx264 CRF 16 preset medium")},
        {QStringLiteral("clips"), rows}};
}

} // namespace tincture::cli
