#pragma once
// ViewerWidget: shows the current frame, fitted to the widget or at a zoom factor, pannable by
// dragging; the sample aspect ratio is honoured. Modes: the greyscale source, the colour
// result, a split wipe between them with a draggable divider, both side by side, and A/B of
// the result against a colour reference clip. The propagation's confidence can be laid over the
// result: magenta in proportion to how unsure each pixel is. With a paint tool active, dragging
// over the picture emits strokes in image coordinates instead of panning; the eyedropper picks the
// result's colour. GUI thread only.

#include <QImage>
#include <QWidget>

namespace tincture::ui {

class ViewerWidget : public QWidget
{
    Q_OBJECT
public:
    enum class Mode { Source, Result, Split, SideBySide, AB };
    Q_ENUM(Mode)
    enum class Interaction { Pan, Paint, Eyedropper };

    explicit ViewerWidget(QWidget *parent = nullptr);

    void setImage(const QImage &image); // the source frame
    const QImage &image() const { return m_image; }
    void setResult(const QImage &result); // null: not coloured yet
    const QImage &result() const { return m_result; }
    void setReference(const QImage &reference);
    const QImage &reference() const { return m_reference; }
    void setOverlay(const QImage &overlay); // strokes, drawn over the result
    // The shown result's confidence (grey, 255 sure, any size: scaled to the picture); null
    // where the method gave none or the frame is not coloured.
    void setConfidence(const QImage &confidence);
    const QImage &confidence() const { return m_confidence; }
    void setShowConfidence(bool show);
    bool showsConfidence() const { return m_showConfidence; }
    // What the overlay draws for a confidence map: magenta, alpha 0.75 · (255 − confidence).
    static QImage confidenceTint(const QImage &confidence);
    void setPixelAspect(double aspect);      // width/height of one pixel (from the SAR)
    void setMessage(const QString &message); // shown when there is no picture

    Mode mode() const { return m_mode; }
    void setMode(Mode mode);
    double splitPosition() const { return m_split; } // 0..1 of the picture's width
    void setSplitPosition(double position);
    void setInteraction(Interaction interaction);
    Interaction interaction() const { return m_interaction; }
    void setBrushRadius(double imagePixels);

    bool isFitted() const { return m_fit; }
    double zoom() const; // displayed pixels per image pixel (horizontally for non-square)
    // Widget position of an image point in the pane that shows the result (for tests/tools).
    QPointF imageToWidget(QPointF imagePoint) const;
    QPointF widgetToImage(QPointF widgetPoint) const;

public slots:
    void fitToWindow();
    void setZoom(double factor); // 1.0 = one image pixel per screen pixel
    void zoomIn();
    void zoomOut();

signals:
    void strokeStarted(QPointF imagePoint);
    void strokeMoved(QPointF imagePoint);
    void strokeFinished();
    void colourPicked(QRgb colour);
    void modeChanged(tincture::ui::ViewerWidget::Mode mode);

protected:
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    QSizeF pictureSize() const; // image size with the pixel aspect applied
    QRectF targetRect() const;  // where the picture goes (the result pane side by side)
    QRectF sourceRect() const;  // side by side: the left pane
    bool nearDivider(QPointF pos) const;
    void drawLabel(QPainter &p, const QRectF &rect, const QString &text, bool right) const;

    QImage m_image;
    QImage m_result;
    QImage m_reference;
    QImage m_overlay;
    QImage m_confidence;
    QImage m_confidenceTint;
    bool m_showConfidence = false;
    QString m_message;
    Mode m_mode = Mode::Source;
    Interaction m_interaction = Interaction::Pan;
    double m_split = 0.5;
    double m_pixelAspect = 1.0;
    bool m_fit = true;
    double m_zoom = 1.0;
    double m_brushRadius = 8.0;
    QPointF m_pan;
    QPoint m_dragStart;
    QPointF m_panStart;
    QPointF m_cursor{-1, -1};
    bool m_draggingDivider = false;
    bool m_painting = false;
};

} // namespace tincture::ui
