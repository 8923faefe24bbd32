#include "pipeline/filmengine.h"

#include "media/imageio.h"
#include "pipeline/internal/keyframeimage.h"
#include "pipeline/internal/stage.h"
#include "pipeline/reorderbuffer.h"
#include "propagation/propagationmethod.h"
#include "propagation/videoshotsource.h"
#include "propagation/workingresolution.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

using namespace tincture::propagation;
using tincture::pipeline::detail::Stage;

namespace tincture::pipeline {
namespace {

// Progress over the whole job: shot detection counts one unit per frame, a keyframe ten,
// colouring (and encoding) three per frame: the slow part.
class JobProgress
{
public:
    JobProgress(Feedback &outer, int64_t frames) : m_outer(outer), m_frames(frames) {}
    void setKeyframes(int64_t count) { m_keys = count; }
    void setColourFrames(int64_t count) { m_colour = count; }
    void detected(int64_t done) { report(done); }
    void keyframed(int64_t done) { report(m_frames + 10 * done); }
    void coloured(int64_t done) { report(m_frames + 10 * m_keys + 3 * done); }

private:
    void report(int64_t units)
    {
        m_outer.reportProgress(units, m_frames + 10 * m_keys + 3 * m_colour);
    }
    Feedback &m_outer;
    int64_t m_frames;
    int64_t m_keys = 0;
    int64_t m_colour = 0;
};

// Below the film's size, frames are cached at the working size (a shot's grey frames, for a
// method that reads some twice) and the film's own cache of full-size frames shrinks to this
// much too: what propagation needs is small, and full-size frames are read once more, in
// order, to deliver the colour.
constexpr int64_t kWorkingCacheBytes = int64_t(128) << 20;
// And a shot's frames wait for the encoder in at most this much memory (the rest spilled to
// the anonymous file), so that a long shot of a 2K scan stays within 1.5 GB with the encoder's
// own full-size buffers.
constexpr int64_t kWorkingReorderBytes = int64_t(128) << 20;

// Where the coloured frames of the shots go.
class Target
{
public:
    virtual ~Target() = default;
    // Whether frames must come in film order (an encoder) or may come in any (a cache).
    virtual bool ordered() const = 0;
    virtual Result<void> put(FrameIndex frame, const Frame &colour) = 0;
    // The method's confidence in that frame, before put(); targets that have no use for it
    // ignore it.
    virtual Result<void> putConfidence(FrameIndex frame, const Frame &confidence)
    {
        (void)frame;
        (void)confidence;
        return {};
    }
};

// The encoder's side of colorizeFilm, in two stages of their own that overlap with
// propagation and with each other: delivery (when `full` is given: the film's frame read
// again in order, the colour brought to its size and depth) behind a queue of four working
// frames, then encoding behind a queue of one full-size frame.
class WriterTarget final : public Target
{
public:
    WriterTarget(FilmWriter &writer, VideoSource *full)
        : m_encode(1,
                   [&writer](FrameIndex f, const Frame &frame) { return writer.write(f, frame); })
    {
        if (full != nullptr)
            m_deliver.emplace(4, [this, full](FrameIndex f, const Frame &colour) -> Result<void> {
                Result<Frame> source = full->frame(f);
                if (!source)
                    return source.error();
                Result<Frame> delivered = deliverColour(*source, colour);
                if (!delivered)
                    return delivered.error();
                return m_encode.put(f, *delivered);
            });
    }
    ~WriterTarget() override { stop(); }
    bool ordered() const override { return true; }
    Result<void> put(FrameIndex frame, const Frame &colour) override
    {
        return m_deliver ? m_deliver->put(frame, colour) : m_encode.put(frame, colour);
    }
    // Waits for every frame to be encoded.
    Result<void> finish()
    {
        if (m_deliver)
            if (Result<void> ok = m_deliver->finish(); !ok)
                return ok;
        return m_encode.finish();
    }
    // Stops both stages (before the writer is aborted).
    void stop()
    {
        if (m_deliver)
            m_deliver->stop();
        m_encode.stop();
    }

private:
    Stage m_encode;
    std::optional<Stage> m_deliver;
};

// The studio's result cache. With `full` (colour computed below the film's size), each frame's
// colour is delivered at the film's size over the frame read again; `full` is the engine's own
// source, read on the propagation's thread, between its reads. A frame's confidence map is
// written beside it (at the working size: the viewer scales it); a frame that comes without
// one loses the one an earlier run left.
class CacheTarget final : public Target
{
public:
    CacheTarget(const project::ResultCache &cache, VideoSource *full) : m_cache(cache), m_full(full)
    {
    }
    bool ordered() const override { return false; }
    Result<void> putConfidence(FrameIndex frame, const Frame &confidence) override
    {
        m_confidenceFrame = frame;
        return writeImage(m_cache.confidencePath(frame), confidence, Existing::Replace);
    }
    Result<void> put(FrameIndex frame, const Frame &colour) override
    {
        if (m_confidenceFrame != frame)
            QFile::remove(m_cache.confidencePath(frame));
        m_confidenceFrame = -1;
        if (m_full == nullptr)
            return writeImage(m_cache.framePath(frame), colour, Existing::Replace);
        Result<Frame> source = m_full->frame(frame);
        if (!source)
            return source.error();
        Result<Frame> delivered = deliverColour(*source, colour);
        if (!delivered)
            return delivered.error();
        return writeImage(m_cache.framePath(frame), *delivered, Existing::Replace);
    }

private:
    const project::ResultCache &m_cache;
    VideoSource *m_full;
    FrameIndex m_confidenceFrame = -1;
};

// A propagation method's output, shifted from shot offsets to film frames and passed on:
// straight to an unordered target, through the reorder buffer to an ordered one.
class ShotSink final : public FrameSink
{
public:
    ShotSink(Target &target, FrameReorderBuffer &buffer, FrameIndex shotFirst, Feedback &feedback)
        : m_target(target), m_buffer(buffer), m_first(shotFirst), m_feedback(feedback)
    {
    }
    Result<void> putConfidence(int index, const Frame &confidence) override
    {
        if (m_target.ordered()) // films and masters carry no confidence
            return {};
        return m_target.putConfidence(m_first + index, confidence);
    }
    Result<void> put(int index, const Frame &colour) override
    {
        if (m_feedback.isCancelled())
            return Error::cancelled();
        if (m_target.ordered())
            return m_buffer.put(index, colour);
        return m_target.put(m_first + index, colour);
    }

private:
    Target &m_target;
    FrameReorderBuffer &m_buffer;
    FrameIndex m_first;
    Feedback &m_feedback;
};

struct ShotWork
{
    Shot shot;
    std::vector<KeyframeSpec> keys; // in frame order
    ShotProvenance provenance;
    std::vector<int> stored; // the keyframes' slots in the keyframe store, in provenance order
};

// Everything colorizeFilm and colorizeIntoCache share: checks, shots, keyframes, then the
// shots propagated into the target that `open` makes once the provenance is known.
class Engine
{
public:
    Engine(const FilmJob &job, KeyframeService &keyframes, Feedback &feedback)
        : m_job(job), m_keyframes(keyframes), m_feedback(feedback)
    {
    }

