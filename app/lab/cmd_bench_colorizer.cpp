// bench colorizer: the keyframe model (the shipped one, or --model via TINCTURE_MODEL_DIR) on
// synthetic film-like frames: milliseconds per frame for single frames and for batches of 4,
// at 854×480 and 1920×1080 (or --size), including the full-resolution recombination with the
// luminance kept. Loading is timed once, separately. Then each installed video colouriser in
// per-frame mode (its temporal mechanism on) over a shot of 10 moving frames: milliseconds per
// frame and frames per second.

#include "cmd_bench.h"

#include "ml/colorizer.h"
#include "ml/videocolorizer.h"

#include <QJsonArray>

namespace tincture::cli {

Result<QJsonObject> benchColorizer(const BenchOptions &options, QTextStream &out)
{
    ml::ColorizerOptions co;
    co.threads = options.threads;
    const BenchClock::time_point loadStart = BenchClock::now();
    auto model = ml::Colorizer::load(ml::Colorizer::defaultModelPath(), co);
    if (!model)
        return model.error();
    const double loadMs = msSince(loadStart);
    const ml::Colorizer &c = **model;
    const QList<QSize> sizes =
        options.sizes.isEmpty() ? QList<QSize>{QSize(854, 480), QSize(1920, 1080)} : options.sizes;
    QJsonArray results;
    QList<QStringList> rows;
    for (const QSize &size : sizes) {
        std::vector<Frame> frames;
        for (int i = 0; i < 4; ++i)
            frames.push_back(syntheticFrame(size.width(), size.height(), i).luma());
        std::vector<double> single, batched;
        for (int run = 0; run <= options.runs; ++run) { // run 0 is the warm-up
            if (benchInterrupted())
                return Error::cancelled();
            BenchClock::time_point t0 = BenchClock::now();
            auto one = c.colorize(frames[0]);
            if (!one)
                return one.error();
            const double oneMs = msSince(t0);
            Feedback feedback;
            t0 = BenchClock::now();
            auto four = c.colorize(frames, feedback);
            if (!four)
                return four.error();
            const double fourMs = msSince(t0) / 4.0;
            if (run > 0) {
                single.push_back(oneMs);
                batched.push_back(fourMs);
            }
        }
        results.append(QJsonObject{{QStringLiteral("width"), size.width()},
                                   {QStringLiteral("height"), size.height()},
                                   {QStringLiteral("ms_per_frame_single"), median(single)},
                                   {QStringLiteral("ms_per_frame_batch4"), median(batched)},
                                   {QStringLiteral("runs"), options.runs}});
        rows << QStringList{QStringLiteral("%1×%2").arg(size.width()).arg(size.height()),
                            fixed(median(single), 1), fixed(median(batched), 1)};
    }
    out << QStringLiteral("colorizer: %1 (width %2, depth %3), working short side as shipped; "
                          "load %4 ms; %5\n")
               .arg(c.info().path)
               .arg(c.info().baseWidth)
               .arg(c.info().depth)
               .arg(loadMs, 0, 'f', 0)
               .arg(c.info().gpu ? QStringLiteral("GPU") : QStringLiteral("CPU"));
    out << formatTable({QStringLiteral("size"), QStringLiteral("ms/frame (1)"),
                        QStringLiteral("ms/frame (batch 4)")},
                       rows);

    // Per-frame mode: a shot of 10 frames, the first a warm-up of each run's own.
    QJsonArray perFrame;
    QList<QStringList> perFrameRows;
    for (const QString &name : ml::colorizerNames().mid(1)) {
        auto path = ml::colorizerManifest(name);
        if (!path)
            return path.error();
        auto video = ml::VideoColorizer::load(*path, co);
        if (!video)
            return video.error();
        for (const QSize &size : sizes) {
            std::vector<Frame> shot;
            for (int i = 0; i < 10; ++i)
                shot.push_back(syntheticFrame(size.width(), size.height(), i).luma());
            std::vector<double> perFrameMs;
            for (int run = 0; run <= options.runs; ++run) {
                const auto shotRun = (*video)->start(true);
                for (size_t i = 0; i < shot.size(); ++i) {
                    if (benchInterrupted())
                        return Error::cancelled();
                    const BenchClock::time_point t0 = BenchClock::now();
                    auto coloured = shotRun->next(shot[i]);
                    if (!coloured)
                        return coloured.error();
                    if (run > 0 && i > 0)
                        perFrameMs.push_back(msSince(t0));
                }
            }
            const double ms = median(perFrameMs);
            perFrame.append(QJsonObject{{QStringLiteral("colorizer"), name},
                                        {QStringLiteral("width"), size.width()},
                                        {QStringLiteral("height"), size.height()},
                                        {QStringLiteral("ms_per_frame"), ms},
                                        {QStringLiteral("frames_per_second"), 1000.0 / ms}});
            perFrameRows << QStringList{
                name, QStringLiteral("%1×%2").arg(size.width()).arg(size.height()), fixed(ms, 1),
                fixed(1000.0 / ms, 2)};
        }
    }
    if (!perFrameRows.isEmpty()) {
        out << QStringLiteral("per-frame mode (temporal mechanism on; median of frames 2–10 of "
                              "each run):\n");
        out << formatTable({QStringLiteral("colouriser"), QStringLiteral("size"),
                            QStringLiteral("ms/frame"), QStringLiteral("frames/s")},
                           perFrameRows);
    }
    return QJsonObject{{QStringLiteral("target"), QStringLiteral("colorizer")},
                       {QStringLiteral("model"), c.info().path},
                       {QStringLiteral("load_ms"), loadMs},
                       {QStringLiteral("gpu_used"), c.info().gpu},
                       {QStringLiteral("results"), results},
                       {QStringLiteral("per_frame"), perFrame}};
}

} // namespace tincture::cli
