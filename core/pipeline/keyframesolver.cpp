#include "pipeline/keyframesolver.h"

#include "colour/colourspace.h"
#include "colour/scribblesolver.h"
#include "propagation/workingresolution.h"

#include <mutex>

namespace tincture::pipeline {

using colour::ChromaConstraints;
using colour::ScribbleSolver;

struct KeyframeSolver::Impl
{
    Frame fullLuma;  // Gray8, the grey frame's size: what the colour is delivered over
    Frame fullPrior; // Rgb8 of that size, when the prior was given at it
    Frame luma;      // Gray8, the working size
    Frame prior;     // Rgb8 at the working size, or null
    double priorWeight = 0.1;
    std::vector<float> priorI, priorQ;
    ScribbleSolver solver;
    bool lumaSet = false;
    std::mutex mutex;
};

KeyframeSolver::KeyframeSolver(const Frame &grey, const Frame &prior, double priorWeight,
                               int workingHeight)
    : d(std::make_unique<Impl>())
{
    d->fullLuma = (grey.channels() == 1 ? grey : grey.luma()).converted(PixelFormat::Gray8);
    const QSize full(d->fullLuma.width(), d->fullLuma.height());
    const QSize work = propagation::workingSize(full, workingHeight);
    d->luma = work == full ? d->fullLuma : propagation::resizedArea(d->fullLuma, work);
    // The fade length is about 1/√λ solve pixels: the same in the frame's pixels when λ grows
    // with the square of the reduction.
    const double scale = double(full.height()) / work.height();
    d->priorWeight = priorWeight * scale * scale;
    setPrior(prior);
}

void KeyframeSolver::setPrior(const Frame &prior)
{
    std::lock_guard lock(d->mutex);
    const QSize full(d->fullLuma.width(), d->fullLuma.height());
    const QSize work(d->luma.width(), d->luma.height());
    d->fullPrior = Frame();
    d->prior = Frame();
    d->priorI.clear();
    d->priorQ.clear();
    const int w = d->luma.width(), h = d->luma.height();
    if (!prior.isNull() && QSize(prior.width(), prior.height()) == full) {
        d->fullPrior = prior.converted(PixelFormat::Rgb8);
        d->prior = work == full ? d->fullPrior : propagation::resizedArea(d->fullPrior, work);
    } else if (!prior.isNull() && QSize(prior.width(), prior.height()) == work) {
        d->prior = prior.converted(PixelFormat::Rgb8);
    }
    if (!d->prior.isNull()) {
        d->priorI.resize(size_t(w) * h);
        d->priorQ.resize(size_t(w) * h);
        for (int y = 0; y < h; ++y) {
            const uint8_t *p = d->prior.constRow(y);
            for (int x = 0; x < w; ++x) {
                const colour::Yiq v =
                    colour::rgbToYiq(p[3 * x] / 255.f, p[3 * x + 1] / 255.f, p[3 * x + 2] / 255.f);
                d->priorI[size_t(y) * w + x] = v.i;
                d->priorQ[size_t(y) * w + x] = v.q;
            }
        }
    }
}

KeyframeSolver::~KeyframeSolver() = default;

int KeyframeSolver::width() const
{
    return d->fullLuma.width();
}

int KeyframeSolver::height() const
{
    return d->fullLuma.height();
}

const Frame &KeyframeSolver::grey() const
{
    return d->fullLuma;
}

QSize KeyframeSolver::workingSize() const
{
    return QSize(d->luma.width(), d->luma.height());
}

namespace {

// Full-size strokes at the working size: hints reduced so that a thin stroke survives
// (resizedHints), and a working pixel kept where any of it is kept and nothing is painted.
project::StrokeMasks reducedMasks(const project::StrokeMasks &masks, QSize size)
{
    project::StrokeMasks out;
    out.hints = propagation::resizedHints(masks.hints, size);
    out.keep = Frame(size.width(), size.height(), PixelFormat::Gray8);
    const Frame keep = masks.keepPixels > 0 ? propagation::resizedArea(masks.keep, size) : Frame();
    for (int y = 0; y < size.height(); ++y) {
        const uint8_t *h = out.hints.constRow(y);
        uint8_t *k = out.keep.row(y);
        for (int x = 0; x < size.width(); ++x) {
            const bool painted = h[4 * x + 3] != 0;
            k[x] = !painted && !keep.isNull() && keep.constRow(y)[x] != 0 ? 255 : 0;
            out.hintPixels += painted;
            out.keepPixels += k[x] != 0;
        }
    }
    return out;
}

} // namespace

Result<Frame> KeyframeSolver::solve(const project::StrokeMasks &fullMasks, Feedback &feedback)
{
    std::lock_guard lock(d->mutex);
    if (fullMasks.hints.width() != width() || fullMasks.hints.height() != height() ||
        fullMasks.hints.channels() != 4)
        return makeError(ErrorCode::SizeMismatch,
                         QStringLiteral("the stroke masks do not match the keyframe's size"));
    if (feedback.isCancelled())
        return Error::cancelled();
    const bool scaled = workingSize() != QSize(width(), height());
    const bool hasPrior = !d->prior.isNull();
    if (fullMasks.hintPixels == 0 && !d->fullPrior.isNull())
        return d->fullPrior; // nothing painted: the model's colour as it is
    const project::StrokeMasks masks =
        scaled && fullMasks.hintPixels > 0 ? reducedMasks(fullMasks, workingSize()) : fullMasks;
    const int w = d->luma.width(), h = d->luma.height();
    const size_t n = size_t(w) * size_t(h);

    std::vector<float> I(n, 0.0f), Q(n, 0.0f);
    if (masks.hintPixels == 0) {
        // Nothing painted: the model's colour (given at the working size), or grey.
        if (hasPrior)
            return scaled ? propagation::deliverColour(d->fullLuma, d->prior) : d->prior;
    } else {
        if (!d->lumaSet) {
            std::vector<float> Y(n);
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    Y[size_t(y) * w + x] = d->luma.constRow(y)[x] / 255.0f;
            if (auto ok = d->solver.setLuma(w, h, std::move(Y)); !ok)
                return ok.error();
            d->lumaSet = true;
        }
        ChromaConstraints c;
        c.hintMask.assign(n, 0);
        c.hintI.assign(n, 0.0f);
        c.hintQ.assign(n, 0.0f);
        for (int y = 0; y < h; ++y) {
            const uint8_t *hp = masks.hints.constRow(y);
            for (int x = 0; x < w; ++x) {
                if (hp[4 * x + 3] == 0)
                    continue;
                const size_t i = size_t(y) * w + x;
                const colour::Yiq v = colour::rgbToYiq(hp[4 * x] / 255.f, hp[4 * x + 1] / 255.f,
                                                       hp[4 * x + 2] / 255.f);
                c.hintMask[i] = 1;
                c.hintI[i] = v.i;
                c.hintQ[i] = v.q;
            }
        }
        if (hasPrior) {
            c.priorI = d->priorI;
            c.priorQ = d->priorQ;
            c.priorWeight = d->priorWeight;
            if (masks.keepPixels > 0) {
                c.keepMask.assign(n, 0);
                for (int y = 0; y < h; ++y)
                    for (int x = 0; x < w; ++x)
                        c.keepMask[size_t(y) * w + x] = masks.keep.constRow(y)[x] != 0;
            }
        }
        if (auto ok = d->solver.setConstraints(c); !ok)
            return ok.error();
        Result<colour::SolveStats> stats = d->solver.solve(feedback, true);
        if (!stats)
            return stats.error();
        I = d->solver.chromaI();
        Q = d->solver.chromaQ();
    }

    Frame out(w, h, PixelFormat::Rgb8);
    for (int y = 0; y < h; ++y) {
        const uint8_t *l = d->luma.constRow(y);
        uint8_t *o = out.row(y);
        for (int x = 0; x < w; ++x) {
            const size_t i = size_t(y) * w + x;
            colour::quantiseLumaExact8(colour::yiqToRgb(l[x] / 255.0f, I[i], Q[i]), l[x],
                                       o + 3 * size_t(x));
        }
    }
    if (scaled)
        return propagation::deliverColour(d->fullLuma, out);
    return out;
}

} // namespace tincture::pipeline
