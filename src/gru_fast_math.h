/*
 * Branch-free float exp and tanh that gcc can auto-vectorise, for the
 * float gate passes of the CPU backend. double uses libm's exp and tanh.
 *
 * gru_fast_expf(x): Cody-Waite range reduction x = n*ln2 + r, |r| <= ln2/2,
 * and Cephes' degree-7 polynomial for e^r (the same one as Cephes expf),
 * scaled by 2^n built in the exponent bits. Measured against double exp
 * over [-87.3, 88] (tests/c, test_fast_math, 4M points): relative error
 * below 8.1e-8, i.e. within 1 ulp (the test asserts < 3e-7). The argument is clamped to [GRU_FAST_EXPF_LO,
 * GRU_FAST_EXPF_HI], so a finite input never yields inf or 0:
 * x >= 88 gives exp(88) ~ 1.65e38, x <= -87.34 gives ~1.18e-38 (FLT_MIN).
 * NaN propagates (comparisons with NaN are false, so the clamp keeps it).
 * +inf gives exp(88), -inf gives FLT_MIN.
 *
 * gru_fast_tanhf(x): for |x| < 0.25 a Taylor polynomial to x^9 (relative
 * error < 1e-8 there); otherwise (1 - e)/(1 + e) with e = exp(-2|x|).
 * Measured over [-20, 20] and tiny arguments: relative error below 1.7e-7
 * (about 1.5 ulp; the test asserts < 4e-7). Saturates to +-1 exactly for
 * |x| > ~9. The float sigmoid 1/(1 + gru_fast_expf(-x)) measures below
 * 1.5e-7 relative.
 *
 * Nothing here depends on the rounding mode or on errno; no table lookups,
 * so every function is a straight line of arithmetic that vectorises.
 */
#ifndef RINDOW_GRU_FAST_MATH_H
#define RINDOW_GRU_FAST_MATH_H

#include <stdint.h>
#include <string.h>

#ifndef GRU_INLINE
# if defined(__GNUC__)
#  define GRU_INLINE static inline __attribute__((always_inline))
# else
#  define GRU_INLINE static inline
# endif
#endif

#define GRU_FAST_EXPF_HI 88.0f
#define GRU_FAST_EXPF_LO -87.336544f

/*
 * The constants, named once for the scalar functions here and the vector
 * ones of gru_activations_simd_tmpl.h, which must compute the same
 * formulas: log2(e); ln 2 split into a high part exact in 9 bits and the
 * rest (Cody-Waite); e^r - 1 - r = r^2 (P5 + P4 r + ... + P0 r^5); and
 * tanh(x) = x (1 + x^2 (T1 + x^2 (T2 + x^2 (T3 + x^2 T4)))) for |x|
 * below GRU_FAST_TANHF_SMALL.
 */
#define GRU_FAST_LOG2E 1.44269504088896341f
#define GRU_FAST_LN2_HI 0.693359375f
#define GRU_FAST_LN2_LO -2.12194440e-4f
#define GRU_FAST_EXPF_P0 1.9875691500e-4f
#define GRU_FAST_EXPF_P1 1.3981999507e-3f
#define GRU_FAST_EXPF_P2 8.3334519073e-3f
#define GRU_FAST_EXPF_P3 4.1665795894e-2f
#define GRU_FAST_EXPF_P4 1.6666665459e-1f
#define GRU_FAST_EXPF_P5 5.0000001201e-1f
#define GRU_FAST_TANHF_SMALL 0.25f
#define GRU_FAST_TANHF_T1 -0.333333333f
#define GRU_FAST_TANHF_T2 0.133333333f
#define GRU_FAST_TANHF_T3 -0.0539682540f
#define GRU_FAST_TANHF_T4 0.0218694885f

GRU_INLINE float gru_fast_expf(float x)
{
	/* 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits */
	const float shifter = 12582912.0f;
	const float log2e = GRU_FAST_LOG2E;
	const float ln2_hi = GRU_FAST_LN2_HI;
	const float ln2_lo = GRU_FAST_LN2_LO;
	float t, n, r, p;
	uint32_t bits;

	x = x > GRU_FAST_EXPF_HI ? GRU_FAST_EXPF_HI : x;
	x = x < GRU_FAST_EXPF_LO ? GRU_FAST_EXPF_LO : x;

	t = x * log2e + shifter;
	n = t - shifter;
	r = x - n * ln2_hi;
	r = r - n * ln2_lo;

	p = GRU_FAST_EXPF_P0;
	p = p * r + GRU_FAST_EXPF_P1;
	p = p * r + GRU_FAST_EXPF_P2;
	p = p * r + GRU_FAST_EXPF_P3;
	p = p * r + GRU_FAST_EXPF_P4;
	p = p * r + GRU_FAST_EXPF_P5;
	p = p * r * r + r + 1.0f;

	/* bits(t) = bits(shifter) + n; build the float 2^n from n (unsigned: no UB) */
	memcpy(&bits, &t, sizeof(bits));
	bits = (bits - 0x4B400000u + 127u) << 23;
	memcpy(&t, &bits, sizeof(t));
	return p * t;
}

GRU_INLINE float gru_fast_tanhf(float x)
{
	float ax = x < 0.0f ? -x : x;
	float x2 = x * x;
	float e = gru_fast_expf(-2.0f * ax);
	float big = (1.0f - e) / (1.0f + e);
	float small = ax * (1.0f + x2 * (GRU_FAST_TANHF_T1 + x2 * (GRU_FAST_TANHF_T2
		+ x2 * (GRU_FAST_TANHF_T3 + x2 * GRU_FAST_TANHF_T4))));
	float y = ax < GRU_FAST_TANHF_SMALL ? small : big;
	return x < 0.0f ? -y : y;
}

#endif /* RINDOW_GRU_FAST_MATH_H */
