#include "shell/shotlist.h"

#include <QFileInfo>
#include <QImageReader>

namespace tincture::ui {

namespace {
constexpr int kThumbWidth = 96;
}

ShotList::ShotList(QWidget *parent) : QListWidget(parent)
{
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

void ShotList::show(int index)
{
    const Row &r = m_rows[index];
    QListWidgetItem *it = item(index);
    it->setIcon(thumbnail(r.keyframeImage));
    it->setText(tr("Shot %1 · frames %2–%3 · %4\n%5")
                    .arg(index + 1)
                    .arg(r.first)
                    .arg(r.last)
                    .arg(r.state, r.detail));
}

} // namespace tincture::ui
