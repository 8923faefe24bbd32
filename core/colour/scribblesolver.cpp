#include "colour/scribblesolver.h"

#include "colour/internal/affinities.h"
#include "colour/internal/multigrid.h"
#include "colour/internal/vectorops.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>

#include <thread>
#include <utility>

namespace tincture::colour {

using detail::axpy2;
using detail::dot2;
using detail::interiorAffinityRow;
using detail::Level;
using detail::lumaRow;

namespace {

int defaultThreads()
{
    return std::max(1, int(std::thread::hardware_concurrency()));
}

} // namespace

struct ScribbleSolver::Impl
{
    ScribbleSolverOptions options;
    std::unique_ptr<detail::Team> team;
    detail::Hierarchy mg;
    std::vector<float> luma; // width × height: rows of freed cells are rebuilt from it
    detail::Plane b;         // right-hand side, interleaved, padded
    detail::Plane x;         // current solution, interleaved, padded
    bool hasSystem = false;
    bool hasSolution = false;
    bool singular = false; // nothing fixed and no prior pull: chroma is undetermined
    std::vector<float> outI, outQ;
    // BiCGSTAB's vectors, kept between solves. Its s lives in r (r is not read again once s is
    // made, and r is made from s): seven vectors, not eight. (z cannot share y's plane: x's
    // updates by α y and ω z are made in one pass, which needs both.)
    detail::Plane kr, krhat, kp, kv, kt, ky, kz, kxRound;
    std::pair<int, int> kLayout{0, 0}; // the padded size their frames were zeroed for

    // Set when a solve on the weighted hierarchy failed: the hierarchy stays symmetric until
    // the next setLuma() (see solve()).
    bool symmetricOnly = false;
    detail::Plane xStart; // the start of the last solve, for a second attempt

    Level &fine() { return mg.levels[0]; }
    // Writes cell (cx, cy)'s free row (−w_rs off the diagonal; the diagonal is the caller's).
    void freeRow(int cx, int cy);
    void unpack();
    // One attempt on the current hierarchy (solve() decides whether to try again).
    Result<SolveStats> solveOnce(Feedback &feedback, bool warmStart);
};

ScribbleSolver::ScribbleSolver(ScribbleSolverOptions options) : d(std::make_unique<Impl>())
{
    d->options = options;
    d->team =
        std::make_unique<detail::Team>(options.threads > 0 ? options.threads : defaultThreads());
    d->mg.levels.resize(1);
}

ScribbleSolver::~ScribbleSolver() = default;

int ScribbleSolver::width() const
{
    return d->mg.levels[0].w;
}

int ScribbleSolver::height() const
{
    return d->mg.levels[0].h;
}

const std::vector<float> &ScribbleSolver::chromaI() const
{
    return d->outI;
}

const std::vector<float> &ScribbleSolver::chromaQ() const
{
    return d->outQ;
}

float ScribbleSolver::affinity(int x, int y, int dx, int dy) const
{
    const Level &L = d->mg.levels[0];
    if (x < 0 || y < 0 || x >= L.w || y >= L.h || dx < -1 || dx > 1 || dy < -1 || dy > 1)
        return 0.0f;
    float row[9];
    lumaRow(d->luma, L.w, L.h, x, y, row);
    return -row[(dy + 1) * 3 + dx + 1];
}

void ScribbleSolver::Impl::freeRow(int cx, int cy)
{
    Level &L = mg.levels[0];
    const size_t cells = L.cells(), p = L.index(cx, cy);
    float row[9];
    L.rowScale[p] = lumaRow(luma, L.w, L.h, cx, cy, row);
    for (size_t j = 0; j < 9; ++j)
        if (j != 4)
            L.a[j * cells + p] = row[j];
}

Result<void> ScribbleSolver::setLuma(int width, int height, std::vector<float> luma)
{
    if (width < 1 || height < 1 || luma.size() != size_t(width) * size_t(height))
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("scribble solver: luma plane does not match %1×%2")
                             .arg(width)
                             .arg(height));
    Level &L = d->fine();
    // Every interior cell of the operator and of the row scales is written below: only the
    // frames are zeroed.
    L.resize(width, height, d->team.get(), true);
    d->symmetricOnly = false;
    L.fixed.assign(L.cells(), 0);
    L.rowScale.resize(L.cells());
    detail::zeroTopAndBottom(L.rowScale.data(), 1, L.pw, L.ph);
    d->luma = std::move(luma);
    const float *Y = d->luma.data();
    const size_t cells = L.cells();
    // Every row starts free (PROTOCOLS.md §6): the interior rows through the vectorised kernel,
    // the one-pixel frame through freeRow. Float is plenty (weights agree with a double
    // computation to ~1e-7).
    d->team->slices(d->team->size(), height, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const size_t p0 = L.index(0, y);
            detail::zeroSides(L.a.data(), 9, cells, p0, width);
            detail::zeroSides(L.rowScale.data(), 1, cells, p0, width);
            for (int x = 0; x < width; ++x)
                L.a[4 * cells + p0 + size_t(x)] = 1.0f;
            if (y == 0 || y + 1 == height || width < 3) {
                for (int x = 0; x < width; ++x)
                    d->freeRow(x, y);
                continue;
            }
            const float *mid = Y + size_t(y) * size_t(width);
            float *planes[8];
            const int slot[8] = {0, 1, 2, 3, 5, 6, 7, 8};
            for (int j = 0; j < 8; ++j)
                planes[j] = L.a.data() + size_t(slot[j]) * cells + p0;
            interiorAffinityRow(1, width - 1, mid - width, mid, mid + width, planes,
                                L.rowScale.data() + p0);
            d->freeRow(0, y);
            d->freeRow(width - 1, y);
        }
    });
    // The restriction's row weights come from the free rows (every row is free here).
    detail::buildRowWeights(L, *d->team);
    // setConstraints() writes b's interior, and a cold solve (the only kind until then) zeroes
    // x whole.
    d->b.resize(2 * L.cells());
    detail::zeroFrames(d->b.data(), 2, L.pw, L.ph);
    d->x.resize(2 * L.cells());
    d->hasSystem = false;
    d->hasSolution = false;
    d->outI.clear();
    d->outQ.clear();
    return {};
}

