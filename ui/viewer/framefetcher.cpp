#include "viewer/framefetcher.h"

#include "imageconvert.h"

#include <QtConcurrent/QtConcurrentRun>

namespace tincture::ui {

FrameFetcher::FrameFetcher(QObject *parent) : QObject(parent)
{
    connect(&m_openWatcher, &QFutureWatcher<OpenOutcome>::finished, this, [this] {
        const OpenOutcome outcome = m_openWatcher.result();
        if (!outcome.source) {
            emit openFailed(outcome.error);
            return;
        }
        ++m_generation;
        m_pending.reset();
        m_source = outcome.source;
        m_info = m_source->info();
        emit opened(outcome.path);
    });
    connect(&m_frameWatcher, &QFutureWatcher<FrameOutcome>::finished, this, [this] {
        const FrameOutcome outcome = m_frameWatcher.result();
        if (outcome.generation == m_generation) {
            if (outcome.error.isEmpty())
                emit frameReady(outcome.index, outcome.image);
            else
                emit frameFailed(outcome.index, outcome.error);
        }
        startNext();
    });
}

FrameFetcher::~FrameFetcher()
{
    m_openWatcher.waitForFinished();
    m_frameWatcher.waitForFinished();
}

void FrameFetcher::open(const QString &path)
{
    m_openWatcher.waitForFinished();
    m_openWatcher.setFuture(QtConcurrent::run([path] {
        OpenOutcome outcome;
        outcome.path = path;
        Result<std::unique_ptr<VideoSource>> source = VideoSource::open(path);
        if (source)
            outcome.source = std::move(*source);
        else
            outcome.error = source.error().message;
        return outcome;
    }));
}

void FrameFetcher::close()
{
    ++m_generation;
    m_pending.reset();
    m_frameWatcher.waitForFinished();
    m_source.reset();
    m_info = {};
}

void FrameFetcher::request(FrameIndex index)
{
    if (!m_source)
        return;
    m_pending = index;
    if (!m_frameWatcher.isRunning())
        startNext();
}

void FrameFetcher::startNext()
{
    if (!m_pending || !m_source)
        return;
    const FrameIndex index = *m_pending;
    m_pending.reset();
    // The task shares the source; only one task runs at a time, so access is serialised.
    std::shared_ptr<VideoSource> source = m_source;
    const int generation = m_generation;
    m_frameWatcher.setFuture(QtConcurrent::run([source, index, generation] {
        FrameOutcome outcome;
        outcome.index = index;
        outcome.generation = generation;
        Result<Frame> frame = source->frame(index);
        if (frame)
            outcome.image = toQImage(*frame);
        else
            outcome.error = frame.error().message;
        return outcome;
    }));
}

} // namespace tincture::ui
