#pragma once
// PaintPanel: the keyframe workflow's controls — colourise the current frame as a keyframe,
// accept it, propagate the shot, colour the shot per frame instead — and the repaint tools: brush
// (size, hardness), colour picker with a palette of recent colours, eyedropper from the result,
// eraser, and the brush that keeps the model's colour, and the project's parameters (colouriser,
// propagation method, λ, working height). Holds the tool settings; the keyframe controller reads
// them. GUI thread only.

#include "project/project.h"

#include <QWidget>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;
class QToolButton;

namespace tincture::ui {

class PaintPanel : public QWidget
{
    Q_OBJECT
public:
    enum class Tool { Pan, Brush, Eraser, KeepModel, Eyedropper };
    Q_ENUM(Tool)

    explicit PaintPanel(QWidget *parent = nullptr);

    Tool tool() const { return m_tool; }
    void setTool(Tool tool);
    QRgb colour() const { return m_colour; }
    void setColour(QRgb colour); // also becomes the newest recent colour
    double radius() const;
    void setRadius(double imagePixels);
    double hardness() const;
    QList<QRgb> recentColours() const { return m_recent; }
    // A stroke with the current tool settings (no points yet).
    project::PaintStroke strokeTemplate() const;

    // What the keyframe buttons can do at the current frame.
    void setKeyframeState(const QString &text, bool canColourise, bool canAccept, bool accepted,
                          bool canPropagate);
    // Whether the current shot (if any) is coloured per frame (does not emit perFrameRequested).
    void setShotMode(bool hasShot, bool perFrame);
    // The project's colourisation parameters as shown (does not emit parametersEdited).
    void setParameters(const project::ProjectParameters &parameters);

signals:
    void toolChanged(tincture::ui::PaintPanel::Tool tool);
    void radiusChanged(double imagePixels);
    void colouriseRequested();
    void acceptRequested(bool accepted);
    void propagateRequested();
    void propagateAllRequested();
    void perFrameRequested(bool perFrame); // for the current shot
    void parametersEdited(const tincture::project::ProjectParameters &parameters);

private:
    void chooseColour();
    void updateSwatches();

    Tool m_tool = Tool::Pan;
    QRgb m_colour = qRgb(200, 60, 50);
    QList<QRgb> m_recent;
    QButtonGroup *m_tools;
    QSlider *m_size;
    QSlider *m_hardness;
    QToolButton *m_colourButton;
    QList<QToolButton *> m_swatches;
    QLabel *m_keyLabel;
    QPushButton *m_colourise;
    QPushButton *m_accept;
    QPushButton *m_propagate;
    QPushButton *m_propagateAll;
    QCheckBox *m_perFrame;
    bool m_videoColorizer; // one is installed: per-frame mode is possible
    QComboBox *m_colorizer;
    QComboBox *m_method;
    QDoubleSpinBox *m_priorWeight;
    QComboBox *m_workingHeight;
    project::ProjectParameters m_parameters;
};

} // namespace tincture::ui
