#include "lab/evaluation.h"

#include "metrics/imagemetrics.h"
#include "ml/videocolorizer.h"
#include "lab/scoringio.h"
#include "propagation/internal/chromautil.h"
#include "propagation/propagationmethod.h"
#include "lab/truthsequence.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <numeric>

using namespace tincture::propagation;

namespace tincture::lab {

namespace {

const QStringList kFrameFilters = {QStringLiteral("*.jpg"), QStringLiteral("*.jpeg"),
                                   QStringLiteral("*.png")};
const QStringList kResultExtensions = {QStringLiteral(".png"), QStringLiteral(".jpg"),
                                       QStringLiteral(".jpeg"), QStringLiteral(".tif"),
                                       QStringLiteral(".tiff")};

QString stemOf(const QString &path)
{
    return QFileInfo(path).completeBaseName();
}

double mean(const std::vector<double> &v)
{
    return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

// The low-confidence fill: a video colouriser run over consecutive frames, and the thresholds.
struct Fill
{
    std::shared_ptr<const ml::VideoColorizer> model;
    std::vector<double> below;
};

// Scores each output against the truth as it arrives (and optionally writes it); with a fill,
// also the frame filled at each threshold.
class ScoringSink final : public FrameSink
{
public:
    ScoringSink(TruthSequence &truth, const QString &saveDir, const EvalSequence &sequence,
                Feedback &feedback, int64_t &done, int64_t total, const Fill *fill)
        : m_truth(truth), m_saveDir(saveDir), m_sequence(sequence), m_feedback(feedback),
          m_done(done), m_total(total), m_fill(fill),
          m_psnr(size_t(truth.frameCount()), std::nan(""))
    {
        if (fill) {
            m_filledPsnr.resize(fill->below.size());
            m_filledPixels.resize(fill->below.size());
        }
    }

    Result<void> putConfidence(int index, const Frame &confidence) override
    {
        m_confidenceIndex = index;
        m_confidence = confidence;
        return {};
    }

    Result<void> put(int index, const Frame &colour) override
    {
        if (m_feedback.isCancelled())
            return Error::cancelled();
        if (index < 0 || index >= m_truth.frameCount() || !std::isnan(m_psnr[size_t(index)]))
            return makeError(
                ErrorCode::Internal,
                QStringLiteral("method produced frame %1 twice or out of range").arg(index));
        auto truth = m_truth.truth(index);
        if (!truth)
            return truth.error();
        auto score = metrics::chromaPsnr(colour, *truth);
        if (!score)
            return score.error();
        m_psnr[size_t(index)] = *score;
        if (m_fill)
            if (auto r = scoreFilled(index, colour, *truth, *score); !r)
                return r;
        if (!m_saveDir.isEmpty()) {
            const QString dir = QDir(m_saveDir).filePath(m_sequence.name);
            if (!QDir().mkpath(dir))
                return makeError(ErrorCode::WriteFailed,
                                 QStringLiteral("%1: cannot create the folder").arg(dir));
            const QString path =
                QDir(dir).filePath(stemOf(m_sequence.framePaths[index]) + QStringLiteral(".png"));
            if (auto r = lab::writeScoringImage(path, colour); !r)
                return r;
        }
        m_feedback.reportProgress(++m_done, m_total);
        return {};
    }

    Result<std::vector<double>> scores() const
    {
        for (size_t i = 0; i < m_psnr.size(); ++i)
            if (std::isnan(m_psnr[i]))
                return makeError(
                    ErrorCode::Internal,
                    QStringLiteral("%1: the method left frame %2 out").arg(m_sequence.name).arg(i));
        return m_psnr;
    }
    // Per threshold: the filled frames' mean PSNR, the share of pixels filled.
    std::vector<double> filledPsnr() const
    {
        std::vector<double> out;
        for (const std::vector<double> &v : m_filledPsnr)
            out.push_back(mean(v));
        return out;
    }
    std::vector<double> filledShare() const
    {
        std::vector<double> out;
        for (double n : m_filledPixels)
            out.push_back(m_pixels > 0 ? n / m_pixels : 0.0);
        return out;
    }

private:
    // The method's frame with its low-confidence pixels' chroma from the colouriser, scored at
    // each threshold (a frame without a confidence map is filled nowhere).
    Result<void> scoreFilled(int index, const Frame &colour, const Frame &truth, double own)
    {
        m_pixels += double(colour.width()) * colour.height();
        if (m_confidenceIndex != index || m_confidence.isNull()) {
            for (std::vector<double> &v : m_filledPsnr)
                v.push_back(own);
            return {};
        }
        auto grey = m_truth.greyFrame(index);
        if (!grey)
            return grey.error();
        if (!m_run || index != m_runIndex + 1)
            m_run = m_fill->model->start(true);
        m_runIndex = index;
        auto fill = m_run->next(*grey);
        if (!fill)
            return fill.error();
        const cv::Mat chroma = detail::chromaOf(colour);
        const cv::Mat fillChroma = detail::chromaOf(*fill);
        const cv::Mat confidence = detail::toMat(m_confidence, CV_8UC1);
        const cv::Mat luma = detail::greyMat(colour);
        for (size_t k = 0; k < m_fill->below.size(); ++k) {
            const cv::Mat low = confidence < m_fill->below[k] * 255.0;
            cv::Mat mixed = chroma.clone();
            fillChroma.copyTo(mixed, low);
            m_filledPixels[k] += cv::countNonZero(low);
            auto score = metrics::chromaPsnr(detail::composeLumaExact(luma, mixed), truth);
            if (!score)
                return score.error();
            m_filledPsnr[k].push_back(*score);
        }
        return {};
    }

    TruthSequence &m_truth;
    QString m_saveDir;
    const EvalSequence &m_sequence;
    Feedback &m_feedback;
    int64_t &m_done;
    int64_t m_total;
    const Fill *m_fill;
    std::vector<double> m_psnr;
    std::vector<std::vector<double>> m_filledPsnr;
    std::vector<double> m_filledPixels;
    double m_pixels = 0;
    int m_confidenceIndex = -1;
    Frame m_confidence;
    std::unique_ptr<ml::VideoColorizer::Run> m_run;
    int m_runIndex = -2;
};

struct MethodScores
{
    std::vector<double> psnr, filledPsnr, filledShare;
};

Result<MethodScores> scoreWithMethod(const EvalSequence &sequence,
                                     const PropagationEvalOptions &options, const Fill *fill,
                                     Feedback &feedback, int64_t &done, int64_t total)
{
    auto method = createPropagationMethod(options.method, options.methodOptions);
    if (!method)
        return method.error();
    if (options.workingHeight > 0)
        *method = std::make_unique<WorkingResolutionMethod>(
            std::move(*method), options.workingHeight, options.delivery);
    TruthSequence truth(sequence);
    auto first = truth.truth(0);
    if (!first)
        return first.error();
    ScoringSink sink(truth, options.saveDir, sequence, feedback, done, total, fill);
    // The method's own progress is per shot; the sink reports progress over the whole dataset.
    Feedback methodFeedback;
    if (auto r = (*method)->propagate(truth, {Keyframe{0, *first}}, sink, methodFeedback); !r)
        return r.error();
    auto scores = sink.scores();
    if (!scores)
        return scores.error();
    return MethodScores{std::move(*scores), sink.filledPsnr(), sink.filledShare()};
}

Result<std::vector<double>> scoreResults(const EvalSequence &sequence, const QString &resultsDir,
                                         Feedback &feedback, int64_t &done, int64_t total)
{
    std::vector<double> scores;
    const QDir dir(QDir(resultsDir).filePath(sequence.name));
    for (const QString &truthPath : sequence.framePaths) {
        if (feedback.isCancelled())
            return Error::cancelled();
        const QString stem = stemOf(truthPath);
        QString resultPath;
        for (const QString &ext : kResultExtensions)
            if (QFileInfo::exists(dir.filePath(stem + ext))) {
                resultPath = dir.filePath(stem + ext);
                break;
            }
        if (resultPath.isEmpty())
            return makeError(ErrorCode::FileNotFound,
                             QStringLiteral("missing result frame %1/%2 (looked for %2.png, .jpg, "
                                            "… in %3)")
                                 .arg(sequence.name, stem, dir.path()));
        auto truth = lab::readScoringImage(truthPath);
        if (!truth)
            return truth.error();
        auto result = lab::readScoringImage(resultPath);
        if (!result)
            return result.error();
        if (result->width() != truth->width() || result->height() != truth->height())
            return makeError(ErrorCode::SizeMismatch,
                             QStringLiteral("%1: %2×%3, but the ground truth is %4×%5")
                                 .arg(resultPath)
                                 .arg(result->width())
                                 .arg(result->height())
                                 .arg(truth->width())
                                 .arg(truth->height()));
        auto score = metrics::chromaPsnr(*result, *truth);
        if (!score)
            return score.error();
        scores.push_back(*score);
        feedback.reportProgress(++done, total);
    }
    return scores;
}

} // namespace

Result<std::vector<EvalSequence>> listEvalSequences(const QString &dataDir, int maxFrames,
                                                    Feedback &feedback)
{
    const QDir root(dataDir);
    if (dataDir.isEmpty() || !root.exists())
        return makeError(ErrorCode::FileNotFound,
                         QStringLiteral("%1: no such folder").arg(dataDir));
    std::vector<EvalSequence> sequences;
    const QStringList names = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &name : names) {
        const QDir dir(root.filePath(name));
        // Byte order of names, as Python's sorted(): 00009.jpg before 00010.jpg.
        QStringList files = dir.entryList(kFrameFilters, QDir::Files, QDir::Name);
        if (files.isEmpty()) {
            feedback.warn(QStringLiteral("%1: no .jpg/.png frames, left out").arg(dir.path()));
            continue;
        }
        if (maxFrames > 0 && files.size() > maxFrames)
            files = files.mid(0, maxFrames);
        EvalSequence s;
        s.name = name;
        for (const QString &f : files)
            s.framePaths << dir.filePath(f);
        sequences.push_back(std::move(s));
    }
    if (sequences.empty())
        return makeError(
            ErrorCode::FileEmpty,
            QStringLiteral("%1: no sequences (sub-folders of .jpg/.png frames)").arg(dataDir));
    return sequences;
}

Frame protocolGrey(const Frame &colour)
{
    const Frame rgb = colour.converted(PixelFormat::Rgb8);
    const cv::Mat in = propagation::detail::toMat(rgb, CV_8UC3);
    cv::Mat ycc;
    cv::cvtColor(in, ycc, cv::COLOR_RGB2YCrCb);
    Frame grey(rgb.width(), rgb.height(), PixelFormat::Gray8);
    for (int y = 0; y < rgb.height(); ++y) {
        const uint8_t *src = ycc.ptr<uint8_t>(y);
        uint8_t *dst = grey.row(y);
        for (int x = 0; x < rgb.width(); ++x)
            dst[x] = src[x * 3];
    }
    grey.index = colour.index;
    grey.pts = colour.pts;
    grey.timeBase = colour.timeBase;
    return grey;
}

Result<PropagationEvalReport> evaluatePropagation(const PropagationEvalOptions &options,
                                                  Feedback &feedback)
{
    if (options.maxFrames < 0)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("the frame count must be positive"));
    if (options.resultsDir.isEmpty()) {
        if (auto m = createPropagationMethod(options.method, options.methodOptions); !m)
            return m.error();
    } else if (!QFileInfo(options.resultsDir).isDir()) {
        return makeError(ErrorCode::FileNotFound,
                         QStringLiteral("%1: no such folder").arg(options.resultsDir));
    }
    auto sequences = listEvalSequences(options.dataDir, options.maxFrames, feedback);
    if (!sequences)
        return sequences.error();

