#pragma once
// ProjectBin: the clips of the open project — the footage, the colour reference clip and the
// files exported from it. Double-click a reference to compare A/B, an export to open it in a
// viewer window. GUI thread only.

#include <QWidget>

class QListWidget;
class QListWidgetItem;

namespace tincture::ui {

class ProjectBin : public QWidget
{
    Q_OBJECT
public:
    enum class Kind { Footage, Reference, Export, Project };
    explicit ProjectBin(QWidget *parent = nullptr);

    void clear();
    void setProjectFile(const QString &path);
    void setFootage(const QString &path);
    void setReference(const QString &path);
    void addExport(const QString &path);
    QListWidget *list() const { return m_list; }
    QStringList paths(Kind kind) const;

signals:
    void activated(const QString &path, tincture::ui::ProjectBin::Kind kind);
    void loadReferenceRequested();

private:
    void setSingle(Kind kind, const QString &path, const QString &label);
    QListWidget *m_list;
};

} // namespace tincture::ui
