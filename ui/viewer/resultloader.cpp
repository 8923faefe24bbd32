#include "viewer/resultloader.h"

#include "imageconvert.h"
#include "media/imageio.h"

#include <QFile>
#include <QtConcurrent/QtConcurrentRun>

namespace tincture::ui {

ResultLoader::ResultLoader(QObject *parent) : QObject(parent)
{
    connect(&m_watcher, &QFutureWatcher<Outcome>::finished, this, [this] {
        const Outcome outcome = m_watcher.result();
        if (outcome.generation == m_generation)
            emit loaded(outcome.frame, outcome.image, outcome.confidence);
        startNext();
    });
}

ResultLoader::~ResultLoader()
{
    m_watcher.waitForFinished();
}

void ResultLoader::request(FrameIndex frame, const QString &path, const QString &confidencePath)
{
    m_pending = Request{frame, path, confidencePath};
    if (!m_watcher.isRunning())
        startNext();
}

void ResultLoader::startNext()
{
    if (!m_pending)
        return;
    const Request next = *m_pending;
    m_pending.reset();
    const int generation = m_generation;
    m_watcher.setFuture(QtConcurrent::run([next, generation] {
        const auto &[frame, path, confidencePath] = next;
        Outcome outcome;
        outcome.frame = frame;
        outcome.generation = generation;
        if (QFile::exists(path)) {
            Result<Frame> image = readImage(path);
            if (image)
                outcome.image = toQImage(*image);
        }
        if (!outcome.image.isNull() && !confidencePath.isEmpty() && QFile::exists(confidencePath)) {
            Result<Frame> confidence = readImage(confidencePath);
            if (confidence && confidence->format() == PixelFormat::Gray8)
                outcome.confidence = toQImage(*confidence);
        }
        return outcome;
    }));
}

} // namespace tincture::ui
