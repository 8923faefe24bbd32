#include "lab/refinerdata.h"

#include "foundation/atomicoutput.h"
#include "media/imageio.h"
#include "propagation/internal/chromautil.h"
#include "lab/evaluation.h"
#include "lab/syntheticsequence.h"
#include "lab/truthsequence.h"

#include <QDir>
#include <QFile>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

using namespace tincture::propagation;

namespace tincture::lab {

namespace {

using TruthOf = std::function<Result<Frame>(int)>;

// Samples patches from each output frame as it arrives.
class PatchSink final : public FrameSink
{
public:
    PatchSink(TruthOf truth, const RefinerDataOptions &options, int patchesPerFrame,
              uint64_t sequenceSeed, QByteArray &bytes, Feedback &feedback, int64_t &done,
              int64_t total)
        : m_truth(std::move(truth)), m_o(options), m_patchesPerFrame(patchesPerFrame),
          m_seed(sequenceSeed), m_bytes(bytes), m_feedback(feedback), m_done(done), m_total(total)
    {
    }

    int64_t patches = 0;

    Result<void> put(int index, const Frame &colour) override
    {
        if (m_feedback.isCancelled())
            return Error::cancelled();
        m_feedback.reportProgress(++m_done, m_total);
        if (index == 0)
            return {};
        auto truth = m_truth(index);
        if (!truth)
            return truth.error();
        const cv::Mat grey = propagation::detail::greyMat(colour);
        const cv::Mat in = propagation::detail::chromaOf(colour);
        const cv::Mat want = propagation::detail::chromaOf(*truth);
        const int s = m_o.patchSide;
        if (grey.cols < s || grey.rows < s)
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("frame %1 is %2×%3, smaller than a %4 px patch")
                                 .arg(index)
                                 .arg(grey.cols)
                                 .arg(grey.rows)
                                 .arg(s));
        std::mt19937_64 rng(m_seed * 1000003u + uint64_t(index));
        std::uniform_int_distribution<int> px(0, grey.cols - s), py(0, grey.rows - s);
        auto code = [](float v) { return char(uint8_t(std::clamp(std::lround(v), 0L, 255L))); };
        for (int p = 0; p < m_patchesPerFrame; ++p) {
            const int x0 = px(rng), y0 = py(rng);
            for (int y = y0; y < y0 + s; ++y) {
                const uint8_t *g = grey.ptr<uint8_t>(y);
                const auto *a = in.ptr<cv::Vec2f>(y);
                const auto *b = want.ptr<cv::Vec2f>(y);
                for (int x = x0; x < x0 + s; ++x) {
                    const char px5[5] = {char(g[x]), code(a[x][0]), code(a[x][1]), code(b[x][0]),
                                         code(b[x][1])};
                    m_bytes.append(px5, 5);
                }
            }
            ++patches;
        }
        return {};
    }

private:
    TruthOf m_truth;
    const RefinerDataOptions &m_o;
    int m_patchesPerFrame;
    uint64_t m_seed;
    QByteArray &m_bytes;
    Feedback &m_feedback;
    int64_t &m_done;
    int64_t m_total;
};

} // namespace

