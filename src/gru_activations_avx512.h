/*
 * The float sigmoid and tanh of the forward gate pass for AVX-512, with
 * intrinsics (gcc and clang on x86-64; the AVX-512 build of the passes
 * includes it, see gru_cpu_internal.h): the primitives of
 * gru_activations_simd_tmpl.h, which holds the math, on 16 lanes.
 *
 * Why not the auto-vectorised gru_fast_math.h: the compiler keeps both of
 * its divisions (vdivps zmm is one result every 8-16 cycles) and builds 2^n
 * from integer bit operations; here 2^n is one vscalefps and 1/d is
 * vrcp14ps refined by one Newton step, which halves the cost of the pass
 * (the gate pass of the seed example spent ~1.5 ms in these two functions).
 *
 * Accuracy (tests/c, test_fast_math_simd, against double): vscalefps is
 * exact; a reciprocal after one Newton step from 14 bits is within ~1e-7
 * relative, so the sigmoid and the tanh stay below 4e-7 relative.
 */
#ifndef RINDOW_GRU_ACTIVATIONS_AVX512_H
#define RINDOW_GRU_ACTIVATIONS_AVX512_H

#include <stddef.h>
#include <immintrin.h>

#include "gru.h"
#include "gru_activations.h"
#include "gru_fast_math.h"

/* 1/d: the 14-bit estimate and one Newton step, y (2 - d y). */
GRU_WIDE512_ATTR static inline __m512 gru_recip_avx512(__m512 d)
{
	const __m512 y = _mm512_rcp14_ps(d);

	return _mm512_mul_ps(y, _mm512_fnmadd_ps(d, y, _mm512_set1_ps(2.0f)));
}

#define GRU_SIMD(name) name##_avx512
#define GRU_SIMD_ATTR GRU_WIDE512_ATTR
#define GRU_V __m512
#define GRU_V_MASK __mmask16
#define GRU_V_LANES 16
#define GRU_V_SET1(f) _mm512_set1_ps(f)
#define GRU_V_ADD(a, b) _mm512_add_ps(a, b)
#define GRU_V_SUB(a, b) _mm512_sub_ps(a, b)
#define GRU_V_MUL(a, b) _mm512_mul_ps(a, b)
#define GRU_V_MIN(a, b) _mm512_min_ps(a, b)
#define GRU_V_MAX(a, b) _mm512_max_ps(a, b)
#define GRU_V_AND(a, b) _mm512_and_ps(a, b)
#define GRU_V_ANDNOT(a, b) _mm512_andnot_ps(a, b)
#define GRU_V_OR(a, b) _mm512_or_ps(a, b)
#define GRU_V_FMADD(a, b, c) _mm512_fmadd_ps(a, b, c)
#define GRU_V_FNMADD(a, b, c) _mm512_fnmadd_ps(a, b, c)
#define GRU_V_LOADU(p) _mm512_loadu_ps(p)
#define GRU_V_STOREU(p, v) _mm512_storeu_ps(p, v)
#define GRU_V_ROUND(x) _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define GRU_V_SCALE2N(p, n) _mm512_scalef_ps(p, n)
#define GRU_V_RECIP(d) gru_recip_avx512(d)
#define GRU_V_DIV(a, b) _mm512_mul_ps(a, gru_recip_avx512(b))
#define GRU_V_TAIL(k) ((__mmask16)((1u << (k)) - 1))
#define GRU_V_MASKLOAD(p, m) _mm512_maskz_loadu_ps(m, p)
#define GRU_V_MASKSTORE(p, m, v) _mm512_mask_storeu_ps(p, m, v)
#include "gru_activations_simd_tmpl.h"

#endif /* RINDOW_GRU_ACTIVATIONS_AVX512_H */
