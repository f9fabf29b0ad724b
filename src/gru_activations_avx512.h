/*
 * The float sigmoid and tanh of the forward gate pass, written for AVX-512
 * with intrinsics (gcc and clang on x86-64; the AVX-512 build of the
 * passes includes it, see gru_cpu_internal.h).
 *
 * Why not the auto-vectorised gru_fast_math.h: the compiler keeps both of
 * its divisions (vdivps zmm is one result every 8-16 cycles) and builds 2^n
 * from integer bit operations; here 2^n is one vscalefps and 1/d is
 * vrcp14ps refined by one Newton step, which halves the cost of the pass
 * (the gate pass of the seed example spent ~1.5 ms in these two functions).
 *
 * Accuracy (tests/c, test_fast_math_avx512, against double): exp as in
 * gru_fast_math.h (the same range reduction and polynomial; vscalefps is
 * exact); a reciprocal after one Newton step is within ~1e-7 relative, so
 * the sigmoid stays below 3e-7 relative and the tanh below 4e-7 relative
 * (its |x| < 0.25 branch is the same Taylor polynomial). NaN propagates;
 * +-inf saturate as in gru_fast_math.h.
 */
#ifndef RINDOW_GRU_ACTIVATIONS_AVX512_H
#define RINDOW_GRU_ACTIVATIONS_AVX512_H

#include <stddef.h>
#include <immintrin.h>

#include "gru.h"
#include "gru_activations.h"
#include "gru_fast_math.h"

/* e^x for 16 lanes; the argument clamped as gru_fast_expf() clamps it (NaN kept). */
GRU_WIDE512_ATTR static inline __m512 gru_exp_avx512(__m512 x)
{
	const __m512 log2e = _mm512_set1_ps(1.44269504088896341f);
	__m512 n, r, p;

	/* min/max return their second operand when either is NaN: x second keeps NaN */
	x = _mm512_min_ps(_mm512_set1_ps(GRU_FAST_EXPF_HI), x);
	x = _mm512_max_ps(_mm512_set1_ps(GRU_FAST_EXPF_LO), x);
	n = _mm512_roundscale_ps(_mm512_mul_ps(x, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
	r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
	r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
	p = _mm512_set1_ps(1.9875691500e-4f);
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
	p = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
	return _mm512_scalef_ps(p, n);
}

/* 1/d: the 14-bit estimate and one Newton step, y (2 - d y). */
GRU_WIDE512_ATTR static inline __m512 gru_recip_avx512(__m512 d)
{
	const __m512 y = _mm512_rcp14_ps(d);

	return _mm512_mul_ps(y, _mm512_fnmadd_ps(d, y, _mm512_set1_ps(2.0f)));
}

GRU_WIDE512_ATTR static inline __m512 gru_sigmoid_avx512(__m512 x)
{
	const __m512 e = gru_exp_avx512(_mm512_sub_ps(_mm512_setzero_ps(), x));

	return gru_recip_avx512(_mm512_add_ps(_mm512_set1_ps(1.0f), e));
}

GRU_WIDE512_ATTR static inline __m512 gru_tanh_avx512(__m512 x)
{
	const __m512 sign = _mm512_set1_ps(-0.0f);
	const __m512 ax = _mm512_andnot_ps(sign, x);
	const __m512 x2 = _mm512_mul_ps(x, x);
	const __m512 e = gru_exp_avx512(_mm512_mul_ps(ax, _mm512_set1_ps(-2.0f)));
	const __m512 one = _mm512_set1_ps(1.0f);
	const __m512 big = _mm512_mul_ps(_mm512_sub_ps(one, e), gru_recip_avx512(_mm512_add_ps(one, e)));
	__m512 small = _mm512_fmadd_ps(x2, _mm512_set1_ps(0.0218694885f), _mm512_set1_ps(-0.0539682540f));
	__mmask16 tiny;

	small = _mm512_fmadd_ps(x2, small, _mm512_set1_ps(0.133333333f));
	small = _mm512_fmadd_ps(x2, small, _mm512_set1_ps(-0.333333333f));
	small = _mm512_fmadd_ps(x2, small, one);
	small = _mm512_mul_ps(ax, small);
	/* |x| < 0.25 (false for NaN, which then takes `big`, NaN too) */
	tiny = _mm512_cmp_ps_mask(ax, _mm512_set1_ps(0.25f), _CMP_LT_OQ);
	return _mm512_or_ps(_mm512_mask_blend_ps(tiny, big, small), _mm512_and_ps(x, sign));
}

/* x[i] = sigmoid(x[i]) (is_tanh = 0) or tanh(x[i]) (is_tanh = 1) for i < n, the tail masked. */
GRU_WIDE512_ATTR static inline void gru_activate_row_avx512(float *x, size_t n, int is_tanh)
{
	size_t i;

	for (i = 0; i + 16 <= n; i += 16) {
		const __m512 v = _mm512_loadu_ps(x + i);

		_mm512_storeu_ps(x + i, is_tanh ? gru_tanh_avx512(v) : gru_sigmoid_avx512(v));
	}
	if (i < n) {
		const __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
		const __m512 v = _mm512_maskz_loadu_ps(m, x + i);

		_mm512_mask_storeu_ps(x + i, m, is_tanh ? gru_tanh_avx512(v) : gru_sigmoid_avx512(v));
	}
}

GRU_WIDE512_ATTR static inline void gru_sigmoid_row_avx512(float *x, size_t n)
{
	gru_activate_row_avx512(x, n, 0);
}

GRU_WIDE512_ATTR static inline void gru_tanh_row_avx512(float *x, size_t n)
{
	gru_activate_row_avx512(x, n, 1);
}

/* gru_apply_activation_f32() with the two transcendental activations above. */
GRU_WIDE512_ATTR static inline void gru_apply_activation_avx512(gru_activation act, float *x, size_t n)
{
	if (act == GRU_ACT_SIGMOID) {
		gru_sigmoid_row_avx512(x, n);
	} else if (act == GRU_ACT_TANH) {
		gru_tanh_row_avx512(x, n);
	} else {
		gru_apply_activation_f32(act, x, n);
	}
}

#endif /* RINDOW_GRU_ACTIVATIONS_AVX512_H */
