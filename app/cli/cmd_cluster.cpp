// tincture-cli plan, render-shot, assemble and status: a film coloured as independent shot
// tasks that a batch scheduler (Slurm job arrays, Kubernetes Indexed Jobs) runs across
// machines, and put back together into the film `colorize` makes (pipeline/filmplan.h,
// pipeline/shotparts.h).

#include "clicommon.h"
#include "commands.h"
#include "filmjoboptions.h"

#include "pipeline/shotparts.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace tincture::cli {
namespace {

std::optional<pipeline::LoadedPlan> readPlan(const QString &path, int &exitCode)
{
    Result<pipeline::LoadedPlan> plan = pipeline::loadPlan(path);
    if (!plan) {
        exitCode = reportError(plan.error());
        return std::nullopt;
    }
    return std::move(plan).value();
}

pipeline::KeyframeModelOptions modelOptionsOf(const pipeline::FilmPlan &plan, int threads)
{
    pipeline::KeyframeModelOptions options;
    options.path = plan.modelPath;
    options.threads = threads;
    return options;
}

// Shot numbers as a Slurm array spec: 0-2,5,7-8.
QString arraySpec(const std::vector<int> &shots)
{
    QStringList parts;
    for (size_t i = 0; i < shots.size();) {
        size_t j = i;
        while (j + 1 < shots.size() && shots[j + 1] == shots[j] + 1)
            ++j;
        parts << (j == i ? QString::number(shots[i])
                         : QStringLiteral("%1-%2").arg(shots[i]).arg(shots[j]));
        i = j + 1;
    }
    return parts.join(QLatin1Char(','));
}

} // namespace

int runPlan(const QStringList &args)
{
    const QString command = QStringLiteral("plan");
    QCommandLineParser parser;
    const FilmOutputOptions outputOptions(
        QStringLiteral("The plan to write (JSON)."),
        QStringLiteral("Default: from the extension of assemble's -o."));
    const FilmJobOptions jobOptions;
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("No progress bar."));
    outputOptions.addTo(parser);
    jobOptions.addTo(parser);
    parser.addOption(quiet);
    if (int rc = parseArgs(
            parser, command,
            QStringLiteral("Plan a film's colouring as shot tasks: detect the shots, give each "
                           "its keyframes (yours, or the keyframe model's at the shot's middle) "
                           "and write them, with everything the frames depend on (the source's "
                           "and models' sha256, the method, the output choices), into a plan. "
                           "Then `render-shot` each shot (anywhere that sees the same files), "
                           "and `assemble` the film. The same film and options give the same "
                           "plan."),
            args, 1, 1, QStringLiteral("IN"));
        rc != kExitOk)
        return rc;
    int exitCode = kExitOk;
    const std::optional<OutputSpec> spec = outputOptions.read(parser, command, exitCode);
    if (!spec)
        return exitCode;
    pipeline::KeyframeModelOptions modelOptions;
    const std::optional<pipeline::FilmJob> job =
        jobOptions.read(parser, command, modelOptions, exitCode);
    if (!job)
        return exitCode;
    QStringList inputs{job->input};
    for (const pipeline::KeyframeSpec &k : job->keyframes)
        inputs << k.image << k.hints;
    inputs << modelOptions.path;
    inputs.removeAll(QString());
    if (int rc = checkOutputArg(parser, spec->path, inputs); rc != kExitOk)
        return rc;

    ProgressBar bar(command, parser.isSet(quiet));
    Feedback feedback(bar.callback());
    feedback.linkCancelFlag(&interruptFlag());
    pipeline::KeyframeService keyframes(modelOptions);
    Result<pipeline::FilmPlan> plan =
        pipeline::planFilm(*job, *spec, modelOptions.path, keyframes, feedback);
    bar.finish();
    printWarnings(feedback);
    if (!plan)
        return reportError(plan.error());
    if (Result<void> ok = writeFileAtomically(spec->path, plan->toBytes(), spec->existing); !ok)
        return reportError(ok.error());
    if (!parser.isSet(quiet)) {
        int64_t frames = plan->output.last - plan->output.first + 1;
        QTextStream(stderr) << QStringLiteral("%1: %2 shots (0–%3), %4 frames, method %5\n")
                                   .arg(spec->path)
                                   .arg(plan->shots.size())
                                   .arg(qsizetype(plan->shots.size()) - 1)
                                   .arg(frames)
                                   .arg(plan->method);
    }
    return kExitOk;
}

