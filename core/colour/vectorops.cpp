#include "colour/internal/vectorops.h"

#include <vector>

namespace tincture::colour::detail {

namespace {

int threadsForVector(size_t n, const Team &team)
{
    return n / 2 >= size_t(kParallelCells) ? team.size() : 1;
}

// Runs body(j0, j1, sums) on contiguous slices of one channel's [0, n/2) and adds the
// threads' sums in thread order.
template <class Body> std::array<double, 4> reduceSlices(size_t n, Team &team, Body &&body)
{
    const int threads = threadsForVector(n, team);
    std::vector<PartialSums> parts(static_cast<size_t>(threads));
    const size_t half = n / 2;
    team.run(threads, [&](int t) {
        const size_t j0 = half * size_t(t) / size_t(threads);
        const size_t j1 = half * size_t(t + 1) / size_t(threads);
        body(j0, j1, parts[size_t(t)].s);
    });
    std::array<double, 4> sums{};
    for (const PartialSums &part : parts)
        for (int k = 0; k < 4; ++k)
            sums[size_t(k)] += part.s[k];
    return sums;
}

} // namespace

Sums2 dot2(const Level &L, const float *a, const float *b, Team &team)
{
    const size_t n = L.cells();
    const int threads = threadsFor(L, team);
    std::vector<PartialSums> parts(static_cast<size_t>(threads));
    team.run(threads, [&](int t) {
        const int y0 = L.h * t / threads, y1 = L.h * (t + 1) / threads;
        double s0 = 0.0, s1 = 0.0;
        for (int y = y0; y < y1; ++y) {
            const size_t p0 = L.index(0, y);
            double r0 = 0.0, r1 = 0.0;
#pragma omp simd reduction(+ : r0, r1)
            for (int i = 0; i < L.w; ++i) {
                const size_t p = p0 + size_t(i);
                r0 += double(a[p]) * double(b[p]);
                r1 += double(a[n + p]) * double(b[n + p]);
            }
            s0 += r0;
            s1 += r1;
        }
        parts[size_t(t)].s[0] = s0;
        parts[size_t(t)].s[1] = s1;
    });
    Sums2 sums{};
    for (const PartialSums &part : parts) // in a fixed order: the same sums every time
        for (int c = 0; c < 2; ++c)
            sums[size_t(c)] += part.s[c];
    return sums;
}

namespace {

// out[j] = a[j] + c b[j] over [j0, j1) of one channel; out may be a (in place), never b. The
// loops say what does not alias: without it GCC checks at run time and, with out = a, runs
// them scalar. The same operations either way.
void axpyRange(float *out, const float *a, float c, const float *__restrict b, size_t j0, size_t j1)
{
    float *__restrict o = out;
    if (out == a) {
        for (size_t j = j0; j < j1; ++j)
            o[j] = o[j] + c * b[j];
    } else {
        const float *__restrict s = a;
        for (size_t j = j0; j < j1; ++j)
            o[j] = s[j] + c * b[j];
    }
}

} // namespace

void axpy2(float *out, const float *a, const Sums2 &alpha, const float *b, size_t n, Team &team)
{
    const float c0 = float(alpha[0]), c1 = float(alpha[1]);
    const size_t half = n / 2;
    team.slices(threadsForVector(n, team), int(half), [&](int j0, int j1) {
        axpyRange(out, a, c0, b, size_t(j0), size_t(j1));
        axpyRange(out + half, a + half, c1, b + half, size_t(j0), size_t(j1));
    });
}

void axpyPair2(float *x, const Sums2 &alpha, const float *y, const Sums2 &omega, const float *z,
               size_t n, Team &team)
{
    const float a[2] = {float(alpha[0]), float(alpha[1])};
    const float w[2] = {float(omega[0]), float(omega[1])};
    const size_t half = n / 2;
    team.slices(threadsForVector(n, team), int(half), [&](int j0, int j1) {
        for (size_t c = 0; c < 2; ++c) {
            float *__restrict xc = x + c * half;
            const float *__restrict yc = y + c * half;
            const float *__restrict zc = z + c * half;
            const float ac = a[c], wc = w[c];
            for (size_t j = size_t(j0); j < size_t(j1); ++j) {
                const float u = xc[j] + ac * yc[j];
                xc[j] = u + wc * zc[j];
            }
        }
    });
}

UpdateSums axpyWithSums2(float *out, const float *a, const Sums2 &alpha, const float *b,
                         const float *w, size_t n, Team &team)
{
    const float c0 = float(alpha[0]), c1 = float(alpha[1]);
    const size_t half = n / 2;
    auto slice = [&]<bool WithW>(size_t j0, size_t j1, double *s) {
        double oo0 = 0.0, oo1 = 0.0, ow0 = 0.0, ow1 = 0.0;
#pragma omp simd reduction(+ : oo0, oo1, ow0, ow1)
        for (size_t j = j0; j < j1; ++j) {
            const float o0 = a[j] + c0 * b[j], o1 = a[half + j] + c1 * b[half + j];
            out[j] = o0;
            out[half + j] = o1;
            oo0 += double(o0) * double(o0);
            oo1 += double(o1) * double(o1);
            if constexpr (WithW) {
                ow0 += double(o0) * double(w[j]);
                ow1 += double(o1) * double(w[half + j]);
            }
        }
        s[0] = oo0;
        s[1] = oo1;
        s[2] = ow0;
        s[3] = ow1;
    };
    const auto sums = reduceSlices(n, team, [&](size_t j0, size_t j1, double *s) {
        if (w)
            slice.template operator()<true>(j0, j1, s);
        else
            slice.template operator()<false>(j0, j1, s);
    });
    return {{sums[0], sums[1]}, {sums[2], sums[3]}};
}

void direction2(float *p, const float *r, const Sums2 &beta, const Sums2 &omega, const float *v,
                size_t n, Team &team)
{
    const float bs[2] = {float(beta[0]), float(beta[1])};
    const float ws[2] = {float(omega[0]), float(omega[1])};
    const size_t half = n / 2;
    team.slices(threadsForVector(n, team), int(half), [&](int j0, int j1) {
        for (size_t c = 0; c < 2; ++c) {
            float *__restrict pc = p + c * half;
            const float *__restrict rc = r + c * half;
            const float *__restrict vc = v + c * half;
            const float bc = bs[c], wc = ws[c];
            for (size_t j = size_t(j0); j < size_t(j1); ++j)
                pc[j] = rc[j] + bc * (pc[j] - wc * vc[j]);
        }
    });
}

} // namespace tincture::colour::detail
