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

/*
 * reset_after, one batch row of one step. g holds h.U for the row
 * ([z | r | h] blocks); x is the row of inputs.kernel for (b, t); h the
 * state, updated in place. The row stays in L1 over the few sub-passes.
 */
GRU_VECTORIZE
static void GRU_SFX(step_after_row)(const gru_problem *p, GRU_REAL *restrict g, const GRU_REAL *restrict x,
		const GRU_REAL *restrict bias, const GRU_REAL *restrict brec, GRU_REAL *restrict h, int live,
		GRU_REAL *restrict out, const GRU_SFX(fwd_trace) *tr, size_t row)
{
	const size_t units = p->units;
	GRU_REAL *restrict gz = g;
	GRU_REAL *restrict gr = g + units;
	GRU_REAL *restrict gh = g + 2 * units;
	const GRU_REAL *restrict xh = x + 2 * units;
	const GRU_REAL *restrict bh = bias + 2 * units;
	size_t j;

	for (j = 0; j < 2 * units; j++) {
		g[j] += x[j] + bias[j];
	}
	GRU_SFX(gru_apply_activation)(p->recurrent_activation, g, 2 * units);
	if (tr->aux != NULL) {
		GRU_REAL *restrict aux = tr->aux + row * units;

		for (j = 0; j < units; j++) {
			aux[j] = gh[j] + brec[j];
		}
	}
	for (j = 0; j < units; j++) {
		gh[j] = xh[j] + bh[j] + gr[j] * (gh[j] + brec[j]);
	}
	GRU_SFX(gru_apply_activation)(p->activation, gh, units);
	if (tr->hprev != NULL) {
		memcpy(tr->hprev + row * units, h, units * sizeof(GRU_REAL));
		memcpy(tr->z + row * units, gz, units * sizeof(GRU_REAL));
		memcpy(tr->r + row * units, gr, units * sizeof(GRU_REAL));
		memcpy(tr->hh + row * units, gh, units * sizeof(GRU_REAL));
	}
	if (live) {
		/* h' = z h + (1 - z) hh */
		for (j = 0; j < units; j++) {
			h[j] = gh[j] + gz[j] * (h[j] - gh[j]);
		}
	}
	if (out != NULL) {
		memcpy(out, h, units * sizeof(GRU_REAL));
	}
}

/*
 * reset before, first half of one batch row: g's z and r blocks hold
 * h.[U_z|U_r]; they become the gate values, and rh = r * h.
 */
GRU_VECTORIZE
static void GRU_SFX(step_before_gates_row)(const gru_problem *p, GRU_REAL *restrict g,
		const GRU_REAL *restrict x, const GRU_REAL *restrict bias, const GRU_REAL *restrict h,
		GRU_REAL *restrict rh)
{
	const size_t units = p->units;
	const GRU_REAL *restrict gr = g + units;
	size_t j;

	for (j = 0; j < 2 * units; j++) {
		g[j] += x[j] + bias[j];
	}
	GRU_SFX(gru_apply_activation)(p->recurrent_activation, g, 2 * units);
	for (j = 0; j < units; j++) {
		rh[j] = gr[j] * h[j];
	}
}

/* reset before, second half: g's h block holds (r*h).U_h. */
GRU_VECTORIZE
static void GRU_SFX(step_before_update_row)(const gru_problem *p, GRU_REAL *restrict g,
		const GRU_REAL *restrict x, const GRU_REAL *restrict bias, GRU_REAL *restrict h, int live,
		GRU_REAL *restrict out, const GRU_SFX(fwd_trace) *tr, size_t row)
{
	const size_t units = p->units;
	const GRU_REAL *restrict gz = g;
	GRU_REAL *restrict gh = g + 2 * units;
	const GRU_REAL *restrict xh = x + 2 * units;
	const GRU_REAL *restrict bh = bias + 2 * units;
	size_t j;

	for (j = 0; j < units; j++) {
		gh[j] += xh[j] + bh[j];
	}
	GRU_SFX(gru_apply_activation)(p->activation, gh, units);
	if (tr->hprev != NULL) {
		memcpy(tr->hprev + row * units, h, units * sizeof(GRU_REAL));
		memcpy(tr->z + row * units, gz, units * sizeof(GRU_REAL));
		memcpy(tr->r + row * units, g + units, units * sizeof(GRU_REAL));
		memcpy(tr->hh + row * units, gh, units * sizeof(GRU_REAL));
	}
	if (live) {
		for (j = 0; j < units; j++) {
			h[j] = gh[j] + gz[j] * (h[j] - gh[j]);
		}
	}
	if (out != NULL) {
		memcpy(out, h, units * sizeof(GRU_REAL));
	}
}

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
	GRU_REAL *xw, *g, *h, *bias, *brec, *packed, *rh;
	size_t b, j, k, s;

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

	/* Inputs of all steps in one GEMM: [B*T, I] x [I, 3H]. */
	GRU_SFX(gemm)(CblasNoTrans, CblasNoTrans, batch * steps, gates, features, inputs, features,
			kernel, gates, 0, xw, gates);

	for (s = 0; s < steps; s++) {
		const size_t t = p->go_backwards ? steps - 1 - s : s;

		if (p->reset_after) {
			GRU_SFX(gemm)(CblasNoTrans, CblasNoTrans, batch, gates, units, h, units,
					recurrent, gates, 0, g, gates);
			for (b = 0; b < batch; b++) {
				const size_t row = b * steps + t;
				const int live = a->mask == NULL || a->mask[row] != 0;

				GRU_SFX(step_after_row)(p, g + b * gates, xw + row * gates, bias, brec, h + b * units,
						live, p->return_sequences ? outputs + row * units : NULL, &tr, row);
			}
		} else {
			/* with a trace, r*h goes straight to it and is read from there (rows b*T+t) */
			GRU_REAL *rh_step = tr.aux != NULL ? tr.aux + t * units : rh;
			const size_t rh_ld = tr.aux != NULL ? steps * units : units;

			GRU_SFX(gemm)(CblasNoTrans, CblasNoTrans, batch, 2 * units, units, h, units,
					packed, 2 * units, 0, g, gates);
			for (b = 0; b < batch; b++) {
				const size_t row = b * steps + t;

				GRU_SFX(step_before_gates_row)(p, g + b * gates, xw + row * gates, bias, h + b * units,
						rh_step + b * rh_ld);
			}
			GRU_SFX(gemm)(CblasNoTrans, CblasNoTrans, batch, units, units, rh_step, rh_ld,
					recurrent + 2 * units * units, units, 0, g + 2 * units, gates);
			for (b = 0; b < batch; b++) {
				const size_t row = b * steps + t;
				const int live = a->mask == NULL || a->mask[row] != 0;

				GRU_SFX(step_before_update_row)(p, g + b * gates, xw + row * gates, bias, h + b * units,
						live, p->return_sequences ? outputs + row * units : NULL, &tr, row);
			}
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
