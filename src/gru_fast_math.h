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
 * gru_fast_tanhf(x): |tanh(x)| = -m / (m + 2) with m = e^(-2|x|) - 1
 * from gru_fast_expm1f_nonpos(), the sign of x put back. m is computed as
 * 2^n (e^r - 1) + (2^n - 1), so near 0 (n = 0) it is the polynomial's
 * r + r^2 P(r) itself, with no cancellation: no separate small-argument
 * branch. Measured over [-20, 20] and tiny arguments: relative error below
 * 1.7e-7 (about 1.5 ulp; the test asserts < 4e-7). Saturates to +-1
 * exactly for |x| > ~9; tanh(0) is 0. The float sigmoid
 * 1/(1 + gru_fast_expf(-x)) measures below 1.5e-7 relative.
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
 * rest (Cody-Waite); and e^r - 1 - r = r^2 (P5 + P4 r + ... + P0 r^5).
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

/*
 * The range reduction of gru_fast_expf() and gru_fast_expm1f_nonpos():
 * x = n ln2 + r, |r| <= ln2/2; returns r and puts 2^n, built in the
 * exponent bits, at *scale. x must lie in [GRU_FAST_EXPF_LO,
 * GRU_FAST_EXPF_HI] (or be NaN), so that 2^n is a normal float.
 */
GRU_INLINE float gru_fast_exp_reduce(float x, float *scale)
{
	/* 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits */
	const float shifter = 12582912.0f;
	float t = x * GRU_FAST_LOG2E + shifter;
	const float n = t - shifter;
	float r = x - n * GRU_FAST_LN2_HI;
	uint32_t bits;

	r = r - n * GRU_FAST_LN2_LO;
	/* bits(t) = bits(shifter) + n; build the float 2^n from n (unsigned: no UB) */
	memcpy(&bits, &t, sizeof(bits));
	bits = (bits - 0x4B400000u + 127u) << 23;
	memcpy(&t, &bits, sizeof(t));
	*scale = t;
	return r;
}

/* P(r), so that e^r - 1 - r = r^2 P(r) on the reduced range */
GRU_INLINE float gru_fast_exp_poly(float r)
{
	float p = GRU_FAST_EXPF_P0;

	p = p * r + GRU_FAST_EXPF_P1;
	p = p * r + GRU_FAST_EXPF_P2;
	p = p * r + GRU_FAST_EXPF_P3;
	p = p * r + GRU_FAST_EXPF_P4;
	return p * r + GRU_FAST_EXPF_P5;
}

GRU_INLINE float gru_fast_expf(float x)
{
	float scale, r;

	x = x > GRU_FAST_EXPF_HI ? GRU_FAST_EXPF_HI : x;
	x = x < GRU_FAST_EXPF_LO ? GRU_FAST_EXPF_LO : x;
	r = gru_fast_exp_reduce(x, &scale);
	return (gru_fast_exp_poly(r) * r * r + r + 1.0f) * scale;
}

/*
 * e^x - 1 for x in [GRU_FAST_EXPF_LO, 0] (clamped to it; NaN kept): the
 * reduction and polynomial of gru_fast_expf(), scaled as 2^n (e^r - 1)
 * + (2^n - 1). 2^n is a power of two, so the product is exact, and so is
 * 2^n - 1 for n in [-24, 0]; the result lies in [-1, 0].
 */
GRU_INLINE float gru_fast_expm1f_nonpos(float x)
{
	float scale, r;

	x = x < GRU_FAST_EXPF_LO ? GRU_FAST_EXPF_LO : x;
	r = gru_fast_exp_reduce(x, &scale);
	return scale * (gru_fast_exp_poly(r) * r * r + r) + (scale - 1.0f);
}

GRU_INLINE float gru_fast_tanhf(float x)
{
	const float m = gru_fast_expm1f_nonpos(-2.0f * (x < 0.0f ? -x : x));
	/* 0 - m, not -m: +0 for m = 0, so that tanh(+0) is +0 */
	const float y = (0.0f - m) / (m + 2.0f);

	return x < 0.0f ? -y : y;
}

#endif /* RINDOW_GRU_FAST_MATH_H */
