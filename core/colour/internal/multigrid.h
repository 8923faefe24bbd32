#pragma once
// Internal to tincture_colour: the multigrid hierarchy behind ScribbleSolver.
// Grids are padded by one zero cell on each side so 3×3 stencils need no bounds checks.
// Vectors hold both chroma channels as two planes (all I, then all Q) and the operator is
// stored as nine coefficient planes, so the row kernels (smoothing, residual) run on
// contiguous rows and vectorise; they are also built for AVX2+FMA, picked at load time.
// Gauss–Seidel is lexicographic: the part of a row update that does not depend on the cell
// just swept is computed for the whole row at once, then the row is a first-order recurrence
// (gaussseidel.cpp: an eight-cell vector scan on x86-64-v3, four cells a step elsewhere).
// docs/SCRIBBLE_SOLVER.md has what this layout gains over interleaved scalar kernels.
// Level 0 may mark cells as fixed (identity rows: scribbles and kept pixels); their error is
// zero, so the interpolation P is zero on them and they drop out of the coarse levels.
//
// Coarsening is vertex-centred 2:1 (coarse cell (i, j) sits on fine cell (2i, 2j)) with
// operator-dependent interpolation after Dendy's black-box multigrid: a fine cell between two
// coarse cells on a row (column) takes the weights of its own row of A with the stencil
// collapsed onto that row (column); a cell between four coarse cells solves its own row with
// the edge cells already interpolated. So the correction follows the affinities: it does not
// leak across a strong edge, as piecewise-constant aggregation's does.
// Restriction is Pᵀ and the coarse operators are Galerkin's A_c = Pᵀ A P (9-point stencils).
//
// Level 0's operator (Levin's rows, each normalised to sum 1) is not symmetric, and Galerkin
// products of it are not safe: on real photographs (texture, thin lines) they have small or
// negative diagonals and interpolation weights in the hundreds, and the cycle diverges to NaN on
// all three crops in tst_scribblesolver's photo patterns (the synthetic patterns do not show
// it). So where the caller gives each row's scale Z (the sum of its unnormalised affinities
// u_pq, so that Z_p·A's row has off-diagonal −u_pq), P and the coarser levels are made from a
// symmetric M-matrix surrogate S instead: conductance (u_pq + u_qp) / 2 between free cells, u_pq
// to a fixed one, diagonal their sum plus λ·Z_p. S is positive definite, so every Galerkin level
// is too and Gauss–Seidel converges on each. Level 0 itself still smooths with A and computes
// A's residual; the residual is multiplied by Z before it is restricted (S ≈ Z·A). The cycle is
// still one fixed linear operator, as BiCGSTAB needs. This is the symmetric mode. S is not
// stored: Level::surrogateRow computes a row of it from A and Z where the coarsening reads one
// (as nine planes it would take 15 MB at 854×480 and 75 MB at 1920×1080).
//
// The weighted mode (the default) keeps P from S but makes level 1 from the
// true operator: A_1 = Pᵀ Π A P, and restricts Π r, where Π = diag(π) and π is (a local
// approximation of) the stationary measure of the random walk W = I − A of the free rows,
// πᵀ W = πᵀ (buildRowWeights: ten power steps from Z, which π would be were the affinities
// symmetric). Why: the asymmetry is the walk's drift (σ_r differs between a pixel and its
// neighbour, most across edges between grain and flat areas), a convection the symmetric S
// does not see; Z weights the rows by how much each pixel draws from its neighbours, π by how
// much the walk visits it, which is what balances the flux into a coarse cell. Every coarse row
// is then made a diagonally dominant M-matrix row (finishDiagonal), so Gauss–Seidel converges
// on each level. Against the symmetric mode on the same frames: BiCGSTAB iterations of a cold
// solve 8 → 4 on the bench frame, 21 → 6 on the colour sample's frame 60, 47 → 20 on a
// silent-street frame, 19 → 6 on a dev-set frame (`bench scribble --image`);
// tst_scribblesolver's photo crops 14 → 4, 32 → 18 and 7 → 2. `bench scribble --convergence
// --image …`, dB from the converged solution after full multigrid and four V-cycles,
// symmetric → weighted: bench frame 45.5 → 50.4, silent street 27.5 → 31.5, silent comedy
// 31.2 → 35.3, dev-set bedroom 49.1 → 54.7 (docs/SCRIBBLE_SOLVER.md, with the variants that
// did less, such as Pᵀ Z A P without π). What it costs: its coarse operators are not
// M-matrices by construction, and on one-pixel-wide strips of pure noise the cycle diverges;
// ScribbleSolver::solve() then solves again in symmetric mode (SolveStats::symmetricFallback).
// Where an edge is sharp, Levin's weights make it an insulating layer (about 5e-4 of a row
// across it whatever the contrast); the interpolation treats a diagonal neighbour that is a
// hundred times more strongly tied to the cell than to the coarse cell beside it as being on
// the cell's side (computeInterpolation in interpolation.cpp). Without that, a region without
// scribbles converges at 1.5–4 dB a cycle (`bench scribble --convergence`, one flat shape);
// with it, 11–18.
//
// The V-cycle's restriction makes each fine residual row as the coarse row that gathers it
// needs it (restrictResidual: three rows a thread, weighted by π or Z on level 0), so no
// residual plane is written, scaled and read back; only full multigrid restricts a stored
// vector. The kernels: the Galerkin product is unrolled per fine cell's parity
// (coarsening.cpp); the interpolation makes the surrogate a whole row at a time with a vector
// kernel, each row once (interpolation.cpp); level 0's sweeps and restriction read a
// half-precision copy of its operator (Level::sweepHalf, halfprecision.cpp); level 0's
// difference form (Level::differenceForm) runs eight cells at a time by hand (stencilRow).
// What limits the speed is the cycle's convergence on film grain and on many sharp-edged
// regions, not its arithmetic: at 854×480 the cycle streams about 125 planes of floats, and
// an exact solve of level 1 takes a film frame from 2 cycles + 20 BiCGSTAB iterations to
// 3 + 6, so level 1 being only cycled on is the limit. What was tried against that and not
// kept (other Krylov methods, more or fewer sweeps, W- and K-cycles, aggregation and island
// corrections, huge pages, four-colour Gauss–Seidel, half-precision copies of level 1), with
// its figures: docs/SCRIBBLE_SOLVER.md.

