#include "project/strokeraster.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cstring>

namespace tincture::project {

namespace {
void drawStroke(QPainter &p, const PaintStroke &s, double radius, const QBrush &brush)
{
    if (s.points.isEmpty())
        return;
    p.setBrush(brush);
    if (s.points.size() == 1) {
        p.setPen(Qt::NoPen);
        p.drawEllipse(s.points.front(), radius, radius);
        return;
    }
    QPen pen(brush, 2.0 * radius, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    p.drawPolyline(s.points.constData(), int(s.points.size()));
}

double coreRadius(const PaintStroke &s)
{
    return std::max(0.5, s.radius * std::clamp(s.hardness, 0.0, 1.0));
}
} // namespace

StrokeMasks rasteriseStrokes(const QVector<PaintStroke> &strokes, int width, int height)
{
    StrokeMasks out;
    // No antialiasing: every pixel is either a hard constraint or free.
    QImage hints(width, height, QImage::Format_RGBA8888);
    hints.fill(Qt::transparent);
    QImage keep(width, height, QImage::Format_Grayscale8);
    keep.fill(0);
    {
        QPainter ph(&hints);
        QPainter pk(&keep);
        ph.setCompositionMode(QPainter::CompositionMode_Source);
        pk.setCompositionMode(QPainter::CompositionMode_Source);
        for (const PaintStroke &s : strokes) {
            const double r = coreRadius(s);
            switch (s.tool) {
            case BrushTool::Paint:
                drawStroke(ph, s, r, QColor::fromRgb(s.colour));
                drawStroke(pk, s, r, QColor(0, 0, 0));
                break;
            case BrushTool::Erase:
                drawStroke(ph, s, r, QColor(Qt::transparent));
                drawStroke(pk, s, r, QColor(0, 0, 0));
                break;
            case BrushTool::KeepModel:
                drawStroke(ph, s, r, QColor(Qt::transparent));
                drawStroke(pk, s, r, QColor(255, 255, 255));
                break;
            }
        }
    }
    out.hints = Frame(width, height, PixelFormat::Rgba8);
    out.keep = Frame(width, height, PixelFormat::Gray8);
    for (int y = 0; y < height; ++y) {
        std::memcpy(out.hints.row(y), hints.constScanLine(y), size_t(width) * 4);
        std::memcpy(out.keep.row(y), keep.constScanLine(y), size_t(width));
        const uint8_t *h = out.hints.constRow(y);
        const uint8_t *k = out.keep.constRow(y);
        for (int x = 0; x < width; ++x) {
            out.hintPixels += h[4 * x + 3] > 0;
            out.keepPixels += k[x] > 0;
        }
    }
    return out;
}

QImage strokeOverlay(const QVector<PaintStroke> &strokes, int width, int height)
{
    QImage overlay(width, height, QImage::Format_ARGB32_Premultiplied);
    overlay.fill(Qt::transparent);
    QPainter p(&overlay);
    p.setRenderHint(QPainter::Antialiasing);
    p.setCompositionMode(QPainter::CompositionMode_Source);
    for (const PaintStroke &s : strokes) {
        switch (s.tool) {
        case BrushTool::Paint: {
            QColor c = QColor::fromRgb(s.colour);
            c.setAlpha(150);
            drawStroke(p, s, s.radius, c);
            break;
        }
        case BrushTool::Erase:
            drawStroke(p, s, s.radius, QColor(Qt::transparent));
            break;
        case BrushTool::KeepModel:
            drawStroke(p, s, s.radius, QBrush(QColor(255, 255, 255, 150), Qt::BDiagPattern));
            break;
        }
    }
    return overlay;
}

} // namespace tincture::project
