// tincture-lab eval hints: colourisation from N user points on a folder of colour photographs
// (the protocol in lab/hintprotocol.h): Levin's optimisation alone, the keyframe model alone
// (guided by the points when it takes them) and the model's proposal with Levin's solve pinning
// the points over it, each against the plain grey image, for N = 0, 1, 2, 5, 10, 20, 50, 100.

#include "clicommon.h"
#include "labcommands.h"

#include "colour/scribble.h"
#include "foundation/atomicoutput.h"
#include "lab/hintprotocol.h"
#include "lab/scoringio.h"
#include "metrics/imagemetrics.h"
#include "pipeline/keyframeservice.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <map>

using namespace tincture::lab;

namespace tincture::cli {
namespace {

const QString kCommand = QStringLiteral("eval hints");
const QStringList kMethods{QStringLiteral("levin"), QStringLiteral("model"),
                           QStringLiteral("model+levin")};

} // namespace

int runEvalHints(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption data(QStringLiteral("data"),
                                  QStringLiteral("Folder of colour photographs (.jpg, .png)."),
                                  QStringLiteral("DIR"));
    const QCommandLineOption points(QStringLiteral("points"),
                                    QStringLiteral("Numbers of points (default "
                                                   "0,1,2,5,10,20,50,100)."),
                                    QStringLiteral("N,..."),
                                    QStringLiteral("0,1,2,5,10,20,50,100"));
    const QCommandLineOption method(QStringLiteral("method"),
                                    QStringLiteral("levin, model, model+levin, or a comma list "
                                                   "(default all three)."),
                                    QStringLiteral("M,..."), kMethods.join(QLatin1Char(',')));
    const QCommandLineOption model(QStringLiteral("model"),
                                   QStringLiteral("Keyframe model manifest; default: the "
                                                  "shipped one."),
                                   QStringLiteral("FILE"));
    const QCommandLineOption lambda(QStringLiteral("prior-weight"),
                                    QStringLiteral("λ of the model's proposal under the points "
                                                   "in model+levin (default 0.01, the "
                                                   "studio's)."),
                                    QStringLiteral("lambda"), QStringLiteral("0.01"));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("CPU threads (default: all cores)."),
                                     QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Write the figures as JSON."),
                                  QStringLiteral("OUT.json"));
    const QCommandLineOption noMirror(QStringLiteral("no-mirror"),
                                      QStringLiteral("Run the model once per image instead of "
                                                     "averaging it with its mirror image's "
                                                     "prediction (the default)."));
    parser.addOptions(
        {data, points, method, model, lambda, threads, json, noMirror, overwriteOption()});
    if (int rc = parseArgs(parser, kCommand,
                           QStringLiteral("Score colourisation from N random 5×5 points on "
                                          "256×256 photographs (chroma PSNR under the true "
                                          "luma), for Levin's optimisation, the keyframe model "
                                          "and the two together, beside grey."),
                           args, 0, 0, QString());
        rc != kExitOk)
        return rc;
    if (!parser.isSet(data))
        return usageError(kCommand, QStringLiteral("--data DIR is required"));
    std::vector<int> counts;
    for (const QString &n : parser.value(points).split(QLatin1Char(','))) {
        bool ok = false;
        const int v = n.trimmed().toInt(&ok);
        if (!ok || v < 0 || v > 10000)
            return usageError(kCommand, QStringLiteral("invalid --points '%1'").arg(n));
        counts.push_back(v);
    }
    QStringList methods = parser.value(method).split(QLatin1Char(','));
    for (QString &m : methods) {
        m = m.trimmed();
        if (!kMethods.contains(m))
            return usageError(kCommand, QStringLiteral("unknown --method '%1' (expected %2)")
                                            .arg(m, kMethods.join(QStringLiteral(", "))));
    }
    bool ok = false;
    const double priorWeight = parser.value(lambda).toDouble(&ok);
    if (!ok || !(priorWeight >= 0))
        return usageError(kCommand, QStringLiteral("invalid --prior-weight"));
    const int threadCount = parser.value(threads).toInt(&ok);
    if (!ok || threadCount < 0)
        return usageError(kCommand, QStringLiteral("invalid --threads"));
    const QDir dir(parser.value(data));
    Result<QStringList> listed = listPhotographs(dir.path());
    if (!listed)
        return reportError(listed.error());
    const QStringList files = *listed;
    if (parser.isSet(json))
        if (int rc = checkOutputArg(parser, parser.value(json), {dir.path(), parser.value(model)});
            rc != kExitOk)
            return rc;
    pipeline::KeyframeModelOptions modelOptions;
    modelOptions.path = parser.value(model);
    modelOptions.threads = threadCount;
    modelOptions.flipAverage = !parser.isSet(noMirror);
    pipeline::KeyframeService service(modelOptions);
    const bool needModel = methods.contains(QStringLiteral("model")) ||
                           methods.contains(QStringLiteral("model+levin"));
    if (needModel)
        if (Result<void> loaded = service.ensureModel(); !loaded)
            return reportError(loaded.error());
    const bool takesHints = needModel && service.modelTakesHints();

