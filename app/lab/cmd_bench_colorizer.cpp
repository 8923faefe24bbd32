// bench colorizer: the keyframe model (the shipped one, or --model via TINCTURE_MODEL_DIR) on
// synthetic film-like frames: milliseconds per frame for single frames and for batches of 4,
// at 854×480 and 1920×1080 (or --size), including the full-resolution recombination with the
// luminance kept. Loading is timed once, separately.

#include "cmd_bench.h"

#include "ml/colorizer.h"

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
    return QJsonObject{{QStringLiteral("target"), QStringLiteral("colorizer")},
                       {QStringLiteral("model"), c.info().path},
                       {QStringLiteral("load_ms"), loadMs},
                       {QStringLiteral("gpu_used"), c.info().gpu},
                       {QStringLiteral("results"), results}};
}

} // namespace tincture::cli