int runRenderShot(const QStringList &args)
{
    const QString command = QStringLiteral("render-shot");
    QCommandLineParser parser;
    const QCommandLineOption shot(QStringLiteral("shot"),
                                  QStringLiteral("The shot to render (0-based, as in the plan)."),
                                  QStringLiteral("K"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The parts folder (made if missing)."),
                                    QStringLiteral("PARTS_DIR"));
    const QCommandLineOption force(QStringLiteral("force"),
                                   QStringLiteral("Render the shot even if its part is finished."));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("CPU threads for the model (default: all)."),
                                     QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("No progress bar."));
    parser.addOptions({shot, output, force, threads, quiet});
    if (int rc = parseArgs(
            parser, command,
            QStringLiteral("Colour one shot of a plan into a lossless part (FFV1/MKV) in "
                           "PARTS_DIR. A finished part is kept (exit 0) unless --force; a part "
                           "counts as finished only once its record is written, so a killed "
                           "task leaves nothing that looks done. Refuses a plan whose source, "
                           "keyframe files or models have changed."),
            args, 1, 1, QStringLiteral("PLAN"));
        rc != kExitOk)
        return rc;
    if (!parser.isSet(shot))
        return usageError(command, QStringLiteral("--shot K is required"));
    if (!parser.isSet(output))
        return usageError(command, QStringLiteral("-o PARTS_DIR is required"));
    bool ok = false;
    const int index = parser.value(shot).toInt(&ok);
    if (!ok)
        return usageError(command, QStringLiteral("--shot takes a shot number"));
    const int threadCount = parser.value(threads).toInt(&ok);
    if (!ok || threadCount < 0)
        return usageError(command, QStringLiteral("invalid --threads"));
    int exitCode = kExitOk;
    const std::optional<pipeline::LoadedPlan> plan =
        readPlan(parser.positionalArguments().constFirst(), exitCode);
    if (!plan)
        return exitCode;

    ProgressBar bar(QStringLiteral("shot %1").arg(index), parser.isSet(quiet),
                    QStringLiteral("steps"));
    Feedback feedback(bar.callback());
    feedback.linkCancelFlag(&interruptFlag());
    pipeline::KeyframeService keyframes(modelOptionsOf(plan->plan, threadCount));
    Result<pipeline::ShotRenderReport> report = pipeline::renderShot(
        *plan, index, parser.value(output), parser.isSet(force), threadCount, keyframes, feedback);
    bar.finish();
    printWarnings(feedback);
    if (!report)
        return reportError(report.error());
    if (!parser.isSet(quiet) || report->skipped)
        QTextStream(stderr) << QStringLiteral("shot %1: %2 (%3 frames)\n")
                                   .arg(index)
                                   .arg(report->skipped
                                            ? QStringLiteral("already finished, kept %1 (--force "
                                                             "renders it again)")
                                                  .arg(report->part)
                                            : QStringLiteral("wrote %1").arg(report->part))
                                   .arg(report->frames);
    return kExitOk;
}

int runAssemble(const QStringList &args)
{
    const QString command = QStringLiteral("assemble");
    QCommandLineParser parser;
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The film to write (codec, quality, range and "
                                                   "audio as planned)."),
                                    QStringLiteral("OUT"));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("No progress bar."));
    parser.addOptions({output, overwriteOption(), quiet});
    if (int rc = parseArgs(
            parser, command,
            QStringLiteral("Check that every shot of a plan has a finished, intact part in "
                           "PARTS_DIR, then encode the film from them with the source's audio "
                           "and the colour's provenance: the same frames as `colorize` with the "
                           "plan's options. A missing or damaged part: exit 1 naming the shots "
                           "to render again, nothing written."),
            args, 2, 2, QStringLiteral("PLAN PARTS_DIR"));
        rc != kExitOk)
        return rc;
    if (!parser.isSet(output))
        return usageError(command, QStringLiteral("-o OUT is required"));
    int exitCode = kExitOk;
    const std::optional<pipeline::LoadedPlan> plan =
        readPlan(parser.positionalArguments().constFirst(), exitCode);
    if (!plan)
        return exitCode;
    ProgressBar bar(command, parser.isSet(quiet));
    Feedback feedback(bar.callback());
    feedback.linkCancelFlag(&interruptFlag());
    Result<TranscodeReport> report =
        pipeline::assembleFilm(*plan, parser.positionalArguments().at(1), parser.value(output),
                               existingPolicy(parser), feedback);
    bar.finish();
    printWarnings(feedback);
    if (!report)
        return reportError(report.error());
    if (!parser.isSet(quiet))
        QTextStream(stderr) << QStringLiteral("%1: %2 frames from %3 shots, %4 audio stream(s)\n")
                                   .arg(parser.value(output))
                                   .arg(report->frames)
                                   .arg(plan->plan.shots.size())
                                   .arg(report->audioStreams);
    return kExitOk;
}

