// Session 10 (docs/BENCHMARKS.md): what first touching 100 MB of fresh pages costs, page by
// page and populated in one call. Not part of the product.
#include <sys/mman.h>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
using clk = std::chrono::steady_clock;
double ms(clk::time_point a, clk::time_point b){return std::chrono::duration<double,std::milli>(b-a).count();}
int main(){
  size_t sz = 100u<<20;
  for (int rep=0; rep<3; ++rep){
  auto t0=clk::now();
  char* p=(char*)mmap(nullptr,sz,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0);
  for(size_t i=0;i<sz;i+=4096)p[i]=1;
  auto t1=clk::now(); munmap(p,sz);
  auto t2=clk::now();
  p=(char*)mmap(nullptr,sz,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE,-1,0);
  for(size_t i=0;i<sz;i+=4096)p[i]=1;
  auto t3=clk::now(); munmap(p,sz);
  auto t4=clk::now();
  p=(char*)mmap(nullptr,sz,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0);
  int rc=madvise(p,sz,MADV_POPULATE_WRITE);
  for(size_t i=0;i<sz;i+=4096)p[i]=1;
  auto t5=clk::now(); munmap(p,sz);
  printf("touch %.1f ms  populate %.1f ms  madv_populate(rc %d) %.1f ms\n", ms(t0,t1), ms(t2,t3), rc, ms(t4,t5));
  }
}
