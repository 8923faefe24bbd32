#include "lab/vpndata.h"

#include "foundation/atomicoutput.h"
#include "lab/evaluation.h"
#include "lab/syntheticsequence.h"
#include "lab/truthsequence.h"
#include "propagation/internal/chromautil.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

using namespace tincture::propagation;

namespace tincture::lab {

namespace {

// Keeps every output frame of one pass.
class KeepAll final : public FrameSink
{
public:
    KeepAll(Feedback &feedback, int64_t &done, int64_t total)
        : m_feedback(feedback), m_done(done), m_total(total)
    {
    }
    std::vector<Frame> frames;
    Result<void> put(int index, const Frame &colour) override
    {
        if (m_feedback.isCancelled())
            return Error::cancelled();
        m_feedback.reportProgress(++m_done, m_total);
        if (size_t(index) >= frames.size())
            frames.resize(size_t(index) + 1);
        frames[size_t(index)] = colour;
        return {};
    }

private:
    Feedback &m_feedback;
    int64_t &m_done;
    int64_t m_total;
};

using TruthOf = std::function<Result<Frame>(int)>;

// Appends `windows` clips cut from one pass's outputs.
Result<int> appendClips(const std::vector<Frame> &outputs, const TruthOf &truth, int windows,
                        const VpnClipOptions &o, double scale, uint64_t seed, const QString &what,
                        QByteArray &bytes)
{
    const int h = o.clipHeight, w = o.clipWidth;
    std::vector<cv::Mat> grey, given, want;
    for (size_t t = 0; t < outputs.size(); ++t) {
        auto truthFrame = truth(int(t));
        if (!truthFrame)
            return truthFrame.error();
        if (outputs[t].isNull())
            return makeError(ErrorCode::Internal,
                             QStringLiteral("%1: the method gave no frame %2").arg(what).arg(t));
        grey.push_back(detail::greyMat(outputs[t]));
        want.push_back(detail::chromaOf(*truthFrame));
        given.push_back(t == 0 ? want.back() : detail::chromaOf(outputs[t]));
        if (scale != 1.0)
            for (cv::Mat *m : {&grey.back(), &want.back(), &given.back()}) {
                cv::Mat resized;
                cv::resize(*m, resized, cv::Size(), scale, scale, cv::INTER_AREA);
                *m = resized;
            }
    }
    if (grey[0].cols < w || grey[0].rows < h)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("%1: frames of %2×%3 are smaller than a %4×%5 window")
                             .arg(what)
                             .arg(grey[0].cols)
                             .arg(grey[0].rows)
                             .arg(w)
                             .arg(h));
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> px(0, grey[0].cols - w), py(0, grey[0].rows - h);
    auto code = [](float v) { return char(uint8_t(std::clamp(std::lround(v), 0L, 255L))); };
    for (int k = 0; k < windows; ++k) {
        const int x0 = px(rng), y0 = py(rng);
        for (size_t t = 0; t < outputs.size(); ++t)
            for (int y = y0; y < y0 + h; ++y) {
                const uint8_t *g = grey[t].ptr<uint8_t>(y);
                const auto *a = given[t].ptr<cv::Vec2f>(y);
                const auto *b = want[t].ptr<cv::Vec2f>(y);
                for (int x = x0; x < x0 + w; ++x) {
                    const char px5[5] = {char(g[x]), code(a[x][0]), code(a[x][1]), code(b[x][0]),
                                         code(b[x][1])};
                    bytes.append(px5, 5);
                }
            }
    }
    return windows;
}

// The photographs (background, disc) of each synthetic sequence.
std::vector<std::pair<QString, QString>> syntheticPicks(const VpnClipOptions &o,
                                                        const QStringList &photos)
{
    std::vector<std::pair<QString, QString>> picks;
    std::mt19937_64 pick(o.seed * 0xD1B54A32D192ED03ull + 29u);
    for (int i = 0; i < o.syntheticSequences; ++i) {
        std::uniform_int_distribution<qsizetype> photo(0, photos.size() - 1);
        const QString back = photos[photo(pick)];
        picks.emplace_back(back, photos[photo(pick)]);
    }
    return picks;
}

// What packVpnClips reads: the real sequences chosen, their clips, the photographs.
struct ClipSources
{
    std::vector<EvalSequence> chosen;
    QStringList photos;
    int clipsOf(const EvalSequence &s, const VpnClipOptions &o) const
    {
        const int n = int(s.framePaths.size()) / o.clipFrames;
        return o.clipsPerSequence > 0 ? std::min(n, o.clipsPerSequence) : n;
    }
};

Result<ClipSources> clipSources(const VpnClipOptions &options, Feedback &feedback)
{
    const int T = options.clipFrames;
    if (options.dataDir.isEmpty() && options.syntheticSequences <= 0)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("no training data: give sequences, photographs for "
                                        "synthetic sequences, or both"));
    if (T < 2 || T > 1000 || options.clipHeight < 8 || options.clipWidth < 8 ||
        options.clipHeight > 4096 || options.clipWidth > 4096 || options.windowsPerClip < 1 ||
        options.clipsPerSequence < 0)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("a clip needs 2–1000 frames, windows of 8–4096 px and at "
                                        "least one window"));
    ClipSources sources;
    if (!options.dataDir.isEmpty()) {
        auto all = listEvalSequences(options.dataDir, 0, feedback);
        if (!all)
            return all.error();
        for (const EvalSequence &s : *all)
            if (options.sequences.isEmpty() || options.sequences.contains(s.name))
                sources.chosen.push_back(s);
    }
    for (const QString &name : options.sequences)
        if (std::none_of(sources.chosen.begin(), sources.chosen.end(),
                         [&](const EvalSequence &s) { return s.name == name; }))
            return makeError(
                ErrorCode::FileNotFound,
                QStringLiteral("%1: no sequence \"%2\" with frames").arg(options.dataDir, name));
    if (options.syntheticSequences > 0) {
        const QDir dir(options.photosDir);
        if (options.photosDir.isEmpty() || !dir.exists())
            return makeError(
                ErrorCode::FileNotFound,
                QStringLiteral("%1: no such folder of photographs").arg(options.photosDir));
        for (const QString &f : dir.entryList(
                 {QStringLiteral("*.jpg"), QStringLiteral("*.jpeg"), QStringLiteral("*.png")},
                 QDir::Files, QDir::Name))
            sources.photos << dir.filePath(f);
        if (sources.photos.size() < 2)
            return makeError(ErrorCode::FileEmpty,
                             QStringLiteral("%1: synthetic sequences need at least two "
                                            "photographs (.jpg, .png)")
                                 .arg(options.photosDir));
    }
    for (const EvalSequence &s : sources.chosen)
        if (sources.clipsOf(s, options) == 0)
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("%1: %2 frames, fewer than a clip of %3")
                                 .arg(s.name)
                                 .arg(s.framePaths.size())
                                 .arg(T));
    return sources;
}

