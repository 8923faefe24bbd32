// tincture-lab eval images: the keyframe model on a folder of colour photographs, scored with
// ../shared/PROTOCOLS.md §2: the grey of each photograph goes in; the result's chroma under the
// true luma is compared with the photograph (metrics::chromaPsnr), beside the plain grey image's
// score; Hasler–Süsstrunk colourfulness (signed) of the results and of the truth, and their ratio.

#include "clicommon.h"
#include "colorizerchoice.h"
#include "labcommands.h"

#include "metrics/imagemetrics.h"
#include "lab/scoringio.h"
#include "ml/colorizer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

using namespace tincture::lab;

namespace tincture::cli {

namespace {
const QString kCommand = QStringLiteral("eval images");

struct ImageScore
{
    QString name;
    double psnr = 0, greyPsnr = 0, colourfulness = 0, truthColourfulness = 0;
};

// The keyframe model as a bare session (the shipped one when model is empty).
Result<std::shared_ptr<const ml::Colorizer>> loadColorizer(const QString &model, int threads,
                                                           const QString &device, int workingSide)
{
    ml::ColorizerOptions options;
    options.threads = threads;
    options.device = device;
    options.workingShortSide = workingSide;
    return ml::Colorizer::load(model.isEmpty() ? ml::Colorizer::defaultModelPath() : model,
                               options);
}

} // namespace

int runEvalImages(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption data(QStringLiteral("data"),
                                  QStringLiteral("Folder of colour photographs (.jpg, .png)."),
                                  QStringLiteral("DIR"));
    const QCommandLineOption model(QStringLiteral("model"),
                                   QStringLiteral("Model manifest; default: the shipped one."),
                                   QStringLiteral("FILE"));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Write the figures as "
                                                 "JSON."),
                                  QStringLiteral("OUT.json"));
    const QCommandLineOption save(QStringLiteral("save"),
                                  QStringLiteral("Also write each result as SAVE/<name>.png."),
                                  QStringLiteral("DIR"));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("CPU threads (default: all cores)."),
                                     QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption working(QStringLiteral("working-size"),
                                     QStringLiteral("The net's working short side in px "
                                                    "(default: the model's)."),
                                     QStringLiteral("px"), QStringLiteral("0"));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("Only the summary."));
    const QCommandLineOption colorizer = colorizerOption();
    parser.addOptions(
        {data, model, colorizer, json, save, threads, working, quiet, overwriteOption()});
    if (int rc = parseArgs(
            parser, kCommand,
            QStringLiteral("Score a colouriser (each photograph alone) on colour photographs: RGB "
                           "PSNR with the true luminance kept (and the grey "
                           "image's), colourfulness and its ratio to the truth."),
            args, 0, 0, QString());
        rc != kExitOk)
        return rc;
    if (!parser.isSet(data))
        return usageError(kCommand, QStringLiteral("--data DIR is required"));
    bool ok = false;
    const int threadCount = parser.value(threads).toInt(&ok);
    if (!ok || threadCount < 0)
        return usageError(kCommand, QStringLiteral("invalid --threads"));
    const int workingSide = parser.value(working).toInt(&ok);
    if (!ok || workingSide < 0)
        return usageError(kCommand, QStringLiteral("invalid --working-size"));
    const QDir dir(parser.value(data));
    Result<QStringList> listed = listPhotographs(dir.path());
    if (!listed)
        return reportError(listed.error());
    const QStringList files = *listed;
    QString modelPath;
    int choiceCode = kExitOk;
    if (!readColorizerChoice(parser, model, colorizer, kCommand, modelPath, choiceCode))
        return choiceCode;
    auto session = loadColorizer(modelPath, threadCount, QStringLiteral("auto"), workingSide);
    if (!session)
        return reportError(session.error());
    for (const QString &out : {parser.value(json), parser.value(save)})
        if (!out.isEmpty())
            if (int rc = checkOutputArg(parser, out, {dir.path(), modelPath}); rc != kExitOk)
                return rc;
    if (parser.isSet(save) && !QDir().mkpath(parser.value(save)))
        return reportError(makeError(ErrorCode::WriteFailed,
                                     QStringLiteral("%1: cannot create").arg(parser.value(save))));

    const bool silent = parser.isSet(quiet);
    ProgressBar bar(QStringLiteral("eval images"), silent, QStringLiteral("images"));
    std::vector<ImageScore> scores;
    QElapsedTimer clock;
    clock.start();
    for (const QString &file : files) {
        if (interruptFlag().load())
            return reportError(Error::cancelled());
        const QString path = dir.filePath(file);
        auto truth = lab::readScoringImage(path);
        if (!truth)
            return reportError(truth.error());
        const Frame grey = truth->luma();
        auto result = (*session)->colorize(grey);
        if (!result)
            return reportError(result.error());
        ImageScore s;
        s.name = file;
        auto psnr = metrics::chromaPsnr(*result, *truth);
        auto greyPsnr = metrics::chromaPsnr(grey.converted(PixelFormat::Rgb8), *truth);
        auto cf = metrics::colourfulness(*result);
        auto cfTruth = metrics::colourfulness(*truth);
        for (const Result<double> *r : {&psnr, &greyPsnr, &cf, &cfTruth})
            if (!*r)
                return reportError(r->error());
        s.psnr = *psnr;
        s.greyPsnr = *greyPsnr;
        s.colourfulness = *cf;
        s.truthColourfulness = *cfTruth;
        scores.push_back(s);
        if (parser.isSet(save)) {
            const QString out =
                QDir(parser.value(save))
                    .filePath(file.section(QLatin1Char('.'), 0, -2) + QStringLiteral(".png"));
            if (auto w = lab::writeScoringImage(out, *result); !w)
                return reportError(w.error());
        }
        bar.update(int64_t(scores.size()), files.size());
    }
    bar.finish();
    const double seconds = clock.elapsed() / 1000.0;

    double psnr = 0, grey = 0, cf = 0, cfTruth = 0;
    QJsonArray perImage;
    QTextStream out(stdout);
    if (!silent)
        out << QStringLiteral("%1 %2 %3 %4 %5\n")
                   .arg(QStringLiteral("image"), -48)
                   .arg(QStringLiteral("PSNR"), 8)
                   .arg(QStringLiteral("grey"), 8)
                   .arg(QStringLiteral("colourf."), 9)
                   .arg(QStringLiteral("truth"), 8);
    for (const ImageScore &s : scores) {
        psnr += s.psnr / scores.size();
        grey += s.greyPsnr / scores.size();
        cf += s.colourfulness / scores.size();
        cfTruth += s.truthColourfulness / scores.size();
        perImage.append(QJsonObject{{QStringLiteral("image"), s.name},
                                    {QStringLiteral("psnr"), s.psnr},
                                    {QStringLiteral("grey_psnr"), s.greyPsnr},
                                    {QStringLiteral("colourfulness"), s.colourfulness},
                                    {QStringLiteral("truth_colourfulness"), s.truthColourfulness}});
        if (!silent)
            out << QStringLiteral("%1 %2 %3 %4 %5\n")
                       .arg(s.name.left(48), -48)
                       .arg(s.psnr, 8, 'f', 2)
                       .arg(s.greyPsnr, 8, 'f', 2)
                       .arg(s.colourfulness, 9, 'f', 1)
                       .arg(s.truthColourfulness, 8, 'f', 1);
    }
    const double ratio = cfTruth > 0 ? cf / cfTruth : 0.0;
    out << QStringLiteral("images: %1   model: %2 (%3 iterations)\n")
               .arg(scores.size())
               .arg((*session)->info().path)
               .arg((*session)->info().iterations);
    out << QStringLiteral("mean PSNR (luminance kept): model %1 dB, grey %2 dB (%3%4 dB)\n")
               .arg(psnr, 0, 'f', 2)
               .arg(grey, 0, 'f', 2)
               .arg(psnr >= grey ? QStringLiteral("+") : QString())
               .arg(psnr - grey, 0, 'f', 2);
    out << QStringLiteral("mean colourfulness: model %1, truth %2, ratio %3 %\n")
               .arg(cf, 0, 'f', 1)
               .arg(cfTruth, 0, 'f', 1)
               .arg(100.0 * ratio, 0, 'f', 1);
    out << QStringLiteral("time: %1 s (%2 ms per image, including scoring)\n")
               .arg(seconds, 0, 'f', 1)
               .arg(1000.0 * seconds / scores.size(), 0, 'f', 0);
    if (parser.isSet(json)) {
        const QJsonObject o{{QStringLiteral("data"), dir.absolutePath()},
                            {QStringLiteral("model"), (*session)->info().path},
                            {QStringLiteral("iterations"), (*session)->info().iterations},
                            {QStringLiteral("images"), int(scores.size())},
                            {QStringLiteral("mean_psnr"), psnr},
                            {QStringLiteral("grey_psnr"), grey},
                            {QStringLiteral("colourfulness"), cf},
                            {QStringLiteral("truth_colourfulness"), cfTruth},
                            {QStringLiteral("colourfulness_ratio"), ratio},
                            {QStringLiteral("per_image"), perImage}};
        if (auto w = writeFileAtomically(parser.value(json), QJsonDocument(o).toJson(),
                                         existingPolicy(parser));
            !w)
            return reportError(w.error());
    }
    return kExitOk;
}

} // namespace tincture::cli