    // Up to the keyframes: everything that can fail before the output is opened.
    // `range`: the frames to colour (its first and last only).
    Result<void> prepare(const OutputSpec &range, const project::ResultCache *cache);
    Result<void> colour(Target &target);
    // Whether the colour is computed at a working size below the film's.
    bool scaled() const { return m_workSize != QSize(m_film->info().width, m_film->info().height); }

    VideoSource &film() { return *m_film; }
    FilmReport &report() { return m_report; }
    FrameIndex first() const { return m_first; }
    FrameIndex last() const { return m_last; }

private:
    Result<Frame> keyframeColour(const KeyframeSpec &spec, KeyframeProvenance &provenance);

    const FilmJob &m_job;
    KeyframeService &m_keyframes;
    Feedback &m_feedback;
    std::unique_ptr<VideoSource> m_film;
    std::unique_ptr<PropagationMethod> m_method;
    std::optional<JobProgress> m_progress;
    FilmReport m_report;
    FrameIndex m_first = 0, m_last = -1;
    QSize m_workSize; // the size the colour is computed at
    std::vector<ShotWork> m_work;
    FrameReorderBuffer m_keyStore; // the keyframes, made before the output opens
};

Result<void> Engine::prepare(const OutputSpec &range, const project::ResultCache *cache)
{
    m_report.method = m_job.method.isEmpty() ? defaultPropagationMethodName() : m_job.method;
    // The method is made first: an unknown name or a model that cannot be loaded fails the
    // job before any work, and its parameters go into the provenance.
    auto method = createPropagationMethod(m_report.method, m_job.methodOptions);
    if (!method)
        return method.error();
    m_method = std::move(method).value();
    auto source = VideoSource::open(m_job.input, m_job.source);
    if (!source)
        return source.error();
    m_film = std::move(*source);
    const int64_t frameCount = m_film->frameCount();
    Result<std::pair<FrameIndex, FrameIndex>> frames = outputRange(range, frameCount, m_job.input);
    if (!frames)
        return frames.error();
    std::tie(m_first, m_last) = *frames;
    m_progress.emplace(m_feedback, frameCount);
    const QSize filmSize(m_film->info().width, m_film->info().height);
    m_workSize = workingSize(filmSize, m_job.workingHeight);
    if (scaled())
        m_film->setCacheBytes(std::min(m_job.source.cacheBytes, kWorkingCacheBytes));
    if (cache == nullptr && m_job.workingHeight > filmSize.height() &&
        m_job.workingHeight != kDefaultWorkingHeight)
        m_feedback.warn(QStringLiteral("the working height %1 is above the film's %2 rows: the "
                                       "colour is computed at the film's size")
                            .arg(m_job.workingHeight)
                            .arg(filmSize.height()));

    if (Result<void> ok = checkKeyframes(m_job.keyframes, *m_film, m_feedback); !ok)
        return ok;

    // Shots.
    QElapsedTimer clock;
    clock.start();
    if (m_job.shots.empty()) {
        Feedback detect([&](int64_t done, int64_t) { m_progress->detected(done); });
        detect.linkParent(&m_feedback);
        auto shots = detectShots(*m_film, m_job.shotParams, detect);
        if (!shots)
            return shots.error();
        m_report.shots = std::move(shots).value();
    } else {
        m_report.shots = m_job.shots;
    }
    m_report.detectSeconds = clock.elapsed() / 1000.0;

    // Which keyframes each shot in the range gets: none for a method that uses none.
    const bool keyed = m_method->usesKeyframes();
    if (!keyed && !m_job.keyframes.empty())
        return makeError(
            ErrorCode::InvalidArgument,
            QStringLiteral("the propagation method %1 uses no keyframes").arg(m_report.method));
    Result<std::vector<ShotKeyframes>> assigned =
        keyed ? assignKeyframes(m_report.shots, m_job.keyframes, m_first, m_last,
                                m_job.proposeMissing)
              : shotsWithoutKeyframes(m_report.shots, m_first, m_last);
    if (!assigned)
        return assigned.error();
    bool needModel = false;
    int64_t keyCount = 0, colourFrames = 0;
    for (ShotKeyframes &shot : *assigned) {
        ShotWork work;
        work.shot = shot.shot;
        work.keys = std::move(shot.keyframes);
        for (const KeyframeSpec &k : work.keys) {
            if (k.image.isEmpty())
                needModel = true;
            (k.image.isEmpty() && k.hints.isEmpty() ? m_report.modelKeyframes
                                                    : m_report.userKeyframes)
                .push_back(k.frame);
        }
        keyCount += int64_t(work.keys.size());
        colourFrames += cache != nullptr ? work.shot.last - work.shot.first + 1
                                         : std::min(work.shot.last, m_last) -
                                               std::max(work.shot.first, m_first) + 1;
        m_work.push_back(std::move(work));
    }
    if (needModel) // a missing or broken model fails the job now
        if (Result<void> ok = m_keyframes.ensureModel(); !ok)
            return ok.error();
    m_progress->setKeyframes(keyCount);
    m_progress->setColourFrames(colourFrames);

    // Keyframes, all of them before the output opens (their hashes go into its provenance).
    clock.restart();
    int slot = 0;
    int64_t made = 0;
    for (ShotWork &work : m_work) {
        work.provenance.first = work.shot.first;
        work.provenance.last = work.shot.last;
        work.provenance.method = m_report.method;
        work.provenance.methodParameters = m_method->parameters();
        work.provenance.workingHeight = scaled() ? m_workSize.height() : 0;
        for (const KeyframeSpec &spec : work.keys) {
            const FrameIndex frame = spec.frame;
            if (m_feedback.isCancelled())
                return Error::cancelled();
            KeyframeProvenance provenance;
            Result<Frame> colour = keyframeColour(spec, provenance);
            if (!colour)
                return colour.error();
            if (cache && provenance.source == QLatin1String("model")) {
                // The studio shows, repaints and re-propagates it like a keyframe it made, at
                // the film's size (8 bits, as its own keyframes, when it was made smaller).
                Result<Frame> shown = *colour;
                if (scaled()) {
                    Result<Frame> grey = m_film->frame(frame);
                    if (!grey)
                        return grey.error();
                    shown = deliverColour(grey->luma().converted(PixelFormat::Gray8), *colour);
                    if (!shown)
                        return shown.error();
                }
                cache->ensureExists();
                for (const QString &path :
                     {cache->keyframeModelPath(frame), cache->keyframeResultPath(frame)})
                    if (Result<void> ok = writeImage(path, *shown, Existing::Replace); !ok)
                        return ok.error();
                if (Result<void> ok =
                        KeyframeService::recordPriorModel(*cache, frame, provenance.model);
                    !ok)
                    return ok.error();
            }
            if (Result<void> ok = m_keyStore.put(slot, *colour); !ok)
                return ok.error();
            work.stored.push_back(slot++);
            work.provenance.keyframes.push_back(provenance);
            m_progress->keyframed(++made);
        }
        m_report.provenance.shots.push_back(work.provenance);
    }
    m_report.provenance.version = tinctureVersion();
    m_report.provenance.source = QFileInfo(m_job.input).fileName();
    m_report.provenance.first = m_first;
    m_report.provenance.last = m_last;
    m_report.keyframeSeconds = clock.elapsed() / 1000.0;
    return {};
}

Result<Frame> Engine::keyframeColour(const KeyframeSpec &spec, KeyframeProvenance &provenance)
{
    const FrameIndex frame = spec.frame;
    provenance.frame = frame;
    const int width = m_film->info().width, height = m_film->info().height;
    Result<Frame> colour = makeError(ErrorCode::Internal, QStringLiteral("no keyframe"));
    if (!spec.image.isEmpty()) {
        colour = detail::readKeyframeImage(spec.image, width, height);
        if (colour)
            colour = resizedArea(colour->converted(PixelFormat::Rgb8), m_workSize);
        provenance = spec.described.value_or(KeyframeProvenance{});
        provenance.frame = frame;
        if (!spec.described)
            provenance.source = QStringLiteral("image");
    } else {
        Result<Frame> source = m_film->frame(frame);
        if (!source)
            return source.error();
        source = resizedArea(*source, m_workSize);
        provenance.model = m_keyframes.modelIdentity();
        if (!spec.hints.isEmpty()) {
            Result<Frame> hints = detail::readKeyframeImage(spec.hints, width, height);
            if (!hints)
                return hints.error();
            provenance.strokesSha256 = pixelSha256(*hints);
            hints = resizedHints(*hints, m_workSize);
            Feedback solve;
            solve.linkParent(&m_feedback);
            // λ is meant in film pixels (KeyframeSolver): scaled with the reduction's square.
            const double scale = double(height) / m_workSize.height();
            colour = m_keyframes.solveHints(*source, *hints, m_job.priorWeight * scale * scale,
                                            m_job.threads, solve);
            for (const QString &w : solve.warnings())
                m_feedback.warn(QStringLiteral("keyframe %1: %2").arg(frame).arg(w));
            provenance.source = QStringLiteral("hints");
            provenance.priorWeight = m_job.priorWeight;
        } else {
            colour = m_keyframes.propose(*source);
            provenance.source = QStringLiteral("model");
        }
    }
    if (!colour)
        return colour.error();
    provenance.colourSha256 = pixelSha256(*colour);
    return colour;
}

Result<void> Engine::colour(Target &target)
{
    QElapsedTimer clock;
    clock.start();
    FrameReorderBuffer buffer(scaled() ? kWorkingReorderBytes : int64_t(512) << 20);
    int64_t coloured = 0;
    for (ShotWork &work : m_work) {
        const Shot &shot = work.shot;
        std::vector<Keyframe> keys;
        for (size_t i = 0; i < work.stored.size(); ++i) {
            Result<Frame> colour = m_keyStore.take(work.stored[i]);
            if (!colour)
                return colour.error();
            keys.push_back(Keyframe{int(work.provenance.keyframes[i].frame - shot.first),
                                    std::move(colour).value()});
        }
        buffer.clear();
        VideoShotSource filmGrey(*m_film, shot.first, shot.last, &m_feedback);
        WorkingSizeSource workingGrey(filmGrey, m_workSize, kWorkingCacheBytes);
        GreyFrameSource &grey = scaled() ? static_cast<GreyFrameSource &>(workingGrey) : filmGrey;
        ShotSink sink(target, buffer, shot.first, m_feedback);
        const int64_t before = coloured;
        Feedback inner([&](int64_t done, int64_t) {
            if (!target.ordered())
                m_progress->coloured(before + done);
        });
        inner.linkParent(&m_feedback);
        if (Result<void> done = m_method->propagate(grey, keys, sink, inner); !done)
            return done.error();
        for (const QString &w : inner.warnings())
            m_feedback.warn(w);
        if (!target.ordered()) {
            coloured += shot.last - shot.first + 1;
            m_report.frames += shot.last - shot.first + 1;
            if (m_job.shotFinished)
                m_job.shotFinished(work.provenance);
            continue;
        }
        for (FrameIndex f = std::max(shot.first, m_first); f <= std::min(shot.last, m_last); ++f) {
            if (m_feedback.isCancelled())
                return Error::cancelled();
            Result<Frame> out = buffer.take(int(f - shot.first));
            if (!out)
                return out.error();
            if (Result<void> ok = target.put(f, *out); !ok)
                return ok;
            m_progress->coloured(++coloured);
            ++m_report.frames;
        }
        if (m_job.shotFinished)
            m_job.shotFinished(work.provenance);
    }
    if (buffer.spilledFrames() > 0)
        m_feedback.warn(QStringLiteral("long shots: %1 frames were buffered on disk")
                            .arg(buffer.spilledFrames()));
    m_report.colourSeconds = clock.elapsed() / 1000.0;
    return {};
}

QStringList jobInputs(const FilmJob &job)
{
    QStringList inputs = job.protectedInputs;
    for (const KeyframeSpec &k : job.keyframes)
        inputs << k.image << k.hints;
    inputs.removeAll(QString());
    return inputs;
}

} // namespace

Result<FilmReport> colorizeFilm(const FilmJob &job, const OutputSpec &output,
                                KeyframeService &keyframes, Feedback &feedback)
{
    const QStringList inputs = jobInputs(job);
    // Checked before any work, and again when the writer creates the output.
    if (Result<void> ok = checkFilmOutput(output, QStringList{job.input} + inputs); !ok)
        return ok.error();
    Engine engine(job, keyframes, feedback);
    if (Result<void> ok = engine.prepare(output, nullptr); !ok)
        return ok.error();
    OutputSpec spec = output;
    spec.first = engine.first();
    spec.last = engine.last();
    Result<std::unique_ptr<FilmWriter>> writer =
        FilmWriter::open(spec, engine.film(), inputs, engine.report().provenance.toBytes());
    if (!writer)
        return writer.error();
    // Colour computed below the film's size, or a film deeper than 8 bits, is delivered over
    // each frame read again at full size and depth, in order (no cache: each is read once).
    std::unique_ptr<VideoSource> full;
    if (engine.scaled() || engine.film().info().bitDepth > 8) {
        SourceOptions options = job.source;
        options.cacheBytes = 0;
        auto opened = VideoSource::open(job.input, options);
        if (!opened) {
            (*writer)->abort();
            return opened.error();
        }
        full = std::move(opened).value();
    }
    WriterTarget target(**writer, full.get());
    Result<void> ok = engine.colour(target);
    if (ok)
        ok = target.finish();
    target.stop();
    if (!ok) {
        (*writer)->abort();
        return ok.error();
    }
    if (feedback.isCancelled()) {
        (*writer)->abort();
        return Error::cancelled();
    }
    Result<TranscodeReport> written = (*writer)->finish();
    if (!written)
        return written.error();
    FilmReport report = std::move(engine.report());
    report.written = *written;
    return report;
}

Result<FilmReport> colorizeIntoCache(const FilmJob &job, const project::ResultCache &cache,
                                     KeyframeService &keyframes, Feedback &feedback)
{
    if (!cache.ensureExists())
        return makeError(ErrorCode::WriteFailed,
                         QStringLiteral("cannot create the cache folder %1").arg(cache.dir()));
    Engine engine(job, keyframes, feedback);
    OutputSpec range;
    range.first = job.first;
    range.last = job.last;
    if (Result<void> ok = engine.prepare(range, &cache); !ok)
        return ok.error();
    CacheTarget target(cache, engine.scaled() ? &engine.film() : nullptr);
    if (Result<void> ok = engine.colour(target); !ok)
        return ok.error();
    return std::move(engine.report());
}

} // namespace tincture::pipeline
