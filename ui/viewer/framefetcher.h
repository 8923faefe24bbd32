#pragma once
// FrameFetcher: opens a film and decodes the frames the studio asks for on a worker thread, so
// the interface never blocks. Requests are coalesced: while one frame decodes, only the latest
// further request is kept (scrubbing skips frames instead of queueing them). Lives on the GUI
// thread; its signals arrive there. Destruction waits for the running task.

#include "media/mediainfo.h"
#include "media/videosource.h"

#include <QFutureWatcher>
#include <QImage>
#include <QObject>

#include <memory>
#include <optional>

namespace tincture::ui {

class FrameFetcher : public QObject
{
    Q_OBJECT
public:
    explicit FrameFetcher(QObject *parent = nullptr);
    ~FrameFetcher() override;

    void open(const QString &path);
    void close();
    bool isOpen() const { return m_source != nullptr; }
    const MediaInfo &info() const { return m_info; }

    // Asks for a frame; frameReady follows unless a newer request overtakes it.
    void request(FrameIndex index);

signals:
    void opened(const QString &path);
    void openFailed(const QString &message);
    void frameReady(qint64 index, const QImage &image);
    void frameFailed(qint64 index, const QString &message);

private:
    struct OpenOutcome
    {
        std::shared_ptr<VideoSource> source;
        QString error;
        QString path;
    };
    struct FrameOutcome
    {
        qint64 index = -1;
        QImage image;
        QString error;
        int generation = 0;
    };
    void startNext();

    std::shared_ptr<VideoSource> m_source;
    MediaInfo m_info;
    int m_generation = 0; // bumped by open/close: results of older sources are dropped
    std::optional<FrameIndex> m_pending;
    QFutureWatcher<OpenOutcome> m_openWatcher;
    QFutureWatcher<FrameOutcome> m_frameWatcher;
};

} // namespace tincture::ui
