#include "pipeline/filmcolorizer.h"

#include "colour/scribble.h"
#include "foundation/outputguard.h"
#include "media/imageio.h"
#include "ml/colorizer.h"
#include "pipeline/reorderbuffer.h"
#include "propagation/propagationmethod.h"
#include "propagation/videoshotsource.h"

#include <QElapsedTimer>

#include <algorithm>
#include <map>

namespace tincture::pipeline {
namespace {

// Progress over the whole job: shot detection counts one unit per frame, colouring and
// encoding three (they are the slow part).
class JobProgress
{
public:
    JobProgress(Feedback &outer, int64_t frames) : m_outer(outer), m_frames(frames) {}
    void detected(int64_t done) { m_outer.reportProgress(done, 4 * m_frames); }
    void encoded(int64_t done) { m_outer.reportProgress(m_frames + 3 * done, 4 * m_frames); }

private:
    Feedback &m_outer;
    int64_t m_frames;
};

Result<Frame> readKeyframeImage(const QString &path, const Frame &grey)
{
    auto image = readImage(path);
    if (!image)
        return image;
    if (image->width() != grey.width() || image->height() != grey.height())
        return makeError(ErrorCode::SizeMismatch,
                         QStringLiteral("%1: the keyframe is %2×%3 but the film is %4×%5")
                             .arg(path)
                             .arg(image->width())
                             .arg(image->height())
                             .arg(grey.width())
                             .arg(grey.height()));
    return image;
}

} // namespace

Result<ColorizeFilmReport> colorizeFilm(const ColorizeFilmRequest &request, Feedback &feedback)
{
    // Checked before any work, and again by transcode before it creates the output.
    QStringList inputs{request.modelPath};
    for (const KeyframeOverride &k : request.keyframes)
        inputs << k.image << k.hints;
    if (Result<void> ok = checkOutput(request.output, QStringList{request.input} + inputs,
                                      request.existing);
        !ok)
        return ok.error();
    ColorizeFilmReport report;
    report.method = request.method.isEmpty() ? defaultPropagationMethodName() : request.method;
    if (auto probe = createPropagationMethod(report.method); !probe)
        return probe.error();

    // Two decoders: one streams the film for detection and encoding (inside transcode), the
    // other serves the propagation methods' random access.
    auto source = VideoSource::open(request.input, request.source);
    if (!source)
        return source.error();
    VideoSource &film = **source;
    const int64_t frameCount = film.frameCount();
    JobProgress progress(feedback, frameCount);
    // Before the shots and keyframes, so that a full disk is known at once.
    if (const std::optional<VideoCodec> codec =
            request.codec ? request.codec : codecForPath(request.output))
        if (Result<void> ok = checkOutputSpace(request.output, *codec, film.info().width,
                                               film.info().height, frameCount);
            !ok)
            return ok.error();

    for (const KeyframeOverride &k : request.keyframes)
        if (k.frame < 0 || k.frame >= frameCount)
            return makeError(ErrorCode::OutOfRange,
                             QStringLiteral("keyframe %1 is outside the film (%2 frames)")
                                 .arg(k.frame)
                                 .arg(frameCount));

    // 1. Shots.
    QElapsedTimer clock;
    clock.start();
    {
        Feedback detect([&](int64_t done, int64_t) { progress.detected(done); });
        detect.linkParent(&feedback);
        auto shots = detectShots(film, request.shotParams, detect);
        if (!shots)
            return shots.error();
        report.shots = std::move(shots).value();
    }
    report.detectSeconds = clock.elapsed() / 1000.0;

    // 2. Keyframes: the user's where given, the model's at each remaining shot's middle. They
    // are made when their shot's turn comes, so that memory does not grow with the number of
    // shots; here the user's are only checked (readable, the film's size, hints with alpha),
    // so that a bad one fails the job before any work.
    std::shared_ptr<const ml::Colorizer> colorizer;
    auto modelFor = [&]() -> Result<std::shared_ptr<const ml::Colorizer>> {
        if (!colorizer) {
            ml::ColorizerOptions options;
            options.threads = request.threads;
            options.device = request.device;
            auto loaded = ml::Colorizer::load(request.modelPath.isEmpty()
                                                  ? ml::Colorizer::defaultModelPath()
                                                  : request.modelPath,
                                              options);
            if (!loaded)
                return loaded.error();
            colorizer = *loaded;
        }
        return colorizer;
    };
    std::map<FrameIndex, const KeyframeOverride *> overrides;
    for (const KeyframeOverride &k : request.keyframes) {
        if (feedback.isCancelled())
            return Error::cancelled();
        auto frame = film.frame(k.frame);
        if (!frame)
            return frame.error();
        auto image = readKeyframeImage(k.image.isEmpty() ? k.hints : k.image, frame->luma());
        if (!image)
            return image.error();
        if (!k.hints.isEmpty() && image->channels() != 4)
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("%1: the hint image has no alpha channel; it "
                                            "must be RGBA, alpha > 0 marking the scribbles")
                                 .arg(k.hints));
        overrides[k.frame] = &k;
        report.userKeyframes.push_back(k.frame);
    }
    for (const Shot &shot : report.shots)
        if (overrides.lower_bound(shot.first) == overrides.upper_bound(shot.last))
            report.modelKeyframes.push_back((shot.first + shot.last) / 2);
    if (!report.modelKeyframes.empty()) // a missing or broken model fails the job now too
        if (auto model = modelFor(); !model)
            return model.error();

