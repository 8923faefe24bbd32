// Session 10 (docs/BENCHMARKS.md): the Gauss-Seidel row kernel of core/colour/multigrid.cpp
// (gsPartialRow and gsRow's recurrence) copied out and timed on random coefficients, in ns per
// cell. Not part of the product.
#include <chrono>
#include <cstdio>
#include <vector>
#include <cstddef>
#include <cstdlib>
__attribute__((noinline))
void gsPartialRow(int w, const float* a, const float* inv, size_t n, ptrdiff_t pw, bool forward, const float *__restrict xI,
                  const float *__restrict xQ, const float *__restrict fI,
                  const float *__restrict fQ, float *__restrict tI, float *__restrict tQ,
                  float *__restrict tc)
{
    const float *__restrict aOther = a + (forward ? 5 : 3) * n;
    const float *__restrict aDep = a + (forward ? 3 : 5) * n;
    const ptrdiff_t oOther = forward ? 1 : -1;
    for (int i = 0; i < w; ++i) {
        const float a0 = a[i], a1 = a[n + i], a2 = a[2 * n + i], a6 = a[6 * n + i],
                    a7 = a[7 * n + i], a8 = a[8 * n + i], ao = aOther[i];
        const float sI = fI[i] - a0 * xI[i - pw - 1] - a1 * xI[i - pw] - a2 * xI[i - pw + 1] -
                         a6 * xI[i + pw - 1] - a7 * xI[i + pw] - a8 * xI[i + pw + 1] -
                         ao * xI[i + oOther];
        const float sQ = fQ[i] - a0 * xQ[i - pw - 1] - a1 * xQ[i - pw] - a2 * xQ[i - pw + 1] -
                         a6 * xQ[i + pw - 1] - a7 * xQ[i + pw] - a8 * xQ[i + pw + 1] -
                         ao * xQ[i + oOther];
        tI[i] = sI * inv[i];
        tQ[i] = sQ * inv[i];
        tc[i] = aDep[i] * inv[i];
    }
}
__attribute__((noinline))
void rec(int w, float* xI, float* xQ, const float* tI, const float* tQ, const float* tc) {
    constexpr int s = 1; int i = 0;
    float pI = xI[i - s], pQ = xQ[i - s];
    for (int left = w; left >= 2; left -= 2, i += 2 * s) {
        const float c0 = tc[i], c1 = tc[i + s];
        const float u = c1 * c0;
        const float vI = tI[i + s] - c1 * tI[i], vQ = tQ[i + s] - c1 * tQ[i];
        xI[i] = tI[i] - c0 * pI;
        xQ[i] = tQ[i] - c0 * pQ;
        pI = vI + u * pI;
        pQ = vQ + u * pQ;
        xI[i + s] = pI;
        xQ[i + s] = pQ;
    }
}
int main(int argc, char** argv) {
    int W = atoi(argv[1]), H = atoi(argv[2]);
    int pw = W + 2, ph = H + 2; size_t n = size_t(pw) * ph;
    std::vector<float> a(9 * n, 0.1f), inv(n, 1.f), x(2 * n, 0.5f), f(2 * n, 0.2f), s(3 * W);
    for (auto& v : a) v = (rand() % 1000) * 1e-4f;
    auto t0 = std::chrono::steady_clock::now();
    int reps = 50;
    for (int r = 0; r < reps; ++r)
        for (int y = 1; y <= H; ++y) {
            size_t p0 = size_t(y) * pw + 1;
            gsPartialRow(W, a.data() + p0, inv.data() + p0, n, pw, r & 1, x.data() + p0, x.data() + n + p0, f.data() + p0, f.data() + n + p0, s.data(), s.data() + W, s.data() + 2 * W);
        }
    auto t1 = std::chrono::steady_clock::now();
    for (int r = 0; r < reps; ++r)
        for (int y = 1; y <= H; ++y) {
            size_t p0 = size_t(y) * pw + 1;
            rec(W, x.data() + p0, x.data() + n + p0, s.data(), s.data() + W, s.data() + 2 * W);
        }
    auto t2 = std::chrono::steady_clock::now();
    double px = double(W) * H * reps;
    printf("partial %.2f ns/px  rec %.2f ns/px\n", std::chrono::duration<double, std::nano>(t1 - t0).count() / px, std::chrono::duration<double, std::nano>(t2 - t1).count() / px);
}
