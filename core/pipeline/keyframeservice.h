#pragma once
// KeyframeService: the keyframe workflow — the keyframe model's proposal for a frame, a
// repaint that solves strokes or hints over it, and the studio's cached keyframe colours. The
// model is loaded once, on first use by whichever thread asks first, and shared by every job
// (a loaded model is read-only: proposals may run concurrently); a model that cannot be
// loaded gives the same error every time. It also keeps the last repainted keyframes' solvers
// warm. The CLI's `colorize` (model keyframes, --hints),
// the film engine and the studio's keyframe jobs all go through it. Any thread.

#include "foundation/feedback.h"
#include "foundation/result.h"
#include "image/frame.h"
#include "pipeline/keyframesolver.h"
#include "pipeline/provenance.h"
#include "project/project.h"
#include "project/resultcache.h"

#include <QString>
#include <QVector>

#include <memory>

namespace tincture::pipeline {

struct KeyframeModelOptions
{
    QString path;                            // a manifest; empty: the shipped model
    int threads = 0;                         // CPU threads for the model; 0: all cores
    QString device = QStringLiteral("auto"); // "auto", "cpu" or "cuda"
    int workingShortSide = 0;                // the net's working short side; 0: the manifest's
    bool flipAverage = true; // also run the mirror image and average (ml::ColorizerOptions)
};

// A repainted keyframe: its colour and the solver, kept warm for the next strokes.
struct PaintedKeyframe
{
    Frame colour; // Rgb8
    std::shared_ptr<KeyframeSolver> solver;
};

class KeyframeService
{
public:
    explicit KeyframeService(KeyframeModelOptions options = {});
    ~KeyframeService();
    KeyframeService(const KeyframeService &) = delete;
    KeyframeService &operator=(const KeyframeService &) = delete;

    // Loads the model unless it was tried already; the load's error, if any.
    Result<void> ensureModel();
    // "name (N iterations[, GPU])" once loaded, the load error once failed, empty before.
    QString modelDescription() const;
    ModelIdentity modelIdentity() const; // empty before the model is loaded

    // The model's colour for a frame (any format; its luma is used): Rgb8 (Rgb16 for a
    // 16-bit frame) of the frame's size, whose luma is the frame's.
    Result<Frame> propose(const Frame &frame);
    // Whether the model takes user points (loads it first; false when it cannot be loaded).
    bool modelTakesHints();
    // The model's proposal guided by user points (RGBA of the frame's size, alpha > 0 marking
    // them) when the model takes points; otherwise its automatic proposal.
    Result<Frame> proposeGuided(const Frame &frame, const Frame &hints);
    // The network's view of the studio's strokes: painted pixels in their colour, "keep the
    // model's colour" pixels in the automatic proposal's colour (`proposal`, the frame's size);
    // RGBA, alpha 255 on both, 0 elsewhere.
    static Frame networkHints(const project::StrokeMasks &masks, const Frame &proposal);

    // Scribbles (an RGBA image of the frame's size, alpha > 0 marking them) solved over the
    // model's proposal with weight λ = priorWeight: the proposal guided by the scribbles when
    // the model takes points, so that the net spreads them by what things are and Levin's
    // solve then pins each scribble's colour exactly.
    Result<Frame> solveHints(const Frame &frame, const Frame &hints, double priorWeight,
                             int threads, Feedback &feedback);

    // The studio's "colourise keyframe": the model's proposal for the frame (grey, with a
    // warning, when there is no model), cached as the keyframe's prior, with the strokes solved
    // at `workingHeight` rows (KeyframeSolver) over it, or, for a model that takes points, over
    // its proposal guided by the strokes (networkHints); the result, at the frame's size, is
    // cached as the keyframe's colour.
    Result<PaintedKeyframe> colourise(const QString &mediaPath, FrameIndex frame,
                                      const QVector<project::PaintStroke> &strokes,
                                      double priorWeight, int workingHeight,
                                      const project::ResultCache &cache, Feedback &feedback);
    // The studio's repaint after a stroke: solves the strokes over the cached prior (guided by
    // them, as colourise does, when the model takes points), with `solver` when it is warm
    // (null: a new one at `workingHeight` rows), and caches the result.
    Result<PaintedKeyframe> repaint(const QString &mediaPath, FrameIndex frame,
                                    const QVector<project::PaintStroke> &strokes,
                                    std::shared_ptr<KeyframeSolver> solver, double priorWeight,
                                    int workingHeight, const project::ResultCache &cache,
                                    Feedback &feedback);

    // The warm solvers of the keyframes repainted last, so that the next stroke on one of them
    // re-solves from its previous solution (at most kWarmSolvers: memory is per keyframe).
    static constexpr int kWarmSolvers = 3;
    std::shared_ptr<KeyframeSolver> warmSolver(FrameIndex frame) const;
    // Keeps a keyframe's solver warm; returns the keyframe whose solver made room (the one
    // kept longest), or -1.
    FrameIndex keepWarm(FrameIndex frame, std::shared_ptr<KeyframeSolver> solver);
    void dropWarm(FrameIndex frame); // its strokes' λ or picture changed
    void dropAllWarm();

    // How a keyframe painted in the studio was made, for provenance: its strokes' hash, and the
    // model that made its prior as recorded in the cache when the prior was made (source
    // "grey" when there was no model; "unrecorded" when a cache from an older Tincture does not
    // say).
    static KeyframeProvenance describeStudioKeyframe(FrameIndex frame,
                                                     const QVector<project::PaintStroke> &strokes,
                                                     double priorWeight,
                                                     const project::ResultCache &cache);
    // Records in the cache which model made a keyframe's prior (empty identity: none).
    static Result<void> recordPriorModel(const project::ResultCache &cache, FrameIndex frame,
                                         const ModelIdentity &model);
    static QString strokesSha256(const QVector<project::PaintStroke> &strokes);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace tincture::pipeline
