#pragma once
// ViewerWidget: shows one picture, fitted to the widget or at a zoom factor, pannable by
// dragging; the sample aspect ratio is honoured. GUI thread only.

#include <QImage>
#include <QWidget>

namespace tincture::ui {

class ViewerWidget : public QWidget
{
    Q_OBJECT
public:
    explicit ViewerWidget(QWidget *parent = nullptr);

    void setImage(const QImage &image);
    const QImage &image() const { return m_image; }
    void setPixelAspect(double aspect); // width/height of one pixel (from the SAR)
    void setMessage(const QString &message); // shown when there is no picture

    bool isFitted() const { return m_fit; }
    double zoom() const; // displayed pixels per image pixel (horizontally for non-square)

public slots:
    void fitToWindow();
    void setZoom(double factor); // 1.0 = one image pixel per screen pixel
    void zoomIn();
    void zoomOut();

protected:
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;

private:
    QRectF targetRect() const;

    QImage m_image;
    QString m_message;
    double m_pixelAspect = 1.0;
    bool m_fit = true;
    double m_zoom = 1.0;
    QPointF m_pan;
    QPoint m_dragStart;
    QPointF m_panStart;
};

} // namespace tincture::ui
