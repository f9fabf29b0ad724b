/*
 * Type-generic body of the CPU forward, included once per element type by
 * gru_cpu_forward.c with GRU_REAL, GRU_SFX(name) and GRU_GEMM defined.
 * No include guard on purpose. Layouts: gru_cpu_internal.h.
 */

/* One row-major GEMM, C = alpha op(A) op(B) + beta C, sizes already checked to fit blasint. */
static inline void GRU_SFX(gemm)(enum CBLAS_TRANSPOSE trans_a, enum CBLAS_TRANSPOSE trans_b,
		size_t m, size_t n, size_t k, const GRU_REAL *a, size_t lda, const GRU_REAL *b, size_t ldb,
		GRU_REAL beta, GRU_REAL *c, size_t ldc)
{
	GRU_GEMM(CblasRowMajor, trans_a, trans_b, (blasint)m, (blasint)n, (blasint)k, (GRU_REAL)1,
			a, (blasint)lda, b, (blasint)ldb, beta, c, (blasint)ldc);
}

/* Where the training forward keeps its per-step values; all NULL for inference. */
typedef struct {
	GRU_REAL *hprev, *z, *r, *hh, *aux;
} GRU_SFX(fwd_trace);

/* The passes, for AVX2+FMA where the compiler can target it, and for the build's baseline. */
#if GRU_X86_WIDE
# define GRU_ROWS(name) GRU_SFX(name##_wide)
# define GRU_ROWS_ATTR GRU_WIDE_ATTR
# include "gru_cpu_forward_rows_tmpl.h"
# undef GRU_ROWS
# undef GRU_ROWS_ATTR
#endif
#define GRU_ROWS(name) GRU_SFX(name##_base)
#define GRU_ROWS_ATTR
#include "gru_cpu_forward_rows_tmpl.h"
#undef GRU_ROWS
#undef GRU_ROWS_ATTR

