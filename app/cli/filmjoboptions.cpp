#include "filmjoboptions.h"

#include "clicommon.h"
#include "colorizerchoice.h"

#include "ml/modelmanifest.h"
#include "ml/videocolorizer.h"
#include "propagation/propagationmethod.h"
#include "propagation/workingresolution.h"

using namespace tincture::propagation;

namespace tincture::cli {
namespace {

// "N=PATH" → (N, PATH); false if malformed.
bool parseFrameAssignment(const QString &text, FrameIndex &frame, QString &path)
{
    const int eq = text.indexOf(QLatin1Char('='));
    if (eq <= 0 || eq == text.size() - 1)
        return false;
    bool ok = false;
    frame = text.left(eq).toLongLong(&ok);
    path = text.mid(eq + 1);
    return ok && frame >= 0;
}

} // namespace

FilmJobOptions::FilmJobOptions()
    : m_keyframe(QStringLiteral("keyframe"),
                 QStringLiteral("Use IMAGE as frame N's colour (repeatable; the shot then gets "
                                "no model keyframe)."),
                 QStringLiteral("N=IMAGE")),
      m_hints(QStringLiteral("hints"),
              QStringLiteral("Scribbles for frame N (RGBA, alpha > 0), solved over the model's "
                             "proposal (repeatable)."),
              QStringLiteral("N=H.png")),
      m_priorWeight(QStringLiteral("prior-weight"),
                    QStringLiteral("λ of the model's proposal under scribbles (default "
                                   "0.1): a scribble fades over about 1/√λ film pixels, at any "
                                   "working height."),
                    QStringLiteral("lambda"), QStringLiteral("0.1")),
      m_model(QStringLiteral("model"),
              QStringLiteral("Keyframe model manifest (default: shipped)."),
              QStringLiteral("FILE")),
      m_colorizer(colorizerOption()),
      m_mode(QStringLiteral("mode"),
             QStringLiteral("'propagate' (default): each shot's keyframes are propagated; "
                            "'per-frame': a video colouriser (--colorizer recurrent-bins, "
                            "global-local or cnn-lstm; default recurrent-bins) colours every "
                            "frame by "
                            "itself, with its temporal mechanism, and nothing is propagated."),
             QStringLiteral("MODE"), QStringLiteral("propagate")),
      m_method(QStringLiteral("method"),
               QStringLiteral("Propagation method: %1 (default %2).")
                   .arg(propagationMethodNames().join(QStringLiteral(", ")),
                        defaultPropagationMethodName()),
               QStringLiteral("NAME")),
      m_salvage(QStringLiteral("salvage"),
                QStringLiteral("Colourise the readable part of a damaged file.")),
      m_workingHeight(QStringLiteral("working-height"),
                      QStringLiteral("Compute the colour on frames of N rows (at least %1) and "
                                     "deliver it at the film's size over its own luma; 'full': "
                                     "at the film's size (default %2; a film of at most N rows "
                                     "is coloured at its size).")
                          .arg(kMinWorkingHeight)
                          .arg(kDefaultWorkingHeight),
                      QStringLiteral("N"), QString::number(kDefaultWorkingHeight))
{
}

void FilmJobOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({m_keyframe, m_hints, m_priorWeight, m_model, m_colorizer, m_mode, m_method,
                       m_salvage, m_workingHeight});
}

std::optional<pipeline::FilmJob> FilmJobOptions::read(const QCommandLineParser &parser,
                                                      const QString &command,
                                                      pipeline::KeyframeModelOptions &model,
                                                      int &exitCode) const
{
    auto fail = [&](const QString &message) -> std::optional<pipeline::FilmJob> {
        exitCode = usageError(command, message);
        return std::nullopt;
    };
    pipeline::FilmJob job;
    job.input = parser.positionalArguments().constFirst();
    if (!readColorizerChoice(parser, m_model, m_colorizer, command, model.path, exitCode))
        return std::nullopt;
    job.method = parser.value(m_method);
    job.source.salvageDamaged = parser.isSet(m_salvage);
    if (!job.method.isEmpty() && !propagationMethodNames().contains(job.method))
        return fail(QStringLiteral("unknown method '%1' (known: %2)")
                        .arg(job.method, propagationMethodNames().join(QStringLiteral(", "))));
    bool ok = false;
    job.priorWeight = parser.value(m_priorWeight).toDouble(&ok);
    if (!ok || job.priorWeight < 0)
        return fail(QStringLiteral("invalid --prior-weight"));
    const QString working = parser.value(m_workingHeight);
    if (working == QLatin1String("full")) {
        job.workingHeight = 0;
    } else {
        job.workingHeight = working.toInt(&ok);
        if (!ok || job.workingHeight < kMinWorkingHeight)
            return fail(QStringLiteral("--working-height must be 'full' or a number of rows of "
                                       "at least %1, not '%2'")
                            .arg(kMinWorkingHeight)
                            .arg(working));
    }
    QList<FrameIndex> seen;
    for (const auto &[option, isHints] :
         {std::pair{&m_keyframe, false}, std::pair{&m_hints, true}}) {
        for (const QString &value : parser.values(*option)) {
            pipeline::KeyframeSpec k;
            QString path;
            if (!parseFrameAssignment(value, k.frame, path))
                return fail(QStringLiteral("--%1 '%2' is not N=FILE")
                                .arg(option->names().constFirst(), value));
            if (seen.contains(k.frame))
                return fail(QStringLiteral("frame %1 is given twice").arg(k.frame));
            seen << k.frame;
            (isHints ? k.hints : k.image) = path;
            job.keyframes.push_back(k);
        }
    }
    const QString mode = parser.value(m_mode);
    if (mode == QLatin1String("per-frame")) {
        if (!job.method.isEmpty() && job.method != QLatin1String("per-frame"))
            return fail(QStringLiteral("--mode per-frame propagates nothing: drop --method"));
        if (!job.keyframes.empty())
            return fail(QStringLiteral("--mode per-frame uses no keyframes: drop --keyframe and "
                                       "--hints"));
        if (!model.path.isEmpty()) {
            auto manifest = ml::readManifest(model.path.endsWith(QLatin1String(".safetensors"))
                                                 ? model.path.chopped(12) + QStringLiteral(".json")
                                                 : model.path);
            if (manifest && !ml::isVideoColorizerArchitecture(manifest->name))
                return fail(
                    QStringLiteral("--mode per-frame needs a video colouriser (%1), not "
                                   "the keyframe model %2")
                        .arg(ml::colorizerNames().mid(1).join(QStringLiteral(", ")), model.path));
        }
        job.method = QStringLiteral("per-frame");
        job.methodOptions.colorizerPath = model.path;
    } else if (mode != QLatin1String("propagate")) {
        return fail(QStringLiteral("--mode is 'propagate' or 'per-frame', not '%1'").arg(mode));
    }
    job.protectedInputs << model.path;
    return job;
}

} // namespace tincture::cli