#include "colour/internal/recycledmemory.h"
#include "colour/internal/team.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

// Hot kernels are compiled for plain x86-64 and for x86-64-v3 (AVX2 and FMA) and picked at
// load time: the release build targets plain x86-64. Not under ThreadSanitizer: the loader runs
// the clones' resolvers before TSan's runtime exists, and the instrumented resolver crashes.
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define TINCTURE_HOT_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define TINCTURE_HOT_CLONES
#endif

// Without multiply-add contraction: the x86-64-v3 clones of the kernels so marked round each
// product and sum separately, so they give the numbers that plain x86-64 code gives (on
// one-pixel-wide noise strips, which converge on a knife edge, contracted rounding changes the
// outcome: docs/SCRIBBLE_SOLVER.md).
#if defined(__GNUC__) && !defined(__clang__)
#define TINCTURE_NO_CONTRACT __attribute__((optimize("fp-contract=off")))
#else
#define TINCTURE_NO_CONTRACT
#endif

namespace tincture::colour::detail {

struct Level
{
    int w = 0, h = 0, pw = 0, ph = 0;
    // The 9-point stencil as 9 planes of cells() floats: coefficient k = (dy+1)·3 + (dx+1)
    // of padded cell p at a[k·cells() + p] (contiguous rows for the vectorised kernels).
    Plane a;
    Plane invDiag;   // per padded cell
    MaskPlane fixed; // level 0 only: identity rows (off-diagonal coefficients 0)
    // Level 0 only: each row's scale Z (set by the caller; see Hierarchy). With it, level 0 is
    // scaled: the coarser levels are made from the symmetric surrogate S of a and Z
    // (surrogateRow), computed where it is read rather than stored (9 planes saved).
    Plane rowScale;
    bool scaled() const { return !rowScale.empty() && rowScale.size() == cells(); }
    // Level 0 only: the weight π_p of each row in the restriction and in the first Galerkin
    // product (see the header comment; empty: Z). Depends on the luma only.
    Plane rowWeight;
    // Level 0 only (differenceForm): the true residual and the operator BiCGSTAB applies take
    // a row as e_r x_r + Σ_{s≠r} a_rs (x_s − x_r), e_r its intended sum: 1 on a fixed row,
    // freeRowSum (the prior weight λ) on a free one. Levin's free rows sum to λ exactly, their
    // stored float coefficients only to within rounding, and on a region that strong edges all
    // but isolate, that rounding (about 1e-7 of a row) weighs against couplings of 1e-4: the
    // plain form's solution moved by 1e-3 there.
    bool differenceForm = false;
    float freeRowSum = 0.0f;
    // Level 0 only, where the CPU converts half floats (x86-64-v3): the V-cycle's copy of the
    // operator in half precision, 11 planes of cells(): each off-diagonal coefficient divided
    // by the diagonal (a_k / a_centre), the inverse diagonal in slot 4, in slot 9 the
    // restriction's row scale ω · a_centre, and in slot 10 a correction δ of the normalised
    // centre (1 + δ), so that each rounded row sums to what A's does (see
    // buildSweepCoefficients). Empty: the sweeps and the restriction read a, invDiag and the
    // row weights.
    HalfPlane sweepHalf;
    // Interpolation from the next coarser level: 4 weights per padded cell, to the coarse
    // cells (x>>1, y>>1), (x>>1)+1 on that row, and the same two one coarse row below.
    Plane interp;
    Plane x, f; // 2 planes of cells() floats: I, then Q
    Plane r;    // level 0 only, as x and f: full multigrid's scaled right-hand side

