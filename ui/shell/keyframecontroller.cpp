#include "shell/keyframecontroller.h"

#include "imageconvert.h"
#include "jobs/jobmanager.h"
#include "media/imageio.h"
#include "paint/paintpanel.h"
#include "project/commands.h"
#include "project/filmops.h"
#include "project/keyframesolver.h"
#include "project/strokeraster.h"
#include "shell/documentcontroller.h"
#include "viewer/viewerwidget.h"

#include "ml/colorizer.h"

#include <QFile>
#include <QLineF>

#include <mutex>

namespace tincture::ui {

using project::KeyframeSolver;

struct KeyframeController::Session
{
    std::mutex mutex;
    std::shared_ptr<const ml::Colorizer> model;
    bool tried = false;
    QString error;       // why there is no model
    QString description; // the loaded model, for the status bar

    // Loads the model on first use (on a worker thread). Returns an empty string if loaded.
    QString ensureLoaded()
    {
        std::lock_guard lock(mutex);
        if (tried)
            return error;
        tried = true;
        auto loaded = ml::Colorizer::load(ml::Colorizer::defaultModelPath());
        if (loaded) {
            model = *loaded;
            description = QStringLiteral("%1 (%2 iterations%3)")
                              .arg(model->info().name)
                              .arg(model->info().iterations)
                              .arg(model->info().gpu ? QStringLiteral(", GPU") : QString());
        } else {
            error = loaded.error().message;
        }
        return error;
    }
};

namespace {
constexpr int kKeptSolvers = 3; // keyframes whose solver stays warm (memory is per keyframe)

QString keyName(FrameIndex frame)
{
    return QStringLiteral("keyframe %1").arg(frame);
}
} // namespace

KeyframeController::KeyframeController(project::Project *project, jobs::JobManager *jobs,
                                       DocumentController *document, ViewerWidget *viewer,
                                       PaintPanel *panel, QObject *parent)
    : QObject(parent), m_project(project), m_jobs(jobs), m_document(document), m_viewer(viewer),
      m_panel(panel), m_session(std::make_shared<Session>())
{
    connect(viewer, &ViewerWidget::strokeStarted, this, &KeyframeController::onStrokeStarted);
    connect(viewer, &ViewerWidget::strokeMoved, this, &KeyframeController::onStrokeMoved);
    connect(viewer, &ViewerWidget::strokeFinished, this, &KeyframeController::onStrokeFinished);
    connect(viewer, &ViewerWidget::colourPicked, this, [this](QRgb colour) {
        m_panel->setColour(colour);
        m_panel->setTool(PaintPanel::Tool::Brush);
    });
    connect(panel, &PaintPanel::toolChanged, this, [this](PaintPanel::Tool tool) {
        using Tool = PaintPanel::Tool;
        m_viewer->setInteraction(tool == Tool::Pan          ? ViewerWidget::Interaction::Pan
                                 : tool == Tool::Eyedropper ? ViewerWidget::Interaction::Eyedropper
                                                            : ViewerWidget::Interaction::Paint);
        if (tool != Tool::Pan && m_viewer->mode() == ViewerWidget::Mode::Source)
            m_viewer->setMode(ViewerWidget::Mode::Result); // paint where the colour shows
        updateOverlay();
    });
    connect(panel, &PaintPanel::radiusChanged, viewer, &ViewerWidget::setBrushRadius);
    connect(panel, &PaintPanel::colouriseRequested, this, [this] { colourise(m_frame); });
    connect(panel, &PaintPanel::acceptRequested, this,
            [this](bool accepted) { accept(m_frame, accepted); });
    connect(project, &project::Project::keyframeChanged, this, [this](qint64 frame) {
        if (!m_project->keyframe(frame)) {
            m_live.remove(frame);
            m_solvers.remove(frame);
            emit resultChanged(frame);
        } else if (!m_drawing) {
            resolve(frame);
        }
        if (frame == m_frame)
            updateOverlay();
        emit stateChanged();
    });
    connect(project, &project::Project::parametersChanged, this, [this] {
        // λ is part of each solver: rebuild them, and re-solve the keyframe on screen.
        m_solvers.clear();
        if (m_frame >= 0 && m_project->keyframe(m_frame) && hasColour(m_frame))
            resolve(m_frame);
    });
    viewer->setBrushRadius(panel->radius());
}

KeyframeController::~KeyframeController() = default;

void KeyframeController::clear()
{
    m_solvers.clear();
    m_live.clear();
    m_drawing = false;
}

QString KeyframeController::modelDescription() const
{
    std::lock_guard lock(m_session->mutex);
    return m_session->tried
               ? (m_session->error.isEmpty() ? m_session->description : m_session->error)
               : QString();
}

void KeyframeController::setCurrentFrame(FrameIndex frame)
{
    m_frame = frame;
    updateOverlay();
}

QString KeyframeController::keyframeColourPath(FrameIndex frame) const
{
    const project::ResultCache &cache = m_document->cache();
    if (QFile::exists(cache.keyframeResultPath(frame)))
        return cache.keyframeResultPath(frame);
    if (QFile::exists(cache.keyframeModelPath(frame)))
        return cache.keyframeModelPath(frame);
    return {};
}

bool KeyframeController::hasColour(FrameIndex frame) const
{
    return m_live.contains(frame) || !keyframeColourPath(frame).isEmpty();
}

void KeyframeController::colourise(FrameIndex frame)
{
    if (frame < 0 || !m_document->isFootageOpen())
        return;
    if (!m_project->keyframe(frame))
        m_project->undoStack()->push(new project::AddKeyframeCommand(m_project, frame));
    const QString media = m_project->mediaPath();
    const project::ResultCache cache = m_document->cache();
    const double lambda = m_project->parameters().priorWeight;
    const QVector<project::PaintStroke> strokes = m_project->keyframe(frame)->strokes;
    std::shared_ptr<Session> session = m_session;
    m_jobs->submit<Solved>(
        {keyName(frame), QStringLiteral("model")}, tr("Colourise keyframe %1").arg(frame),
        [=](Feedback &fb) -> Result<Solved> {
            Result<Frame> source = project::readFrame(media, frame);
            if (!source)
                return source.error();
            const Frame grey = source->luma();
            Frame prior;
            const QString noModel = session->ensureLoaded();
            if (noModel.isEmpty()) {
                Result<Frame> coloured = session->model->colorize(*source);
                if (!coloured)
                    return coloured.error();
                prior = *coloured;
            }
            if (prior.isNull()) {
                fb.warn(QStringLiteral("%1; the keyframe starts grey").arg(noModel));
                prior = grey.converted(PixelFormat::Rgb8);
            }
            fb.reportProgress(1, 2);
            if (fb.isCancelled())
                return Error::cancelled();
            cache.ensureExists();
            if (Result<void> ok = writeImage(cache.keyframeModelPath(frame), prior, Existing::Replace); !ok)
                return ok.error();
            auto solver = std::make_shared<KeyframeSolver>(grey, prior, lambda);
            Result<Frame> solved =
                solver->solve(project::rasteriseStrokes(strokes, grey.width(), grey.height()), fb);
            if (!solved)
                return solved.error();
            if (Result<void> ok = writeImage(cache.keyframeResultPath(frame), *solved, Existing::Replace); !ok)
                return ok.error();
            fb.reportProgress(2, 2);
            return Solved{toQImage(*solved), solver};
        },
        [this, frame](Result<Solved> r) {
            if (!r) {
                if (!r.error().isCancelled())
                    emit statusMessage(tr("Keyframe %1: %2").arg(frame).arg(r.error().message));
                return;
            }
            keep(frame, *r);
            ++m_solves;
            emit statusMessage(tr("Keyframe %1 coloured by %2").arg(frame).arg(modelDescription()));
            emit resultChanged(frame);
            emit stateChanged();
            // Strokes drawn while the model ran: solve them against the new prior.
            const project::KeyframeEntry *k = m_project->keyframe(frame);
            if (k && !k->strokes.isEmpty())
                resolve(frame);
        });
}

void KeyframeController::resolve(FrameIndex frame)
{
    const project::KeyframeEntry *k = m_project->keyframe(frame);
    if (!k || (k->strokes.isEmpty() && !hasColour(frame)))
        return;
    const QVector<project::PaintStroke> strokes = k->strokes;
    std::shared_ptr<KeyframeSolver> solver = m_solvers.value(frame);
    const QString media = m_project->mediaPath();
    const project::ResultCache cache = m_document->cache();
    const double lambda = m_project->parameters().priorWeight;
    m_jobs->submit<Solved>(
        {keyName(frame), QStringLiteral("solve")}, tr("Repaint keyframe %1").arg(frame),
        [=](Feedback &fb) mutable -> Result<Solved> {
            if (!solver) {
                Result<Frame> source = project::readFrame(media, frame);
                if (!source)
                    return source.error();
                Frame prior;
                if (QFile::exists(cache.keyframeModelPath(frame))) {
                    Result<Frame> p = readImage(cache.keyframeModelPath(frame));
                    if (p)
                        prior = *p;
                }
                solver = std::make_shared<KeyframeSolver>(*source, prior, lambda);
            }
            Result<Frame> solved = solver->solve(
                project::rasteriseStrokes(strokes, solver->width(), solver->height()), fb);
            if (!solved)
                return solved.error();
            cache.ensureExists();
            if (Result<void> ok = writeImage(cache.keyframeResultPath(frame), *solved, Existing::Replace); !ok)
                return ok.error();
            return Solved{toQImage(*solved), solver};
        },
        [this, frame](Result<Solved> r) {
            if (!r) {
                if (!r.error().isCancelled())
                    emit statusMessage(tr("Keyframe %1: %2").arg(frame).arg(r.error().message));
                return;
            }
            keep(frame, *r);
            ++m_solves;
            emit resultChanged(frame);
            emit stateChanged();
        });
}

void KeyframeController::keep(FrameIndex frame, const Solved &solved)
{
    if (!m_solvers.contains(frame) && m_solvers.size() >= kKeptSolvers) {
        const FrameIndex dropped = m_solvers.begin().key();
        m_solvers.remove(dropped);
        m_live.remove(dropped);
    }
    m_solvers.insert(frame, solved.solver);
    m_live.insert(frame, solved.image);
}

void KeyframeController::accept(FrameIndex frame, bool accepted)
{
    if (frame < 0)
        return;
    if (accepted && !hasColour(frame)) {
        emit statusMessage(tr("Colourise frame %1 as a keyframe before accepting it").arg(frame));
        emit stateChanged();
        return;
    }
    m_project->undoStack()->push(
        new project::SetKeyframeAcceptedCommand(m_project, frame, accepted));
}

void KeyframeController::onStrokeStarted(QPointF point)
{
    if (m_frame < 0 || !m_document->isFootageOpen())
        return;
    m_stroke = m_panel->strokeTemplate();
    m_stroke.serial = m_nextSerial++;
    m_stroke.points = {point};
    m_drawing = true;
    m_project->undoStack()->push(new project::StrokeCommand(m_project, m_frame, m_stroke));
}

void KeyframeController::onStrokeMoved(QPointF point)
{
    if (!m_drawing || QLineF(m_stroke.points.back(), point).length() < 0.75)
        return;
    m_stroke.points.append(point);
    m_project->undoStack()->push(new project::StrokeCommand(m_project, m_frame, m_stroke));
}

void KeyframeController::onStrokeFinished()
{
    if (!m_drawing)
        return;
    m_drawing = false;
    if (m_stroke.tool == project::BrushTool::Paint)
        m_panel->setColour(m_stroke.colour); // the palette of recent colours
    resolve(m_frame);
}

void KeyframeController::updateOverlay()
{
    const project::KeyframeEntry *k = m_frame >= 0 ? m_project->keyframe(m_frame) : nullptr;
    const bool painting = m_panel->tool() != PaintPanel::Tool::Pan;
    if (!k || !painting || k->strokes.isEmpty() || m_viewer->image().isNull()) {
        m_viewer->setOverlay({});
        return;
    }
    m_viewer->setOverlay(
        project::strokeOverlay(k->strokes, m_viewer->image().width(), m_viewer->image().height()));
}

} // namespace tincture::ui
