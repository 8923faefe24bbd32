// Session 12: ns per cell of one Gauss–Seidel sweep of the scribble solver (gsSweep) on a
// random Levin-like level, forward, backward and from zero, with level 0's half-precision
// coefficients (Level::sweepHalf) and without. Not part of the product. Build against a
// RelWithDebInfo build tree (from the repository root):
//   g++ -std=c++20 -O2 -Icore docs/experiments/session12-sweep.cpp -o sweep \
//       build/core/colour/libtincture_colour.a $(pkg-config --libs Qt6Core) -lpthread
//   ./sweep 2     (threads)
#include "colour/multigrid.h"
#include "colour/team.h"
#include <chrono>
#include <cstdio>
#include <random>
#include <algorithm>
using namespace tincture::colour::detail;
int main(int argc, char **argv) {
  int threads = atoi(argv[1]);
  Team team(threads);
  for (auto [w, h] : {std::pair{256, 128}, std::pair{854, 480}, std::pair{1920, 1080}}) {
    Level L; L.resize(w, h);
    L.fixed.assign(L.cells(), 0);
    std::mt19937 rng(1); std::uniform_real_distribution<float> u(0.01f, 1.0f);
    size_t n = L.cells();
    for (int y = 0; y < h; ++y) for (int x = 0; x < w; ++x) { size_t p = L.index(x, y); float s = 0, v[9];
      for (int k = 0; k < 9; ++k) { int sx = x + k % 3 - 1, sy = y + k / 3 - 1; v[k] = (k == 4 || sx < 0 || sy < 0 || sx >= w || sy >= h) ? 0 : u(rng); s += v[k]; }
      for (int k = 0; k < 9; ++k) L.a[k * n + p] = k == 4 ? 1.0f : -v[k] / s; L.invDiag[p] = 1.0f; L.f[p] = u(rng); L.f[n + p] = u(rng); }
    std::vector<float> scratch(size_t(threads) * 6 * L.pw);
    for (int half = 0; half < 2; ++half) {
    if (half) buildSweepCoefficients(L, team); else L.sweepHalf.clear();
    double best[3] = {1e9, 1e9, 1e9};
    int reps = std::max(10, int(4e7 / (double(w) * h)));
    for (int r = 0; r < reps; ++r) {
      auto t0 = std::chrono::steady_clock::now(); gsSweep(L, true, team, scratch.data(), false);
      auto t1 = std::chrono::steady_clock::now(); gsSweep(L, false, team, scratch.data(), false);
      auto t2 = std::chrono::steady_clock::now(); gsSweep(L, true, team, scratch.data(), true);
      auto t3 = std::chrono::steady_clock::now();
      auto ns = [&](auto a, auto b) { return std::chrono::duration<double, std::nano>(b - a).count() / (double(w) * h); };
      best[0] = std::min(best[0], ns(t0, t1)); best[1] = std::min(best[1], ns(t1, t2)); best[2] = std::min(best[2], ns(t2, t3));
    }
    printf("%dx%d t%d %s: forward %.2f ns/cell, backward %.2f, from zero %.2f\n", w, h, threads, half ? "half" : "full", best[0], best[1], best[2]);
    }
  }
}
