#pragma once
// ResultLoader: reads coloured frames (PNG files of the project's result cache) off the GUI
// thread for the viewer, latest request wins: while one file loads only the newest further
// request is kept. A missing file gives a null image (not coloured yet). GUI thread; signals
// arrive there. Destruction waits for the running read.

#include "foundation/rational.h"

#include <QFutureWatcher>
#include <QImage>
#include <QObject>

#include <optional>

namespace tincture::ui {

class ResultLoader : public QObject
{
    Q_OBJECT
public:
    explicit ResultLoader(QObject *parent = nullptr);
    ~ResultLoader() override;

    // Loads path (tagged with frame) unless a newer request overtakes it.
    void request(FrameIndex frame, const QString &path);
    void cancelPending()
    {
        m_pending.reset();
        ++m_generation;
    }

signals:
    void loaded(qint64 frame, const QImage &image);

private:
    struct Outcome
    {
        qint64 frame = -1;
        QImage image;
        int generation = 0;
    };
    void startNext();

    std::optional<std::pair<FrameIndex, QString>> m_pending;
    int m_generation = 0;
    QFutureWatcher<Outcome> m_watcher;
};

} // namespace tincture::ui
