/*
 * The float exp, sigmoid and tanh of the forward gate pass for one x86
 * vector width, written once over the primitives its includer defines
 * (gru_activations_avx512.h, gru_activations_avx2.h), so that the two
 * widths compute the same formulas with the same constants as
 * gru_fast_math.h. No include guard on purpose; it undefines the
 * primitives at its end.
 *
 * The includer defines:
 *   GRU_SIMD(name)       name with the width's suffix (name##_avx2)
 *   GRU_SIMD_ATTR        the target attribute of the width
 *   GRU_V, GRU_V_MASK    the vector of floats, a tail mask
 *   GRU_V_LANES          floats per vector
 *   GRU_V_SET1(f), GRU_V_ADD(a, b), GRU_V_SUB, GRU_V_MUL, GRU_V_MIN,
 *   GRU_V_MAX, GRU_V_AND, GRU_V_ANDNOT(a, b) (~a & b), GRU_V_OR,
 *   GRU_V_FMADD(a, b, c) (a b + c), GRU_V_FNMADD(a, b, c) (c - a b),
 *   GRU_V_LOADU(p), GRU_V_STOREU(p, v)
 *   GRU_V_ROUND(x)       to the nearest integer, ties to even, no exception
 *   GRU_V_SCALE2N(p, n)  p * 2^n for an integral n in [-126, 127], exact
 *   GRU_V_RECIP(d)       1/d within an ulp
 *   GRU_V_DIV(a, b)      a/b within two ulps
 *   GRU_V_TAIL(k)        the mask of the first k lanes, 0 < k < GRU_V_LANES
 *   GRU_V_MASKLOAD(p, m), GRU_V_MASKSTORE(p, m, v)  lanes outside m are
 *                        neither read nor written
 *
 * Accuracy: exp as gru_fast_expf() (the same range reduction and
 * polynomial); sigmoid and tanh within 4e-7 relative (tests/c,
 * test_fast_math_simd, against double); NaN propagates; +-inf saturate as
 * in gru_fast_math.h; sigmoid(0) is 0.5 and tanh(0) 0 exactly.
 */

/* x = n ln2 + r as gru_fast_exp_reduce(): returns r, n at *n (x clamped by the caller). */
GRU_SIMD_ATTR static inline GRU_V GRU_SIMD(gru_exp_reduce)(GRU_V x, GRU_V *n)
{
	const GRU_V m = GRU_V_ROUND(GRU_V_MUL(x, GRU_V_SET1(GRU_FAST_LOG2E)));
	const GRU_V r = GRU_V_FNMADD(m, GRU_V_SET1(GRU_FAST_LN2_HI), x);

	*n = m;
	return GRU_V_FNMADD(m, GRU_V_SET1(GRU_FAST_LN2_LO), r);
}

/* (e^r - 1 - r) / r^2 as gru_fast_exp_poly() */
GRU_SIMD_ATTR static inline GRU_V GRU_SIMD(gru_exp_poly)(GRU_V r)
{
	GRU_V p = GRU_V_SET1(GRU_FAST_EXPF_P0);

	p = GRU_V_FMADD(p, r, GRU_V_SET1(GRU_FAST_EXPF_P1));
	p = GRU_V_FMADD(p, r, GRU_V_SET1(GRU_FAST_EXPF_P2));
	p = GRU_V_FMADD(p, r, GRU_V_SET1(GRU_FAST_EXPF_P3));
	p = GRU_V_FMADD(p, r, GRU_V_SET1(GRU_FAST_EXPF_P4));
	return GRU_V_FMADD(p, r, GRU_V_SET1(GRU_FAST_EXPF_P5));
}

/* e^x; the argument clamped as gru_fast_expf() clamps it (NaN kept). */
GRU_SIMD_ATTR static inline GRU_V GRU_SIMD(gru_exp)(GRU_V x)
{
	GRU_V n, r;

	/* min/max return their second operand when either is NaN: x second keeps NaN */
	x = GRU_V_MIN(GRU_V_SET1(GRU_FAST_EXPF_HI), x);
	x = GRU_V_MAX(GRU_V_SET1(GRU_FAST_EXPF_LO), x);
	r = GRU_SIMD(gru_exp_reduce)(x, &n);
	/* the clamp keeps n in [-126, 127]: 2^n is a normal float */
	return GRU_V_SCALE2N(GRU_V_FMADD(GRU_V_MUL(GRU_SIMD(gru_exp_poly)(r), r), r, GRU_V_ADD(r, GRU_V_SET1(1.0f))), n);
}

GRU_SIMD_ATTR static inline GRU_V GRU_SIMD(gru_sigmoid)(GRU_V x)
{
	const GRU_V e = GRU_SIMD(gru_exp)(GRU_V_SUB(GRU_V_SET1(0.0f), x));

	return GRU_V_RECIP(GRU_V_ADD(GRU_V_SET1(1.0f), e));
}