Result<RefinerDataReport> packRefinerData(const RefinerDataOptions &options, const QString &outPath,
                                          Feedback &feedback)
{
    if (options.dataDir.isEmpty() && options.syntheticSequences <= 0)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("no training data: give sequences, photographs for "
                                        "synthetic sequences, or both"));
    if (options.patchSide < 8 || options.patchSide > 1024 || options.patchesPerFrame < 1 ||
        options.syntheticPatchesPerFrame < 1)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("patch side must be 8–1024 px and at least one patch a "
                                        "frame"));
    std::vector<EvalSequence> chosen;
    if (!options.dataDir.isEmpty()) {
        auto all = listEvalSequences(options.dataDir, options.maxFrames, feedback);
        if (!all)
            return all.error();
        for (const EvalSequence &s : *all)
            if (options.sequences.isEmpty() || options.sequences.contains(s.name))
                chosen.push_back(s);
    }
    QStringList photos;
    if (options.syntheticSequences > 0) {
        const QDir dir(options.photosDir);
        if (options.photosDir.isEmpty() || !dir.exists())
            return makeError(
                ErrorCode::FileNotFound,
                QStringLiteral("%1: no such folder of photographs").arg(options.photosDir));
        for (const QString &f : dir.entryList(
                 {QStringLiteral("*.jpg"), QStringLiteral("*.jpeg"), QStringLiteral("*.png")},
                 QDir::Files, QDir::Name))
            photos << dir.filePath(f);
        if (photos.size() < 2)
            return makeError(ErrorCode::FileEmpty,
                             QStringLiteral("%1: synthetic sequences need at least two "
                                            "photographs (.jpg, .png)")
                                 .arg(options.photosDir));
        if (options.syntheticFrames < 2)
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("a synthetic sequence needs at least two frames"));
    }
    for (const QString &name : options.sequences)
        if (std::none_of(chosen.begin(), chosen.end(),
                         [&](const EvalSequence &s) { return s.name == name; }))
            return makeError(
                ErrorCode::FileNotFound,
                QStringLiteral("%1: no sequence \"%2\" with frames").arg(options.dataDir, name));
    auto probe = createPropagationMethod(options.method);
    if (!probe)
        return probe.error();

    int64_t total = 0, done = 0;
    for (const EvalSequence &s : chosen)
        total += s.framePaths.size();
    total += int64_t(std::max(0, options.syntheticSequences)) * options.syntheticFrames;
    RefinerDataReport report;
    QByteArray bytes;
    for (size_t i = 0; i < chosen.size(); ++i) {
        const EvalSequence &sequence = chosen[i];
        auto method = createPropagationMethod(options.method);
        if (!method)
            return method.error();
        TruthSequence truth(sequence);
        auto first = truth.truth(0);
        if (!first)
            return first.error();
        // Seeded by the sequence's name, so a sequence gets the same patches in any subset.
        const uint64_t seed = options.seed * 0x9E3779B97F4A7C15ull + qHash(sequence.name);
        PatchSink sink([&truth](int f) { return truth.truth(f); }, options, options.patchesPerFrame,
                       seed, bytes, feedback, done, total);
        Feedback methodFeedback;
        if (auto r = (*method)->propagate(truth, {Keyframe{0, *first}}, sink, methodFeedback); !r)
            return r.error().isCancelled()
                       ? r.error()
                       : makeError(r.error().code,
                                   QStringLiteral("%1: %2").arg(sequence.name, r.error().message),
                                   r.error().detail);
        report.sequences << sequence.name;
        report.frames += sequence.framePaths.size();
        report.patches += sink.patches;
    }
    std::mt19937_64 pick(options.seed * 0xD1B54A32D192ED03ull + 17u);
    for (int i = 0; i < options.syntheticSequences; ++i) {
        if (feedback.isCancelled())
            return Error::cancelled();
        std::uniform_int_distribution<qsizetype> photo(0, photos.size() - 1);
        const QString backPath = photos[photo(pick)], objectPath = photos[photo(pick)];
        std::mt19937_64 rng(options.seed * 0x9E3779B97F4A7C15ull + uint64_t(i) * 7919u + 1u);
        auto frames = syntheticSequence(backPath, objectPath, options.syntheticFrames, rng);
        if (!frames)
            return frames.error();
        MemorySequence sequence(std::move(frames).value());
        auto method = createPropagationMethod(options.method);
        if (!method)
            return method.error();
        PatchSink sink([&sequence](int f) -> Result<Frame> { return sequence.colour(f); }, options,
                       options.syntheticPatchesPerFrame, uint64_t(i) + 0x5EED, bytes, feedback,
                       done, total);
        Feedback methodFeedback;
        if (auto r = (*method)->propagate(sequence, {Keyframe{0, sequence.colour(0)}}, sink,
                                          methodFeedback);
            !r)
            return r.error().isCancelled()
                       ? r.error()
                       : makeError(r.error().code,
                                   QStringLiteral("synthetic sequence from %1: %2")
                                       .arg(backPath, r.error().message),
                                   r.error().detail);
        report.frames += options.syntheticFrames;
        report.patches += sink.patches;
        ++report.syntheticSequences;
    }
    if (report.patches == 0)
        return makeError(ErrorCode::FileEmpty,
                         QStringLiteral("%1: no frames after the keyframe to take patches from")
                             .arg(options.dataDir));

    auto output = AtomicOutput::begin(outPath, AtomicOutput::Kind::File, Existing::Replace);
    if (!output)
        return output.error();
    QFile file(output->tempPath());
    const uint32_t header[3] = {uint32_t(report.patches), uint32_t(options.patchSide), 5};
    const bool written =
        file.open(QIODevice::WriteOnly) && file.write("TCRPAT01", 8) == 8 &&
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

} // namespace tincture::lab
