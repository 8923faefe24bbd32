#pragma once
// TransportBar: the playhead slider, timecode, frame number and play button under the viewer.
// It shows and edits a position; the main window owns playback. GUI thread only.

#include "foundation/rational.h"

#include <QWidget>

class QLabel;
class QSlider;
class QToolButton;

namespace tincture::ui {

class TransportBar : public QWidget
{
    Q_OBJECT
public:
    explicit TransportBar(QWidget *parent = nullptr);

    void setRange(qint64 frames, Rational fps);
    void setPosition(qint64 frame); // does not emit positionRequested
    void setPlaying(bool playing);
    qint64 position() const;

    static QString timecode(qint64 frame, Rational fps); // HH:MM:SS:FF (non-drop)

signals:
    void positionRequested(qint64 frame);
    void playToggled();

private:
    void updateLabel();
    QToolButton *m_play;
    QSlider *m_slider;
    QLabel *m_label;
    Rational m_fps{24, 1};
    qint64 m_frames = 0;
};

} // namespace tincture::ui
