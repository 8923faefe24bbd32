#pragma once
// ScribbleSolver: Levin, Lischinski & Weiss 2004 ("Colorization using optimization") on float
// planes, fast enough to re-solve while the user paints. colouriseScribbles() (scribble.h)
// wraps it for Frames; the studio keeps one solver per keyframe and re-solves after each
// stroke, warm-started from the previous solution.
//
// The system (PROTOCOLS.md §6, as the authors' reference code builds it): Y is the grey
// image's BT.601 luma in [0, 1]; for every pixel r, w_rs over the 3×3 window are
//   w_rs = exp(−(Y_s − Y_r)² / σ_r) / Σ_s(…),  σ_r = max(0.6·var_r, −min_s(Y_s − Y_r)²/ln 0.01,
//   2e-6)
// with var_r the mean squared deviation of Y over the window (centre included). Each chroma
// channel U (I and Q of YIQ, solved independently) satisfies, per pixel r,
//   scribbled r (hard):        U_r = H_r                       (H: the hint's chroma)
//   kept r (hard, prior mode): U_r = P_r                       (P: the prior's chroma)
//   any other r:               (1 + λ)·U_r − Σ_s w_rs·U_s = λ·P_r
// i.e. the colour of a free pixel is the affinity-weighted mean of its neighbours, pulled
// towards the prior with weight λ (λ = 0, or no prior: exactly Levin's system). The energy:
//   E(U) = Σ_{r free} ( U_r − Σ_s w_rs U_s + λ (U_r − P_r) )²,  U = H on scribbles, P on kept,
// and the solution is its zero (like the reference code we solve the square row equations,
// not the normal equations; for λ = 0 E is the paper's J(U) restricted to free pixels).
//
// Solver: multigrid (black-box: operator-dependent interpolation from a symmetric surrogate
// of the system that follows the affinities, a first coarse level made from the true operator
// with rows weighted by the random walk's stationary measure, two symmetric band-parallel
// Gauss–Seidel sweeps each side; see multigrid.h) on both channels in lock-step. A solve that
// breaks down or ends unconverged on that hierarchy is done again on the all-symmetric one
// (SolveStats::symmetricFallback). A cold solve starts from a full-multigrid pass; a warm one
// from the previous solution. Then stationary V-cycles (x += V-cycle(b − A x)) run as
// long as each one at least halves the residual, and BiCGSTAB preconditioned by one V-cycle
// finishes (it costs two V-cycles an iteration, so it only pays where the cycle alone slows
// down: grain, strong edges; docs/SCRIBBLE_SOLVER.md: a cold solve of the 854×480 bench frame
// in 3 cycles and 5 iterations against 7 iterations of BiCGSTAB alone).
// Convergence is declared on the true residual b − A x, not BiCGSTAB's recursively updated
// one: in float the two drift apart (on tst_scribblesolver's border pattern a recursive 9.3e-6
// can go with a true 4.8e-5), so BiCGSTAB aims below the tolerance and, where the
// true residual is still above it, restarts from it; a restart that does not cut it by a tenth
// ends the solve (the float floor, about 1.6e-7 relative on the benchmark frame). Once a round,
// when every channel's recursive residual is under the tolerance but not yet under the aim, the
// true residual is computed (one operator pass) and the solve ends there if it meets the
// tolerance: an iteration (two V-cycles) saved, the criterion the same. The residual
// understates the error where strong edges isolate a region from every scribble, so a solve
// that meets the tolerance also looks at the size of a V-cycle correction: the last one it made
// (of a larger residual) where that is under correctionTolerance already, otherwise one more,
// which it applies and, while its RMS is over correctionTolerance, goes on with a residual
// target ten times lower (up to four times). The true residual and the operator BiCGSTAB applies
// take Levin's rows in difference form, Σ_s w_rs (U_r − U_s) (+ λ U_r), so that they sum to exactly
// what they should whatever the rounding of the stored weights (multigrid.h,
// Level::differenceForm): on tst_scribblesolver's coffee crop BiCGSTAB alone ends 53.6–53.9 dB
// from the exact solve with it and 48.0 dB with the plain form. A non-finite residual (a
// breakdown) is an error, never a result. The loops run on all cores through the solver's own
// fork-join team (team.h: it spins briefly between loops, where OpenMP's passive threads would
// sleep and wake). The affinities depend
// on Y only: setLuma() writes them into the operator's rows and setConstraints() rewrites only the
// rows that become fixed or free (a freed row is recomputed from the kept luma), so a stroke costs
// little besides the hierarchy. Speed and accuracy against a converged solve: `tincture-lab bench
// scribble` (docs/BENCHMARKS.md; the design and what was tried: docs/SCRIBBLE_SOLVER.md); run
// with OMP_WAIT_POLICY=PASSIVE on shared cores.
//
// Ownership and threads: the solver owns copies of all its planes. One thread at a time may
// use a solver object (the studio's job runs it on a worker thread; latest request wins is
// the caller's business: cancel the Feedback of the stale solve).

