#pragma once
// The options that say how a film is coloured — keyframes given as images or scribbles, the
// prior's weight, the keyframe model, the propagation method, salvaging a damaged file, the
// working height — shared
// by `colorize` (which colours the film now) and `plan` (which writes them into a plan for
// shot tasks), so both read the same flags the same way.

#include "pipeline/filmengine.h"
#include "pipeline/keyframeservice.h"

#include <QCommandLineParser>

#include <optional>

namespace tincture::cli {

class FilmJobOptions
{
public:
    FilmJobOptions();
    void addTo(QCommandLineParser &parser) const;
    // The job (input: the first positional argument) and the model options, or a usage
    // error's exit code (the error printed).
    std::optional<pipeline::FilmJob> read(const QCommandLineParser &parser, const QString &command,
                                          pipeline::KeyframeModelOptions &model,
                                          int &exitCode) const;

private:
    QCommandLineOption m_keyframe, m_hints, m_priorWeight, m_model, m_colorizer, m_mode, m_method,
        m_salvage, m_workingHeight;
};

} // namespace tincture::cli
