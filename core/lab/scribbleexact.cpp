#include "lab/scribbleexact.h"

#include <Eigen/SparseLU>

#include <algorithm>
#include <cmath>

namespace tincture::lab {

Result<ExactChroma> solveScribblesExactly(int width, int height, const std::vector<float> &luma,
                                          const colour::ChromaConstraints &c)
{
    const int w = width, h = height;
    const size_t n = size_t(w) * size_t(h);
    const bool prior = !c.priorI.empty();
    if (w < 1 || h < 1 || luma.size() != n || c.hintMask.size() != n || c.hintI.size() != n ||
        c.hintQ.size() != n || (prior && (c.priorI.size() != n || c.priorQ.size() != n)) ||
        (!c.keepMask.empty() && c.keepMask.size() != n))
        return makeError(
            ErrorCode::SizeMismatch,
            QStringLiteral("exact scribble solve: a plane is not %1×%2").arg(w).arg(h));
    const double lambda = prior ? c.priorWeight : 0.0;
    std::vector<Eigen::Triplet<double>> t;
    t.reserve(9 * n);
    Eigen::VectorXd bi = Eigen::VectorXd::Zero(Eigen::Index(n));
    Eigen::VectorXd bq = Eigen::VectorXd::Zero(Eigen::Index(n));
    std::vector<int> idx;
    std::vector<double> vals, g;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const int r = y * w + x;
            const bool keep = !c.keepMask.empty() && c.keepMask[size_t(r)];
            if (c.hintMask[size_t(r)] || keep) {
                t.emplace_back(r, r, 1.0);
                bi[r] = c.hintMask[size_t(r)] ? c.hintI[size_t(r)] : c.priorI[size_t(r)];
                bq[r] = c.hintMask[size_t(r)] ? c.hintQ[size_t(r)] : c.priorQ[size_t(r)];
                continue;
            }
            idx.clear();
            vals.clear();
            for (int yy = std::max(0, y - 1); yy <= std::min(h - 1, y + 1); ++yy)
                for (int xx = std::max(0, x - 1); xx <= std::min(w - 1, x + 1); ++xx)
                    if (xx != x || yy != y) {
                        idx.push_back(yy * w + xx);
                        vals.push_back(luma[size_t(yy) * size_t(w) + size_t(xx)]);
                    }
            t.emplace_back(r, r, 1.0 + lambda);
            if (prior) {
                bi[r] = lambda * c.priorI[size_t(r)];
                bq[r] = lambda * c.priorQ[size_t(r)];
            }
            if (vals.empty())
                continue; // a 1×1 image: the row is (1 + λ) U = λ P
            // PROTOCOLS.md §6: the window's variance (centre included), the 1 % rule, 2e-6.
            const double yr = luma[size_t(r)];
            double mean = yr;
            for (double v : vals)
                mean += v;
            mean /= double(vals.size() + 1);
            double var = (yr - mean) * (yr - mean), mgv = 1e300;
            for (double v : vals) {
                var += (v - mean) * (v - mean);
                mgv = std::min(mgv, (v - yr) * (v - yr));
            }
            var /= double(vals.size() + 1);
            const double csig = std::max({0.6 * var, -mgv / std::log(0.01), 2e-6});
            double sum = 0.0;
            g.resize(vals.size());
            for (size_t j = 0; j < vals.size(); ++j)
                sum += g[j] = std::exp(-(vals[j] - yr) * (vals[j] - yr) / csig);
            for (size_t j = 0; j < vals.size(); ++j)
                t.emplace_back(r, idx[j], -g[j] / sum);
        }
    const auto size = Eigen::Index(n);
    Eigen::SparseMatrix<double> A(size, size);
    A.setFromTriplets(t.begin(), t.end());
    Eigen::SparseLU<Eigen::SparseMatrix<double>> lu;
    lu.compute(A);
    if (lu.info() != Eigen::Success)
        return makeError(ErrorCode::Internal,
                         QStringLiteral("exact scribble solve: the sparse factorisation failed"));
    const Eigen::VectorXd xi = lu.solve(bi), xq = lu.solve(bq);
    ExactChroma out;
    out.i.assign(xi.data(), xi.data() + n);
    out.q.assign(xq.data(), xq.data() + n);
    return out;
}

} // namespace tincture::lab
