// Session 13 (docs/BENCHMARKS.md): the bench frame of `tincture-cli bench scribble` (the same
// picture and strokes, copied from app/cli/cmd_bench_scribble.cpp) solved cold with given
// solver options, against a converged solve (tolerance 1e-9): cycles + iterations, the
// corrections, the final relative residual, dB from the converged chroma and the min and
// median time of REPS solves (setLuma + setConstraints + solve). Not part of the product.
// Build against a build tree's libraries (from the checkout's root, after building):
//   g++ -std=c++20 -O2 -Icore -Ibuild/core/foundation $(pkg-config --cflags Qt6Core) \
//     docs/experiments/session13-options.cpp -o opts build/core/colour/libtincture_colour.a \
//     build/core/media/libtincture_media.a build/core/foundation/libtincture_foundation.a \
//     $(pkg-config --libs Qt6Core) -fopenmp
//   OMP_WAIT_POLICY=PASSIVE ./opts WIDTH HEIGHT REPS TOL CTOL GAIN [TOL CTOL GAIN …]
// (TOL: ScribbleSolverOptions::tolerance, CTOL: correctionTolerance, GAIN: stationaryGain.)
#include "colour/scribblesolver.h"
#include "colour/colourspace.h"
#include <cstdio>
#include <cstdlib>
#include <random>
#include <cmath>
#include <chrono>
#include <algorithm>
using namespace tincture; using namespace tincture::colour;
struct P { int width, height; std::vector<float> luma; ChromaConstraints constraints; size_t scribbled = 0; };
void addStroke(P &p, std::mt19937 &rng, size_t limit) {
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    float x = u(rng) * p.width, y = u(rng) * p.height; const float angle = u(rng) * 6.2832f;
    const Yiq c = rgbToYiq(u(rng), u(rng), u(rng)); const int length = int(20 + 60 * u(rng));
    for (int s = 0; s < length && p.scribbled < limit; ++s) { x += std::cos(angle); y += std::sin(angle);
        for (int oy = -1; oy <= 1; ++oy) for (int ox = -1; ox <= 1; ++ox) { const int xi = int(x) + ox, yi = int(y) + oy;
            if (xi < 0 || yi < 0 || xi >= p.width || yi >= p.height) continue; const size_t i = size_t(yi) * p.width + xi;
            p.scribbled += p.constraints.hintMask[i] ? 0 : 1; p.constraints.hintMask[i] = 1; p.constraints.hintI[i] = c.i; p.constraints.hintQ[i] = c.q; } } }
P make(int w, int h, double fraction) {
    P p; p.width = w; p.height = h; std::mt19937 rng(1); std::uniform_real_distribution<float> u(0.0f, 1.0f);
    std::normal_distribution<float> grain(0.0f, 0.02f);
    struct Shape { float cx, cy, r, v; bool disc; }; std::vector<Shape> shapes;
    for (int k = 0; k < 24; ++k) shapes.push_back({u(rng) * w, u(rng) * h, (0.04f + 0.15f * u(rng)) * std::min(w, h), u(rng), u(rng) < 0.5f});
    const size_t n = size_t(w) * h; p.luma.resize(n);
    for (int y = 0; y < h; ++y) for (int x = 0; x < w; ++x) { float v = 0.25f + 0.5f * float(x + y) / float(w + h);
        for (const Shape &s : shapes) { const float dx = x - s.cx, dy = y - s.cy;
            if (s.disc ? dx * dx + dy * dy < s.r * s.r : (std::abs(dx) < s.r && std::abs(dy) < 0.6f * s.r)) v = s.v + 0.1f * std::sin(0.05f * x); }
        p.luma[size_t(y) * w + x] = std::clamp(v + grain(rng), 0.0f, 1.0f); }
    p.constraints.hintMask.assign(n, 0); p.constraints.hintI.assign(n, 0.0f); p.constraints.hintQ.assign(n, 0.0f);
    const size_t want = size_t(fraction * double(n)); while (p.scribbled < want) addStroke(p, rng, want); return p; }
double psnr(const std::vector<float>&a,const std::vector<float>&b,const std::vector<float>&c,const std::vector<float>&d){double s=0;for(size_t i=0;i<a.size();++i){double e=a[i]-c[i],f=b[i]-d[i];s+=e*e+f*f;}s/=2*a.size();return 10*log10(1.0/s);}
int main(int argc, char **argv) {
    int W = atoi(argv[1]), H = atoi(argv[2]); int reps = atoi(argv[3]);
    P p = make(W, H, 0.05); Feedback fb;
    ScribbleSolverOptions ro; ro.tolerance = 1e-9; ro.threads = 2; ScribbleSolver ref(ro);
    (void)ref.setLuma(W, H, p.luma); (void)ref.setConstraints(p.constraints); auto rs = ref.solve(fb, false);
    printf("reference it %d res %.3g\n", rs->iterations, rs->relativeResidual);
    for (int a = 4; a + 2 < argc + 0 && a + 2 <= argc - 1; a += 3) {
        ScribbleSolverOptions o; o.threads = 2; o.tolerance = atof(argv[a]); o.correctionTolerance = atof(argv[a+1]); o.stationaryGain = atof(argv[a+2]);
        std::vector<double> ts; Result<SolveStats> st = SolveStats{}; ScribbleSolver s(o);
        for (int r = 0; r < reps; ++r) { auto t0 = std::chrono::steady_clock::now(); (void)s.setLuma(W, H, p.luma); (void)s.setConstraints(p.constraints); st = s.solve(fb, false);
            ts.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count()); }
        std::sort(ts.begin(), ts.end());
        printf("tol %g ctol %g gain %g: %d + %d corr %d res %.3g  %.1f dB  min %.1f med %.1f ms\n", o.tolerance, o.correctionTolerance, o.stationaryGain,
               st->cycles, st->iterations, st->corrections, st->relativeResidual, psnr(s.chromaI(), s.chromaQ(), ref.chromaI(), ref.chromaQ()), ts[0], ts[reps/2]);
    }
}
