#pragma once
// Internal to tincture_colour: a process-wide cache of the scribble solver's large blocks
// (its planes: the operator, interpolation, vectors of every level, the Krylov vectors).
//
// Why: a solver at 854×480 holds about 115 MB of planes and one at 1920×1080 about 575 MB, and
// each new solver (a keyframe opened, `bench scribble`'s cold runs) would otherwise ask the C
// library for them afresh. glibc returns big freed blocks to the kernel, and the next solver
// would then first touch fresh pages; on the 2-core development VM that costs 2.8 ms a MB,
// more than the solve itself (a cold 854×480 solve on fresh pages: about 340 ms against 138
// on recycled ones; docs/SCRIBBLE_SOLVER.md). Blocks freed here are kept, up to a limit, and
// handed to the next request of about the same size with their pages already mapped.
//
// Thread safety: every function may be called from any thread (one mutex; blocks are
// allocated a plane at a time, never in inner loops). Contents of a recycled block are stale,
// as with any allocation; and a plane's resize(n) does not zero what it adds (see
// RecycledAllocator::construct).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace tincture::colour::detail {

// Requests smaller than this go to the C library's heap, which reuses small blocks itself.
constexpr size_t kRecycledMinBytes = size_t(256) << 10;

// A block of at least `bytes` (64-byte aligned): a cached one within 1/8 of the size, or a
// new one. Throws std::bad_alloc as operator new does.
void *acquireBlock(size_t bytes);
// Gives back a block from acquireBlock (the cache knows its size); it is kept for reuse while
// the cache holds no more than its limit, the oldest cached blocks freed first.
void releaseBlock(void *block) noexcept;

struct RecycledMemoryStats
{
    size_t cachedBytes = 0; // held for reuse, not in use
    size_t cachedBlocks = 0;
    size_t liveBytes = 0; // handed out and not yet released
    size_t reused = 0;    // requests served from the cache since the process started
    size_t allocated = 0; // requests served with new memory
};
RecycledMemoryStats recycledMemoryStats();

template <class T> struct RecycledAllocator
{
    using value_type = T;
    RecycledAllocator() noexcept = default;
    template <class U> RecycledAllocator(const RecycledAllocator<U> &) noexcept {}
    T *allocate(size_t n)
    {
        if (n > size_t(-1) / sizeof(T))
            throw std::bad_array_new_length();
        const size_t bytes = n * sizeof(T);
        if (bytes < kRecycledMinBytes)
            return std::allocator<T>{}.allocate(n);
        return static_cast<T *>(acquireBlock(bytes));
    }
    void deallocate(T *p, size_t n) noexcept
    {
        if (n * sizeof(T) < kRecycledMinBytes)
            std::allocator<T>{}.deallocate(p, n);
        else
            releaseBlock(p);
    }
    // resize(n) and Plane(n) leave new elements default-initialised (floats unset), not
    // value-initialised: the solver's planes are mostly written whole before they are read, and
    // zeroing them first would be a single-threaded memset of about 500 MB a cold 1920×1080
    // solve.
    // Where zeros are needed the owner writes them (assign(n, 0), or zeroFrames and zeroFloats
    // in multigrid.h).
    template <class U> void construct(U *p) noexcept(std::is_nothrow_default_constructible_v<U>)
    {
        ::new (static_cast<void *>(p)) U;
    }
    template <class U, class... Args> void construct(U *p, Args &&...args)
    {
        ::new (static_cast<void *>(p)) U(std::forward<Args>(args)...);
    }
    template <class U> bool operator==(const RecycledAllocator<U> &) const noexcept { return true; }
};

// The solver's planes.
using Plane = std::vector<float, RecycledAllocator<float>>;
using MaskPlane = std::vector<uint8_t, RecycledAllocator<uint8_t>>;
using HalfPlane = std::vector<uint16_t, RecycledAllocator<uint16_t>>; // IEEE half floats

} // namespace tincture::colour::detail
