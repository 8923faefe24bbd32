#include "timeline/timelinewidget.h"

#include "timeline/transportbar.h"

#include <QContextMenuEvent>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace tincture::ui {

namespace {
constexpr int kRulerH = 18;
constexpr int kThumbH = 46;
constexpr int kShotH = 20;
constexpr int kScrollH = 12;
constexpr int kMargin = 6;
} // namespace

TimelineWidget::TimelineWidget(QWidget *parent) : QWidget(parent)
{
    m_scroll = new QScrollBar(Qt::Horizontal, this);
    setMinimumHeight(kRulerH + kThumbH + kShotH + kScrollH + 6);
    setFocusPolicy(Qt::ClickFocus);
    connect(m_scroll, &QScrollBar::valueChanged, this, qOverload<>(&QWidget::update));
}

void TimelineWidget::setFilm(qint64 frames, Rational fps)
{
    m_frames = frames;
    m_fps = fps.isValid() ? fps : Rational{24, 1};
    m_position = 0;
    m_ppf = 0.0;
    m_thumbs.clear();
    m_shots.clear();
    m_in = m_out = -1;
    updateScrollBar();
    update();
}

void TimelineWidget::setShots(const QVector<ShotView> &shots)
{
    m_shots = shots;
    update();
}

void TimelineWidget::setPosition(qint64 frame)
{
    m_position = frame;
    // Keep the playhead in view when zoomed in.
    const double x = frameToX(frame);
    if (x < kMargin || x > width() - kMargin)
        m_scroll->setValue(int(frame * pixelsPerFrame() - width() / 2.0));
    update();
}

void TimelineWidget::setThumbnail(qint64 frame, const QImage &thumbnail)
{
    m_thumbs.insert(frame, thumbnail);
    update();
}

void TimelineWidget::clearThumbnails()
{
    m_thumbs.clear();
    update();
}

void TimelineWidget::setInOut(qint64 in, qint64 out)
{
    m_in = in;
    m_out = out;
    update();
}

double TimelineWidget::pixelsPerFrame() const
{
    if (m_ppf > 0)
        return m_ppf;
    return m_frames > 0 ? (width() - 2.0 * kMargin) / double(m_frames) : 1.0;
}

void TimelineWidget::setPixelsPerFrame(double ppf)
{
    const double fit = m_frames > 0 ? (width() - 2.0 * kMargin) / double(m_frames) : 1.0;
    m_ppf = ppf <= fit ? 0.0 : std::min(ppf, 64.0);
    updateScrollBar();
    update();
}

double TimelineWidget::frameToX(qint64 frame) const
{
    return kMargin + frame * pixelsPerFrame() - m_scroll->value();
}

qint64 TimelineWidget::xToFrame(double x) const
{
    const double f = (x - kMargin + m_scroll->value()) / pixelsPerFrame();
    return std::clamp<qint64>(qint64(std::floor(f)), 0, std::max<qint64>(0, m_frames - 1));
}

void TimelineWidget::updateScrollBar()
{
    const double total = m_frames * pixelsPerFrame() + 2.0 * kMargin;
    m_scroll->setRange(0, std::max(0, int(total - width())));
    m_scroll->setPageStep(width());
    m_scroll->setVisible(m_scroll->maximum() > 0);
}

void TimelineWidget::resizeEvent(QResizeEvent *)
{
    m_scroll->setGeometry(0, height() - kScrollH, width(), kScrollH);
    updateScrollBar();
}

int TimelineWidget::shotIndexAt(qint64 frame) const
{
    for (int i = 0; i < m_shots.size(); ++i)
        if (frame >= m_shots[i].first && frame <= m_shots[i].last)
            return i;
    return -1;
}

void TimelineWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), QColor(36, 36, 40));
    if (m_frames <= 0) {
        p.setPen(QColor(140, 140, 140));
        p.drawText(rect(), Qt::AlignCenter, tr("Timeline: no film open"));
        return;
    }
    const double ppf = pixelsPerFrame();
    const int thumbTop = kRulerH, shotTop = kRulerH + kThumbH + 2;

    // Ruler: a tick per second-ish, labelled with timecode where there is room.
    p.setPen(QColor(170, 170, 170));
    const double fps = m_fps.toDouble() > 0 ? m_fps.toDouble() : 24.0;
    qint64 step = std::max<qint64>(1, qint64(std::ceil(fps)));
    while (step * ppf < 90)
        step *= 2;
    QFont small = font();
    small.setPointSizeF(std::max(6.0, small.pointSizeF() - 1.5));
    p.setFont(small);
    for (qint64 f = (xToFrame(0) / step) * step; f < m_frames; f += step) {
        const double x = frameToX(f);
        if (x > width())
            break;
        p.drawLine(QPointF(x, kRulerH - 6), QPointF(x, kRulerH));
        p.drawText(QPointF(x + 2, kRulerH - 7), TransportBar::timecode(f, m_fps));
    }

    // Thumbnails side by side at their natural width, each showing the sampled frame nearest
    // to (at or before) where it starts.
    if (!m_thumbs.isEmpty()) {
        const QImage &first = m_thumbs.first();
        const double tw = kThumbH * double(first.width()) / std::max(1, first.height());
        const double filmEnd = frameToX(m_frames);
        p.save();
        p.setClipRect(QRectF(frameToX(0), thumbTop, filmEnd - frameToX(0), kThumbH));
        for (double x = std::max(0.0, frameToX(0)); x < std::min<double>(width(), filmEnd);
             x += tw) {
            auto it = m_thumbs.upperBound(xToFrame(x));
            if (it != m_thumbs.begin())
                --it;
            p.drawImage(QRectF(x, thumbTop, tw, kThumbH), it.value());
        }
        p.restore();
    }

    // Shots: coloured bands by state, boundaries, keyframe diamonds.
    for (int i = 0; i < m_shots.size(); ++i) {
        const ShotView &s = m_shots[i];
        const QRectF band(frameToX(s.first), shotTop, (s.last - s.first + 1) * ppf, kShotH);
        QColor c = s.state == ShotState::Current ? QColor(60, 140, 80)
                   : s.state == ShotState::Stale ? QColor(170, 110, 40)
                                                 : QColor(80, 80, 92);
        if (i % 2)
            c = c.lighter(115);
        p.fillRect(band, c);
        if (s.state == ShotState::Stale)
            p.fillRect(band, QBrush(QColor(0, 0, 0, 60), Qt::BDiagPattern));
        p.setPen(QPen(QColor(240, 240, 240), 2));
        p.drawLine(QPointF(band.left(), thumbTop), QPointF(band.left(), band.bottom()));
        p.setPen(QColor(230, 230, 230));
        if (band.width() > 40)
            p.drawText(band.adjusted(4, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft,
                       tr("Shot %1").arg(i + 1));
        for (int k = 0; k < s.keyframes.size(); ++k) {
            const QPointF c0(frameToX(s.keyframes[k]) + ppf / 2, band.center().y());
            QPainterPath diamond;
            diamond.moveTo(c0 + QPointF(0, -7));
            diamond.lineTo(c0 + QPointF(7, 0));
            diamond.lineTo(c0 + QPointF(0, 7));
            diamond.lineTo(c0 + QPointF(-7, 0));
            diamond.closeSubpath();
            const bool accepted = k < s.accepted.size() && s.accepted[k];
            p.setPen(QPen(Qt::black, 1));
            p.setBrush(accepted ? QColor(255, 210, 60) : QColor(255, 255, 255));
            p.setRenderHint(QPainter::Antialiasing, true);
            p.drawPath(diamond);
            p.setRenderHint(QPainter::Antialiasing, false);
        }
    }

    // In/out range.
    if (m_in >= 0 || m_out >= 0) {
        const double x0 = frameToX(m_in >= 0 ? m_in : 0);
        const double x1 = frameToX((m_out >= 0 ? m_out : m_frames - 1) + 1);
        p.fillRect(QRectF(x0, 0, x1 - x0, 4), QColor(90, 160, 255));
    }

    // Playhead.
    const double px = frameToX(m_position) + ppf / 2;
    p.setPen(QPen(QColor(255, 70, 70), 2));
    p.drawLine(QPointF(px, 0), QPointF(px, shotTop + kShotH));
}

void TimelineWidget::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && m_frames > 0)
        emit positionRequested(xToFrame(event->position().x()));
}

void TimelineWidget::mouseMoveEvent(QMouseEvent *event)
{
    if ((event->buttons() & Qt::LeftButton) && m_frames > 0)
        emit positionRequested(xToFrame(event->position().x()));
}

void TimelineWidget::wheelEvent(QWheelEvent *event)
{
    const int delta = event->angleDelta().y();
    if (delta == 0)
        return;
    if (event->modifiers() & Qt::ControlModifier) {
        const double x = event->position().x();
        const double frameAtCursor = (x - kMargin + m_scroll->value()) / pixelsPerFrame();
        setPixelsPerFrame(pixelsPerFrame() * (delta > 0 ? 1.25 : 0.8));
        m_scroll->setValue(int(frameAtCursor * pixelsPerFrame() - (x - kMargin)));
    } else {
        m_scroll->setValue(m_scroll->value() - delta);
    }
}

void TimelineWidget::contextMenuEvent(QContextMenuEvent *event)
{
    if (m_frames <= 0)
        return;
    const qint64 frame = xToFrame(event->pos().x());
    const int shot = shotIndexAt(frame);
    QMenu menu(this);
    QAction *split = menu.addAction(tr("Split Shot at Frame %1").arg(frame));
    split->setEnabled(shot >= 0 && m_shots[shot].first != frame);
    QAction *merge = menu.addAction(tr("Merge with Next Shot"));
    merge->setEnabled(shot >= 0 && shot + 1 < m_shots.size());
    menu.addSeparator();
    const bool isKey = shot >= 0 && m_shots[shot].keyframes.contains(frame);
    QAction *key = menu.addAction(isKey ? tr("Remove Keyframe %1").arg(frame)
                                        : tr("Add Keyframe at Frame %1").arg(frame));
    QAction *chosen = menu.exec(event->globalPos());
    if (chosen == split)
        emit splitRequested(frame);
    else if (chosen == merge)
        emit mergeRequested(shot);
    else if (chosen == key)
        isKey ? emit removeKeyframeRequested(frame) : emit addKeyframeRequested(frame);
}

} // namespace tincture::ui
