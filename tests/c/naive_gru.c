#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "naive_gru.h"

double naive_activation(gru_activation act, double x)
{
	switch (act) {
		case GRU_ACT_TANH:
			return tanh(x);
		case GRU_ACT_SIGMOID:
			return 1.0 / (1.0 + exp(-x));
		case GRU_ACT_HARD_SIGMOID:
			if (x <= -2.5) {
				return 0.0;
			}
			if (x >= 2.5) {
				return 1.0;
			}
			return 0.2 * x + 0.5;
		case GRU_ACT_RELU:
			return x > 0.0 ? x : 0.0;
		default:
			return x;
	}
}

static void note_kink(gru_activation act, double x, double *margin)
{
	double d = 1e300;

	if (act == GRU_ACT_RELU) {
		d = fabs(x);
	} else if (act == GRU_ACT_HARD_SIGMOID) {
		d = fmin(fabs(x - 2.5), fabs(x + 2.5));
	}
	if (d < *margin) {
		*margin = d;
	}
}

void naive_gru_forward(const gru_problem *p, const double *inputs, const double *kernel,
		const double *recurrent, const double *bias, const double *initial_state,
		const uint8_t *mask, double *outputs, double *state, double *kink_margin)
{
	naive_gru_forward_dropout(p, inputs, kernel, recurrent, bias, initial_state, mask, NULL, NULL,
			outputs, state, kink_margin);
}

void naive_gru_forward_dropout(const gru_problem *p, const double *inputs, const double *kernel,
		const double *recurrent, const double *bias, const double *initial_state,
		const uint8_t *mask, const double *input_dropout, const double *recurrent_dropout,
		double *outputs, double *state, double *kink_margin)
{
	const size_t B = p->batch, T = p->steps, I = p->features, H = p->units, G = 3 * p->units;
	double *h = calloc(B * H, sizeof(double));
	double *hn = calloc(H, sizeof(double));
	double *xg = calloc(G, sizeof(double));
	double *rg = calloc(G, sizeof(double));
	double *rh = calloc(H, sizeof(double));
	double *xm = calloc(I, sizeof(double));
	double *hd = calloc(H, sizeof(double));
	double margin = 1e300;
	size_t b, s, i, j, k;

	if (initial_state != NULL) {
		memcpy(h, initial_state, B * H * sizeof(double));
	}
	for (b = 0; b < B; b++) {
		double *hb = h + b * H;

		for (s = 0; s < T; s++) {
			size_t t = p->go_backwards ? T - 1 - s : s;
			const double *x = xm;

			/* dropout: x * m_in feeds the input projection, h * m_rec the recurrent one */
			for (i = 0; i < I; i++) {
				xm[i] = inputs[(b * T + t) * I + i] * (input_dropout ? input_dropout[b * I + i] : 1.0);
			}
			for (k = 0; k < H; k++) {
				hd[k] = hb[k] * (recurrent_dropout ? recurrent_dropout[b * H + k] : 1.0);
			}
			if (mask == NULL || mask[b * T + t]) {
				/* input projection with input bias */
				for (j = 0; j < G; j++) {
					double v = (p->use_bias && bias) ? bias[j] : 0.0;

					for (i = 0; i < I; i++) {
						v += x[i] * kernel[i * G + j];
					}
					xg[j] = v;
				}
				if (p->reset_after) {
					for (j = 0; j < G; j++) {
						double v = p->use_bias ? bias[G + j] : 0.0;

						for (k = 0; k < H; k++) {
							v += hd[k] * recurrent[k * G + j];
						}
						rg[j] = v;
					}
					for (j = 0; j < H; j++) {
						double zp = xg[j] + rg[j], rp = xg[H + j] + rg[H + j];
						double z, r, hp, hh;

						note_kink(p->recurrent_activation, zp, &margin);
						note_kink(p->recurrent_activation, rp, &margin);
						z = naive_activation(p->recurrent_activation, zp);
						r = naive_activation(p->recurrent_activation, rp);
						hp = xg[2 * H + j] + r * rg[2 * H + j];
						note_kink(p->activation, hp, &margin);
						hh = naive_activation(p->activation, hp);
						hn[j] = z * hb[j] + (1.0 - z) * hh;
					}
				} else {
					double *zs = rg, *rs = rg + H;

					for (j = 0; j < H; j++) {
						double zp = xg[j], rp = xg[H + j];

						for (k = 0; k < H; k++) {
							zp += hd[k] * recurrent[k * H + j];
							rp += hd[k] * recurrent[(H + k) * H + j];
						}
						note_kink(p->recurrent_activation, zp, &margin);
						note_kink(p->recurrent_activation, rp, &margin);
						zs[j] = naive_activation(p->recurrent_activation, zp);
						rs[j] = naive_activation(p->recurrent_activation, rp);
					}
					for (k = 0; k < H; k++) {
						rh[k] = rs[k] * hd[k];
					}
					for (j = 0; j < H; j++) {
						double hp = xg[2 * H + j];

						for (k = 0; k < H; k++) {
							hp += rh[k] * recurrent[(2 * H + k) * H + j];
						}
						note_kink(p->activation, hp, &margin);
						hn[j] = zs[j] * hb[j] + (1.0 - zs[j]) * naive_activation(p->activation, hp);
					}
				}
				memcpy(hb, hn, H * sizeof(double));
			}
			if (p->return_sequences) {
				memcpy(outputs + (b * T + t) * H, hb, H * sizeof(double));
			}
		}
		if (!p->return_sequences) {
			memcpy(outputs + b * H, hb, H * sizeof(double));
		}
	}
	memcpy(state, h, B * H * sizeof(double));
	if (kink_margin != NULL) {
		*kink_margin = margin;
	}
	free(h);
	free(hn);
	free(xg);
	free(rg);
	free(rh);
	free(xm);
	free(hd);
}
