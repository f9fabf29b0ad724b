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

/* The passes, for AVX-512 and AVX2+FMA where the compiler can target them, and for the build's baseline. */
#if GRU_X86_WIDE
# define GRU_ROWS(name) GRU_SFX(name##_wide512)
# define GRU_ROWS_ATTR GRU_WIDE512_ATTR
# if GRU_PACKED
/* float: sigmoid and tanh written with AVX-512 intrinsics (gru_activations_avx512.h) */
#  define GRU_ROWS_ACTIVATE(act, x, n) gru_apply_activation_avx512(act, x, n)
# else
#  define GRU_ROWS_ACTIVATE(act, x, n) GRU_SFX(gru_apply_activation)(act, x, n)
# endif
# include "gru_cpu_forward_rows_tmpl.h"
# undef GRU_ROWS
# undef GRU_ROWS_ATTR
# undef GRU_ROWS_ACTIVATE
# define GRU_ROWS(name) GRU_SFX(name##_wide)
# define GRU_ROWS_ATTR GRU_WIDE_ATTR
# define GRU_ROWS_ACTIVATE(act, x, n) GRU_SFX(gru_apply_activation)(act, x, n)
# include "gru_cpu_forward_rows_tmpl.h"
# undef GRU_ROWS
# undef GRU_ROWS_ATTR
# undef GRU_ROWS_ACTIVATE
#endif
#define GRU_ROWS(name) GRU_SFX(name##_base)
#define GRU_ROWS_ATTR
#define GRU_ROWS_ACTIVATE(act, x, n) GRU_SFX(gru_apply_activation)(act, x, n)
#include "gru_cpu_forward_rows_tmpl.h"
#undef GRU_ROWS
#undef GRU_ROWS_ATTR
#undef GRU_ROWS_ACTIVATE

/* Everything the time loop reads; shared by the threads, each on its own batch rows. */
typedef struct {
	const gru_problem *p;
	const GRU_REAL *recurrent, *rec_drop, *upack;
	const GRU_REAL *xw;       /* input projections, row b*T+t at xw + row*xw_ld */
	size_t xw_ld;
	GRU_REAL *g, *h, *bias, *brec, *packed, *rh, *hd, *outputs;
	const uint8_t *mask;
	GRU_SFX(fwd_trace) tr;
	int wide;
#if GRU_PACKED
	gru_kernel_isa isa;
#endif
} GRU_SFX(fwd_loop);

/* The recurrent GEMM of a step on m rows: C = A . U, U the n columns of block `which` of the recurrent kernel. */
static inline void GRU_SFX(fwd_rec_gemm)(const GRU_SFX(fwd_loop) *c, int which, size_t m, size_t n,
		const GRU_REAL *a, size_t lda, GRU_REAL *out, size_t ldc)
{
	const size_t units = c->p->units;
#if GRU_PACKED
	/* which: 0 reset_after [H,3H], 1 [U_z|U_r], 2 U_h */
	if (c->upack != NULL) {
		const GRU_REAL *pk = which == 2 ? c->upack + gru_packed_floats_bound(units, 2 * units) : c->upack;

		gru_gemm_packed(c->isa, m, n, units, a, lda, pk, 0, out, ldc);
	} else if (which == 1) {
		/* too few steps to pack: U in place, U_z and U_r being separate [H, H] blocks */
		gru_gemm_direct(c->isa, m, units, units, a, lda, c->recurrent, units, 0, out, ldc);
		gru_gemm_direct(c->isa, m, units, units, a, lda, c->recurrent + units * units, units, 0, out + units, ldc);
	} else {
		const GRU_REAL *u = which == 0 ? c->recurrent : c->recurrent + 2 * units * units;

		gru_gemm_direct(c->isa, m, n, units, a, lda, u, which == 0 ? 3 * units : units, 0, out, ldc);
	}
#else
	const GRU_REAL *u = which == 0 ? c->recurrent : which == 1 ? c->packed : c->recurrent + 2 * units * units;
	const size_t ldu = which == 0 ? 3 * units : which == 1 ? 2 * units : units;

	GRU_SFX(gemm)(CblasNoTrans, CblasNoTrans, m, n, units, a, lda, u, ldu, 0, out, ldc);
#endif
}

