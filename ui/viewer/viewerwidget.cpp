#include "viewer/viewerwidget.h"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>

namespace tincture::ui {

ViewerWidget::ViewerWidget(QWidget *parent) : QWidget(parent)
{
    setMinimumSize(320, 180);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::StrongFocus);
    setMessage(tr("Open a film with File ▸ Open… or drop it here"));
}

void ViewerWidget::setImage(const QImage &image)
{
    m_image = image;
    update();
}

void ViewerWidget::setPixelAspect(double aspect)
{
    m_pixelAspect = aspect > 0 ? aspect : 1.0;
    update();
}

void ViewerWidget::setMessage(const QString &message)
{
    m_message = message;
    update();
}

double ViewerWidget::zoom() const
{
    if (m_image.isNull())
        return 1.0;
    return targetRect().width() / m_image.width();
}

void ViewerWidget::fitToWindow()
{
    m_fit = true;
    m_pan = {};
    update();
}

void ViewerWidget::setZoom(double factor)
{
    m_fit = false;
    m_zoom = std::clamp(factor, 0.05, 32.0);
    update();
}

void ViewerWidget::zoomIn()
{
    setZoom(zoom() * 1.25);
}

void ViewerWidget::zoomOut()
{
    setZoom(zoom() / 1.25);
}

QRectF ViewerWidget::targetRect() const
{
    const double w = m_image.width() * m_pixelAspect;
    const double h = m_image.height();
    double scale = m_zoom;
    if (m_fit)
        scale = std::min(width() / w, height() / h);
    const QSizeF size(w * scale, h * scale);
    const QPointF centre = QPointF(width() / 2.0, height() / 2.0) + (m_fit ? QPointF() : m_pan);
    return QRectF(centre - QPointF(size.width() / 2, size.height() / 2), size);
}

void ViewerWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), QColor(24, 24, 26));
    if (m_image.isNull()) {
        p.setPen(QColor(170, 170, 170));
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, m_message);
        return;
    }
    p.setRenderHint(QPainter::SmoothPixmapTransform, zoom() < 2.0);
    p.drawImage(targetRect(), m_image);
}

void ViewerWidget::wheelEvent(QWheelEvent *event)
{
    if (event->angleDelta().y() > 0)
        zoomIn();
    else if (event->angleDelta().y() < 0)
        zoomOut();
}

void ViewerWidget::mousePressEvent(QMouseEvent *event)
{
    m_dragStart = event->pos();
    m_panStart = m_pan;
}

void ViewerWidget::mouseMoveEvent(QMouseEvent *event)
{
    if (!(event->buttons() & (Qt::LeftButton | Qt::MiddleButton)) || m_fit)
        return;
    m_pan = m_panStart + QPointF(event->pos() - m_dragStart);
    update();
}

} // namespace tincture::ui
