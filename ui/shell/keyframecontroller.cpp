#include "shell/keyframecontroller.h"

#include "imageconvert.h"
#include "jobs/jobmanager.h"
#include "paint/paintpanel.h"
#include "project/commands.h"
#include "pipeline/filmops.h"
#include "pipeline/keyframeservice.h"
#include "project/strokeraster.h"
#include "shell/documentcontroller.h"
#include "viewer/viewerwidget.h"

#include <QFile>
#include <QLineF>

namespace tincture::ui {

namespace {

QString keyName(FrameIndex frame)
{
    return QStringLiteral("keyframe %1").arg(frame);
}
} // namespace

KeyframeController::KeyframeController(project::Project *project, jobs::JobManager *jobs,
                                       DocumentController *document, ViewerWidget *viewer,
                                       PaintPanel *panel, QObject *parent)
    : QObject(parent), m_project(project), m_jobs(jobs), m_document(document), m_viewer(viewer),
      m_panel(panel)
{
    useProjectColorizer();
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
            m_service->dropWarm(frame);
            emit resultChanged(frame);
        } else if (!m_drawing) {
            resolve(frame);
        }
        if (frame == m_frame)
            updateOverlay();
        emit stateChanged();
    });
    connect(project, &project::Project::parametersChanged, this, [this] {
        useProjectColorizer();
        // λ and the working height are part of each solver: rebuild them, and re-solve the
        // keyframe on screen.
        m_service->dropAllWarm();
        if (m_frame >= 0 && m_project->keyframe(m_frame) && hasColour(m_frame))
            resolve(m_frame);
    });
    viewer->setBrushRadius(panel->radius());
}

KeyframeController::~KeyframeController() = default;

void KeyframeController::useProjectColorizer()
{
    const QString name = m_project->parameters().model;
    if (m_service && name == m_modelName)
        return;
    // Jobs running keep the service they were given; the next ones get the new model.
    pipeline::KeyframeModelOptions options;
    m_colorizer = QString::fromLatin1(project::kDefaultColorizer);
    if (name != m_colorizer) {
        if (Result<QString> manifest = pipeline::colorizerManifest(name); manifest) {
            options.path = *manifest;
            m_colorizer = name;
        } else {
            emit statusMessage(
                tr("Keyframes are proposed by %1: %2").arg(m_colorizer, manifest.error().message));
        }
    }
    m_service = std::make_shared<pipeline::KeyframeService>(options);
    m_modelName = name;
    m_live.clear(); // their colours are in the cache; the new service keeps no solver warm
}

void KeyframeController::clear()
{
    m_service->dropAllWarm();
    m_live.clear();
    m_drawing = false;
}

QString KeyframeController::modelDescription() const
{
    return m_service->modelDescription();
}

void KeyframeController::reloadColour(FrameIndex frame)
{
    m_live.remove(frame);
    m_service->dropWarm(frame);
    emit resultChanged(frame);
    emit stateChanged();
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
    const int workingHeight = m_project->parameters().workingHeight;
    const QVector<project::PaintStroke> strokes = m_project->keyframe(frame)->strokes;
    std::shared_ptr<pipeline::KeyframeService> service = m_service;
    m_jobs->submit<Solved>(
        {keyName(frame), QStringLiteral("model")}, tr("Colourise keyframe %1").arg(frame),
        [=](Feedback &fb) -> Result<Solved> {
            Result<pipeline::PaintedKeyframe> painted =
                service->colourise(media, frame, strokes, lambda, workingHeight, cache, fb);
            if (!painted)
                return painted.error();
            return Solved{toQImage(painted->colour), painted->solver};
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
    std::shared_ptr<pipeline::KeyframeSolver> solver = m_service->warmSolver(frame);
    std::shared_ptr<pipeline::KeyframeService> service = m_service;
    const QString media = m_project->mediaPath();
    const project::ResultCache cache = m_document->cache();
    const double lambda = m_project->parameters().priorWeight;
    const int workingHeight = m_project->parameters().workingHeight;
    m_jobs->submit<Solved>(
        {keyName(frame), QStringLiteral("solve")}, tr("Repaint keyframe %1").arg(frame),
        [=](Feedback &fb) -> Result<Solved> {
            Result<pipeline::PaintedKeyframe> painted =
                service->repaint(media, frame, strokes, solver, lambda, workingHeight, cache, fb);
            if (!painted)
                return painted.error();
            return Solved{toQImage(painted->colour), painted->solver};
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
    if (const FrameIndex dropped = m_service->keepWarm(frame, solved.solver); dropped >= 0)
        m_live.remove(dropped);
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
