#pragma once
// The permutohedral lattice (Adams, Baek & Davis 2010) as LibTorch tensor operations, so that
// the Gaussian filter of VPN's bilateral stage runs on a GPU where LibTorch sees one. The maths
// is PermutohedralLattice's (core/propagation/permutohedral.h), step for step: the elevation
// with the same scale factors, the nearest remainder-0 point, the rank sort, the barycentric
// weights, one vertex per distinct key (torch::unique instead of a hash table), the [1 2 1]
// blur along the d + 1 lattice directions through the existing vertices only (neighbours found
// by a binary search in the sorted keys), and the slice. Results agree with the CPU lattice to
// float rounding (tst_latticefilter), not bit for bit.
//
// Ownership and threads: a filter holds its device and no per-call state; filter() may be
// called from any thread, concurrently. LibTorch is private to core/ml.

#include "foundation/result.h"

#include <QString>

#include <cstddef>
#include <memory>
#include <vector>

namespace tincture::ml {

// One set of points splatted onto the lattice: count × featureDims features (already divided by
// their standard deviations, as PermutohedralLattice takes them) and count × valueDims values.
struct LatticePointSet
{
    const float *features = nullptr;
    const float *values = nullptr;
    size_t count = 0;
};

class LatticeFilter
{
public:
    virtual ~LatticeFilter() = default;

    // featureDims 1 … 4, valueDims ≥ 1. device: "auto" (CUDA when LibTorch sees a GPU),
    // "cpu" or "cuda" (an error when there is none).
    static Result<std::shared_ptr<const LatticeFilter>>
    create(int featureDims, int valueDims, const QString &device = QStringLiteral("auto"));

    virtual bool onGpu() const = 0;
    virtual QString deviceName() const = 0;

    // Splats every set, blurs, and slices at the query points: out is queryCount × valueDims
    // (raw sums, like PermutohedralLattice::slice; callers normalise by a homogeneous channel).
    // Errors: features whose lattice coordinates leave the packed keys' range (15 bits a
    // coordinate, half the CPU lattice's 16: reached with d = 4 and all |f| around 2400; VPN's
    // features stay below 100), a device failure (LibTorch's message).
    virtual Result<void> filter(const std::vector<LatticePointSet> &splat, const float *query,
                                size_t queryCount, float *out) const = 0;
};

} // namespace tincture::ml