int runStatus(const QStringList &args)
{
    const QString command = QStringLiteral("status");
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    const QCommandLineOption array(
        QStringLiteral("array"),
        QStringLiteral("Print only the shots not finished, as a Slurm array spec (0-2,5), or an "
                       "empty line when all are."));
    parser.addOptions({json, array});
    if (int rc = parseArgs(parser, command,
                           QStringLiteral("Which shots of a plan are done, running, failed or "
                                          "pending in PARTS_DIR (a missing folder: all "
                                          "pending)."),
                           args, 2, 2, QStringLiteral("PLAN PARTS_DIR"));
        rc != kExitOk)
        return rc;
    if (parser.isSet(json) && parser.isSet(array))
        return usageError(command, QStringLiteral("--json and --array exclude each other"));
    int exitCode = kExitOk;
    const std::optional<pipeline::LoadedPlan> plan =
        readPlan(parser.positionalArguments().constFirst(), exitCode);
    if (!plan)
        return exitCode;
    const QString partsDir = parser.positionalArguments().at(1);
    Result<std::vector<pipeline::ShotStatus>> states = pipeline::shotStatus(*plan, partsDir);
    if (!states)
        return reportError(states.error());
    QTextStream out(stdout);
    if (parser.isSet(array)) {
        std::vector<int> open;
        for (const pipeline::ShotStatus &s : *states)
            if (s.state != pipeline::ShotState::Done)
                open.push_back(s.shot);
        out << arraySpec(open) << '\n';
        return kExitOk;
    }
    std::map<QString, int> counts;
    QJsonArray shots;
    for (const pipeline::ShotStatus &s : *states) {
        const pipeline::PlannedShot &planned = plan->plan.shots[size_t(s.shot)];
        const QString state = QString::fromLatin1(pipeline::shotStateName(s.state));
        ++counts[state];
        QJsonObject entry{{QStringLiteral("shot"), s.shot},
                          {QStringLiteral("first"), double(planned.first)},
                          {QStringLiteral("last"), double(planned.last)},
                          {QStringLiteral("state"), state}};
        if (!s.detail.isEmpty())
            entry.insert(QStringLiteral("detail"), s.detail);
        shots.append(entry);
        if (!parser.isSet(json))
            out << QStringLiteral("shot %1  frames %2–%3  %4%5\n")
                       .arg(s.shot, 4)
                       .arg(planned.first)
                       .arg(planned.last)
                       .arg(state,
                            s.detail.isEmpty() ? QString() : QStringLiteral(": ") + s.detail);
    }
    const QStringList names{QStringLiteral("done"), QStringLiteral("running"),
                            QStringLiteral("failed"), QStringLiteral("pending")};
    if (parser.isSet(json)) {
        QJsonObject countJson;
        for (const QString &name : names)
            countJson.insert(name, counts[name]);
        out << QJsonDocument(
                   QJsonObject{{QStringLiteral("plan"), plan->path},
                               {QStringLiteral("parts"), QFileInfo(partsDir).absoluteFilePath()},
                               {QStringLiteral("shots"), shots},
                               {QStringLiteral("counts"), countJson}})
                   .toJson(QJsonDocument::Indented);
    } else {
        QStringList summary;
        for (const QString &name : names)
            summary << QStringLiteral("%1 %2").arg(counts[name]).arg(name);
        out << QStringLiteral("%1 shots: %2\n").arg(states->size()).arg(summary.join(", "));
    }
    return kExitOk;
}

} // namespace tincture::cli
