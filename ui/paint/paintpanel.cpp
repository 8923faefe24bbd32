#include "paint/paintpanel.h"

#include "pipeline/filmops.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QColorDialog>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QToolButton>
#include <QVBoxLayout>

namespace tincture::ui {

namespace {
constexpr int kPaletteSize = 8;

QIcon swatchIcon(QRgb colour)
{
    QPixmap pm(18, 18);
    pm.fill(QColor::fromRgb(colour));
    return QIcon(pm);
}
} // namespace

PaintPanel::PaintPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    auto *keyBox = new QGroupBox(tr("Keyframe"), this);
    auto *keyLayout = new QVBoxLayout(keyBox);
    m_keyLabel = new QLabel(tr("No film open"), keyBox);
    m_keyLabel->setObjectName(QStringLiteral("keyframeStatus"));
    m_keyLabel->setWordWrap(true);
    m_colourise = new QPushButton(tr("Colourise Keyframe"), keyBox);
    m_colourise->setObjectName(QStringLiteral("colouriseButton"));
    m_colourise->setToolTip(tr("Run the keyframe model on this frame (it becomes a keyframe)"));
    m_accept = new QPushButton(tr("Accept"), keyBox);
    m_accept->setObjectName(QStringLiteral("acceptButton"));
    m_accept->setCheckable(true);
    m_accept->setToolTip(tr("Use this keyframe's colour for propagation"));
    m_propagate = new QPushButton(tr("Propagate Shot"), keyBox);
    m_propagate->setObjectName(QStringLiteral("propagateButton"));
    m_propagateAll = new QPushButton(tr("Propagate All Shots"), keyBox);
    m_propagateAll->setObjectName(QStringLiteral("propagateAllButton"));
    keyLayout->addWidget(m_keyLabel);
    auto *row = new QHBoxLayout;
    row->addWidget(m_colourise);
    row->addWidget(m_accept);
    keyLayout->addLayout(row);
    auto *row2 = new QHBoxLayout;
    row2->addWidget(m_propagate);
    row2->addWidget(m_propagateAll);
    keyLayout->addLayout(row2);
    m_perFrame = new QCheckBox(tr("Colour this shot per frame"), keyBox);
    m_perFrame->setObjectName(QStringLiteral("perFrameShot"));
    m_videoColorizer = pipeline::hasVideoColorizer();
    m_perFrame->setToolTip(
        m_videoColorizer
            ? tr("A video colouriser colours every frame of the shot by itself (the chosen "
                 "colouriser when it is one, else recurrent-bins); nothing is propagated and the "
                 "shot needs no keyframe")
            : tr("Per-frame mode needs a video colouriser, and none is installed (models/"
                 "recurrent-bins.json, global-local.json or cnn-lstm.json)"));
    m_perFrame->setEnabled(false);
    keyLayout->addWidget(m_perFrame);
    layout->addWidget(keyBox);
    connect(m_colourise, &QPushButton::clicked, this, &PaintPanel::colouriseRequested);
    connect(m_accept, &QPushButton::clicked, this, &PaintPanel::acceptRequested);
    connect(m_propagate, &QPushButton::clicked, this, &PaintPanel::propagateRequested);
    connect(m_propagateAll, &QPushButton::clicked, this, &PaintPanel::propagateAllRequested);
    connect(m_perFrame, &QCheckBox::clicked, this, &PaintPanel::perFrameRequested);

    auto *toolBox = new QGroupBox(tr("Repaint"), this);
    auto *grid = new QGridLayout(toolBox);
    m_tools = new QButtonGroup(this);
    const struct
    {
        Tool tool;
        QString text;
        QString name;
        QString tip;
    } tools[] = {
        {Tool::Pan, tr("Pan"), QStringLiteral("toolPan"), tr("Pan and zoom the picture (V)")},
        {Tool::Brush, tr("Brush"), QStringLiteral("toolBrush"), tr("Paint a colour (B)")},
        {Tool::Eraser, tr("Eraser"), QStringLiteral("toolEraser"), tr("Erase strokes (E)")},
        {Tool::KeepModel, tr("Keep"), QStringLiteral("toolKeep"),
         tr("Keep the model's colour here (M)")},
        {Tool::Eyedropper, tr("Pick"), QStringLiteral("toolEyedropper"),
         tr("Pick a colour from the result (C)")},
    };
    int col = 0;
    for (const auto &t : tools) {
        auto *b = new QToolButton(toolBox);
        b->setText(t.text);
        b->setObjectName(t.name);
        b->setToolTip(t.tip);
        b->setCheckable(true);
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        m_tools->addButton(b, int(t.tool));
        grid->addWidget(b, 0, col++);
    }
    m_tools->button(int(Tool::Pan))->setChecked(true);
    connect(m_tools, &QButtonGroup::idClicked, this, [this](int id) { setTool(Tool(id)); });

