// Session 11 (docs/BENCHMARKS.md): the Gauss-Seidel sweep's recurrence along a row,
// x_i = t_i - c_i x_{i-1}, as core/colour/multigrid.cpp has it (the 8-cell log-step scan,
// copied out) against the scalar loops it replaced (two and four cells a step): checked
// against a double-precision reference on several widths, then timed on an 854-cell row, min
// of 200 x 100 rows, in ns per cell. Not part of the product.
// g++ -O3 -march=x86-64-v3 -std=c++20 -Wno-psabi -o rk session11-recurrence.cpp && ./rk
// (built without -march, as the sweep's scalar loop was, for the plain x86-64 figures)
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>
#include <random>
#include <algorithm>
using Vec8 = float __attribute__((vector_size(32)));
using Lanes8 = int __attribute__((vector_size(32)));

[[gnu::always_inline]] inline Vec8 load8(const float *p)
{
    Vec8 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

[[gnu::always_inline]] inline void store8(float *p, Vec8 v) { std::memcpy(p, &v, sizeof v); }

// Lane j takes lane j − S of v going forward (j + S going back), and lane j of `outside`
// where that is past the step's end.
template <bool Forward, int S> constexpr int shiftLane(int j)
{
    if constexpr (Forward)
        return j >= S ? j - S : 8 + j;
    else
        return j + S < 8 ? j + S : 8 + j;
}

template <bool Forward, int S>
[[gnu::always_inline]] inline Vec8 shifted(Vec8 v, Vec8 outside)
{
    constexpr Lanes8 lanes = {shiftLane<Forward, S>(0), shiftLane<Forward, S>(1),
                              shiftLane<Forward, S>(2), shiftLane<Forward, S>(3),
                              shiftLane<Forward, S>(4), shiftLane<Forward, S>(5),
                              shiftLane<Forward, S>(6), shiftLane<Forward, S>(7)};
    return __builtin_shuffle(v, outside, lanes);
}

template <bool Forward, int S>
[[gnu::always_inline]] inline void scanStep(Vec8 &tI, Vec8 &tQ, Vec8 &k)
{
    const Vec8 zero = {}, one = zero + 1.0f;
    tI += k * shifted<Forward, S>(tI, zero);
    tQ += k * shifted<Forward, S>(tQ, zero);
    k *= shifted<Forward, S>(k, one);
}

template <bool Forward>
__attribute__((noinline)) void recurrenceRow(int w, const float *__restrict tI,
                                       const float *__restrict tQ, const float *__restrict tc,
                                       float *__restrict xI, float *__restrict xQ)
{
    constexpr int last = Forward ? 7 : 0; // the lane the next step starts from
    const Lanes8 all = {last, last, last, last, last, last, last, last};
    Vec8 pI = {}, pQ = {}; // the zero border, in every lane
    const int steps = w / 8;
    for (int step = 0; step < steps; ++step) {
        const int i = Forward ? 8 * step : w - 8 * (step + 1);
        Vec8 TI = load8(tI + i), TQ = load8(tQ + i), K = -load8(tc + i);
        scanStep<Forward, 1>(TI, TQ, K);
        scanStep<Forward, 2>(TI, TQ, K);
        scanStep<Forward, 4>(TI, TQ, K);
        store8(xI + i, TI + K * pI);
        store8(xQ + i, TQ + K * pQ);
        pI = __builtin_shuffle(TI, all) + __builtin_shuffle(K, all) * pI;
        pQ = __builtin_shuffle(TQ, all) + __builtin_shuffle(K, all) * pQ;
    }
    float qI = pI[0], qQ = pQ[0];
    for (int left = w - 8 * steps, i = Forward ? 8 * steps : left - 1; left > 0;
         --left, i += Forward ? 1 : -1) {
        qI = tI[i] - tc[i] * qI;
        qQ = tQ[i] - tc[i] * qQ;
        xI[i] = qI;
        xQ[i] = qQ;
    }
}

__attribute__((noinline)) void rec2(int w, float* xI, float* xQ, const float* tI, const float* tQ, const float* tc) {
    constexpr int s = 1; int i = 0;
    float pI = 0, pQ = 0;
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
__attribute__((noinline)) void rec4(int w, float* xI, float* xQ, const float* tI, const float* tQ, const float* tc) {
    constexpr int s = 1; int i = 0;
    float pI = 0, pQ = 0;
    for (int left = w; left >= 4; left -= 4, i += 4 * s) {
        const float c0 = tc[i], c1 = tc[i + s], c2 = tc[i + 2 * s], c3 = tc[i + 3 * s];
        const float k1 = c1 * c0, k2 = c2 * k1, k3 = c3 * k2;
        const float v1I = tI[i + s] - c1 * tI[i], v1Q = tQ[i + s] - c1 * tQ[i];
        const float v2I = tI[i + 2 * s] - c2 * v1I, v2Q = tQ[i + 2 * s] - c2 * v1Q;
        const float v3I = tI[i + 3 * s] - c3 * v2I, v3Q = tQ[i + 3 * s] - c3 * v2Q;
        xI[i] = tI[i] - c0 * pI;
        xQ[i] = tQ[i] - c0 * pQ;
        xI[i + s] = v1I + k1 * pI;
        xQ[i + s] = v1Q + k1 * pQ;
        xI[i + 2 * s] = v2I - k2 * pI;
        xQ[i + 2 * s] = v2Q - k2 * pQ;
        pI = v3I + k3 * pI;
        pQ = v3Q + k3 * pQ;
        xI[i + 3 * s] = pI;
        xQ[i + 3 * s] = pQ;
    }
}
int main(){
  int W=854; std::vector<float> tI(W),tQ(W),tc(W),xI(W+16),xQ(W+16),yI(W+16),yQ(W+16);
  std::mt19937 r(1); std::uniform_real_distribution<float> u(-1,1);
  for(int i=0;i<W;++i){tI[i]=u(r);tQ[i]=u(r);tc[i]=-0.3f*(u(r)+1)/2;}
  // correctness vs scalar double
  for (int fw=0; fw<2; ++fw) for(int w: {1,5,8,9,17,64,853}){ double p=0,pq=0,err=0; 
    if(fw){recurrenceRow<true>(w,tI.data(),tQ.data(),tc.data(),xI.data(),xQ.data()); for(int i=0;i<w;++i){p=tI[i]-tc[i]*p; pq=tQ[i]-tc[i]*pq; err=std::max(err,std::abs(p-xI[i])+std::abs(pq-xQ[i]));}}
    else {recurrenceRow<false>(w,tI.data(),tQ.data(),tc.data(),xI.data(),xQ.data()); for(int i=w-1;i>=0;--i){p=tI[i]-tc[i]*p; pq=tQ[i]-tc[i]*pq; err=std::max(err,std::abs(p-xI[i])+std::abs(pq-xQ[i]));}}
    if(err>1e-5) printf("BAD fw %d w %d err %g\n",fw,w,err);}
  for(int rep=0;rep<3;++rep){
  double best[4]={1e9,1e9,1e9,1e9};
  for(int t=0;t<200;++t){
    auto t0=std::chrono::steady_clock::now(); for(int k=0;k<100;++k) recurrenceRow<true>(W,tI.data(),tQ.data(),tc.data(),xI.data(),xQ.data());
    auto t1=std::chrono::steady_clock::now(); for(int k=0;k<100;++k) rec2(W,yI.data(),yQ.data(),tI.data(),tQ.data(),tc.data());
    auto t2=std::chrono::steady_clock::now(); for(int k=0;k<100;++k) rec4(W,yI.data(),yQ.data(),tI.data(),tQ.data(),tc.data());
    auto t2b=std::chrono::steady_clock::now(); best[3]=std::min(best[3],std::chrono::duration<double,std::nano>(t2b-t2).count()/(100.0*W)); for(int k=0;k<100;++k) recurrenceRow<false>(W,tI.data(),tQ.data(),tc.data(),xI.data(),xQ.data());
    auto t3=std::chrono::steady_clock::now();
    best[0]=std::min(best[0],std::chrono::duration<double,std::nano>(t1-t0).count()/(100.0*W));
    best[1]=std::min(best[1],std::chrono::duration<double,std::nano>(t2-t1).count()/(100.0*W));
    best[2]=std::min(best[2],std::chrono::duration<double,std::nano>(t3-t2b).count()/(100.0*W));
  }
  printf("scan fwd %.3f  scan back %.3f  two-cell scalar %.3f  four-cell scalar %.3f ns/cell\n",best[0],best[2],best[1],best[3]);}
}