gru_status_code GRU_SFX(gru_cpu_forward)(const gru_problem *p, const gru_weights *w,
		const gru_forward_args *a, gru_status *status)
{
	const size_t batch = p->batch, steps = p->steps, features = p->features, units = p->units;
	const size_t gates = 3 * units;
	const GRU_REAL *inputs = (const GRU_REAL *)a->inputs;
	const GRU_REAL *kernel = (const GRU_REAL *)w->kernel;
	const GRU_REAL *recurrent = (const GRU_REAL *)w->recurrent_kernel;
	const GRU_REAL *bias_in = (const GRU_REAL *)w->bias;
	GRU_REAL *outputs = (GRU_REAL *)a->outputs;
	gru_forward_layout lay;
	GRU_SFX(fwd_trace) tr = {NULL, NULL, NULL, NULL, NULL};
	char *base;
	const GRU_REAL *in_drop = (const GRU_REAL *)a->input_dropout;
	const GRU_REAL *rec_drop = (const GRU_REAL *)a->recurrent_dropout;
	GRU_REAL *xw, *g, *h, *bias, *brec, *packed, *rh, *xd, *hd;
	const GRU_REAL *x_gemm, *h_gemm;
	const int wide = gru_cpu_has_avx2_fma();
	size_t j, k, s;

	if (!gru_forward_layout_compute(p, &lay)) {
		return gru_status_set(status, GRU_E_OVERFLOW, "forward workspace size overflows size_t");
	}
	base = gru_align_pointer(a->workspace);
	xw = (GRU_REAL *)(base + lay.xw);
	g = (GRU_REAL *)(base + lay.g);
	h = (GRU_REAL *)(base + lay.h);
	bias = (GRU_REAL *)(base + lay.bias);
	brec = (GRU_REAL *)(base + lay.brec);
	packed = (GRU_REAL *)(base + lay.packed);
	rh = (GRU_REAL *)(base + lay.rh);
	xd = (GRU_REAL *)(base + lay.xd);
	hd = (GRU_REAL *)(base + lay.hd);
	if (a->trace != NULL) {
		gru_trace_layout tl;
		char *tbase = (char *)a->trace;

		gru_trace_layout_compute(p, &tl);
		tr.hprev = (GRU_REAL *)(tbase + tl.hprev);
		tr.z = (GRU_REAL *)(tbase + tl.z);
		tr.r = (GRU_REAL *)(tbase + tl.r);
		tr.hh = (GRU_REAL *)(tbase + tl.hh);
		tr.aux = (GRU_REAL *)(tbase + tl.aux);
	}

	/* Biases folded for the gate pass: z and r get both biases when reset_after. */
	for (j = 0; j < gates; j++) {
		GRU_REAL v = 0;

		if (p->use_bias) {
			v = bias_in[j];
			if (p->reset_after && j < 2 * units) {
				v += bias_in[gates + j];
			}
		}
		bias[j] = v;
	}
	for (j = 0; j < units; j++) {
		brec[j] = (p->use_bias && p->reset_after) ? bias_in[gates + 2 * units + j] : 0;
	}
	if (!p->reset_after) {
		/* [3H, H] row blocks -> [H, 2H] = [U_z | U_r] */
		for (k = 0; k < units; k++) {
			memcpy(packed + k * 2 * units, recurrent + k * units, units * sizeof(GRU_REAL));
			memcpy(packed + k * 2 * units + units, recurrent + (units + k) * units, units * sizeof(GRU_REAL));
		}
	}
	if (a->initial_state != NULL) {
		memcpy(h, a->initial_state, batch * units * sizeof(GRU_REAL));
	} else {
		memset(h, 0, batch * units * sizeof(GRU_REAL));
	}

	/* Input dropout: the GEMM reads inputs * mask, materialised once. */
	x_gemm = inputs;
	if (in_drop != NULL) {
		GRU_PASS(dropout_rows)(xd, inputs, in_drop, batch, steps, features);
		x_gemm = xd;
	}
	/* Recurrent dropout: the recurrent GEMMs read hd = h * mask, the update the undropped h. */
	h_gemm = rec_drop != NULL ? hd : h;

	/* Inputs of all steps in one GEMM: [B*T, I] x [I, 3H]. */
	GRU_SFX(gemm)(CblasNoTrans, CblasNoTrans, batch * steps, gates, features, x_gemm, features,
			kernel, gates, 0, xw, gates);

	for (s = 0; s < steps; s++) {
		const size_t t = p->go_backwards ? steps - 1 - s : s;

		if (rec_drop != NULL) {
			GRU_PASS(dropout_rows)(hd, h, rec_drop, batch, 1, units);
		}
		if (p->reset_after) {
			GRU_SFX(gemm)(CblasNoTrans, CblasNoTrans, batch, gates, units, h_gemm, units,
					recurrent, gates, 0, g, gates);
			GRU_PASS(pass_after)(p, g, xw, t, bias, brec, h, a->mask, outputs, &tr);
		} else {
			/* with a trace, r*h goes straight to it and is read from there (rows b*T+t) */
			GRU_REAL *rh_step = tr.aux != NULL ? tr.aux + t * units : rh;
			const size_t rh_ld = tr.aux != NULL ? steps * units : units;

			GRU_SFX(gemm)(CblasNoTrans, CblasNoTrans, batch, 2 * units, units, h_gemm, units,
					packed, 2 * units, 0, g, gates);
			GRU_PASS(pass_before_gates)(p, g, xw, t, bias, h_gemm, rh_step, rh_ld);
			GRU_SFX(gemm)(CblasNoTrans, CblasNoTrans, batch, units, units, rh_step, rh_ld,
					recurrent + 2 * units * units, units, 0, g + 2 * units, gates);
			GRU_PASS(pass_before_update)(p, g, xw, t, bias, h, a->mask, outputs, &tr);
		}
	}

	if (!p->return_sequences) {
		memcpy(outputs, h, batch * units * sizeof(GRU_REAL));
	}
	if (a->final_state != NULL) {
		memcpy(a->final_state, h, batch * units * sizeof(GRU_REAL));
	}
	return GRU_OK;
}
