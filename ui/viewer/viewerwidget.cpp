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
    setMouseTracking(true);
    setMessage(tr("Open a film with File ▸ Open… or drop it here"));
}

void ViewerWidget::setImage(const QImage &image)
{
    m_image = image;
    update();
}

void ViewerWidget::setResult(const QImage &result)
{
    m_result = result;
    update();
}

void ViewerWidget::setReference(const QImage &reference)
{
    m_reference = reference;
    update();
}

void ViewerWidget::setOverlay(const QImage &overlay)
{
    m_overlay = overlay;
    update();
}

void ViewerWidget::setConfidence(const QImage &confidence)
{
    m_confidence = confidence;
    m_confidenceTint = m_showConfidence ? confidenceTint(confidence) : QImage();
    update();
}

void ViewerWidget::setShowConfidence(bool show)
{
    m_showConfidence = show;
    m_confidenceTint = show ? confidenceTint(m_confidence) : QImage();
    update();
}

QImage ViewerWidget::confidenceTint(const QImage &confidence)
{
    if (confidence.isNull())
        return {};
    const QImage grey = confidence.convertToFormat(QImage::Format_Grayscale8);
    QImage tint(grey.size(), QImage::Format_ARGB32_Premultiplied);
    for (int y = 0; y < grey.height(); ++y) {
        const uchar *g = grey.constScanLine(y);
        auto *out = reinterpret_cast<QRgb *>(tint.scanLine(y));
        for (int x = 0; x < grey.width(); ++x) {
            const int a = (255 - g[x]) * 3 / 4;
            out[x] = qPremultiply(qRgba(255, 0, 200, a));
        }
    }
    return tint;
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

void ViewerWidget::setMode(Mode mode)
{
    if (mode == m_mode)
        return;
    m_mode = mode;
    update();
    emit modeChanged(mode);
}

void ViewerWidget::setSplitPosition(double position)
{
    m_split = std::clamp(position, 0.0, 1.0);
    update();
}

void ViewerWidget::setInteraction(Interaction interaction)
{
    m_interaction = interaction;
    setCursor(interaction == Interaction::Pan ? Qt::ArrowCursor : Qt::CrossCursor);
    update();
}

void ViewerWidget::setBrushRadius(double imagePixels)
{
    m_brushRadius = imagePixels;
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

QSizeF ViewerWidget::pictureSize() const
{
    return QSizeF(m_image.width() * m_pixelAspect, m_image.height());
}

QRectF ViewerWidget::targetRect() const
{
    const QSizeF pic = pictureSize();
    // Side by side: two panes, each half the widget; the result is in the right one.
    const bool sideBySide = m_mode == Mode::SideBySide;
    const double paneW = sideBySide ? width() / 2.0 : width();
    double scale = m_zoom;
    if (m_fit)
        scale = std::min(paneW / pic.width(), height() / pic.height());
    const QSizeF size(pic.width() * scale, pic.height() * scale);
    const QPointF centre = QPointF(sideBySide ? width() * 0.75 : width() / 2.0, height() / 2.0) +
                           (m_fit ? QPointF() : m_pan);
    return QRectF(centre - QPointF(size.width() / 2, size.height() / 2), size);
}

QRectF ViewerWidget::sourceRect() const
{
    return targetRect().translated(-width() / 2.0, 0);
}

QPointF ViewerWidget::imageToWidget(QPointF p) const
{
    const QRectF r = targetRect();
    if (m_image.isNull())
        return r.topLeft();
    return QPointF(r.left() + p.x() * r.width() / m_image.width(),
                   r.top() + p.y() * r.height() / m_image.height());
}

QPointF ViewerWidget::widgetToImage(QPointF p) const
{
    const QRectF r = targetRect();
    if (m_image.isNull() || r.isEmpty())
        return {};
    return QPointF((p.x() - r.left()) * m_image.width() / r.width(),
                   (p.y() - r.top()) * m_image.height() / r.height());
}

bool ViewerWidget::nearDivider(QPointF pos) const
{
    if (m_mode != Mode::Split && m_mode != Mode::AB)
        return false;
    const QRectF r = targetRect();
    return std::abs(pos.x() - (r.left() + m_split * r.width())) < 6 && r.contains(pos);
}

void ViewerWidget::drawLabel(QPainter &p, const QRectF &rect, const QString &text, bool right) const
{
    const QFontMetrics fm(font());
    const QRectF box(0, 0, fm.horizontalAdvance(text) + 12, fm.height() + 6);
    const QPointF at =
        right ? rect.topRight() + QPointF(-box.width() - 8, 8) : rect.topLeft() + QPointF(8, 8);
    p.fillRect(box.translated(at), QColor(0, 0, 0, 150));
    p.setPen(Qt::white);
    p.drawText(box.translated(at), Qt::AlignCenter, text);
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
    const QRectF target = targetRect();
    const QImage &result = m_result.isNull() ? m_image : m_result;
    auto drawResult = [&](const QRectF &r, const QRectF &clip) {
        p.save();
        p.setClipRect(clip);
        p.drawImage(r, result);
        if (!m_confidenceTint.isNull() && !m_result.isNull())
            p.drawImage(r, m_confidenceTint);
        if (!m_overlay.isNull())
            p.drawImage(r, m_overlay);
        p.restore();
    };
    const double divider = target.left() + m_split * target.width();
    const QRectF leftPart(target.left(), target.top(), divider - target.left(), target.height());
    const QRectF rightPart(divider, target.top(), target.right() - divider, target.height());
    switch (m_mode) {
    case Mode::Source:
        p.drawImage(target, m_image);
        drawLabel(p, target, tr("Source"), false);
        break;
    case Mode::Result:
        drawResult(target, target);
        drawLabel(p, target, m_result.isNull() ? tr("Result (not coloured yet)") : tr("Result"),
                  false);
        if (m_showConfidence && !m_result.isNull())
            drawLabel(p, target,
                      m_confidence.isNull() ? tr("No confidence for this frame")
                                            : tr("Confidence: magenta where unsure"),
                      true);
        break;
    case Mode::Split:
    case Mode::AB: {
        const bool ab = m_mode == Mode::AB;
        // Split: source on the left of the divider, result on the right. A/B: result (A) on
        // the left, reference (B) on the right.
        if (ab) {
            drawResult(target, leftPart);
            p.save();
            p.setClipRect(rightPart);
            p.drawImage(target, m_reference.isNull() ? m_image : m_reference);
            p.restore();
        } else {
            p.save();
            p.setClipRect(leftPart);
            p.drawImage(target, m_image);
            p.restore();
            drawResult(target, rightPart);
        }
        p.setPen(QPen(QColor(255, 255, 255, 220), 2));
        p.drawLine(QPointF(divider, target.top()), QPointF(divider, target.bottom()));
        p.setBrush(QColor(255, 255, 255, 220));
        p.drawEllipse(QPointF(divider, target.center().y()), 7, 7);
        drawLabel(p, target, ab ? tr("A: result") : tr("Source"), false);
        drawLabel(p, target,
                  ab ? (m_reference.isNull() ? tr("B: no reference loaded") : tr("B: reference"))
                     : tr("Result"),
                  true);
        break;
    }
    case Mode::SideBySide: {
        const QRectF left = sourceRect();
        p.drawImage(left, m_image);
        drawResult(target, target);
        drawLabel(p, left, tr("Source"), false);
        drawLabel(p, target, tr("Result"), false);
        break;
    }
    }
    if (m_interaction == Interaction::Paint && target.contains(m_cursor)) {
        const double r = m_brushRadius * target.width() / m_image.width();
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(Qt::white, 1, Qt::DashLine));
        p.drawEllipse(m_cursor, r, r);
    }
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
    const QPointF pos = event->position();
    m_dragStart = event->pos();
    m_panStart = m_pan;
    if (event->button() != Qt::LeftButton || m_image.isNull())
        return;
    if (nearDivider(pos)) {
        m_draggingDivider = true;
        return;
    }
    if (!targetRect().contains(pos))
        return;
    const QPointF ip = widgetToImage(pos);
    if (m_interaction == Interaction::Eyedropper) {
        const QImage &img = m_result.isNull() ? m_image : m_result;
        const QPoint px(std::clamp(int(ip.x()), 0, img.width() - 1),
                        std::clamp(int(ip.y()), 0, img.height() - 1));
        emit colourPicked(img.pixel(px));
    } else if (m_interaction == Interaction::Paint) {
        m_painting = true;
        emit strokeStarted(ip);
    }
}

void ViewerWidget::mouseMoveEvent(QMouseEvent *event)
{
    m_cursor = event->position();
    if (m_draggingDivider) {
        const QRectF r = targetRect();
        setSplitPosition((m_cursor.x() - r.left()) / r.width());
        return;
    }
    if (m_painting) {
        emit strokeMoved(widgetToImage(m_cursor));
        update();
        return;
    }
    setCursor(nearDivider(m_cursor)               ? Qt::SplitHCursor
              : m_interaction == Interaction::Pan ? Qt::ArrowCursor
                                                  : Qt::CrossCursor);
    if (m_interaction == Interaction::Paint)
        update();
    if (!(event->buttons() & (Qt::LeftButton | Qt::MiddleButton)) || m_fit)
        return;
    if (m_interaction == Interaction::Pan || (event->buttons() & Qt::MiddleButton)) {
        m_pan = m_panStart + QPointF(event->pos() - m_dragStart);
        update();
    }
}

void ViewerWidget::mouseReleaseEvent(QMouseEvent *)
{
    m_draggingDivider = false;
    if (m_painting) {
        m_painting = false;
        emit strokeFinished();
    }
}

void ViewerWidget::leaveEvent(QEvent *)
{
    m_cursor = {-1, -1};
    update();
}

} // namespace tincture::ui