    auto *form = new QFormLayout;
    m_size = new QSlider(Qt::Horizontal, toolBox);
    m_size->setObjectName(QStringLiteral("brushSize"));
    m_size->setRange(1, 64);
    m_size->setValue(8);
    m_hardness = new QSlider(Qt::Horizontal, toolBox);
    m_hardness->setObjectName(QStringLiteral("brushHardness"));
    m_hardness->setRange(0, 100);
    m_hardness->setValue(70);
    form->addRow(tr("Size"), m_size);
    form->addRow(tr("Hardness"), m_hardness);
    connect(m_size, &QSlider::valueChanged, this, [this](int v) { emit radiusChanged(v); });

    m_colourButton = new QToolButton(toolBox);
    m_colourButton->setObjectName(QStringLiteral("colourButton"));
    m_colourButton->setToolTip(tr("Brush colour"));
    m_colourButton->setIconSize(QSize(36, 18));
    connect(m_colourButton, &QToolButton::clicked, this, &PaintPanel::chooseColour);
    auto *palette = new QHBoxLayout;
    palette->setSpacing(2);
    palette->addWidget(m_colourButton);
    for (int i = 0; i < kPaletteSize; ++i) {
        auto *s = new QToolButton(toolBox);
        s->setObjectName(QStringLiteral("recentColour%1").arg(i));
        s->setAutoRaise(true);
        connect(s, &QToolButton::clicked, this, [this, i] {
            if (i < m_recent.size())
                setColour(m_recent[i]);
        });
        m_swatches.append(s);
        palette->addWidget(s);
    }
    palette->addStretch();
    form->addRow(tr("Colour"), palette);
    grid->addLayout(form, 1, 0, 1, col);
    layout->addWidget(toolBox);

    // Parameters of the project (undoable; changing them makes every shot stale, or the
    // colouriser only the per-frame shots).
    auto *paramBox = new QGroupBox(tr("Parameters"), this);
    auto *paramForm = new QFormLayout(paramBox);
    m_colorizer = new QComboBox(paramBox);
    m_colorizer->setObjectName(QStringLiteral("keyframeModel"));
    m_colorizer->setToolTip(tr("The colouriser that proposes keyframes"));
    for (const QString &name : pipeline::colorizers()) {
        m_colorizer->addItem(name, name);
        m_colorizer->setItemData(m_colorizer->count() - 1, pipeline::colorizerSummary(name),
                                 Qt::ToolTipRole);
    }
    m_method = new QComboBox(paramBox);
    m_method->setObjectName(QStringLiteral("propagationMethod"));
    for (const QString &name : pipeline::propagationMethods()) {
        m_method->addItem(name, name);
        m_method->setItemData(m_method->count() - 1, pipeline::propagationMethodSummary(name),
                              Qt::ToolTipRole);
    }
    m_priorWeight = new QDoubleSpinBox(paramBox);
    m_priorWeight->setObjectName(QStringLiteral("priorWeight"));
    m_priorWeight->setDecimals(3);
    m_priorWeight->setRange(0.0, 10.0);
    m_priorWeight->setSingleStep(0.005);
    m_priorWeight->setToolTip(tr("How strongly unpainted pixels keep the model's colour (λ); "
                                 "a stroke's colour fades over about 1/√λ pixels"));
    m_workingHeight = new QComboBox(paramBox);
    m_workingHeight->setObjectName(QStringLiteral("workingHeight"));
    m_workingHeight->addItem(tr("Film's size"), 0);
    for (int rows : {1080, 720, 576, 480, 360, 240})
        m_workingHeight->addItem(tr("%1 rows").arg(rows), rows);
    m_workingHeight->setToolTip(
        tr("Repaints and propagation compute the colour on frames of this many rows (never more "
           "than the film's), and each frame gets it back at full size over its own luminance: "
           "faster on large scans, the same picture detail"));
    paramForm->addRow(tr("Colouriser"), m_colorizer);
    paramForm->addRow(tr("Propagation"), m_method);
    paramForm->addRow(tr("Model pull λ"), m_priorWeight);
    paramForm->addRow(tr("Working height"), m_workingHeight);
    layout->addWidget(paramBox);
    layout->addStretch();
    connect(m_colorizer, &QComboBox::activated, this, [this] {
        project::ProjectParameters p = m_parameters;
        p.model = m_colorizer->currentData().toString();
        if (!(p == m_parameters))
            emit parametersEdited(p);
    });
    connect(m_method, &QComboBox::activated, this, [this] {
        project::ProjectParameters p = m_parameters;
        p.propagationMethod = m_method->currentData().toString();
        if (!(p == m_parameters))
            emit parametersEdited(p);
    });
    connect(m_workingHeight, &QComboBox::activated, this, [this] {
        project::ProjectParameters p = m_parameters;
        p.workingHeight = m_workingHeight->currentData().toInt();
        if (!(p == m_parameters))
            emit parametersEdited(p);
    });
    connect(m_priorWeight, &QDoubleSpinBox::editingFinished, this, [this] {
        project::ProjectParameters p = m_parameters;
        p.priorWeight = m_priorWeight->value();
        if (!(p == m_parameters))
            emit parametersEdited(p);
    });
    m_recent = {qRgb(200, 60, 50), qRgb(70, 120, 200), qRgb(80, 150, 70), qRgb(220, 180, 140)};
    updateSwatches();
}

