#pragma once
// TimelineWidget: the film along time — a ruler with timecodes, a strip of thumbnails, the
// shots (boundaries, coloured by whether their propagated frames are current, stale or not
// made yet), keyframe markers, the in/out range and the playhead. Click or drag to seek;
// Ctrl+wheel zooms about the cursor, the wheel scrolls; the context menu splits and merges
// shots and adds or removes keyframes. It shows what it is given and asks for changes by
// signals; the project changes only through the main window's commands. GUI thread only.

#include "foundation/rational.h"

#include <QImage>
#include <QMap>
#include <QVector>
#include <QWidget>

class QScrollBar;

namespace tincture::ui {

class TimelineWidget : public QWidget
{
    Q_OBJECT
public:
    enum class ShotState { NotPropagated, Current, Stale };
    struct ShotView
    {
        FrameIndex first = 0;
        FrameIndex last = 0;
        ShotState state = ShotState::NotPropagated;
        QVector<FrameIndex> keyframes;
        QVector<bool> accepted; // per keyframe
    };

    explicit TimelineWidget(QWidget *parent = nullptr);

    void setFilm(qint64 frames, Rational fps);
    void setShots(const QVector<ShotView> &shots);
    const QVector<ShotView> &shots() const { return m_shots; }
    void setPosition(qint64 frame);
    qint64 position() const { return m_position; }
    void setThumbnail(qint64 frame, const QImage &thumbnail);
    void clearThumbnails();
    int thumbnailCount() const { return int(m_thumbs.size()); }
    void setInOut(qint64 in, qint64 out); // -1: unset

    double pixelsPerFrame() const;
    void setPixelsPerFrame(double ppf); // 0: fit the whole film
    double frameToX(qint64 frame) const;
    qint64 xToFrame(double x) const;

signals:
    void positionRequested(qint64 frame);
    void splitRequested(qint64 frame);
    void mergeRequested(int shotIndex); // with the next shot
    void addKeyframeRequested(qint64 frame);
    void removeKeyframeRequested(qint64 frame);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void updateScrollBar();
    int shotIndexAt(qint64 frame) const;

    QScrollBar *m_scroll;
    qint64 m_frames = 0;
    Rational m_fps{24, 1};
    QVector<ShotView> m_shots;
    QMap<qint64, QImage> m_thumbs; // by frame, sorted
    qint64 m_position = 0;
    qint64 m_in = -1;
    qint64 m_out = -1;
    double m_ppf = 0.0; // 0: fit
};

} // namespace tincture::ui
