// tincture-lab eval video --data DIR --colorizer NAME: a video colouriser in per-frame mode on
// colour sequences, with its temporal mechanism on and off, frame for frame on the same grey:
// chroma PSNR under the true luma (PROTOCOLS §2), colourfulness against the truth's, the warp
// error E_t (§3; flow on the grey input, computed once for both runs) and CDC (§4).

#include "clicommon.h"
#include "colorizerchoice.h"
#include "labcommands.h"

#include "lab/evaluation.h"
#include "lab/truthsequence.h"
#include "metrics/imagemetrics.h"
#include "metrics/temporalmetrics.h"
#include "ml/videocolorizer.h"

#include "foundation/atomicoutput.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cmath>
#include <optional>
#include <tuple>

namespace tincture::cli {

namespace {

const QString kCommand = QStringLiteral("eval video");

// One run's sums over a sequence.
struct RunScore
{
    double psnr = 0, colourfulness = 0, warpError = 0, cdc = 0;
    int frames = 0, pairs = 0;
    metrics::CdcMeter cdcMeter;
};

struct SequenceResult
{
    QString name;
    int frames = 0;
    double truthColourfulness = 0;
    RunScore on, off; // temporal mechanism on, off
};

QJsonObject runJson(const RunScore &r)
{
    return QJsonObject{{QStringLiteral("chroma_psnr"), r.psnr},
                       {QStringLiteral("colourfulness"), r.colourfulness},
                       {QStringLiteral("warp_error"), r.warpError},
                       {QStringLiteral("cdc"), r.cdc}};
}

} // namespace

int runEvalPerFrame(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption data(QStringLiteral("data"),
                                  QStringLiteral("Colour sequences: DIR/<sequence>/<frames>."),
                                  QStringLiteral("DIR"));
    const QCommandLineOption model(QStringLiteral("model"),
                                   QStringLiteral("A video colouriser's manifest."),
                                   QStringLiteral("FILE"));
    const QCommandLineOption colorizer = colorizerOption();
    const QCommandLineOption frames(QStringLiteral("frames"),
                                    QStringLiteral("Only the first N frames of each sequence "
                                                   "(default: all)."),
                                    QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("CPU threads (default: all cores)."),
                                     QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Also write the figures as JSON."),
                                  QStringLiteral("OUT.json"));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("Only the summary."));
    parser.addOptions({data, model, colorizer, frames, threads, json, quiet, overwriteOption()});
    if (int rc = parseArgs(parser, kCommand,
                           QStringLiteral("Score a video colouriser in per-frame mode on colour "
                                          "sequences, its temporal mechanism on and off: chroma "
                                          "PSNR (PROTOCOLS §2), colourfulness, warp error E_t "
                                          "(§3) and CDC (§4), per sequence and their means."),
                           args, 0, 0, QString());
        rc != kExitOk)
        return rc;
    if (!parser.isSet(data))
        return usageError(kCommand, QStringLiteral("--data DIR is required"));
    if (!parser.isSet(model) && !parser.isSet(colorizer))
        return usageError(kCommand, QStringLiteral("name the colouriser: --colorizer NAME or "
                                                   "--model FILE"));
    bool ok = false;
    const int maxFrames = parser.value(frames).toInt(&ok);
    if (!ok || maxFrames < 0)
        return usageError(kCommand, QStringLiteral("invalid --frames"));
    const int threadCount = parser.value(threads).toInt(&ok);
    if (!ok || threadCount < 0)
        return usageError(kCommand, QStringLiteral("invalid --threads"));
    QString modelPath;
    int choiceCode = kExitOk;
    if (!readColorizerChoice(parser, model, colorizer, kCommand, modelPath, choiceCode))
        return choiceCode;
    if (parser.isSet(json))
        if (int rc = checkOutputArg(parser, parser.value(json), {parser.value(data), modelPath});
            rc != kExitOk)
            return rc;
    ml::ColorizerOptions options;
    options.threads = threadCount;
    auto loaded = ml::VideoColorizer::load(modelPath, options);
    if (!loaded)
        return reportError(loaded.error());
    const std::shared_ptr<const ml::VideoColorizer> &net = *loaded;
    Feedback listing;
    auto sequences = lab::listEvalSequences(parser.value(data), maxFrames, listing);
    if (!sequences)
        return reportError(sequences.error());
    int64_t total = 0;
    for (const lab::EvalSequence &s : *sequences)
        total += s.framePaths.size();

