#pragma once
// ResultLoader: reads coloured frames (PNG files of the project's result cache), with their
// confidence maps where there are, off the GUI thread for the viewer, latest request wins:
// while one frame loads only the newest further request is kept. A missing file gives a null
// image (not coloured yet; no confidence). GUI thread; signals arrive there. Destruction waits
// for the running read.

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

    // Loads path (tagged with frame), and confidencePath if given, unless a newer request
    // overtakes it.
    void request(FrameIndex frame, const QString &path, const QString &confidencePath = {});
    void cancelPending()
    {
        m_pending.reset();
        ++m_generation;
    }

signals:
    void loaded(qint64 frame, const QImage &image, const QImage &confidence);

private:
    struct Outcome
    {
        qint64 frame = -1;
        QImage image;
        QImage confidence;
        int generation = 0;
    };
    void startNext();

    struct Request
    {
        FrameIndex frame = 0;
        QString path, confidencePath;
    };
    std::optional<Request> m_pending;
    int m_generation = 0;
    QFutureWatcher<Outcome> m_watcher;
};

} // namespace tincture::ui