    QElapsedTimer clock;
    clock.start();
    PropagationEvalReport report;
    report.method = options.resultsDir.isEmpty() ? options.method
                                                 : QStringLiteral("results:") + options.resultsDir;
    if (options.resultsDir.isEmpty() && options.workingHeight > 0)
        switch (options.delivery.upsampling) {
        case ChromaUpsampling::JointBilateral:
            report.method += QStringLiteral(" at %1 rows, joint bilateral σs=%2 σr=%3")
                                 .arg(options.workingHeight)
                                 .arg(options.delivery.sigmaSpace)
                                 .arg(options.delivery.sigmaRange);
            break;
        case ChromaUpsampling::Bilinear:
            report.method += QStringLiteral(" at %1 rows, bilinear").arg(options.workingHeight);
            break;
        }
    report.dataDir = options.dataDir;
    report.maxFrames = options.maxFrames;
    Fill fill;
    const bool filling = options.resultsDir.isEmpty() && !options.fillModel.isEmpty();
    if (filling) {
        if (options.fillBelow.empty())
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("no fill threshold"));
        for (double t : options.fillBelow)
            if (!(t >= 0.0 && t <= 1.0))
                return makeError(ErrorCode::InvalidArgument,
                                 QStringLiteral("a fill threshold must be between 0 and 1"));
        auto model = ml::VideoColorizer::load(options.fillModel);
        if (!model)
            return model.error();
        fill.model = *model;
        fill.below = options.fillBelow;
        report.fillFrom = fill.model->info().name;
        report.fillBelow = options.fillBelow;
    }
    int64_t total = 0, done = 0;
    for (const EvalSequence &s : *sequences)
        total += s.framePaths.size();
    feedback.reportProgress(0, total);
    try {
        for (const EvalSequence &s : *sequences) {
            SequenceScore score;
            score.name = s.name;
            if (options.resultsDir.isEmpty()) {
                auto scores =
                    scoreWithMethod(s, options, filling ? &fill : nullptr, feedback, done, total);
                if (!scores)
                    return scores.error();
                score.framePsnr = std::move(scores->psnr);
                score.filledPsnr = std::move(scores->filledPsnr);
                score.filledShare = std::move(scores->filledShare);
            } else {
                auto scores = scoreResults(s, options.resultsDir, feedback, done, total);
                if (!scores)
                    return scores.error();
                score.framePsnr = std::move(*scores);
            }
            score.meanPsnr = mean(score.framePsnr);
            report.framesScored += int64_t(score.framePsnr.size());
            report.sequences.push_back(std::move(score));
        }
    } catch (const cv::Exception &e) {
        return makeError(ErrorCode::Internal, QStringLiteral("evaluation failed"),
                         QString::fromStdString(e.what()));
    }
    std::vector<double> means;
    for (const SequenceScore &s : report.sequences)
        means.push_back(s.meanPsnr);
    report.meanPsnr = mean(means);
    for (size_t k = 0; filling && k < options.fillBelow.size(); ++k) {
        std::vector<double> psnr, share;
        for (const SequenceScore &s : report.sequences) {
            psnr.push_back(s.filledPsnr[k]);
            share.push_back(s.filledShare[k]);
        }
        report.filledPsnr.push_back(mean(psnr));
        report.filledShare.push_back(mean(share));
    }
    report.seconds = clock.elapsed() / 1000.0;
    return report;
}

