#include "pipeline/keyframesolver.h"

#include "colour/colourspace.h"
#include "colour/scribblesolver.h"

#include <mutex>

namespace tincture::pipeline {

using colour::ChromaConstraints;
using colour::ScribbleSolver;

struct KeyframeSolver::Impl
{
    Frame luma;  // Gray8
    Frame prior; // Rgb8 or null
    double priorWeight = 0.1;
    std::vector<float> priorI, priorQ;
    ScribbleSolver solver;
    bool lumaSet = false;
    std::mutex mutex;
};

KeyframeSolver::KeyframeSolver(const Frame &grey, const Frame &prior, double priorWeight)
    : d(std::make_unique<Impl>())
{
    d->luma = (grey.channels() == 1 ? grey : grey.luma()).converted(PixelFormat::Gray8);
    d->priorWeight = priorWeight;
    const int w = d->luma.width(), h = d->luma.height();
    if (!prior.isNull() && prior.width() == w && prior.height() == h) {
        d->prior = prior.converted(PixelFormat::Rgb8);
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
    return d->luma.width();
}

int KeyframeSolver::height() const
{
    return d->luma.height();
}

Result<Frame> KeyframeSolver::solve(const project::StrokeMasks &masks, Feedback &feedback)
{
    std::lock_guard lock(d->mutex);
    const int w = d->luma.width(), h = d->luma.height();
    const size_t n = size_t(w) * size_t(h);
    if (masks.hints.width() != w || masks.hints.height() != h || masks.hints.channels() != 4)
        return makeError(ErrorCode::SizeMismatch,
                         QStringLiteral("the stroke masks do not match the keyframe's size"));
    if (feedback.isCancelled())
        return Error::cancelled();
    const bool hasPrior = !d->prior.isNull();

    std::vector<float> I(n, 0.0f), Q(n, 0.0f);
    if (masks.hintPixels == 0) {
        // Nothing painted: the model's colour as it is (or grey).
        if (hasPrior)
            return d->prior;
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
    return out;
}

} // namespace tincture::pipeline
