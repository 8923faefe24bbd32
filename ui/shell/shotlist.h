#pragma once
// ShotList: the film's shots for review after Colourise Film — one row per shot with its
// keyframe's colour as a thumbnail, its frames, its state (coloured, stale, not coloured) and
// its keyframes. Activating a row asks to seek to the shot's first keyframe (or its first
// frame); its context menu puts the shot in per-frame mode or back. Thumbnails are read from
// the result cache once per file version. GUI thread only.

#include "foundation/rational.h"

#include <QDateTime>
#include <QHash>
#include <QIcon>
#include <QListWidget>
#include <QVector>

class QMenu;

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
        bool perFrame = false;    // coloured per frame by a video colouriser
    };

    explicit ShotList(QWidget *parent = nullptr);
    void setRows(const QVector<Row> &rows);
    void setRow(int index, const Row &row); // one shot changed (e.g. its keyframe repainted)
    // A row's context menu, for the caller to show (or a test to trigger): "Colour Per Frame",
    // checkable (objectName perFrameAction), disabled with the reason when no video colouriser
    // is installed.
    QMenu *makeContextMenu(int index, QWidget *parent);

signals:
    void seekRequested(qint64 frame);
    void perFrameRequested(int shot, bool perFrame);

private:
    QIcon thumbnail(const QString &path);
    void show(int index); // m_rows[index] into its item

    QVector<Row> m_rows;
    bool m_videoColorizer; // one is installed: per-frame mode is possible
    struct CachedIcon
    {
        QDateTime modified;
        QIcon icon;
    };
    QHash<QString, CachedIcon> m_icons;
};

} // namespace tincture::ui
