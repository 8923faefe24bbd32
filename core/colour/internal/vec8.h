#pragma once
// Internal to tincture_colour: eight floats as one GCC vector, for the kernels written for
// x86-64-v3 (AVX2, FMA, F16C) by hand (gaussseidel.cpp, halfprecision.cpp), and the half
// floats level 0's smoother and restriction read (multigrid.h, Level::sweepHalf). Defined only
// where GCC builds for x86-64 (TINCTURE_VEC8); everything here is inlined into functions built
// for x86-64-v3, so no vector crosses a call (GCC's note that passing one changes the ABI
// without AVX does not apply; -Wno-psabi in core/colour/CMakeLists.txt).

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define TINCTURE_VEC8 1

#include <cstdint>
#include <cstring>
#include <immintrin.h>

namespace tincture::colour::detail {

using Vec8 = float __attribute__((vector_size(32)));
using Lanes8 = int __attribute__((vector_size(32)));

[[gnu::always_inline]] inline Vec8 load8(const float *p)
{
    Vec8 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

[[gnu::always_inline]] inline void store8(float *p, Vec8 v)
{
    std::memcpy(p, &v, sizeof v);
}

// Eight half floats, widened (exactly).
[[gnu::always_inline]] __attribute__((target("arch=x86-64-v3"))) inline Vec8
loadHalf8(const uint16_t *p)
{
    __m128i h;
    std::memcpy(&h, p, sizeof h);
    return Vec8(_mm256_cvtph_ps(h));
}

[[gnu::always_inline]] __attribute__((target("arch=x86-64-v3"))) inline float
halfAt(const uint16_t *p)
{
    return _cvtsh_ss(*p);
}

[[gnu::always_inline]] __attribute__((target("arch=x86-64-v3"))) inline float
halfToFloat(uint16_t h)
{
    return _cvtsh_ss(h);
}

// Eight floats rounded to the nearest half floats.
[[gnu::always_inline]] __attribute__((target("arch=x86-64-v3"))) inline void storeHalf8(uint16_t *p,
                                                                                        Vec8 v)
{
    const __m128i h = _mm256_cvtps_ph(__m256(v), _MM_FROUND_TO_NEAREST_INT);
    std::memcpy(p, &h, sizeof h);
}

[[gnu::always_inline]] __attribute__((target("arch=x86-64-v3"))) inline uint16_t toHalf(float v)
{
    return _cvtss_sh(v, _MM_FROUND_TO_NEAREST_INT);
}

} // namespace tincture::colour::detail

#endif