QByteArray evalReportJson(const PropagationEvalReport &report)
{
    QJsonObject perSequence, perFrame, frameCounts;
    for (const SequenceScore &s : report.sequences) {
        perSequence.insert(s.name, s.meanPsnr);
        frameCounts.insert(s.name, int(s.framePsnr.size()));
        QJsonArray values;
        for (double v : s.framePsnr)
            values.append(v);
        perFrame.insert(s.name, values);
    }
    QJsonObject root;
    root.insert(QStringLiteral("protocol"), QStringLiteral("propagation-first-frame"));
    root.insert(QStringLiteral("method"), report.method);
    root.insert(QStringLiteral("data"), report.dataDir);
    root.insert(QStringLiteral("frames"), report.maxFrames); // 0: all
    root.insert(QStringLiteral("mean_psnr"), report.meanPsnr);
    root.insert(QStringLiteral("sequences"), int(report.sequences.size()));
    root.insert(QStringLiteral("frames_scored"), qint64(report.framesScored));
    root.insert(QStringLiteral("per_sequence"), perSequence);
    root.insert(QStringLiteral("frames_per_sequence"), frameCounts);
    root.insert(QStringLiteral("per_frame_psnr"), perFrame);
    root.insert(QStringLiteral("seconds"), report.seconds);
    if (!report.fillFrom.isEmpty()) {
        QJsonArray rows;
        for (size_t k = 0; k < report.fillBelow.size(); ++k) {
            QJsonObject psnr, share;
            for (const SequenceScore &s : report.sequences) {
                psnr.insert(s.name, s.filledPsnr[k]);
                share.insert(s.name, s.filledShare[k]);
            }
            rows.append(QJsonObject{{QStringLiteral("below"), report.fillBelow[k]},
                                    {QStringLiteral("mean_psnr"), report.filledPsnr[k]},
                                    {QStringLiteral("filled_share"), report.filledShare[k]},
                                    {QStringLiteral("per_sequence"), psnr},
                                    {QStringLiteral("per_sequence_filled_share"), share}});
        }
        root.insert(QStringLiteral("fill"), QJsonObject{{QStringLiteral("from"), report.fillFrom},
                                                        {QStringLiteral("thresholds"), rows}});
    }
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QString evalReportTable(const PropagationEvalReport &report)
{
    QString text;
    QTextStream out(&text);
    out << QStringLiteral("%1 %2 %3\n")
               .arg(QStringLiteral("sequence"), -22)
               .arg(QStringLiteral("frames"), 6)
               .arg(QStringLiteral("PSNR dB"), 8);
    for (const SequenceScore &s : report.sequences)
        out << QStringLiteral("%1 %2 %3\n")
                   .arg(s.name, -22)
                   .arg(qint64(s.framePsnr.size()), 6)
                   .arg(s.meanPsnr, 8, 'f', 3);
    out << QStringLiteral("mean PSNR over %1 sequences (%2, %3): %4 dB\n")
               .arg(report.sequences.size())
               .arg(report.maxFrames > 0 ? QStringLiteral("frames 0..%1").arg(report.maxFrames - 1)
                                         : QStringLiteral("all frames"))
               .arg(report.method)
               .arg(report.meanPsnr, 0, 'f', 3);
    for (size_t k = 0; k < report.fillBelow.size(); ++k)
        out << QStringLiteral("filled from %1 below confidence %2: %3 % of the pixels, mean PSNR "
                              "%4 dB (%5 dB)\n")
                   .arg(report.fillFrom)
                   .arg(report.fillBelow[k])
                   .arg(100.0 * report.filledShare[k], 0, 'f', 2)
                   .arg(report.filledPsnr[k], 0, 'f', 3)
                   .arg(report.filledPsnr[k] - report.meanPsnr, 0, 'f', 3, QLatin1Char('+'));
    return text;
}

} // namespace tincture::lab
