#include "shell/shotlist.h"

#include "pipeline/filmops.h"

#include <QFileInfo>
#include <QImageReader>
#include <QMenu>

namespace tincture::ui {

namespace {
constexpr int kThumbWidth = 96;
}

ShotList::ShotList(QWidget *parent)
    : QListWidget(parent), m_videoColorizer(pipeline::hasVideoColorizer())
{
    setContextMenuPolicy(Qt::CustomContextMenu);
    connect(this, &QWidget::customContextMenuRequested, this, [this](QPoint pos) {
        if (QListWidgetItem *it = itemAt(pos)) {
            QMenu *menu = makeContextMenu(row(it), this);
            menu->setAttribute(Qt::WA_DeleteOnClose);
            menu->popup(viewport()->mapToGlobal(pos));
        }
    });
    setIconSize(QSize(kThumbWidth, kThumbWidth * 9 / 16));
    setUniformItemSizes(true);
    setWordWrap(true);
    connect(this, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        const int i = row(item);
        if (i < 0 || i >= m_rows.size())
            return;
        emit seekRequested(m_rows[i].keyframe >= 0 ? m_rows[i].keyframe : m_rows[i].first);
    });
}

QIcon ShotList::thumbnail(const QString &path)
{
    const QFileInfo info(path);
    if (path.isEmpty() || !info.exists())
        return {};
    auto it = m_icons.find(path);
    if (it != m_icons.end() && it->modified == info.lastModified())
        return it->icon;
    // Decoded at thumbnail size: a keyframe is a full frame.
    QImageReader reader(path);
    const QSize size = reader.size();
    if (size.isValid() && size.width() > kThumbWidth)
        reader.setScaledSize(size.scaled(kThumbWidth, kThumbWidth, Qt::KeepAspectRatio));
    const QIcon icon(QPixmap::fromImage(reader.read()));
    m_icons.insert(path, CachedIcon{info.lastModified(), icon});
    return icon;
}

void ShotList::setRows(const QVector<Row> &rows)
{
    m_rows = rows;
    const int current = currentRow();
    clear();
    for (int i = 0; i < rows.size(); ++i) {
        addItem(new QListWidgetItem);
        show(i);
    }
    if (current >= 0 && current < count())
        setCurrentRow(current);
}

void ShotList::setRow(int index, const Row &row)
{
    if (index < 0 || index >= m_rows.size())
        return;
    m_rows[index] = row;
    show(index);
}

QMenu *ShotList::makeContextMenu(int index, QWidget *parent)
{
    auto *menu = new QMenu(parent);
    if (index < 0 || index >= m_rows.size())
        return menu;
    QAction *perFrame = menu->addAction(tr("Colour Per Frame"));
    perFrame->setObjectName(QStringLiteral("perFrameAction"));
    perFrame->setCheckable(true);
    perFrame->setChecked(m_rows[index].perFrame);
    perFrame->setEnabled(m_videoColorizer || m_rows[index].perFrame);
    perFrame->setToolTip(m_videoColorizer ? tr("A video colouriser colours every frame of the "
                                               "shot by itself; its keyframes are not used")
                                          : tr("Per-frame mode needs a video colouriser, and none "
                                               "is installed"));
    menu->setToolTipsVisible(true);
    connect(perFrame, &QAction::triggered, this,
            [this, index](bool checked) { emit perFrameRequested(index, checked); });
    return menu;
}

void ShotList::show(int index)
{
    const Row &r = m_rows[index];
    QListWidgetItem *it = item(index);
    it->setIcon(thumbnail(r.keyframeImage));
    it->setText(tr("Shot %1 · frames %2–%3 · %4%5\n%6")
                    .arg(index + 1)
                    .arg(r.first)
                    .arg(r.last)
                    .arg(r.state, r.perFrame ? tr(" · per frame") : QString(), r.detail));
}

} // namespace tincture::ui