    // Sizes every plane to width × height (padded) and zeroes a, in slices on `team` where one
    // is given, and the frames of the others. The interiors of invDiag (every builder writes it
    // whole) and of x and f (every cycle writes them before it reads them) are left unset, and
    // with operatorWritten so is a's: the caller writes all nine planes' interior cells and
    // the padding cells beside each row itself (setLuma: zeroSides; the Galerkin product
    // zeroes its level first). Only a's first and last rows are zeroed then.
    void resize(int width, int height, Team *team = nullptr, bool operatorWritten = false);
    size_t cells() const { return size_t(pw) * size_t(ph); }
    size_t index(int cx, int cy) const { return size_t(cy + 1) * size_t(pw) + size_t(cx + 1); }
    // The 9 coefficients of padded cell p in the operator the next level is made from: the
    // surrogate on a scaled level 0, the level's own operator otherwise.
    void coarseningRow(size_t p, float out[9]) const
    {
        if (scaled()) {
            surrogateRow(p, out);
            return;
        }
        for (size_t k = 0; k < 9; ++k)
            out[k] = a[k * cells() + p];
    }
    // Row p of the surrogate S (see the header comment; coarsening.cpp). The interpolation
    // makes whole rows of it at once with a vector kernel (interpolation.cpp), the same floats.
    void surrogateRow(size_t p, float out[9]) const;
    // The rows' weights in the restriction on a scaled level 0 (one per padded cell): π in
    // weighted mode, Z in symmetric mode; null elsewhere (weight 1).
    const float *rowWeights() const
    {
        if (!scaled())
            return nullptr;
        return weighted && rowWeight.size() == cells() ? rowWeight.data() : rowScale.data();
    }
    // The weight of padded cell p's row in the restriction: rowWeights(), and 1 on fixed cells
    // (which the interpolation does not reach) and above level 0.
    float restrictionWeight(size_t p) const
    {
        const float *weights = rowWeights();
        return !weights || fixed[p] ? 1.0f : weights[p];
    }
    // The 9 coefficients of padded cell p in the operator the next level's Galerkin product is
    // made from: on level 0 its own row weighted by restrictionWeight (Π A) in weighted mode,
    // the surrogate's row in symmetric mode; the level's own operator above level 0.
    void galerkinRow(size_t p, float out[9]) const
    {
        if (!weighted) {
            coarseningRow(p, out);
            return;
        }
        const float weight = restrictionWeight(p);
        for (size_t k = 0; k < 9; ++k)
            out[k] = a[k * cells() + p] * weight;
    }
    // Weighted mode (the default) or symmetric mode (see the header comment); coarser levels
    // take level 0's.
    bool weighted = true;
};

// Pointers to one row of a level, all advanced to the row's first interior cell: the nine
// coefficient planes (plane k at a + k·n), the two channel planes of x (I at x, Q at x + n)
// and of the right-hand side.
struct RowView
{
    const float *a;
    const float *invDiag;
    size_t n;     // cells per plane
    ptrdiff_t pw; // padded width
    // Level 0 in difference form (Level::differenceForm): its fixed mask, advanced like the
    // rest, and the free rows' sum; null: the plain form.
    const uint8_t *fixed = nullptr;
    float freeRowSum = 0.0f;
};

// One Gauss–Seidel sweep of L's operator over L.x (gaussseidel.cpp), band-parallel on `team`:
// forward (row by row, each left to right) or backward. scratch: 3 rows of L.w floats per
// thread. fromZero (forward only): x is taken to be zero (not read, nor need it be zeroed).
void gsSweep(Level &L, bool forward, Team &team, float *scratch, bool fromZero = false);

// Level 0's sweeps at 1920×1080 are bound by memory, and its nine coefficient planes are
// most of what they stream: from half floats (Level::sweepHalf) a sweep reads 44 bytes a
// cell instead of 60, and the V-cycle's restriction of its residual 40 instead of 56. Only the
// V-cycle reads them, so it is another fixed linear operator, the cycle of an operator Ã close
// to A (coefficients to within 2⁻¹¹ of themselves, rows summing as A's to about 1e-7); the
// true residual, BiCGSTAB's operator and so the solution still come from A in single
// precision. (Without the rows' correction, the rounding of a row, about 1e-4, weighs
// against the 5e-4 that ties a region to the far side of a sharp edge: `bench scribble
// --convergence` at 854×480 ends full multigrid 1.2 dB further from the solution on the
// bench frame and 10.6 dB on the 24 sharp-edged shapes, and the bench frame's cold solve
// takes 3 cycles + 5 iterations instead of 3 + 4.)
// halfSweepsAvailable(): whether this CPU has the instructions (x86-64-v3) for them.
bool halfSweepsAvailable();
// Fills L.sweepHalf from L.a, L.invDiag (which must be built) and the restriction weights, in
// slices on `team` (halfprecision.cpp). Where a value would not keep its precision in a half
// float (a diagonal over 4096: a prior weight λ that large) it leaves sweepHalf empty instead
// and returns false: the cycle then reads single precision.
bool buildSweepCoefficients(Level &L, Team &team);
// Row y of ω ⊙ (f − Ã x) on level 0 from sweepHalf, into rI and rQ (L.w floats each).
void weightedResidualRowHalf(const Level &L, int y, float *rI, float *rQ);

// Zeroes n floats from p, in slices on `team` (a plane of a large level is megabytes: one
// thread's memset left the other core idle).
void zeroFloats(float *p, size_t n, Team &team);
// to = from (resized to match), in slices on `team` (one thread's copy of a 1920×1080 vector,
// 16 MB, left the other core idle).
void copyFloats(Plane &to, const Plane &from, Team &team);
// Zeroes the frame (the padding: first and last row, first and last column) of `planes`
// consecutive planes of pw × ph cells from p, and nothing else. The columns cost a cache line
// a row each: where a loop writes the rows anyway, zeroTopAndBottom and the loop's own zeroing
// of each row's two padding cells (zeroSides) are cheaper.
void zeroFrames(float *p, size_t planes, int pw, int ph);
void zeroTopAndBottom(float *p, size_t planes, int pw, int ph);
// Zeroes the padding cells on either side of the row whose first interior cell is p0, in
// `planes` consecutive planes of n cells from p.
inline void zeroSides(float *p, size_t planes, size_t n, size_t p0, int w)
{
    for (size_t k = 0; k < planes; ++k) {
        p[k * n + p0 - 1] = 0.0f;
        p[k * n + p0 + size_t(w)] = 0.0f;
    }
}

// Below this many cells a level is worked by one thread: the fork costs more than it saves.
constexpr int kParallelCells = 16384;

inline int threadsFor(const Level &L, const Team &team)
{
    return L.w * L.h >= kParallelCells ? team.size() : 1;
}

// The padded-index offsets of the 3×3 stencil's slots k = (dy+1)·3 + (dx+1).
struct Offsets
{
    ptrdiff_t o[9];
    explicit Offsets(int pw)
    {
        for (int k = 0; k < 9; ++k)
            o[k] = ptrdiff_t(k / 3 - 1) * pw + (k % 3 - 1);
    }
};

// Building the hierarchy (coarsening.cpp). buildRowWeights fills level 0's rowWeight from its
// free operator and row scales (call it while every row is free); coarsen makes C from F: F's
// interpolation weights from F's coarsening rows, then C's operator (Pᵀ Π A P from level 0,
// Pᵀ A P above it, made diagonally dominant M-matrix rows) and its inverse diagonal.
constexpr int kRowWeightSteps = 10; // power steps for π (see buildRowWeights)
void buildRowWeights(Level &L0, Team &team);
void coarsen(Level &F, Level &C, bool fineHasFixed, Team &team);
// F's interpolation weights (F.interp) from its coarsening rows (interpolation.cpp; coarsen
// calls it).
void computeInterpolation(Level &F, bool fineHasFixed, Team &team);

class Hierarchy
{
public:
    // Level 0 must be resized and filled (a, fixed) by the caller; builds invDiag of level 0
    // and every coarser level. The hierarchy works on `team` (the caller's) from now on.
    void build(Team &team);
    // z = M v: one V-cycle on A z = v from z = 0 (a fixed linear operator, as BiCGSTAB needs).
    // v and z are level-0 vectors (zero border); v is lent to the cycle and given back as it was.
    void precondition(Plane &v, Plane &z);
    // z ≈ A⁻¹ v by full multigrid: v restricted to every level, the coarsest solved, then each
    // finer level starts from the interpolated coarser solution and runs one V-cycle.
    // v and z are lent like precondition's.
    void fullMultigrid(Plane &v, Plane &z);
    // out = A in on level 0.
    void apply(const float *in, float *out) const;
    // out = A in on level 0 and, in the same pass, Σ out·with and Σ out·out per channel (summed
    // in double a row at a time, the threads' sums added in a fixed order).
    struct ApplySums
    {
        std::array<double, 2> with{}, self{};
    };
    ApplySums applyWithSums(const float *in, const float *with, float *out) const;
    // r = b − A x on level 0.
    void residual(const float *x, const float *b, float *r) const;
    // The same, and in the same pass Σ r² per channel (summed as dot2 sums).
    std::array<double, 2> residualWithNorms(const float *x, const float *b, float *r) const;

    std::vector<Level> levels;
    Team *team = nullptr;
    // Two sweeps each side: forward then backward before, backward then forward after (a
    // symmetric cycle). On tst_scribblesolver's grainy patterns at tolerance 3e-5 it takes
    // fewer BiCGSTAB iterations than two forward sweeps before and two backward after
    // (single-pixel: 9 against 22) and than one sweep each side (strokes: 11 against 17). One
    // sweep each side also loses on the bench frame (854×480, 1 thread: 12 iterations instead
    // of 7, 441–475 ms cold against 415–429).
    int preSmooth = 2;
    int postSmooth = 2;
    // Level 0 smooths from half-precision coefficients where the CPU can (Level::sweepHalf).
    bool halfSweeps = true;

private:
    // fromZero: x starts at zero (its stored values are ignored).
    void vcycle(size_t l, bool fromZero);
    std::vector<float> scratch; // 3 rows per thread for the Gauss–Seidel sweeps
};

} // namespace tincture::colour::detail
