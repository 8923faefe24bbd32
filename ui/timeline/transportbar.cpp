#include "timeline/transportbar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QToolButton>

#include <cmath>

namespace tincture::ui {

TransportBar::TransportBar(QWidget *parent) : QWidget(parent)
{
    m_play = new QToolButton(this);
    m_play->setText(QStringLiteral("▶"));
    m_play->setToolTip(tr("Play / pause (Space)"));
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setObjectName(QStringLiteral("playhead"));
    m_slider->setEnabled(false);
    m_slider->setFocusPolicy(Qt::NoFocus);
    m_label = new QLabel(this);
    m_label->setObjectName(QStringLiteral("timecode"));
    m_label->setMinimumWidth(210);
    m_label->setFont(QFont(QStringLiteral("monospace")));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 2, 6, 2);
    layout->addWidget(m_play);
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_label);
    connect(m_play, &QToolButton::clicked, this, &TransportBar::playToggled);
    connect(m_slider, &QSlider::valueChanged, this, [this](int v) {
        updateLabel();
        emit positionRequested(v);
    });
    updateLabel();
}

void TransportBar::setRange(qint64 frames, Rational fps)
{
    m_frames = frames;
    m_fps = fps.isValid() ? fps : Rational{24, 1};
    const QSignalBlocker block(m_slider);
    m_slider->setRange(0, int(std::max<qint64>(0, frames - 1)));
    m_slider->setEnabled(frames > 0);
    m_slider->setValue(0);
    updateLabel();
}

void TransportBar::setPosition(qint64 frame)
{
    const QSignalBlocker block(m_slider);
    m_slider->setValue(int(frame));
    updateLabel();
}

void TransportBar::setPlaying(bool playing)
{
    m_play->setText(playing ? QStringLiteral("❚❚") : QStringLiteral("▶"));
}

qint64 TransportBar::position() const
{
    return m_slider->value();
}

QString TransportBar::timecode(qint64 frame, Rational fps)
{
    const int base = std::max(1, int(std::lround(fps.toDouble()))); // frames per timecode second
    const qint64 ff = frame % base;
    const qint64 s = frame / base;
    return QStringLiteral("%1:%2:%3:%4")
        .arg(s / 3600, 2, 10, QLatin1Char('0'))
        .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(s % 60, 2, 10, QLatin1Char('0'))
        .arg(ff, 2, 10, QLatin1Char('0'));
}

void TransportBar::updateLabel()
{
    if (m_frames <= 0) {
        m_label->setText(QStringLiteral("--:--:--:--"));
        return;
    }
    m_label->setText(QStringLiteral("%1  %2 / %3")
                         .arg(timecode(m_slider->value(), m_fps))
                         .arg(m_slider->value())
                         .arg(m_frames - 1));
}

} // namespace tincture::ui