/*
 * tanh as gru_fast_tanhf(): |tanh x| = -m / (m + 2) with m = e^(-2|x|) - 1
 * = 2^n (e^r - 1) + (2^n - 1) (gru_fast_expm1f_nonpos()), the sign of x
 * put back last (so tanh(-0) is -0). Against the Taylor polynomial for
 * |x| < 0.25 and (1 - e) / (1 + e) elsewhere, both computed and one
 * chosen, that it replaced: 0.75-0.76 of the time on Zen 3 (AVX2, rdtsc,
 * rows of 64 and 256), and the largest relative error 1.65e-7 instead of
 * 2.63e-7.
 */
GRU_SIMD_ATTR static inline GRU_V GRU_SIMD(gru_tanh)(GRU_V x)
{
	const GRU_V sign = GRU_V_SET1(-0.0f);
	const GRU_V one = GRU_V_SET1(1.0f);
	GRU_V y = GRU_V_MUL(GRU_V_ANDNOT(sign, x), GRU_V_SET1(-2.0f));
	GRU_V n, r, scale, m;

	/* y second keeps NaN; y <= 0, so 2^n lies in [2^-126, 1] */
	y = GRU_V_MAX(GRU_V_SET1(GRU_FAST_EXPF_LO), y);
	r = GRU_SIMD(gru_exp_reduce)(y, &n);
	scale = GRU_V_SCALE2N(one, n);
	m = GRU_V_FMADD(scale, GRU_V_FMADD(GRU_V_MUL(GRU_SIMD(gru_exp_poly)(r), r), r, r), GRU_V_SUB(scale, one));
	return GRU_V_OR(GRU_V_DIV(GRU_V_SUB(GRU_V_SET1(0.0f), m), GRU_V_ADD(m, GRU_V_SET1(2.0f))), GRU_V_AND(x, sign));
}

/* x[i] = sigmoid(x[i]) (is_tanh = 0) or tanh(x[i]) (is_tanh = 1) for i < n, the tail masked. */
GRU_SIMD_ATTR static inline void GRU_SIMD(gru_activate_row)(float *x, size_t n, int is_tanh)
{
	size_t i;

	for (i = 0; i + GRU_V_LANES <= n; i += GRU_V_LANES) {
		const GRU_V v = GRU_V_LOADU(x + i);

		GRU_V_STOREU(x + i, is_tanh ? GRU_SIMD(gru_tanh)(v) : GRU_SIMD(gru_sigmoid)(v));
	}
	if (i < n) {
		const GRU_V_MASK m = GRU_V_TAIL(n - i);
		const GRU_V v = GRU_V_MASKLOAD(x + i, m);

		GRU_V_MASKSTORE(x + i, m, is_tanh ? GRU_SIMD(gru_tanh)(v) : GRU_SIMD(gru_sigmoid)(v));
	}
}

GRU_SIMD_ATTR static inline void GRU_SIMD(gru_sigmoid_row)(float *x, size_t n)
{
	GRU_SIMD(gru_activate_row)(x, n, 0);
}

GRU_SIMD_ATTR static inline void GRU_SIMD(gru_tanh_row)(float *x, size_t n)
{
	GRU_SIMD(gru_activate_row)(x, n, 1);
}

/* gru_apply_activation_f32() with the two transcendental activations above. */
GRU_SIMD_ATTR static inline void GRU_SIMD(gru_apply_activation)(gru_activation act, float *x, size_t n)
{
	if (act == GRU_ACT_SIGMOID) {
		GRU_SIMD(gru_sigmoid_row)(x, n);
	} else if (act == GRU_ACT_TANH) {
		GRU_SIMD(gru_tanh_row)(x, n);
	} else {
		gru_apply_activation_f32(act, x, n);
	}
}

/* the includer's primitives end here, so that the other width may define its own */
#undef GRU_SIMD
#undef GRU_SIMD_ATTR
#undef GRU_V
#undef GRU_V_MASK
#undef GRU_V_LANES
#undef GRU_V_SET1
#undef GRU_V_ADD
#undef GRU_V_SUB
#undef GRU_V_MUL
#undef GRU_V_MIN
#undef GRU_V_MAX
#undef GRU_V_AND
#undef GRU_V_ANDNOT
#undef GRU_V_OR
#undef GRU_V_FMADD
#undef GRU_V_FNMADD
#undef GRU_V_LOADU
#undef GRU_V_STOREU
#undef GRU_V_ROUND
#undef GRU_V_SCALE2N
#undef GRU_V_RECIP
#undef GRU_V_DIV
#undef GRU_V_TAIL
#undef GRU_V_MASKLOAD
#undef GRU_V_MASKSTORE