Error inSequence(const QString &what, const Error &e)
{
    return e.isCancelled()
               ? e
               : makeError(e.code, QStringLiteral("%1: %2").arg(what, e.message), e.detail);
}

} // namespace

Result<VpnClipReport> packVpnClips(const VpnClipOptions &options, const QString &outPath,
                                   Feedback &feedback)
{
    const int T = options.clipFrames;
    auto sources = clipSources(options, feedback);
    if (!sources)
        return sources.error();
    const std::vector<EvalSequence> &chosen = sources->chosen;
    auto clipsOf = [&](const EvalSequence &s) { return sources->clipsOf(s, options); };
    int64_t total = int64_t(std::max(0, options.syntheticSequences)) * T, done = 0;
    for (const EvalSequence &s : chosen)
        total += int64_t(clipsOf(s)) * T;
    if (auto probe = createPropagationMethod(options.method); !probe)
        return probe.error();

    VpnClipReport report;
    QByteArray bytes;
    for (const EvalSequence &sequence : chosen) {
        for (int c = 0; c < clipsOf(sequence); ++c) {
            const EvalSequence part{sequence.name, sequence.framePaths.mid(c * T, T)};
            const QString what = QStringLiteral("%1 (frames %2–%3)")
                                     .arg(sequence.name)
                                     .arg(c * T)
                                     .arg(c * T + T - 1);
            auto method = createPropagationMethod(options.method);
            if (!method)
                return method.error();
            TruthSequence truth(part);
            auto first = truth.truth(0);
            if (!first)
                return first.error();
            KeepAll sink(feedback, done, total);
            Feedback methodFeedback;
            if (auto r = (*method)->propagate(truth, {Keyframe{0, *first}}, sink, methodFeedback);
                !r)
                return inSequence(what, r.error());
            const uint64_t seed =
                options.seed * 0x9E3779B97F4A7C15ull + qHash(sequence.name) + uint64_t(c) * 7919u;
            auto added = appendClips(
                sink.frames, [&truth](int f) { return truth.truth(f); }, options.windowsPerClip,
                options, options.realScale, seed, what, bytes);
            if (!added)
                return added.error();
            report.clips += *added;
            report.frames += T;
        }
        report.sequences << sequence.name;
    }
    const auto picks = syntheticPicks(options, sources->photos);
    for (int i = 0; i < options.syntheticSequences; ++i) {
        if (feedback.isCancelled())
            return Error::cancelled();
        const auto &[backPath, objectPath] = picks[size_t(i)];
        std::mt19937_64 rng(options.seed * 0x9E3779B97F4A7C15ull + uint64_t(i) * 7919u + 3u);
        auto frames = syntheticSequence(backPath, objectPath, T, rng);
        if (!frames)
            return frames.error();
        MemorySequence sequence(std::move(frames).value());
        auto method = createPropagationMethod(options.method);
        if (!method)
            return method.error();
        const QString what = QStringLiteral("synthetic sequence from %1").arg(backPath);
        KeepAll sink(feedback, done, total);
        Feedback methodFeedback;
        if (auto r = (*method)->propagate(sequence, {Keyframe{0, sequence.colour(0)}}, sink,
                                          methodFeedback);
            !r)
            return inSequence(what, r.error());
        auto added = appendClips(
            sink.frames, [&sequence](int f) -> Result<Frame> { return sequence.colour(f); }, 1,
            options, 1.0, uint64_t(i) + 0x5EED, what, bytes);
        if (!added)
            return added.error();
        report.clips += *added;
        report.frames += T;
        ++report.syntheticSequences;
    }

    auto output = AtomicOutput::begin(outPath, AtomicOutput::Kind::File, Existing::Replace);
    if (!output)
        return output.error();
    QFile file(output->tempPath());
    const uint32_t header[5] = {uint32_t(report.clips), uint32_t(T), uint32_t(options.clipHeight),
                                uint32_t(options.clipWidth), 5};
    const bool written =
        file.open(QIODevice::WriteOnly) && file.write("TCVPNC01", 8) == 8 &&
        file.write(reinterpret_cast<const char *>(header), sizeof header) == sizeof header &&
        file.write(bytes) == bytes.size() && file.flush();
    file.close();
    if (!written) {
        output->discard();
        return makeError(ErrorCode::WriteFailed,
                         QStringLiteral("%1: write failed: %2").arg(outPath, file.errorString()));
    }
    if (auto committed = output->commit(); !committed)
        return committed.error();
    return report;
}

Result<std::vector<NamedFingerprint>> vpnClipPictures(const VpnClipOptions &options,
                                                      Feedback &feedback)
{
    auto sources = clipSources(options, feedback);
    if (!sources)
        return sources.error();
    std::vector<NamedFingerprint> pictures;
    auto add = [&](const QString &path, const QString &name) -> Result<void> {
        auto f = fingerprintFile(path);
        if (!f)
            return f.error();
        pictures.push_back({name, *f});
        return {};
    };
    for (const EvalSequence &s : sources->chosen) {
        const int frames = sources->clipsOf(s, options) * options.clipFrames;
        for (int i = 0; i < frames; ++i) {
            if (feedback.isCancelled())
                return Error::cancelled();
            const QString path = s.framePaths[i];
            if (auto ok = add(path, s.name + QLatin1Char('/') + QFileInfo(path).fileName()); !ok)
                return ok.error();
        }
    }
    for (const auto &[back, object] : syntheticPicks(options, sources->photos))
        for (const QString &path : {back, object})
            if (auto ok = add(path, QFileInfo(path).fileName()); !ok)
                return ok.error();
    return pictures;
}

} // namespace tincture::lab
