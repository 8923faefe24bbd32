#pragma once
// What every Tincture program sets first in main(), before any thread starts.

namespace tincture {

// - OpenMP threads (scribble solver, LibTorch) sleep instead of spinning when idle
//   (OMP_WAIT_POLICY=PASSIVE): on a busy two-core laptop spinning makes every parallel region
//   several times slower. The user's own setting wins.
// - glibc's allocator keeps freed memory for reuse instead of handing it back to the system:
//   no block is served by its own mmap (by default every block over 32 MB is, and freed with
//   munmap), and up to kKeptFreeBytes of free memory stays at the heap's top. The learned
//   propagation allocates and frees tensors of tens of megabytes every frame; each fresh
//   mapping is paid again in page faults, which took most of its time (docs/BENCHMARKS.md).
//   A user's MALLOC_* environment variables are overridden. No effect on other C libraries.
void setUpProcess();

inline constexpr long kKeptFreeBytes = 512L * 1024 * 1024;

} // namespace tincture
