#pragma once
// PlotsPanel: per-frame quality of the coloured frames (QCustomPlot) — flicker (warp error
// E_t, PROTOCOLS.md §3), PSNR against the colour reference when one is loaded, colourfulness,
// and the propagation's mean confidence where the method gave one (a dip is where a keyframe
// would help) — with the current frame marked; clicking a plot seeks there. GUI thread only.

#include "metrics/videometrics.h"

#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPItemStraightLine;
class QLabel;
class QPushButton;

namespace tincture::ui {

class PlotsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit PlotsPanel(QWidget *parent = nullptr);

    void setMetrics(const std::vector<metrics::FrameMetrics> &frames);
    void clear();
    void setCurrentFrame(qint64 frame);
    int pointCount() const { return int(m_frames.size()); }
    QCustomPlot *plot(int which) const
    {
        return m_plots.value(which);
    } // 0 flicker, 1 PSNR, 2 colourfulness, 3 confidence

signals:
    void seekRequested(qint64 frame);
    void measureRequested();

private:
    QList<QCustomPlot *> m_plots;
    QList<QCPItemStraightLine *> m_markers;
    QLabel *m_summary;
    QPushButton *m_measure;
    std::vector<metrics::FrameMetrics> m_frames;
};

} // namespace tincture::ui
