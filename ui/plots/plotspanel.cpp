#include "plots/plotspanel.h"

#include <qcustomplot.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>

namespace tincture::ui {

namespace {
constexpr int kPlots = 4;
}

PlotsPanel::PlotsPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    auto *top = new QHBoxLayout;
    m_measure = new QPushButton(tr("Measure Shot"), this);
    m_measure->setObjectName(QStringLiteral("measureButton"));
    m_measure->setToolTip(tr("Per-frame flicker, colourfulness, PSNR against the reference and "
                             "the propagation's confidence of the current shot's coloured "
                             "frames"));
    m_summary = new QLabel(tr("No measurements yet"), this);
    m_summary->setObjectName(QStringLiteral("plotSummary"));
    top->addWidget(m_measure);
    top->addWidget(m_summary, 1);
    layout->addLayout(top);
    connect(m_measure, &QPushButton::clicked, this, &PlotsPanel::measureRequested);

    const QString names[] = {tr("Flicker E_t"), tr("PSNR vs reference (dB)"), tr("Colourfulness"),
                             tr("Confidence")};
    const QColor colours[] = {QColor(230, 120, 60), QColor(80, 150, 230), QColor(120, 190, 90),
                              QColor(220, 90, 200)};
    for (int i = 0; i < kPlots; ++i) {
        auto *plot = new QCustomPlot(this);
        plot->setObjectName(QStringLiteral("plot%1").arg(i));
        plot->setMinimumHeight(70);
        plot->setBackground(QColor(36, 36, 40));
        for (QCPAxis *axis : {plot->xAxis, plot->yAxis}) {
            axis->setBasePen(QPen(QColor(160, 160, 160)));
            axis->setTickPen(QPen(QColor(160, 160, 160)));
            axis->setSubTickPen(QPen(QColor(120, 120, 120)));
            axis->setTickLabelColor(QColor(190, 190, 190));
            axis->setLabelColor(QColor(210, 210, 210));
            axis->grid()->setPen(QPen(QColor(70, 70, 76), 1, Qt::DotLine));
        }
        plot->yAxis->setLabel(names[i]);
        QFont f = plot->yAxis->labelFont();
        f.setPointSizeF(std::max(6.0, f.pointSizeF() - 1.5));
        plot->yAxis->setLabelFont(f);
        plot->addGraph();
        plot->graph(0)->setPen(QPen(colours[i], 1.5));
        plot->graph(0)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 3));
        auto *marker = new QCPItemStraightLine(plot);
        marker->setPen(QPen(QColor(255, 70, 70), 1.5));
        marker->point1->setCoords(0, 0);
        marker->point2->setCoords(0, 1);
        connect(plot, &QCustomPlot::mousePress, this, [this, plot](QMouseEvent *event) {
            if (m_frames.empty())
                return;
            const double x = plot->xAxis->pixelToCoord(event->position().x());
            emit seekRequested(qint64(std::llround(x)));
        });
        m_plots.append(plot);
        m_markers.append(marker);
        layout->addWidget(plot, 1);
    }
}

void PlotsPanel::clear()
{
    setMetrics({});
    m_summary->setText(tr("No measurements yet"));
}

void PlotsPanel::setMetrics(const std::vector<metrics::FrameMetrics> &frames)
{
    m_frames = frames;
    QVector<double> x, values[kPlots];
    double confidenceSum = 0.0;
    int confidenceFrames = 0;
    for (const metrics::FrameMetrics &m : frames) {
        x.append(double(m.index));
        values[0].append(m.flicker); // NaN (last frame) leaves a gap
        values[1].append(std::isfinite(m.psnr) ? m.psnr : qQNaN());
        values[2].append(m.colourfulness);
        values[3].append(std::isfinite(m.confidence) ? m.confidence : qQNaN());
        if (std::isfinite(m.confidence)) {
            confidenceSum += m.confidence;
            ++confidenceFrames;
        }
    }
    for (int i = 0; i < kPlots; ++i) {
        m_plots[i]->graph(0)->setData(x, values[i], true);
        m_plots[i]->rescaleAxes();
        if (i == 3) // a share: always on the same scale
            m_plots[i]->yAxis->setRange(0.0, 1.05);
        if (!x.isEmpty())
            m_plots[i]->xAxis->setRange(x.front() - 0.5, x.back() + 0.5);
        m_plots[i]->replot();
    }
    if (!frames.empty()) {
        const metrics::VideoMetricsSummary s = metrics::summarise(frames);
        QString text = tr("Frames %1–%2: flicker %3, colourfulness %4")
                           .arg(frames.front().index)
                           .arg(frames.back().index)
                           .arg(s.meanFlicker, 0, 'g', 3)
                           .arg(s.meanColourfulness, 0, 'f', 1);
        if (std::isfinite(s.meanPsnr))
            text += tr(", PSNR %1 dB").arg(s.meanPsnr, 0, 'f', 2);
        if (confidenceFrames > 0)
            text += tr(", confidence %1").arg(confidenceSum / confidenceFrames, 0, 'f', 2);
        m_summary->setText(text);
    }
}

void PlotsPanel::setCurrentFrame(qint64 frame)
{
    for (int i = 0; i < m_plots.size(); ++i) {
        m_markers[i]->point1->setCoords(double(frame), 0);
        m_markers[i]->point2->setCoords(double(frame), 1);
        m_plots[i]->replot(QCustomPlot::rpQueuedReplot);
    }
}

} // namespace tincture::ui
