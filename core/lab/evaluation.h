#pragma once
// The first-frame colour propagation protocol (../shared/PROTOCOLS.md §1) on a folder of
// colour sequences: DIR/<sequence>/<frame>.jpg|jpeg|png, frames in file-name order.
// Frame 0's true colour is the keyframe; the method sees the grey of every frame; each output is
// scored with metrics::chromaPsnr (its chroma under the true luma); mean per sequence (frame 0
// included), then mean over sequences. Matches ../shared/tools/propagation_score.py.
//
// Memory: one sequence is streamed frame by frame (a frame and the method's state in memory).
// Runs on the caller's thread; polls feedback per frame, reports (frames done, frames total).

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "image/frame.h"
#include "propagation/propagationmethod.h"
#include "propagation/workingresolution.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <vector>

namespace tincture::lab {

struct PropagationEvalOptions
{
    QString dataDir;
    int maxFrames = 0;                                   // first N frames per sequence; 0: all
    QString method = QStringLiteral("flow");             // a propagationMethodNames() entry
    propagation::PropagationMethodOptions methodOptions; // e.g. another model for "vpn"
    QString resultsDir;    // if set: score RESULTS/<sequence>/<stem>.png|jpg|… instead of running
    QString saveDir;       // if set (method runs only): write outputs as SAVE/<sequence>/<stem>.png
    int workingHeight = 0; // > 0: the method runs at this height, its colour delivered at full
    propagation::DeliveryParams delivery; // size by these (propagation/workingresolution.h)
    // The low-confidence fill (method runs only), measured beside the method: for each
    // threshold of fillBelow (0–1), where the method's confidence map (FrameSink::putConfidence)
    // is below it, the colour comes from this video colouriser's manifest instead, in per-frame
    // mode (its temporal mechanism on, over runs of consecutive frames), under the same luma,
    // and that frame is scored too. The method's own frames are the report's main figures.
    QString fillModel;
    std::vector<double> fillBelow{0.1};
};

struct SequenceScore
{
    QString name;
    std::vector<double> framePsnr; // dB, in frame order
    double meanPsnr = 0.0;
    // With a fill, per threshold: the filled frames' mean PSNR and the share of pixels filled.
    std::vector<double> filledPsnr, filledShare;
};

struct PropagationEvalReport
{
    QString method; // the method name, or "results:" + the results folder
    QString dataDir;
    int maxFrames = 0;
    std::vector<SequenceScore> sequences;
    double meanPsnr = 0.0; // mean of the sequences' means
    QString fillFrom;      // with a fill: the colouriser's name; per threshold, the means of
    std::vector<double> fillBelow, filledPsnr, filledShare; // the sequences' figures
    int64_t framesScored = 0;
    double seconds = 0.0;
};

// A sequence folder of the dataset and its frame files (absolute paths, sorted, truncated).
struct EvalSequence
{
    QString name;
    QStringList framePaths;
};

// Sequences in name order; folders without frames are left out with a warning on feedback.
// Errors: the folder is missing, or holds no sequence with frames.
Result<std::vector<EvalSequence>> listEvalSequences(const QString &dataDir, int maxFrames,
                                                    Feedback &feedback);

// The protocol's grey input for a colour frame: full-range BT.601 Y with OpenCV's rounding
// (cvtColor RGB → YCrCb, as the reference script computes it).
Frame protocolGrey(const Frame &colour);

Result<PropagationEvalReport> evaluatePropagation(const PropagationEvalOptions &options,
                                                  Feedback &feedback);

// {"mean_psnr", "per_sequence": {name: mean}, "sequences", plus method, frames, per-frame values}.
QByteArray evalReportJson(const PropagationEvalReport &report);
// A plain-text table: one line per sequence (frames, mean PSNR), then the mean.
QString evalReportTable(const PropagationEvalReport &report);

} // namespace tincture::lab