Result<void> ScribbleSolver::setConstraints(const ChromaConstraints &c)
{
    Level &L = d->fine();
    const size_t n = size_t(L.w) * size_t(L.h);
    if (n == 0)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("scribble solver: setLuma() was not called"));
    const bool hasPrior = !c.priorI.empty() || !c.priorQ.empty();
    if (c.hintMask.size() != n || c.hintI.size() != n || c.hintQ.size() != n ||
        (hasPrior && (c.priorI.size() != n || c.priorQ.size() != n)) ||
        (!c.keepMask.empty() && c.keepMask.size() != n))
        return makeError(
            ErrorCode::SizeMismatch,
            QStringLiteral("scribble solver: a constraint plane is not %1×%2").arg(L.w).arg(L.h));
    if (!c.keepMask.empty() && !hasPrior)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("a keep mask needs a prior image to keep"));
    if (!(c.priorWeight >= 0.0) || !std::isfinite(c.priorWeight))
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("the prior weight must be a finite number ≥ 0"));
    const float lambda = hasPrior ? float(c.priorWeight) : 0.0f;
    const size_t cells = L.cells();
    std::atomic<size_t> fixedCount{0};
    L.differenceForm = true;
    L.freeRowSum = lambda;
    d->team->slices(d->team->size(), L.h, [&](int y0, int y1) {
        size_t fixedHere = 0;
        for (int y = y0; y < y1; ++y)
            for (int x = 0; x < L.w; ++x) {
                const size_t i = size_t(y) * L.w + x, p = L.index(x, y);
                float *bp = &d->b[p];
                uint8_t now = 1;
                if (c.hintMask[i]) {
                    bp[0] = c.hintI[i];
                    bp[cells] = c.hintQ[i];
                } else if (!c.keepMask.empty() && c.keepMask[i]) {
                    bp[0] = c.priorI[i];
                    bp[cells] = c.priorQ[i];
                } else {
                    now = 0;
                    bp[0] = hasPrior ? lambda * c.priorI[i] : 0.0f;
                    bp[cells] = hasPrior ? lambda * c.priorQ[i] : 0.0f;
                }
                // The row: identity on fixed cells; (1 + λ) U_r − Σ w_rs U_s elsewhere. Only the
                // rows that change state are rewritten (a stroke touches a few thousand cells).
                if (now && !L.fixed[p]) {
                    for (size_t k = 0; k < 9; ++k)
                        L.a[k * cells + p] = 0.0f;
                } else if (!now && L.fixed[p]) {
                    d->freeRow(x, y);
                }
                L.fixed[p] = now;
                L.a[4 * cells + p] = now ? 1.0f : 1.0f + lambda;
                fixedHere += now;
            }
        fixedCount += fixedHere;
    });
    d->singular = fixedCount == 0 && lambda == 0.0f;
    L.weighted = !d->symmetricOnly;
    d->mg.build(*d->team);
    d->hasSystem = true;
    return {};
}

