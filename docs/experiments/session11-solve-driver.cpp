// Session 11 (docs/BENCHMARKS.md): a stand-alone driver for ScribbleSolver. It makes a
// synthetic grey frame (a gradient, blocks, grain) with 60 random strokes, solves it cold
// REPS times and prints the solve's statistics, an FNV hash of the solved chroma planes (to
// check that a change leaves the numbers identical to the bit) and, with REPS > 1, the min,
// first quartile and median of setLuma + setConstraints + solve. Not part of the product.
// Build against a build tree's libraries (from the checkout's root, after building):
//   g++ -std=c++20 -O2 -fPIC -Icore -Ibuild/core/foundation $(pkg-config --cflags Qt6Core) \
//     docs/experiments/session11-solve-driver.cpp -o drv build/core/colour/libtincture_colour.a \
//     build/core/media/libtincture_media.a build/core/foundation/libtincture_foundation.a \
//     $(pkg-config --libs Qt6Core) -fopenmp
//   ./drv WIDTH HEIGHT THREADS [REPS]
#include "colour/scribblesolver.h"
#include <cstdio>
#include <cstring>
#include <random>
#include <cmath>
#include <chrono>
#include <algorithm>
using namespace tincture;
using namespace tincture::colour;
static uint64_t fnv(const std::vector<float>& v){uint64_t h=1469598103934665603ull; for(float f:v){uint32_t b; memcpy(&b,&f,4); for(int i=0;i<4;++i){h^=(b>>(8*i))&255; h*=1099511628211ull;}} return h;}
int main(int argc,char**argv){
  int W=atoi(argv[1]),H=atoi(argv[2]),threads=atoi(argv[3]);
  std::mt19937 rng(7); std::uniform_real_distribution<float> u(0,1); std::normal_distribution<float> g(0,0.03f);
  std::vector<float> Y(size_t(W)*H);
  for(int y=0;y<H;++y)for(int x=0;x<W;++x){ float v=0.3f+0.4f*x/W; int sx=x*8/W, sy=y*6/H; if((sx+sy)%3==0) v=0.15f+0.1f*((sx*7+sy*3)%5); v+=g(rng); Y[size_t(y)*W+x]=std::clamp(v,0.f,1.f);}  
  ChromaConstraints c; size_t n=Y.size(); c.hintMask.assign(n,0); c.hintI.assign(n,0); c.hintQ.assign(n,0);
  for(int s=0;s<60;++s){ int x0=int(u(rng)*W), y0=int(u(rng)*H); float I=u(rng)-0.5f,Q=u(rng)-0.5f; for(int k=0;k<W/8;++k){int x=std::min(W-1,x0+k), y=std::min(H-1,y0+int(k*0.3f)); for(int t=0;t<3&&y+t<H;++t){size_t p=size_t(y+t)*W+x; c.hintMask[p]=1;c.hintI[p]=I;c.hintQ[p]=Q;}}}
  ScribbleSolverOptions o; o.threads=threads; ScribbleSolver s(o);
  int reps = argc > 4 ? atoi(argv[4]) : 1; std::vector<double> ts;
  Feedback fb; Result<SolveStats> st = SolveStats{};
  for (int r = 0; r < reps; ++r) { auto t0 = std::chrono::steady_clock::now(); s.setLuma(W,H,Y); s.setConstraints(c); st=s.solve(fb,false); ts.push_back(std::chrono::duration<double,std::milli>(std::chrono::steady_clock::now()-t0).count()); }
  std::sort(ts.begin(), ts.end()); if (reps > 1) printf("min %.1f  q1 %.1f  median %.1f ms\n", ts[0], ts[reps/4], ts[reps/2]);
  printf("%dx%d t%d: cycles %d it %d corr %d res %.6g fb %d  hash %016llx %016llx\n",W,H,threads,st->cycles,st->iterations,st->corrections,st->relativeResidual,int(st->symmetricFallback),(unsigned long long)fnv(s.chromaI()),(unsigned long long)fnv(s.chromaQ()));
}
