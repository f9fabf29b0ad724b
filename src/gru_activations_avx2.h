/*
 * The float sigmoid and tanh of the forward gate pass for AVX2 and FMA,
 * with intrinsics (gcc and clang on x86-64; the AVX2 build of the passes
 * includes it, see gru_cpu_internal.h): the primitives of
 * gru_activations_simd_tmpl.h, which holds the math, on 8 lanes. It
 * serves CPUs without AVX-512 (AMD before Zen 4, Intel's client cores).
 *
 * Why not the auto-vectorised gru_fast_math.h: gcc turns its clamps
 * into compare-and-blend pairs and, in the ISO C modes (-std=c99, which
 * the C tests and the benchmark use), does not contract its multiply-adds
 * into FMAs. On an AMD EPYC (Zen 3) the two gate functions of the seed
 * example's forward took 11% of its cycles under the benchmark's flags
 * (perf record). Here the clamps are min/max and the polynomials FMAs
 * whatever the flags. A row of 256 floats, in cycles (perf stat, best
 * of 6-8 runs, two rounds): 0.55-0.65 of the auto-vectorised code's under
 * -std=c99, 0.7-0.85 (sigmoid) and 0.75-0.8 (tanh) under the GNU mode
 * that builds the extension.
 *
 * Unlike the AVX-512 twin, 1/d and the tanh's ratio are divisions. vrcpps
 * is a 12-bit estimate: one Newton step leaves up to 1.3e-7 relative,
 * within the bounds but not exact where it matters (1/2 came out
 * 0.49999997 and 1/1 0.99999994 on Zen 3: sigmoid(0) would not be 0.5
 * nor tanh saturate to 1), and two steps took more cycles than vdivps
 * there (the divider runs beside the FMA pipes the polynomial needs).
 *
 * Accuracy (tests/c, test_fast_math_simd, against double), measured on
 * Zen 3 over [-20, 20] and tiny arguments: sigmoid below 1.9e-7 relative,
 * tanh below 1.7e-7; the test asserts 4e-7.
 */
#ifndef RINDOW_GRU_ACTIVATIONS_AVX2_H
#define RINDOW_GRU_ACTIVATIONS_AVX2_H

#include <stddef.h>
#include <immintrin.h>

#include "gru.h"
#include "gru_activations.h"
#include "gru_fast_math.h"

/*
 * p * 2^n for an integral n in [-126, 127]: 2^n built in the exponent
 * bits (AVX2 has no vscalefps). A NaN n converts to INT_MIN, whose bits
 * make 1.0, and p is NaN then too.
 */
GRU_WIDE_ATTR static inline __m256 gru_scale2n_avx2(__m256 p, __m256 n)
{
	const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);

	return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

/* The first k lanes (0 < k < 8) with their sign bit set, for maskload and maskstore. */
GRU_WIDE_ATTR static inline __m256i gru_tail_avx2(size_t k)
{
	return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)k), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

#define GRU_SIMD(name) name##_avx2
#define GRU_SIMD_ATTR GRU_WIDE_ATTR
#define GRU_V __m256
#define GRU_V_MASK __m256i
#define GRU_V_LANES 8
#define GRU_V_SET1(f) _mm256_set1_ps(f)
#define GRU_V_ADD(a, b) _mm256_add_ps(a, b)
#define GRU_V_SUB(a, b) _mm256_sub_ps(a, b)
#define GRU_V_MUL(a, b) _mm256_mul_ps(a, b)
#define GRU_V_MIN(a, b) _mm256_min_ps(a, b)
#define GRU_V_MAX(a, b) _mm256_max_ps(a, b)
#define GRU_V_AND(a, b) _mm256_and_ps(a, b)
#define GRU_V_ANDNOT(a, b) _mm256_andnot_ps(a, b)
#define GRU_V_OR(a, b) _mm256_or_ps(a, b)
#define GRU_V_FMADD(a, b, c) _mm256_fmadd_ps(a, b, c)
#define GRU_V_FNMADD(a, b, c) _mm256_fnmadd_ps(a, b, c)
#define GRU_V_LOADU(p) _mm256_loadu_ps(p)
#define GRU_V_STOREU(p, v) _mm256_storeu_ps(p, v)
#define GRU_V_ROUND(x) _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define GRU_V_SCALE2N(p, n) gru_scale2n_avx2(p, n)
#define GRU_V_RECIP(d) _mm256_div_ps(_mm256_set1_ps(1.0f), d)
#define GRU_V_DIV(a, b) _mm256_div_ps(a, b)
#define GRU_V_TAIL(k) gru_tail_avx2(k)
#define GRU_V_MASKLOAD(p, m) _mm256_maskload_ps(p, m)
#define GRU_V_MASKSTORE(p, m, v) _mm256_maskstore_ps(p, m, v)
#include "gru_activations_simd_tmpl.h"

#endif /* RINDOW_GRU_ACTIVATIONS_AVX2_H */
