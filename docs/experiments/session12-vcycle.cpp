// Session 12: milliseconds of one V-cycle (Hierarchy::precondition, the minimum over runs) on
// a random Levin-like level 0 (rows of random affinities summing to zero, 5 % fixed rows,
// row weights from buildRowWeights), with level 0's half-precision copy (Level::sweepHalf)
// and without, alternating. Not part of the product. Build against a RelWithDebInfo build
// tree (from the repository root):
//   g++ -std=c++20 -O2 -Icore docs/experiments/session12-vcycle.cpp -o vcyc \
//       build/core/colour/libtincture_colour.a $(pkg-config --libs Qt6Core) -lpthread
//   ./vcyc 2 1920 1080 12     (threads, width, height, rounds)
#include "colour/multigrid.h"
#include "colour/team.h"
#include <chrono>
#include <cstdio>
#include <random>
#include <algorithm>
using namespace tincture::colour::detail;
int main(int argc, char **argv) {
  int threads = atoi(argv[1]); int W = atoi(argv[2]), H = atoi(argv[3]);
  Team team(threads);
  Hierarchy h; h.levels.resize(1); Level &L = h.levels[0]; L.resize(W, H);
  L.fixed.assign(L.cells(), 0); L.rowScale.assign(L.cells(), 0.0f);
  std::mt19937 rng(1); std::uniform_real_distribution<float> u(0.0f, 1.0f);
  size_t n = L.cells();
  for (int y = 0; y < H; ++y) for (int x = 0; x < W; ++x) { size_t p = L.index(x, y); L.a[4*n+p] = 1.0f;
    if (u(rng) < 0.05f) { L.fixed[p] = 1; L.rowScale[p] = 1.0f; continue; }
    float s = 0, v[9];
    for (int k = 0; k < 9; ++k) { int sx = x + k % 3 - 1, sy = y + k / 3 - 1; v[k] = (k == 4 || sx < 0 || sy < 0 || sx >= W || sy >= H) ? 0 : u(rng) * u(rng) + 1e-4f; s += v[k]; }
    for (int k = 0; k < 9; ++k) if (k != 4) L.a[k*n+p] = -v[k] / s; L.rowScale[p] = s; }
  buildRowWeights(L, team);
  Plane v(2 * n, 0.0f), z(2 * n, 0.0f);
  for (int y = 0; y < H; ++y) for (int x = 0; x < W; ++x) { v[L.index(x,y)] = u(rng) - 0.5f; v[n + L.index(x,y)] = u(rng) - 0.5f; }
  int reps = atoi(argv[4]);
  double best[2] = {1e9, 1e9};
  for (int r = 0; r < reps; ++r) for (int half = 0; half < 2; ++half) {
    h.halfSweeps = half; h.build(team);
    for (int k = 0; k < 3; ++k) {
      auto t0 = std::chrono::steady_clock::now(); h.precondition(v, z);
      best[half] = std::min(best[half], std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count()); }
  }
  printf("%dx%d t%d V-cycle: full %.2f ms, half %.2f ms\n", W, H, threads, best[0], best[1]);
}