void ScribbleSolver::Impl::unpack()
{
    const Level &L = mg.levels[0];
    outI.resize(size_t(L.w) * L.h);
    outQ.resize(size_t(L.w) * L.h);
    team->slices(detail::threadsFor(L, *team), L.h, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const size_t p = L.index(0, y), o = size_t(y) * size_t(L.w);
            std::copy_n(x.data() + p, L.w, outI.data() + o);
            std::copy_n(x.data() + L.cells() + p, L.w, outQ.data() + o);
        }
    });
}

Result<SolveStats> ScribbleSolver::solve(Feedback &feedback, bool warmStart)
{
    if (!d->hasSystem)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("scribble solver: no constraints were set"));
    // The weighted hierarchy (multigrid.h) is the fast one, but its coarse operators are not
    // M-matrices by construction: on one-pixel-wide strips of noise its cycle diverges. A solve
    // on it that breaks down, or stagnates or diverges short of its tolerance and iteration
    // budget, is done again from the same start on the symmetric hierarchy (slower, but its
    // coarse operators are M-matrices by construction), and the solver keeps to that until the
    // next setLuma().
    const bool second = d->fine().weighted;
    const bool hadSolution = d->hasSolution;
    // Only a warm start needs its start kept (a cold one starts from zero), and only while a
    // second attempt is possible.
    const bool keepStart = second && warmStart && hadSolution;
    if (keepStart)
        d->xStart = d->x;
    auto stats = d->solveOnce(feedback, warmStart);
    // Stopped short: unconverged before the iteration budget ran out (it stagnated), or further
    // from the solution than zero is (it diverged). A caller's own small budget, as in a
    // convergence study, is not a failure.
    const bool stoppedShort =
        stats && !stats->converged &&
        (stats->iterations < d->options.maxIterations || stats->relativeResidual > 1.0);
    if (!second || (stats && !stoppedShort) || (!stats && stats.error().isCancelled()))
        return stats;
    d->symmetricOnly = true;
    d->fine().weighted = false;
    d->mg.build(*d->team);
    if (keepStart)
        d->x.swap(d->xStart);
    d->hasSolution = hadSolution;
    auto again = d->solveOnce(feedback, warmStart);
    if (again)
        again->symmetricFallback = true;
    return again;
}

