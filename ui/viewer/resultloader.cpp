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
            emit loaded(outcome.frame, outcome.image);
        startNext();
    });
}

ResultLoader::~ResultLoader()
{
    m_watcher.waitForFinished();
}

void ResultLoader::request(FrameIndex frame, const QString &path)
{
    m_pending = {frame, path};
    if (!m_watcher.isRunning())
        startNext();
}

void ResultLoader::startNext()
{
    if (!m_pending)
        return;
    const auto [frame, path] = *m_pending;
    m_pending.reset();
    const int generation = m_generation;
    m_watcher.setFuture(QtConcurrent::run([frame, path, generation] {
        Outcome outcome;
        outcome.frame = frame;
        outcome.generation = generation;
        if (QFile::exists(path)) {
            Result<Frame> image = readImage(path);
            if (image)
                outcome.image = toQImage(*image);
        }
        return outcome;
    }));
}

} // namespace tincture::ui
