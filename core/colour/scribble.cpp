#include "colour/scribble.h"

#include "colour/colourspace.h"
#include "colour/scribblesolver.h"

#include <QString>

#include <cmath>

namespace tincture::colour {

namespace {

QString sizeText(const Frame &f)
{
    return QStringLiteral("%1×%2").arg(f.width()).arg(f.height());
}

// Sample c of pixel x on row y, scaled to [0, 1] (the frame's own depth and layout).
inline float at(const Frame &f, int x, int y, int c)
{
    const size_t i = size_t(x) * size_t(f.channels()) + size_t(c);
    return f.bitDepth() == 16 ? f.constRow16(y)[i] / 65535.0f : f.constRow(y)[i] / 255.0f;
}

Result<void> checkInput(const ScribbleInput &in, const ScribbleParams &params)
{
    if (in.grey.isNull())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("no grey image was given"));
    const int w = in.grey.width(), h = in.grey.height();
    if (w > params.maxSide || h > params.maxSide || int64_t(w) * h > params.maxPixels)
        return makeError(ErrorCode::LimitExceeded,
                         QStringLiteral("the grey image is %1, over the scribble solver's limit "
                                        "of %2 pixels per side and %3 megapixels")
                             .arg(sizeText(in.grey))
                             .arg(params.maxSide)
                             .arg(double(params.maxPixels) / 1e6, 0, 'g', 4));
    if (in.hints.isNull())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("no hint image was given"));
    if (in.hints.width() != w || in.hints.height() != h)
        return makeError(ErrorCode::SizeMismatch,
                         QStringLiteral("the hint image is %1 but the grey image is %2")
                             .arg(sizeText(in.hints), sizeText(in.grey)));
    if (in.hints.channels() != 4)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("the hint image has no alpha channel (%1); it must be "
                                        "RGBA, alpha > 0 marking a scribble")
                             .arg(QString::fromLatin1(pixelFormatName(in.hints.format()))));
    if (!in.prior.isNull() && (in.prior.width() != w || in.prior.height() != h))
        return makeError(ErrorCode::SizeMismatch,
                         QStringLiteral("the prior image is %1 but the grey image is %2")
                             .arg(sizeText(in.prior), sizeText(in.grey)));
    if (!in.keep.isNull()) {
        if (in.prior.isNull())
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("a keep mask was given without a prior image"));
        if (in.keep.width() != w || in.keep.height() != h)
            return makeError(ErrorCode::SizeMismatch,
                             QStringLiteral("the keep mask is %1 but the grey image is %2")
                                 .arg(sizeText(in.keep), sizeText(in.grey)));
    }
    if (!(params.priorWeight >= 0.0) || !std::isfinite(params.priorWeight))
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("the prior weight must be a finite number ≥ 0"));
    return {};
}

// Y from the grey input's luma, as integer codes (the exactness target) and in [0, 1].
Frame lumaOf(const Frame &grey)
{
    return grey.channels() == 1 ? grey : grey.luma();
}

} // namespace

Result<Frame> colouriseScribbles(const ScribbleInput &in, const ScribbleParams &params,
                                 Feedback &feedback)
{
    if (auto ok = checkInput(in, params); !ok)
        return ok.error();
    const Frame luma = lumaOf(in.grey);
    const bool sixteen = luma.bitDepth() == 16;
    const int w = luma.width(), h = luma.height();
    const size_t n = size_t(w) * size_t(h);

    std::vector<float> Y(n);
    ChromaConstraints c;
    c.hintMask.assign(n, 0);
    c.hintI.assign(n, 0.0f);
    c.hintQ.assign(n, 0.0f);
    const bool hasPrior = !in.prior.isNull();
    if (hasPrior) {
        c.priorI.assign(n, 0.0f);
        c.priorQ.assign(n, 0.0f);
        c.priorWeight = params.priorWeight;
    }
    if (!in.keep.isNull())
        c.keepMask.assign(n, 0);
    size_t hintCount = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const size_t i = size_t(y) * w + x;
            Y[i] = at(luma, x, y, 0);
            if (at(in.hints, x, y, 3) > 0.0f) {
                const Yiq v =
                    rgbToYiq(at(in.hints, x, y, 0), at(in.hints, x, y, 1), at(in.hints, x, y, 2));
                c.hintMask[i] = 1;
                c.hintI[i] = v.i;
                c.hintQ[i] = v.q;
                ++hintCount;
            }
            if (hasPrior) {
                const bool rgb = in.prior.channels() >= 3;
                const float r = at(in.prior, x, y, 0);
                const Yiq v = rgb ? rgbToYiq(r, at(in.prior, x, y, 1), at(in.prior, x, y, 2))
                                  : Yiq{r, 0.0f, 0.0f};
                c.priorI[i] = v.i;
                c.priorQ[i] = v.q;
            }
            if (!c.keepMask.empty())
                c.keepMask[i] = at(in.keep, x, y, 0) > 0.0f ? 1 : 0;
        }
    if (feedback.isCancelled())
        return Error::cancelled();

    std::vector<float> I, Q;
    if (hintCount == 0) {
        // Nothing to spread: the answer is the prior's chroma (or none) under the grey luma.
        feedback.warn(hasPrior ? QStringLiteral("no scribbles in the hint image: the result is "
                                                "the prior's colour under the grey luminance")
                               : QStringLiteral("no scribbles in the hint image: the result "
                                                "is grey"));
        I = hasPrior ? c.priorI : std::vector<float>(n, 0.0f);
        Q = hasPrior ? c.priorQ : std::vector<float>(n, 0.0f);
    } else if (hintCount == n) {
        I = c.hintI; // every pixel is a hard constraint: nothing to solve
        Q = c.hintQ;
    } else {
        ScribbleSolverOptions options;
        options.tolerance = params.tolerance;
        options.maxIterations = params.maxIterations;
        options.threads = params.threads;
        ScribbleSolver solver(options);
        if (auto ok = solver.setLuma(w, h, std::move(Y)); !ok)
            return ok.error();
        if (auto ok = solver.setConstraints(c); !ok)
            return ok.error();
        auto stats = solver.solve(feedback, false);
        if (!stats)
            return stats.error();
        if (!stats->converged)
            feedback.warn(QStringLiteral("the scribble solver stopped after %1 iterations at "
                                         "relative residual %2 (asked for %3)")
                              .arg(stats->iterations)
                              .arg(stats->relativeResidual, 0, 'g', 3)
                              .arg(params.tolerance, 0, 'g', 3));
        I = solver.chromaI();
        Q = solver.chromaQ();
    }

    Frame out(w, h, sixteen ? PixelFormat::Rgb16 : PixelFormat::Rgb8);
    out.index = in.grey.index;
    out.pts = in.grey.pts;
    out.timeBase = in.grey.timeBase;
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const size_t i = size_t(y) * w + x;
            if (sixteen) {
                const int target = luma.constRow16(y)[x];
                quantiseLumaExact16(yiqToRgb(target / 65535.0f, I[i], Q[i]), target,
                                    out.row16(y) + 3 * size_t(x));
            } else {
                const int target = luma.constRow(y)[x];
                quantiseLumaExact8(yiqToRgb(target / 255.0f, I[i], Q[i]), target,
                                   out.row(y) + 3 * size_t(x));
            }
        }
    }
    return out;
}

} // namespace tincture::colour