Result<SolveStats> ScribbleSolver::Impl::solveOnce(Feedback &feedback, bool warmStart)
{
    Level &L = fine();
    const size_t n = x.size();
    detail::Team &T = *team;
    SolveStats stats;
    stats.warmStarted = warmStart && hasSolution;
    if (singular) { // no scribble, no prior: grey
        std::fill(x.begin(), x.end(), 0.0f);
        hasSolution = true;
        stats.converged = true;
        unpack();
        return stats;
    }
    // Fixed cells take their values now, so every Krylov vector is zero on them; a cold start
    // is zero elsewhere (its frame too). One pass on every thread.
    {
        const size_t cells = L.cells();
        const bool cold = !stats.warmStarted;
        T.slices(T.size(), L.ph, [&](int y0, int y1) {
            const size_t p0 = size_t(y0) * size_t(L.pw), p1 = size_t(y1) * size_t(L.pw);
            for (size_t c = 0; c < 2; ++c) {
                float *xc = x.data() + c * cells;
                const float *bc = b.data() + c * cells;
                if (cold)
                    for (size_t p = p0; p < p1; ++p)
                        xc[p] = L.fixed[p] ? bc[p] : 0.0f;
                else
                    for (size_t p = p0; p < p1; ++p)
                        if (L.fixed[p])
                            xc[p] = bc[p];
            }
        });
    }

    detail::Plane &r = kr, &rhat = krhat, &pv = kp, &v = kv, &t = kt, &y = ky, &z = kz;
    detail::Plane &s = kr; // see Impl
    // Each is written whole before it is read (p and v zeroed at each round's start; y and z
    // by V-cycles from zero, which do not read them); their frames must be zero, and stay so
    // (nothing writes there). Zeroed when the layout changes (a new luma of the same size may
    // have another width).
    if (kLayout != std::pair{L.pw, L.ph}) {
        for (detail::Plane *vec : {&r, &rhat, &pv, &v, &t, &y, &z}) {
            vec->resize(n);
            detail::zeroFrames(vec->data(), 2, L.pw, L.ph);
        }
        kLayout = {L.pw, L.ph};
    }
    if (!stats.warmStarted) {
        // Cold: full multigrid on the residual equation gives a start that is already close
        // (about 40 dB from the converged chroma on the benchmark frame).
        mg.residual(x.data(), b.data(), r.data());
        mg.fullMultigrid(r, z);
        axpy2(x.data(), x.data(), {1.0, 1.0}, z.data(), n, T);
    }
    // BiCGSTAB, right-preconditioned by one V-cycle, the two channels in lock-step (each with
    // its own scalars; a converged channel stops moving).
    const auto bnorm = dot2(L, b.data(), b.data(), T);
    // A non-finite residual means the solve broke down (the weighted hierarchy's cycle can
    // diverge: solve() then tries the symmetric one); it is an error, never a result.
    auto broke = [](const std::array<double, 2> &sums) {
        return !std::isfinite(sums[0]) || !std::isfinite(sums[1]);
    };
    auto breakdown = [&] {
        hasSolution = false; // and no warm start from this x
        std::fill(x.begin(), x.end(), 0.0f);
        return makeError(ErrorCode::Internal,
                         QStringLiteral("scribble solver: the solve broke down (non-finite "
                                        "values); no result"));
    };
    std::array<double, 2> tol{}, rho{}, alpha{}, omega{}, rn{}, previous{};
    std::array<bool, 2> done{};
    auto relative = [&](const std::array<double, 2> &rr) {
        double worst = 0.0;
        for (int c = 0; c < 2; ++c)
            worst = std::max(worst, bnorm[c] > 0 ? std::sqrt(rr[c] / bnorm[c]) : 0.0);
        return worst;
    };
    // BiCGSTAB's own (recursive) residual runs ahead of the true one in float, so it aims at
    // 0.7 of the tolerance: aiming at the tolerance itself, on tst_scribblesolver's
    // single-pixel pattern it said "done" at a true 1.8e-5 and then 1.04e-5 against 1e-5, and
    // its restarts stalled there.
    std::array<double, 2> inner{};
    for (int c = 0; c < 2; ++c) {
        tol[c] = options.tolerance * options.tolerance * bnorm[c];
        inner[c] = 0.5 * tol[c];
    }
    // Stationary multigrid first: one V-cycle and one residual a step, against BiCGSTAB's two
    // and two, and as good while each cycle at least halves the residual. BiCGSTAB takes over
    // at the first step that does worse.
    bool residualCurrent = false; // r and rn are b − A x for the x there is now
    // z holds the V-cycle correction of a residual from earlier in this solve (see below).
    bool zIsCorrection = false;
    for (std::array<double, 2> last{}; stats.cycles < options.stationaryCycles; ++stats.cycles) {
        if (feedback.isCancelled())
            return Error::cancelled();
        rn = mg.residualWithNorms(x.data(), b.data(), r.data());
        if (broke(rn))
            return breakdown();
        residualCurrent = true;
        if (rn[0] <= tol[0] && rn[1] <= tol[1])
            break;
        const double gain2 = options.stationaryGain * options.stationaryGain;
        if (stats.cycles > 0 && ((rn[0] > tol[0] && rn[0] > gain2 * last[0]) ||
                                 (rn[1] > tol[1] && rn[1] > gain2 * last[1])))
            break;
        last = rn;
        mg.precondition(r, z);
        axpy2(x.data(), x.data(), {1.0, 1.0}, z.data(), n, T);
        residualCurrent = false;
        zIsCorrection = true;
    }
    int it = 0;
    int polishes = 0;
    detail::Plane &xRound = kxRound; // x where the last BiCGSTAB round began
    bool judge = false; // a BiCGSTAB round ran since x was last judged (against `previous`)
    constexpr int kMaxPolishes = 4;
    for (int round = 0;; ++round) {
        // Convergence is only ever declared on the true residual b − A x: in float the
        // recursively updated one drifts from it (on tst_scribblesolver's border pattern it
        // can say 9.3e-6 where the true one is 4.8e-5), so where they disagree BiCGSTAB starts
        // again from the true one. (The stationary steps may have left it computed.)
        if (!residualCurrent) {
            rn = mg.residualWithNorms(x.data(), b.data(), r.data());
            if (broke(rn))
                return breakdown();
        }
        residualCurrent = false;
        // In float, asked for more than the float floor allows, BiCGSTAB can also drift away
        // (without the check below, a 1e-9 solve of a grainy film frame can end at a residual
        // of 7e7). A round that left the true residual higher than it found it is undone, and
        // the solve ends there.
        if (judge && rn[0] + rn[1] > previous[0] + previous[1]) {
            x.swap(xRound);
            rn = previous;
            for (int c = 0; c < 2; ++c)
                done[c] = rn[c] <= tol[c];
            break;
        }
        for (int c = 0; c < 2; ++c)
            done[c] = rn[c] <= tol[c];
        if (done[0] && done[1] && polishes < kMaxPolishes && options.correctionTolerance > 0) {
            // The residual understates the error where strong edges isolate a region from
            // every scribble (its colour hangs on weak affinities). One V-cycle's correction
            // does not: apply it, and while its RMS is above correctionTolerance, ask ten times
            // less of the residual and go on. The last correction made on the way here (the
            // last stationary cycle's, or BiCGSTAB's of its last s) was of a larger residual
            // than this one: where it is under correctionTolerance already, this one would be
            // too, and the cycle is saved.
            const double limit = options.correctionTolerance * options.correctionTolerance *
                                 double(L.w) * double(L.h);
            if (zIsCorrection && polishes == 0) {
                const auto last = dot2(L, z.data(), z.data(), T);
                if (!broke(last) && last[0] <= limit && last[1] <= limit)
                    break;
            }
            if (feedback.isCancelled())
                return Error::cancelled();
            mg.precondition(r, z);
            axpy2(x.data(), x.data(), {1.0, 1.0}, z.data(), n, T);
            ++polishes;
            stats.corrections = polishes;
            judge = false; // x moved since the last round: nothing to judge it against
            const auto zn = dot2(L, z.data(), z.data(), T);
            if (broke(zn))
                return breakdown();
            if (zn[0] > limit || zn[1] > limit) {
                for (int c = 0; c < 2; ++c) {
                    tol[c] *= 0.01;
                    inner[c] *= 0.01;
                }
                continue;
            }
            rn = mg.residualWithNorms(x.data(), b.data(), r.data());
            break;
        }
        if ((done[0] && done[1]) || it >= options.maxIterations)
            break;
        // A restart that did not cut the residual by a tenth: float rounding has the last word.
        if (judge && (done[0] || rn[0] > 0.81 * previous[0]) &&
            (done[1] || rn[1] > 0.81 * previous[1]))
            break;
        previous = rn;
        detail::copyFloats(xRound, x, T);
        judge = true;
        detail::copyFloats(rhat, r, T);
        rho = alpha = omega = {1.0, 1.0};
        detail::zeroFloats(pv.data(), n, T);
        detail::zeroFloats(v.data(), n, T);
        bool trueChecked = false; // see below
        // (r̂, r) for the next iteration; after the first, the r update's pass makes it.
        std::array<double, 2> rhoNew = dot2(L, rhat.data(), r.data(), T);
        for (; it < options.maxIterations && !(done[0] && done[1]); ++it) {
            if (feedback.isCancelled())
                return Error::cancelled();
            std::array<double, 2> beta{}, omegaUsed{};
            for (int c = 0; c < 2; ++c) {
                if (done[c] || rhoNew[c] == 0.0 || omega[c] == 0.0) {
                    done[c] = true;
                    beta[c] = 0.0;
                    continue;
                }
                beta[c] = (rhoNew[c] / rho[c]) * (alpha[c] / omega[c]);
                omegaUsed[c] = omega[c];
                rho[c] = rhoNew[c];
            }
            // p = r + β (p − ω v); a finished channel's direction is zero.
            detail::direction2(pv.data(), r.data(), beta, omegaUsed, v.data(), n, T);
            for (int c = 0; c < 2; ++c)
                if (done[c])
                    std::fill_n(pv.begin() + ptrdiff_t(c * n / 2), n / 2, 0.0f);
            mg.precondition(pv, y);
            const auto rv = mg.applyWithSums(y.data(), rhat.data(), v.data()).with;
            std::array<double, 2> m{};
            for (int c = 0; c < 2; ++c) {
                alpha[c] = (!done[c] && rv[c] != 0.0) ? rho[c] / rv[c] : 0.0;
                m[c] = -alpha[c];
            }
            // s = r − α v (in place: s is r), and (s, s) in the same pass.
            const auto sn =
                detail::axpyWithSums2(s.data(), r.data(), m, v.data(), nullptr, n, T).self;
            // x += α y waits for x += ω z below, to be made in the same pass.
            std::array<bool, 2> early{};
            for (int c = 0; c < 2; ++c)
                early[c] = done[c] || sn[c] <= inner[c];
            if (early[0] && early[1]) { // r (which is s) is the residual
                axpy2(x.data(), x.data(), alpha, y.data(), n, T);
                rn = sn;
                done = {true, true};
                ++it;
                break;
            }
            mg.precondition(s, z);
            zIsCorrection = true;
            const auto [ts, tt] = mg.applyWithSums(z.data(), s.data(), t.data());
            for (int c = 0; c < 2; ++c) {
                omega[c] = (!early[c] && tt[c] > 0.0) ? ts[c] / tt[c] : 0.0;
                m[c] = -omega[c];
            }
            detail::axpyPair2(x.data(), alpha, y.data(), omega, z.data(), n, T);
            // r = s − ω t (in place: s is r), with (r, r) and the next (r̂, r) in the pass.
            const auto sums =
                detail::axpyWithSums2(r.data(), s.data(), m, t.data(), rhat.data(), n, T);
            rn = sums.self;
            rhoNew = sums.with;
            for (int c = 0; c < 2; ++c)
                if (early[c] || rn[c] <= inner[c])
                    done[c] = true;
            feedback.reportProgress(it + 1, options.maxIterations);
            // Between the aim and the tolerance (every channel done or its recursive residual
            // under the tolerance itself), once a round: ask the true residual (one operator
            // pass, into t, which the next iteration writes anew) before paying for another
            // iteration (two V-cycles). Where it meets the tolerance on both channels, the
            // solve has converged on the same criterion as without this check; the round ends
            // with r the true residual. (Without it, the last of 3 + 5 iterations on the
            // 1920×1080 bench frame goes to taking Q's recursive residual from 8.2e-6 under the
            // aim of 7.1e-6.)
            if (!trueChecked && !(done[0] && done[1]) && (done[0] || rn[0] <= tol[0]) &&
                (done[1] || rn[1] <= tol[1])) {
                trueChecked = true;
                const auto truth = mg.residualWithNorms(x.data(), b.data(), t.data());
                if (broke(truth))
                    return breakdown();
                if (truth[0] <= tol[0] && truth[1] <= tol[1]) {
                    r.swap(t);
                    rn = truth;
                    residualCurrent = true;
                    done = {true, true};
                    ++it;
                    break;
                }
            }
            // Growing a hundredfold past where the round began: restart (and judge) from the
            // true residual.
            if (!(rn[0] + rn[1] <= 1e4 * (previous[0] + previous[1]))) {
                ++it;
                break;
            }
        }
    }
    stats.iterations = it;
    stats.relativeResidual = relative(rn);
    stats.converged = done[0] && done[1];
    hasSolution = true;
    unpack();
    return stats;
}

} // namespace tincture::colour