#include "foundation/feedback.h"
#include "foundation/result.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace tincture::colour {

// Per-pixel constraints, each plane width × height in row-major order. Empty planes mean
// "none": no prior (λ is then ignored), no keep mask.
struct ChromaConstraints
{
    std::vector<uint8_t> hintMask; // non-zero: scribbled (hard constraint to hintI/hintQ)
    std::vector<float> hintI, hintQ;
    std::vector<float> priorI, priorQ; // the keyframe model's chroma (optional)
    double priorWeight = 0.0;          // λ ≥ 0
    std::vector<uint8_t> keepMask;     // non-zero: hard constraint to the prior (needs a prior)
};

struct ScribbleSolverOptions
{
    // Relative residual ‖b − Ax‖ / ‖b‖ per channel (the true one). The residual understates the
    // error on regions that strong edges isolate from every scribble (their colour hangs on
    // weak affinities), and by how much varies with the picture; correctionTolerance is the
    // second test for that. With 1e-5 and 3e-5: tst_scribblesolver's photo crops at 49.9 dB or
    // more from an exact sparse solve; a grainy silent-film frame (`bench scribble --image`) at
    // 60 dB from a converged solve, where a correction tolerance of 1e-4 left it about 43 dB
    // from an exact one. A residual of 2e-6 alone, without the correction test, left the coffee
    // crop at 38.8 dB.
    double tolerance = 1e-5;
    // RMS of one V-cycle's correction (chroma units, I and Q each) that a converged solve
    // must be under as well (0: the residual alone decides). See solve().
    double correctionTolerance = 3e-5;
    int maxIterations = 100; // BiCGSTAB iterations
    // Stationary multigrid steps (x += V-cycle(b − A x)) tried before BiCGSTAB; it takes over
    // when a step falls short of stationaryGain (0: BiCGSTAB only).
    int stationaryCycles = 20;
    // A stationary cycle must cut the residual to this fraction or BiCGSTAB takes over (0.5:
    // halve it; 1: keep cycling while it falls at all, for convergence studies).
    double stationaryGain = 0.5;
    int threads = 0; // 0: all cores (std::thread::hardware_concurrency)
};

struct SolveStats
{
    int iterations = 0;  // BiCGSTAB iterations (two V-cycles each)
    int cycles = 0;      // stationary V-cycles before them
    int corrections = 0; // V-cycle corrections after the residual converged (correctionTolerance)
    double relativeResidual = 0.0; // the larger of the two channels
    bool warmStarted = false;
    bool converged = false;
    // The weighted hierarchy's attempt failed and these are the symmetric hierarchy's figures
    // (see solve()).
    bool symmetricFallback = false;
};

class ScribbleSolver
{
public:
    explicit ScribbleSolver(ScribbleSolverOptions options = {});
    ~ScribbleSolver();
    ScribbleSolver(const ScribbleSolver &) = delete;
    ScribbleSolver &operator=(const ScribbleSolver &) = delete;

    // The grey image's luma in [0, 1]; computes the affinities and forgets any solution.
    Result<void> setLuma(int width, int height, std::vector<float> luma);
    // Replaces the constraints (e.g. after a stroke); keeps the affinities and the solution.
    Result<void> setConstraints(const ChromaConstraints &constraints);
    // Solves for I and Q. warmStart: start from the last solution (when there is one).
    // Cancellation is polled every iteration; on cancel the last solution is kept.
    Result<SolveStats> solve(Feedback &feedback, bool warmStart = true);

    int width() const;
    int height() const;
    const std::vector<float> &chromaI() const; // width × height, valid after solve()
    const std::vector<float> &chromaQ() const;

    // The normalised affinities w_rs of pixel r = y·width + x to its neighbour at (dx, dy),
    // both in −1..1 (0 where the neighbour is outside the image); for tests and tools.
    float affinity(int x, int y, int dx, int dy) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// The solvers' large planes come from a process-wide cache that keeps the ones a solver frees
// for the next solver, so that a new keyframe's solve finds its memory already mapped
// (recycledmemory.h says why). At most `bytes` are held unused (default 1 GiB, about two
// 1920×1080 solvers); 0 frees what is held and keeps nothing from then on. Any thread.
void setSolverMemoryCacheLimit(size_t bytes);
size_t solverMemoryCacheLimit();

} // namespace tincture::colour