void PaintPanel::setTool(Tool tool)
{
    m_tool = tool;
    if (QAbstractButton *b = m_tools->button(int(tool)))
        b->setChecked(true);
    emit toolChanged(tool);
}

void PaintPanel::setColour(QRgb colour)
{
    m_colour = colour | 0xff000000u;
    m_recent.removeAll(m_colour);
    m_recent.prepend(m_colour);
    while (m_recent.size() > kPaletteSize)
        m_recent.removeLast();
    updateSwatches();
}

double PaintPanel::radius() const
{
    return m_size->value();
}

void PaintPanel::setRadius(double imagePixels)
{
    m_size->setValue(int(imagePixels));
}

double PaintPanel::hardness() const
{
    return m_hardness->value() / 100.0;
}

project::PaintStroke PaintPanel::strokeTemplate() const
{
    project::PaintStroke s;
    s.tool = m_tool == Tool::Eraser      ? project::BrushTool::Erase
             : m_tool == Tool::KeepModel ? project::BrushTool::KeepModel
                                         : project::BrushTool::Paint;
    s.colour = m_colour;
    s.radius = radius();
    s.hardness = hardness();
    return s;
}

void PaintPanel::setKeyframeState(const QString &text, bool canColourise, bool canAccept,
                                  bool accepted, bool canPropagate)
{
    m_keyLabel->setText(text);
    m_colourise->setEnabled(canColourise);
    m_accept->setEnabled(canAccept);
    m_accept->setChecked(accepted);
    m_accept->setText(accepted ? tr("Accepted") : tr("Accept"));
    m_propagate->setEnabled(canPropagate);
    m_propagateAll->setEnabled(canColourise);
}

void PaintPanel::setShotMode(bool hasShot, bool perFrame)
{
    m_perFrame->setChecked(perFrame);
    // A per-frame shot can always be put back to propagation.
    m_perFrame->setEnabled(hasShot && (m_videoColorizer || perFrame));
}

void PaintPanel::setParameters(const project::ProjectParameters &parameters)
{
    m_parameters = parameters;
    const QSignalBlocker b0(m_colorizer), b1(m_method), b2(m_priorWeight), b3(m_workingHeight);
    if (m_colorizer->findData(parameters.model) < 0) { // a project file's, not installed here
        m_colorizer->addItem(tr("%1 (not installed)").arg(parameters.model), parameters.model);
        m_colorizer->setItemData(m_colorizer->count() - 1,
                                 tr("Not installed here: keyframes are proposed by %1")
                                     .arg(QLatin1String(project::kDefaultColorizer)),
                                 Qt::ToolTipRole);
    }
    m_colorizer->setCurrentIndex(m_colorizer->findData(parameters.model));
    const QString method = parameters.propagationMethod.isEmpty()
                               ? pipeline::defaultPropagationMethod()
                               : parameters.propagationMethod;
    m_method->setCurrentIndex(m_method->findData(method));
    m_priorWeight->setValue(parameters.priorWeight);
    if (m_workingHeight->findData(parameters.workingHeight) < 0) // a height saved by hand
        m_workingHeight->addItem(tr("%1 rows").arg(parameters.workingHeight),
                                 parameters.workingHeight);
    m_workingHeight->setCurrentIndex(m_workingHeight->findData(parameters.workingHeight));
}

void PaintPanel::chooseColour()
{
    const QColor c = QColorDialog::getColor(QColor::fromRgb(m_colour), this, tr("Brush Colour"));
    if (c.isValid())
        setColour(c.rgb());
}

void PaintPanel::updateSwatches()
{
    m_colourButton->setIcon(swatchIcon(m_colour));
    for (int i = 0; i < m_swatches.size(); ++i) {
        const bool has = i < m_recent.size();
        m_swatches[i]->setIcon(has ? swatchIcon(m_recent[i]) : QIcon());
        m_swatches[i]->setEnabled(has);
        m_swatches[i]->setToolTip(has ? QColor::fromRgb(m_recent[i]).name() : QString());
    }
}

} // namespace tincture::ui