    // sums[method][N]: PSNR summed over the photographs; grey's does not depend on N.
    std::map<QString, std::map<int, double>> sums;
    double greySum = 0;
    QElapsedTimer clock;
    clock.start();
    ProgressBar bar(kCommand, false, QStringLiteral("images"));
    int done = 0;
    for (const QString &file : files) {
        if (interruptFlag().load())
            return reportError(Error::cancelled());
        auto photo = readScoringImage(dir.filePath(file));
        if (!photo)
            return reportError(photo.error());
        const Frame truth = protocolSquare(*photo);
        const Frame grey = truth.luma();
        auto greyScore = metrics::chromaPsnr(grey.converted(PixelFormat::Rgb8), truth);
        if (!greyScore)
            return reportError(greyScore.error());
        greySum += *greyScore;
        for (int n : counts) {
            const Frame hints = protocolHints(truth, n, protocolSeed(file, n));
            for (const QString &m : methods) {
                Feedback feedback;
                feedback.linkCancelFlag(&interruptFlag());
                Result<Frame> result = makeError(ErrorCode::Internal, QStringLiteral("no method"));
                if (m == QLatin1String("levin")) {
                    colour::ScribbleParams params;
                    params.threads = threadCount;
                    result = n == 0 ? Result<Frame>(grey.converted(PixelFormat::Rgb8))
                                    : colour::colouriseScribbles({grey, hints, Frame(), Frame()},
                                                                 params, feedback);
                } else if (m == QLatin1String("model")) {
                    result = service.proposeGuided(grey, hints);
                } else {
                    result = service.solveHints(grey, hints, priorWeight, threadCount, feedback);
                }
                if (!result)
                    return reportError(result.error());
                auto score = metrics::chromaPsnr(*result, truth);
                if (!score)
                    return reportError(score.error());
                sums[m][n] += *score;
            }
        }
        bar.update(++done, files.size());
    }
    bar.finish();
    const double images = double(files.size());

    QTextStream out(stdout);
    out << QStringLiteral("%1 photographs of %2 at %3×%3, %4×%4 points; chroma PSNR under the "
                          "true luma (dB); grey %5 dB\n")
               .arg(files.size())
               .arg(dir.absolutePath())
               .arg(kHintProtocolSide)
               .arg(kHintProtocolPatch)
               .arg(greySum / images, 0, 'f', 2);
    if (needModel)
        out << QStringLiteral("model: %1 (%2)%3\n")
                   .arg(service.modelDescription(), service.modelIdentity().sha256.left(12),
                        takesHints ? QString()
                                   : QStringLiteral("; it takes no points: 'model' is its "
                                                    "automatic proposal at every N"));
    QStringList header{QStringLiteral("points")};
    for (const QString &m : methods)
        header << m;
    QList<QStringList> rows;
    QJsonArray table;
    for (int n : counts) {
        QStringList row{QString::number(n)};
        QJsonObject o{{QStringLiteral("points"), n}, {QStringLiteral("grey"), greySum / images}};
        for (const QString &m : methods) {
            row << QString::number(sums[m][n] / images, 'f', 2);
            o.insert(m, sums[m][n] / images);
        }
        rows << row;
        table.append(o);
    }
    for (const QStringList &row : rows) {
        for (int c = 0; c < row.size(); ++c)
            out << row[c].rightJustified(c == 0 ? 6 : 13);
        out << '\n';
    }
    out << QStringLiteral("%1 %2\n").arg(QStringLiteral("columns:"),
                                         header.mid(1).join(QStringLiteral(", ")));
    out << QStringLiteral("time: %1 s\n").arg(clock.elapsed() / 1000.0, 0, 'f', 1);
    out.flush();
    if (parser.isSet(json)) {
        const QJsonObject o{{QStringLiteral("data"), dir.absolutePath()},
                            {QStringLiteral("images"), files.size()},
                            {QStringLiteral("side"), kHintProtocolSide},
                            {QStringLiteral("patch"), kHintProtocolPatch},
                            {QStringLiteral("prior_weight"), priorWeight},
                            {QStringLiteral("model"), service.modelDescription()},
                            {QStringLiteral("model_sha256"), service.modelIdentity().sha256},
                            {QStringLiteral("model_takes_points"), takesHints},
                            {QStringLiteral("mirror_average"), modelOptions.flipAverage},
                            {QStringLiteral("grey"), greySum / images},
                            {QStringLiteral("rows"), table}};
        if (auto w = writeFileAtomically(parser.value(json), QJsonDocument(o).toJson(),
                                         existingPolicy(parser));
            !w)
            return reportError(w.error());
    }
    return kExitOk;
}

} // namespace tincture::cli