/* The time loop over batch rows [b0, b1): rows never interact, so ranges run in parallel. */
static void GRU_SFX(fwd_rows)(void *ctx, size_t b0, size_t b1)
{
	const GRU_SFX(fwd_loop) *c = (const GRU_SFX(fwd_loop) *)ctx;
	const gru_problem *p = c->p;
	const size_t steps = p->steps, units = p->units, gates = 3 * units, m = b1 - b0;
	const int wide = c->wide;
	const GRU_REAL *h_gemm = c->rec_drop != NULL ? c->hd : c->h;
	size_t s;

	for (s = 0; s < steps; s++) {
		const size_t t = p->go_backwards ? steps - 1 - s : s;

		if (c->rec_drop != NULL) {
			GRU_PASS(dropout_rows)(c->hd + b0 * units, c->h + b0 * units, c->rec_drop + b0 * units, m, 1, units);
		}
		if (p->reset_after) {
			GRU_SFX(fwd_rec_gemm)(c, 0, m, gates, h_gemm + b0 * units, units, c->g + b0 * gates, gates);
			GRU_PASS(pass_after)(p, c->g, c->xw, c->xw_ld, t, c->bias, c->brec, c->h, c->mask, c->outputs, &c->tr, b0, b1);
		} else {
			/* with a trace, r*h goes straight to it and is read from there (rows b*T+t) */
			GRU_REAL *rh_step = c->tr.aux != NULL ? c->tr.aux + t * units : c->rh;
			const size_t rh_ld = c->tr.aux != NULL ? steps * units : units;

			GRU_SFX(fwd_rec_gemm)(c, 1, m, 2 * units, h_gemm + b0 * units, units, c->g + b0 * gates, gates);
			GRU_PASS(pass_before_gates)(p, c->g, c->xw, c->xw_ld, t, c->bias, h_gemm, rh_step, rh_ld, b0, b1);
			GRU_SFX(fwd_rec_gemm)(c, 2, m, units, rh_step + b0 * rh_ld, rh_ld, c->g + b0 * gates + 2 * units, gates);
			GRU_PASS(pass_before_update)(p, c->g, c->xw, c->xw_ld, t, c->bias, c->h, c->mask, c->outputs, &c->tr, b0, b1);
		}
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
	GRU_SFX(fwd_loop) loop;
	GRU_SFX(fwd_trace) tr = {NULL, NULL, NULL, NULL, NULL};
	char *base;
	const GRU_REAL *in_drop = (const GRU_REAL *)a->input_dropout;
	const GRU_REAL *rec_drop = (const GRU_REAL *)a->recurrent_dropout;
	GRU_REAL *xw, *h, *bias, *brec, *packed, *xd;
	const GRU_REAL *x_gemm;
	const int wide = gru_cpu_pass_level();
	size_t threads = 1;
	size_t j, k;

	if (!gru_forward_layout_compute(p, &lay)) {
		return gru_status_set(status, GRU_E_OVERFLOW, "forward workspace size overflows size_t");
	}
	base = gru_align_pointer(a->workspace);
	xw = (GRU_REAL *)(base + lay.xw);
	h = (GRU_REAL *)(base + lay.h);
	bias = (GRU_REAL *)(base + lay.bias);
	brec = (GRU_REAL *)(base + lay.brec);
	packed = (GRU_REAL *)(base + lay.packed);
	xd = (GRU_REAL *)(base + lay.xd);
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

	/* Biases folded for the gate pass: z and r get both biases when reset_after (branch-free loops: they vectorise). */
	if (p->use_bias) {
		memcpy(bias, bias_in, gates * sizeof(GRU_REAL));
	} else {
		memset(bias, 0, gates * sizeof(GRU_REAL));
	}
	if (p->use_bias && p->reset_after) {
		for (j = 0; j < 2 * units; j++) {
			bias[j] += bias_in[gates + j];
		}
		memcpy(brec, bias_in + gates + 2 * units, units * sizeof(GRU_REAL));
	} else {
		memset(brec, 0, units * sizeof(GRU_REAL));
	}
#if GRU_PACKED
	loop.isa = gru_cpu_kernel_isa();
	loop.upack = NULL;
	if (steps >= GRU_PACK_MIN_STEPS) {
		GRU_REAL *up = (GRU_REAL *)(base + lay.upack);

		loop.upack = up;
		if (p->reset_after) {
			gru_pack_clear(loop.isa, up, units, gates);
			gru_pack_block(loop.isa, up, units, gates, 0, units, 0, gates, recurrent, gates, 1);
		} else {
			/* [3H, H] row blocks: [U_z | U_r] as [H, 2H], then U_h */
			GRU_REAL *uh = up + gru_packed_floats_bound(units, 2 * units);

			gru_pack_clear(loop.isa, up, units, 2 * units);
			gru_pack_block(loop.isa, up, units, 2 * units, 0, units, 0, units, recurrent, units, 1);
			gru_pack_block(loop.isa, up, units, 2 * units, 0, units, units, units, recurrent + units * units,
					units, 1);
			gru_pack_clear(loop.isa, uh, units, units);
			gru_pack_block(loop.isa, uh, units, units, 0, units, 0, units, recurrent + 2 * units * units, units, 1);
		}
	}
	threads = gru_cpu_loop_threads(batch, 2.0 * (double)batch * (double)steps * (double)units * (double)gates);
#else
	loop.upack = NULL;
	if (!p->reset_after) {
		/* [3H, H] row blocks -> [H, 2H] = [U_z | U_r] */
		for (k = 0; k < units; k++) {
			memcpy(packed + k * 2 * units, recurrent + k * units, units * sizeof(GRU_REAL));
			memcpy(packed + k * 2 * units + units, recurrent + (units + k) * units, units * sizeof(GRU_REAL));
		}
	}
#endif
	(void)k;
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

	/* Inputs of all steps in one GEMM: [B*T, I] x [I, 3H]; or the caller's, computed for several GRUs at once. */
	loop.xw = xw;
	loop.xw_ld = gates;
	if (a->input_projection != NULL) {
		loop.xw = (const GRU_REAL *)a->input_projection;
		loop.xw_ld = a->input_projection_ld;
	} else
#if GRU_PACKED
	if (batch * steps <= GRU_DIRECT_MAX_ROWS) {
		gru_gemm_direct(loop.isa, batch * steps, gates, features, x_gemm, features, kernel, gates, 0, xw, gates);
	} else if (gru_cpu_own_input_projection(loop.isa)) {
		/* our kernels (see gru_cpu_own_input_projection): the kernel packed once, rows split over threads */
		GRU_REAL *wp = (GRU_REAL *)(base + lay.wpack);

		gru_pack_clear(loop.isa, wp, features, gates);
		gru_pack_block(loop.isa, wp, features, gates, 0, features, 0, gates, kernel, gates, 1);
		gru_gemm_rows_parallel(loop.isa, batch * steps, gates, features, x_gemm, features, wp, 0, 1, 0, xw, gates);
	} else
#endif
	{
		GRU_SFX(gemm)(CblasNoTrans, CblasNoTrans, batch * steps, gates, features, x_gemm, features,
				kernel, gates, 0, xw, gates);
	}

	/* Recurrent dropout: the recurrent GEMMs read hd = h * mask, the update the undropped h. */
	loop.p = p;
	loop.recurrent = recurrent;
	loop.rec_drop = rec_drop;
	loop.g = (GRU_REAL *)(base + lay.g);
	loop.h = h;
	loop.bias = bias;
	loop.brec = brec;
	loop.packed = packed;
	loop.rh = (GRU_REAL *)(base + lay.rh);
	loop.hd = (GRU_REAL *)(base + lay.hd);
	loop.outputs = outputs;
	loop.mask = a->mask;
	loop.tr = tr;
	loop.wide = wide;
	gru_cpu_run_rows(GRU_SFX(fwd_rows), &loop, batch, threads);

	if (!p->return_sequences) {
		memcpy(outputs, h, batch * units * sizeof(GRU_REAL));
	}
	if (a->final_state != NULL) {
		memcpy(a->final_state, h, batch * units * sizeof(GRU_REAL));
	}
	return GRU_OK;
}