    // One user keyframe's colour: the image as it is, or the hints solved over the model's
    // proposal.
    auto userKeyframe = [&](const KeyframeOverride &k) -> Result<Frame> {
        auto frame = film.frame(k.frame);
        if (!frame)
            return frame.error();
        const Frame grey = frame->luma();
        if (!k.image.isEmpty())
            return readKeyframeImage(k.image, grey);
        auto hints = readKeyframeImage(k.hints, grey);
        if (!hints)
            return hints.error();
        auto model = modelFor();
        if (!model)
            return model.error();
        auto prior = (*model)->colorize(grey);
        if (!prior)
            return prior.error();
        colour::ScribbleInput input{grey, *hints, *prior, Frame()};
        colour::ScribbleParams params;
        params.priorWeight = request.priorWeight;
        params.threads = request.threads;
        Feedback solve;
        solve.linkParent(&feedback);
        auto solved = colour::colouriseScribbles(input, params, solve);
        if (!solved)
            return solved.error();
        for (const QString &w : solve.warnings())
            feedback.warn(QStringLiteral("keyframe %1: %2").arg(k.frame).arg(w));
        return solved;
    };
    // A shot's keyframes, as offsets into the shot.
    double keyframeSeconds = 0.0;
    auto shotKeyframes = [&](const Shot &shot) -> Result<std::vector<Keyframe>> {
        QElapsedTimer keyClock;
        keyClock.start();
        std::vector<Keyframe> keys;
        for (auto it = overrides.lower_bound(shot.first);
             it != overrides.upper_bound(shot.last); ++it) {
            auto colour = userKeyframe(*it->second);
            if (!colour)
                return colour.error();
            keys.push_back(Keyframe{int(it->first - shot.first), std::move(colour).value()});
        }
        if (keys.empty()) {
            const FrameIndex middle = (shot.first + shot.last) / 2;
            auto frame = film.frame(middle);
            if (!frame)
                return frame.error();
            auto model = modelFor();
            if (!model)
                return model.error();
            auto coloured = (*model)->colorize(*frame);
            if (!coloured)
                return coloured.error();
            keys.push_back(Keyframe{int(middle - shot.first), std::move(coloured).value()});
        }
        keyframeSeconds += keyClock.elapsed() / 1000.0;
        return keys;
    };

    // 3. Keyframes and propagation shot by shot, inside the encoding pass: when the encoder
    // asks for a shot's first frame, its keyframes are made and the whole shot is propagated
    // into a reorder buffer.
    clock.restart();
    auto method = createPropagationMethod(report.method);
    if (!method)
        return method.error();
    FrameReorderBuffer buffer;
    size_t shotIndex = 0;
    auto process = [&](const Frame &frame) -> Result<Frame> {
        const FrameIndex i = frame.index;
        while (shotIndex < report.shots.size() && report.shots[shotIndex].last < i)
            ++shotIndex;
        if (shotIndex >= report.shots.size())
            return makeError(ErrorCode::Internal, QStringLiteral("frame %1 is in no shot").arg(i));
        const Shot &shot = report.shots[shotIndex];
        if (i == shot.first) {
            buffer.clear();
            auto shotKeys = shotKeyframes(shot);
            if (!shotKeys)
                return shotKeys.error();
            VideoShotSource shotSource(film, shot.first, shot.last, &feedback);
            Feedback inner;
            inner.linkParent(&feedback);
            if (auto done = (*method)->propagate(shotSource, *shotKeys, buffer, inner); !done)
                return done.error();
            for (const QString &w : inner.warnings())
                feedback.warn(w);
        }
        auto out = buffer.take(int(i - shot.first));
        if (!out)
            return out.error();
        Frame coloured = std::move(out).value();
        coloured.index = frame.index;
        coloured.pts = frame.pts;
        coloured.timeBase = frame.timeBase;
        return coloured;
    };
    TranscodeRequest transcodeRequest;
    transcodeRequest.input = request.input;
    transcodeRequest.output = request.output;
    transcodeRequest.codec = request.codec;
    transcodeRequest.h264Crf = request.h264Crf;
    transcodeRequest.withAudio = request.withAudio;
    transcodeRequest.source = request.source;
    transcodeRequest.existing = request.existing;
    transcodeRequest.protectedInputs = inputs;
    transcodeRequest.process = process;
    Feedback encode([&](int64_t done, int64_t) { progress.encoded(done); });
    encode.linkParent(&feedback);
    auto transcoded = transcode(transcodeRequest, encode);
    for (const QString &w : encode.warnings())
        feedback.warn(w);
    if (!transcoded)
        return transcoded.error();
    report.keyframeSeconds = keyframeSeconds;
    report.propagateEncodeSeconds = clock.elapsed() / 1000.0 - keyframeSeconds;
    report.frames = transcoded->frames;
    report.audioStreams = transcoded->audioStreams;
    report.notes = transcoded->notes;
    if (buffer.spilledFrames() > 0)
        feedback.warn(QStringLiteral("long shots: %1 frames were buffered on disk")
                          .arg(buffer.spilledFrames()));
    return report;
}

} // namespace tincture::pipeline