    const bool silent = parser.isSet(quiet);
    ProgressBar bar(kCommand, silent, QStringLiteral("frames"));
    QElapsedTimer clock;
    clock.start();
    std::vector<SequenceResult> results;
    int64_t done = 0;
    for (const lab::EvalSequence &sequence : *sequences) {
        lab::TruthSequence truthSequence(sequence);
        SequenceResult r;
        r.name = sequence.name;
        const auto runOn = net->start(true), runOff = net->start(false);
        Frame prevGrey, prevOn, prevOff;
        for (int i = 0; i < truthSequence.frameCount(); ++i) {
            if (interruptFlag().load())
                return reportError(Error::cancelled());
            auto truth = truthSequence.truth(i);
            if (!truth)
                return reportError(truth.error());
            const Frame grey = lab::protocolGrey(*truth);
            auto truthColourfulness = metrics::colourfulness(*truth);
            if (!truthColourfulness)
                return reportError(truthColourfulness.error());
            r.truthColourfulness += *truthColourfulness;
            std::optional<metrics::FlowField> forward, backward;
            if (!prevGrey.isNull()) {
                auto f = metrics::farnebackFlow(prevGrey, grey);
                auto b = metrics::farnebackFlow(grey, prevGrey);
                if (!f || !b)
                    return reportError(!f ? f.error() : b.error());
                forward = std::move(*f);
                backward = std::move(*b);
            }
            for (auto [run, score, prev] : {std::tuple{runOn.get(), &r.on, &prevOn},
                                            std::tuple{runOff.get(), &r.off, &prevOff}}) {
                auto out = run->next(grey);
                if (!out)
                    return reportError(out.error());
                const Frame colour = out->converted(PixelFormat::Rgb8);
                auto psnr = metrics::chromaPsnr(colour, *truth);
                auto cf = metrics::colourfulness(colour);
                if (!psnr || !cf)
                    return reportError(!psnr ? psnr.error() : cf.error());
                score->psnr += *psnr;
                score->colourfulness += *cf;
                if (auto added = score->cdcMeter.add(colour); !added)
                    return reportError(added.error());
                if (forward) {
                    auto e = metrics::warpErrorWithFlow(*prev, colour, *forward, *backward);
                    if (!e)
                        return reportError(e.error());
                    score->warpError += *e;
                    ++score->pairs;
                }
                ++score->frames;
                *prev = colour;
            }
            prevGrey = grey;
            ++r.frames;
            bar.update(++done, total);
        }
        for (RunScore *s : {&r.on, &r.off}) {
            s->psnr /= std::max(1, s->frames);
            s->colourfulness /= std::max(1, s->frames);
            s->warpError /= std::max(1, s->pairs);
            auto cdc = s->cdcMeter.value();
            s->cdc = cdc ? *cdc : std::nan("");
        }
        r.truthColourfulness /= std::max(1, r.frames);
        results.push_back(std::move(r));
    }
    bar.finish();
    const double seconds = clock.elapsed() / 1000.0;

    QTextStream out(stdout);
    auto row = [&](const QString &name, const RunScore &on, const RunScore &off, double truthCf) {
        out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8\n")
                   .arg(name.left(20), -20)
                   .arg(on.psnr, 8, 'f', 2)
                   .arg(off.psnr, 8, 'f', 2)
                   .arg(on.warpError, 9, 'f', 5)
                   .arg(off.warpError, 9, 'f', 5)
                   .arg(on.cdc, 8, 'f', 5)
                   .arg(off.cdc, 8, 'f', 5)
                   .arg(100.0 * on.colourfulness / std::max(1e-9, truthCf), 7, 'f', 1);
    };
    RunScore meanOn, meanOff;
    double meanTruthCf = 0;
    QJsonArray perSequence;
    const double n = double(std::max<size_t>(1, results.size()));
    for (const SequenceResult &r : results) {
        for (auto [mean, s] : {std::pair{&meanOn, &r.on}, std::pair{&meanOff, &r.off}}) {
            mean->psnr += s->psnr / n;
            mean->colourfulness += s->colourfulness / n;
            mean->warpError += s->warpError / n;
            mean->cdc += s->cdc / n;
        }
        meanTruthCf += r.truthColourfulness / n;
        perSequence.append(
            QJsonObject{{QStringLiteral("sequence"), r.name},
                        {QStringLiteral("frames"), r.frames},
                        {QStringLiteral("truth_colourfulness"), r.truthColourfulness},
                        {QStringLiteral("temporal_on"), runJson(r.on)},
                        {QStringLiteral("temporal_off"), runJson(r.off)}});
    }
    out << QStringLiteral("colouriser: %1 (%2, %3 iterations), per-frame mode on %4\n")
               .arg(net->info().name, net->info().path)
               .arg(net->info().iterations)
               .arg(parser.value(data));
    out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8\n")
               .arg(QStringLiteral("sequence"), -20)
               .arg(QStringLiteral("PSNR on"), 8)
               .arg(QStringLiteral("off"), 8)
               .arg(QStringLiteral("E_t on"), 9)
               .arg(QStringLiteral("off"), 9)
               .arg(QStringLiteral("CDC on"), 8)
               .arg(QStringLiteral("off"), 8)
               .arg(QStringLiteral("colour%"), 7);
    if (!silent)
        for (const SequenceResult &r : results)
            row(r.name, r.on, r.off, r.truthColourfulness);
    row(QStringLiteral("mean"), meanOn, meanOff, meanTruthCf);
    out << QStringLiteral("(%1 frames in %2 s; PSNR in dB; \"on\": the temporal mechanism on, "
                          "\"off\": %3)\n")
               .arg(done)
               .arg(seconds, 0, 'f', 1)
               .arg(net->withoutTemporal());
    if (parser.isSet(json)) {
        const QJsonObject doc{
            {QStringLiteral("colorizer"), net->info().name},
            {QStringLiteral("model"), net->info().path},
            {QStringLiteral("sha256"), net->info().sha256},
            {QStringLiteral("data"), parser.value(data)},
            {QStringLiteral("frames_per_sequence"), maxFrames},
            {QStringLiteral("mean_truth_colourfulness"), meanTruthCf},
            {QStringLiteral("mean_temporal_on"), runJson(meanOn)},
            {QStringLiteral("mean_temporal_off"), runJson(meanOff)},
            {QStringLiteral("per_sequence"), perSequence},
            {QStringLiteral("command"),
             QStringLiteral("tincture-lab eval video ") + args.join(QLatin1Char(' '))}};
        if (auto w = writeFileAtomically(parser.value(json),
                                         QJsonDocument(doc).toJson(QJsonDocument::Indented),
                                         existingPolicy(parser));
            !w)
            return reportError(w.error());
    }
    return kExitOk;
}

} // namespace tincture::cli
