#pragma once
// ShotList: the film's shots for review after Colourise Film — one row per shot with its
// keyframe's colour as a thumbnail, its frames, its state (coloured, stale, not coloured) and
// its keyframes. Activating a row asks to seek to the shot's first keyframe (or its first
// frame). Thumbnails are read from the result cache once per file version. GUI thread only.

#include "foundation/rational.h"

#include <QDateTime>
#include <QHash>
#include <QIcon>
#include <QListWidget>
#include <QVector>

namespace tincture::ui {

class ShotList : public QListWidget
{
    Q_OBJECT
public:
    struct Row
    {
        FrameIndex first = 0;
        FrameIndex last = 0;
        FrameIndex keyframe = -1; // the first accepted keyframe, -1 if none
        QString keyframeImage;    // its colour in the cache; empty if none
        QString state;            // "coloured", "stale", "not coloured"
        QString detail;           // one line on the keyframes
    };

    explicit ShotList(QWidget *parent = nullptr);
    void setRows(const QVector<Row> &rows);
    void setRow(int index, const Row &row); // one shot changed (e.g. its keyframe repainted)

signals:
    void seekRequested(qint64 frame);

private:
    QIcon thumbnail(const QString &path);
    void show(int index); // m_rows[index] into its item

    QVector<Row> m_rows;
    struct CachedIcon
    {
        QDateTime modified;
        QIcon icon;
    };
    QHash<QString, CachedIcon> m_icons;
};

} // namespace tincture::ui
