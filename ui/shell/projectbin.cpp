#include "shell/projectbin.h"

#include <QFileInfo>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace tincture::ui {

namespace {
constexpr int kPathRole = Qt::UserRole;
constexpr int kKindRole = Qt::UserRole + 1;
} // namespace

ProjectBin::ProjectBin(QWidget *parent) : QWidget(parent)
{
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("binList"));
    auto *load = new QPushButton(tr("Load Reference Clip…"), this);
    load->setObjectName(QStringLiteral("loadReferenceButton"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_list);
    layout->addWidget(load);
    connect(load, &QPushButton::clicked, this, &ProjectBin::loadReferenceRequested);
    connect(m_list, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        emit activated(item->data(kPathRole).toString(), Kind(item->data(kKindRole).toInt()));
    });
}

void ProjectBin::clear()
{
    m_list->clear();
}

void ProjectBin::setSingle(Kind kind, const QString &path, const QString &label)
{
    for (int i = m_list->count() - 1; i >= 0; --i)
        if (m_list->item(i)->data(kKindRole).toInt() == int(kind))
            delete m_list->takeItem(i);
    if (path.isEmpty())
        return;
    auto *item = new QListWidgetItem(label.arg(QFileInfo(path).fileName()));
    item->setData(kPathRole, path);
    item->setData(kKindRole, int(kind));
    item->setToolTip(path);
    m_list->insertItem(int(kind) == int(Kind::Project) ? 0 : m_list->count(), item);
}

void ProjectBin::setProjectFile(const QString &path)
{
    setSingle(Kind::Project, path, tr("Project: %1"));
}

void ProjectBin::setFootage(const QString &path)
{
    setSingle(Kind::Footage, path, tr("Footage: %1"));
}

void ProjectBin::setReference(const QString &path)
{
    setSingle(Kind::Reference, path, tr("Reference: %1"));
}

void ProjectBin::addExport(const QString &path)
{
    if (paths(Kind::Export).contains(path))
        return;
    auto *item = new QListWidgetItem(tr("Export: %1").arg(QFileInfo(path).fileName()), m_list);
    item->setData(kPathRole, path);
    item->setData(kKindRole, int(Kind::Export));
    item->setToolTip(path);
}

QStringList ProjectBin::paths(Kind kind) const
{
    QStringList out;
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->data(kKindRole).toInt() == int(kind))
            out << m_list->item(i)->data(kPathRole).toString();
    return out;
}

} // namespace tincture::ui
