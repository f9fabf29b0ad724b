/*
 * Type-generic body of gru_activations.h, included once per element type
 * with GRU_ACT_REAL, GRU_ACT_SFX(name), GRU_ACT_EXP(x) and GRU_ACT_TANH(x)
 * defined. No include guard on purpose.
 */

GRU_INLINE GRU_ACT_REAL GRU_ACT_SFX(gru_sigmoid)(GRU_ACT_REAL x)
{
	return (GRU_ACT_REAL)1 / ((GRU_ACT_REAL)1 + GRU_ACT_EXP(-x));
}

GRU_INLINE GRU_ACT_REAL GRU_ACT_SFX(gru_tanh)(GRU_ACT_REAL x)
{
	return GRU_ACT_TANH(x);
}

GRU_INLINE GRU_ACT_REAL GRU_ACT_SFX(gru_hard_sigmoid)(GRU_ACT_REAL x)
{
	GRU_ACT_REAL y = (GRU_ACT_REAL)0.2 * x + (GRU_ACT_REAL)0.5;
	y = y < (GRU_ACT_REAL)0 ? (GRU_ACT_REAL)0 : y;
	return y > (GRU_ACT_REAL)1 ? (GRU_ACT_REAL)1 : y;
}

GRU_INLINE GRU_ACT_REAL GRU_ACT_SFX(gru_relu)(GRU_ACT_REAL x)
{
	/* written so that NaN propagates */
	return x < (GRU_ACT_REAL)0 ? (GRU_ACT_REAL)0 : x;
}

GRU_INLINE GRU_ACT_REAL GRU_ACT_SFX(gru_sigmoid_grad)(GRU_ACT_REAL y)
{
	return y * ((GRU_ACT_REAL)1 - y);
}

GRU_INLINE GRU_ACT_REAL GRU_ACT_SFX(gru_tanh_grad)(GRU_ACT_REAL y)
{
	return (GRU_ACT_REAL)1 - y * y;
}

GRU_INLINE GRU_ACT_REAL GRU_ACT_SFX(gru_hard_sigmoid_grad)(GRU_ACT_REAL y)
{
	return (y > (GRU_ACT_REAL)0 && y < (GRU_ACT_REAL)1) ? (GRU_ACT_REAL)0.2 : (GRU_ACT_REAL)0;
}

GRU_INLINE GRU_ACT_REAL GRU_ACT_SFX(gru_relu_grad)(GRU_ACT_REAL y)
{
	return y > (GRU_ACT_REAL)0 ? (GRU_ACT_REAL)1 : (GRU_ACT_REAL)0;
}

/* Scalar dispatch, for tests and reference code; the passes use the row helpers. */
GRU_INLINE GRU_ACT_REAL GRU_ACT_SFX(gru_activation_apply)(gru_activation act, GRU_ACT_REAL x)
{
	switch (act) {
		case GRU_ACT_TANH:
			return GRU_ACT_SFX(gru_tanh)(x);
		case GRU_ACT_SIGMOID:
			return GRU_ACT_SFX(gru_sigmoid)(x);
		case GRU_ACT_HARD_SIGMOID:
			return GRU_ACT_SFX(gru_hard_sigmoid)(x);
		case GRU_ACT_RELU:
			return GRU_ACT_SFX(gru_relu)(x);
		case GRU_ACT_LINEAR:
		default:
			return x;
	}
}

GRU_INLINE GRU_ACT_REAL GRU_ACT_SFX(gru_activation_grad)(gru_activation act, GRU_ACT_REAL y)
{
	switch (act) {
		case GRU_ACT_TANH:
			return GRU_ACT_SFX(gru_tanh_grad)(y);
		case GRU_ACT_SIGMOID:
			return GRU_ACT_SFX(gru_sigmoid_grad)(y);
		case GRU_ACT_HARD_SIGMOID:
			return GRU_ACT_SFX(gru_hard_sigmoid_grad)(y);
		case GRU_ACT_RELU:
			return GRU_ACT_SFX(gru_relu_grad)(y);
		case GRU_ACT_LINEAR:
		default:
			return (GRU_ACT_REAL)1;
	}
}

/* x[i] = act(x[i]) for i < n. */
GRU_INLINE void GRU_ACT_SFX(gru_apply_activation)(gru_activation act, GRU_ACT_REAL *restrict x, size_t n)
{
	size_t i;

	switch (act) {
		case GRU_ACT_TANH:
			for (i = 0; i < n; i++) {
				x[i] = GRU_ACT_SFX(gru_tanh)(x[i]);
			}
			break;
		case GRU_ACT_SIGMOID:
			for (i = 0; i < n; i++) {
				x[i] = GRU_ACT_SFX(gru_sigmoid)(x[i]);
			}
			break;
		case GRU_ACT_HARD_SIGMOID:
			for (i = 0; i < n; i++) {
				x[i] = GRU_ACT_SFX(gru_hard_sigmoid)(x[i]);
			}
			break;
		case GRU_ACT_RELU:
			for (i = 0; i < n; i++) {
				x[i] = GRU_ACT_SFX(gru_relu)(x[i]);
			}
			break;
		case GRU_ACT_LINEAR:
		default:
			break;
	}
}

/* g[i] *= act'(x) where y[i] = act(x), for i < n. */
GRU_INLINE void GRU_ACT_SFX(gru_mul_activation_grad)(gru_activation act, const GRU_ACT_REAL *restrict y,
		GRU_ACT_REAL *restrict g, size_t n)
{
	size_t i;

	switch (act) {
		case GRU_ACT_TANH:
			for (i = 0; i < n; i++) {
				g[i] *= GRU_ACT_SFX(gru_tanh_grad)(y[i]);
			}
			break;
		case GRU_ACT_SIGMOID:
			for (i = 0; i < n; i++) {
				g[i] *= GRU_ACT_SFX(gru_sigmoid_grad)(y[i]);
			}
			break;
		case GRU_ACT_HARD_SIGMOID:
			for (i = 0; i < n; i++) {
				g[i] *= GRU_ACT_SFX(gru_hard_sigmoid_grad)(y[i]);
			}
			break;
		case GRU_ACT_RELU:
			for (i = 0; i < n; i++) {
				g[i] *= GRU_ACT_SFX(gru_relu_grad)(y[i]);
			}
			break;
		case GRU_ACT_LINEAR:
		default:
			break;
	}
}
