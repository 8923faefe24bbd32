#pragma once
// The Levin–Lischinski–Weiss system solved exactly: built from PROTOCOLS.md §6 in double
// precision, independently of ScribbleSolver's float kernels and multigrid, and factorised by a
// sparse direct solver (Eigen's SparseLU). Slow (seconds at 640×480, and memory that grows
// faster than the pixel count): a reference for tests and for `tincture-lab bench scribble
// --exact`, never for the studio.

#include "colour/scribblesolver.h"
#include "foundation/result.h"

#include <vector>

namespace tincture::lab {

struct ExactChroma
{
    std::vector<double> i, q; // width × height
};

// luma: width × height in [0, 1]; constraints as for ScribbleSolver::setConstraints.
Result<ExactChroma> solveScribblesExactly(int width, int height, const std::vector<float> &luma,
                                          const colour::ChromaConstraints &constraints);

} // namespace tincture::lab
