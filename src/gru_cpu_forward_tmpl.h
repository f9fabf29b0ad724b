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

#if GRU_PACKED
/* C = A . B, B read in place: on our kernels, or OpenBLAS's without them (GRU_KERNEL_PORTABLE) */
static inline void GRU_SFX(gemm_in_place)(gru_kernel_isa isa, size_t m, size_t n, size_t k, const GRU_REAL *a,
		size_t lda, const GRU_REAL *b, size_t ldb, GRU_REAL *c, size_t ldc)
{
	if (isa == GRU_KERNEL_PORTABLE) {
		GRU_SFX(gemm)(CblasNoTrans, CblasNoTrans, m, n, k, a, lda, b, ldb, 0, c, ldc);
	} else {
		gru_gemm_direct(isa, m, n, k, a, lda, b, ldb, 0, c, ldc);
	}
}
#endif

/* Where the training forward keeps its per-step values; all NULL for inference. */
typedef struct {
	GRU_REAL *hprev, *z, *r, *hh, *aux;
} GRU_SFX(fwd_trace);

/*
 * Everything the time loop reads, shared by its threads. h and hd (with
 * recurrent dropout) are two [B, H] buffers each: step s reads buffer s % 2
 * and writes the other, so that a thread may write its part of the next
 * state while another still reads this one.
 */
typedef struct {
	const gru_problem *p;
	const GRU_REAL *recurrent, *rec_drop;
	GRU_REAL *upack;         /* float32: the packed recurrent kernel (shares side by side); NULL: not packed */
	const GRU_REAL *xw;       /* input projections, row b*T+t at xw + row*xw_ld */
	size_t xw_ld;
	/*
	 * float32, x_ring not NULL: the inputs projected in chunks of steps
	 * (gru_forward_projects_in_chunks; NULL: all steps projected before
	 * the loop, into xw): at the first step of each chunk a share projects
	 * its rows and units of x_gemm for the chunk's steps into x_ring, a
	 * ring of GRU_PROJECTION_CHUNK_STEPS [B, 3H] slots, time t in slot
	 * t % GRU_PROJECTION_CHUNK_STEPS; from wpack_chunk, the input kernel
	 * packed, group_cols columns at a time, or where it is not packed (a
	 * share of the units; OpenBLAS's kernels outranking ours) from the
	 * kernel in place
	 */
	const GRU_REAL *wpack_chunk, *x_gemm, *kernel;
	GRU_REAL *x_ring;
	size_t group_cols;
	GRU_REAL *g, *h, *hd, *bias, *brec, *packed, *rh, *outputs;
	const uint8_t *mask;
	GRU_SFX(fwd_trace) tr;
	/*
	 * Training on the packed float32 GEMM, the batch split, the gate
	 * blocks of U starting on panel boundaries (H a multiple of the panel
	 * width): each step's recurrent GEMMs write into the trace, and the
	 * passes finish the gates there rather than copying them from g.
	 * reset_after: h.U_z, h.U_r and h.U_h into z, r and aux
	 * (step_after_trace_row); reset before: h.[U_z|U_r] into z and r, then
	 * (r*h).U_h into hh. The trace's lines are then fetched for writing by
	 * the GEMMs' stores, while the memory would be idle; copied from the
	 * pass they stalled it (reset_after training forward 0.95-0.97 of its
	 * time, B=64 T=32 H=256 and T=100 H=512)
	 */
	int gates_in_trace;
	/*
	 * No initial state (zeros) and a finite recurrent kernel: the first
	 * step's product h0 U (reset before: h0 [U_z|U_r]) is zeros, written
	 * as such rather than computed (fwd_rec_gemm with A NULL), 1/T of the
	 * recurrent products. An infinity or NaN in U would make it NaN
	 * (0 inf), as the product does for Rindow: then it is computed. Reset
	 * before's second product reads r h0, NaN where an input is, so it is
	 * always computed.
	 */
	int h0_product_zero;
	int wide;
#if GRU_PACKED
	gru_kernel_isa isa;
#endif
} GRU_SFX(fwd_loop);

/*
 * One thread's share of the time loop: batch rows [b0, b1) and units
 * [u0, u0 + w); either all units (the batch split over threads) or all
 * rows (the units split over a team). Its part of the gate buffer: rows
 * of [z | r | h] for its units, ldg = 3w apart.
 */
typedef struct {
	const GRU_SFX(fwd_loop) *loop;
	size_t b0, b1, u0, w, ldg;
	GRU_REAL *g;
	/*
	 * the projection of row b at step t: xw + (b - b0) * xw_b
	 * + (t % xw_slots) * xw_t (all steps: xw_slots = T; the ring: its slots)
	 */
	const GRU_REAL *xw;
	size_t xw_b, xw_t, xw_slots;
} GRU_SFX(fwd_share);

/* Where a share of the batch rows [b0, b1) reads the inputs' projection (see fwd_share). */
static void GRU_SFX(fwd_share_projection)(const GRU_SFX(fwd_loop) *c, GRU_SFX(fwd_share) *sh)
{
	const size_t steps = c->p->steps, gates = 3 * c->p->units;

	if (c->x_ring != NULL) {
		sh->xw = c->x_ring + sh->b0 * gates;
		sh->xw_b = gates;
		sh->xw_t = c->p->batch * gates;
		sh->xw_slots = GRU_PROJECTION_CHUNK_STEPS;
	} else {
		sh->xw = c->xw + sh->b0 * steps * c->xw_ld;
		sh->xw_b = steps * c->xw_ld;
		sh->xw_t = c->xw_ld;
		sh->xw_slots = steps;
	}
}

/* The passes, for AVX-512 and AVX2+FMA where the compiler can target them, and for the build's baseline. */
#if GRU_X86_WIDE
/* float: sigmoid and tanh written with the ISA's intrinsics (gru_activations_<isa>.h); double: the generic pass */
# if GRU_PACKED
#  define GRU_WIDE_ACTIVATE(isa, act, x, n) gru_apply_activation_##isa(act, x, n)
# else
#  define GRU_WIDE_ACTIVATE(isa, act, x, n) GRU_SFX(gru_apply_activation)(act, x, n)
# endif
# define GRU_ROWS(name) GRU_SFX(name##_wide512)
# define GRU_ROWS_ATTR GRU_WIDE512_ATTR
# define GRU_ROWS_ACTIVATE(act, x, n) GRU_WIDE_ACTIVATE(avx512, act, x, n)
# include "gru_cpu_forward_rows_tmpl.h"
# undef GRU_ROWS
# undef GRU_ROWS_ATTR
# undef GRU_ROWS_ACTIVATE
# define GRU_ROWS(name) GRU_SFX(name##_wide)
# define GRU_ROWS_ATTR GRU_WIDE_ATTR
# define GRU_ROWS_ACTIVATE(act, x, n) GRU_WIDE_ACTIVATE(avx2, act, x, n)
# include "gru_cpu_forward_rows_tmpl.h"
# undef GRU_ROWS
# undef GRU_ROWS_ATTR
# undef GRU_ROWS_ACTIVATE
# undef GRU_WIDE_ACTIVATE
#endif
#define GRU_ROWS(name) GRU_SFX(name##_base)
#define GRU_ROWS_ATTR
#define GRU_ROWS_ACTIVATE(act, x, n) GRU_SFX(gru_apply_activation)(act, x, n)
#include "gru_cpu_forward_rows_tmpl.h"
#undef GRU_ROWS
#undef GRU_ROWS_ATTR
#undef GRU_ROWS_ACTIVATE

#if GRU_PACKED
/* Where U_h's packed shares start (reset before): after [U_z|U_r]'s, with room for a padded last share. */
static inline GRU_REAL *GRU_SFX(fwd_packed_h)(const GRU_SFX(fwd_loop) *c)
{
	const size_t units = c->p->units;

	return c->upack + gru_packed_floats_bound(units, 2 * units) + GRU_PACK_NR_MAX * units;
}

/*
 * Packs the columns of units [u0, u0 + w) of the recurrent kernel, gate
 * blocks side by side: reset_after [z | r | h] as [H, 3w] at
 * upack + 3 u0 H; reset before [z | r] as [H, 2w] at upack + 2 u0 H and h
 * as [H, w] at fwd_packed_h() + u0 H. Shares start at multiples of
 * GRU_PACK_NR_MAX units, so each share but the last fills whole panels and
 * the shares lie end to end; u0 = 0, w = H packs the whole kernel.
 */
static void GRU_SFX(fwd_pack_share)(const GRU_SFX(fwd_loop) *c, size_t u0, size_t w)
{
	const size_t units = c->p->units;
	const GRU_REAL *u = c->recurrent;
	GRU_REAL *pk;
	size_t q;

	if (c->p->reset_after) {
		pk = c->upack + 3 * u0 * units;
		gru_pack_clear(c->isa, pk, units, 3 * w);
		for (q = 0; q < 3; q++) {
			gru_pack_block(c->isa, pk, units, 3 * w, 0, units, q * w, w, u + q * units + u0, 3 * units, 1);
		}
		return;
	}
	/* [3H, H] row blocks: U_z and U_r side by side, then U_h */
	pk = c->upack + 2 * u0 * units;
	gru_pack_clear(c->isa, pk, units, 2 * w);
	for (q = 0; q < 2; q++) {
		gru_pack_block(c->isa, pk, units, 2 * w, 0, units, q * w, w, u + q * units * units + u0, units, 1);
	}
	pk = GRU_SFX(fwd_packed_h)(c) + u0 * units;
	gru_pack_clear(c->isa, pk, units, w);
	gru_pack_block(c->isa, pk, units, w, 0, units, 0, w, u + 2 * units * units + u0, units, 1);
}
#endif

/* C = 0, m rows of n values ldc apart: the product of A = zeros (see fwd_rec_gemm) */
static void GRU_SFX(zero_rows)(size_t m, size_t n, GRU_REAL *c, size_t ldc)
{
	size_t i;

	for (i = 0; i < m; i++) {
		memset(c + i * ldc, 0, n * sizeof(GRU_REAL));
	}
}

#if GRU_PACKED
/*
 * The recurrent GEMM `which` of step t (see fwd_rec_gemm) straight into
 * the trace's rows (gates_in_trace), a product per gate block: 0 into z,
 * r and aux, 1 into z and r, 2 into hh.
 */
static void GRU_SFX(fwd_rec_gemm_trace)(const GRU_SFX(fwd_share) *sh, size_t t, int which, const GRU_REAL *a,
		size_t lda)
{
	const GRU_SFX(fwd_loop) *c = sh->loop;
	const size_t units = c->p->units, steps = c->p->steps, first = sh->b0 * steps + t;
	GRU_REAL *const rows[3] = {which == 2 ? c->tr.hh : c->tr.z, c->tr.r, c->tr.aux};
	const GRU_REAL *pk = which == 2 ? GRU_SFX(fwd_packed_h)(c) : c->upack;
	const size_t blocks = which == 0 ? 3 : which == 1 ? 2 : 1;
	size_t q;

	for (q = 0; q < blocks; q++) {
		if (a == NULL) {
			GRU_SFX(zero_rows)(sh->b1 - sh->b0, units, rows[q] + first * units, steps * units);
		} else {
			gru_gemm_packed(c->isa, sh->b1 - sh->b0, units, units, a, lda, pk + q * units * units, 0,
					rows[q] + first * units, steps * units);
		}
	}
}
#endif

/*
 * The recurrent GEMM of step t over a share: its rows of A times its
 * columns of block `which` of the recurrent kernel (0 reset_after's
 * [H, 3H]; 1 [U_z|U_r]; 2 U_h) into its gate buffer `out` (ldg apart), or
 * into the trace (gates_in_trace). a NULL: A is zeros (h0_product_zero),
 * and the product's zeros are written, not computed.
 */
static inline void GRU_SFX(fwd_rec_gemm)(const GRU_SFX(fwd_share) *sh, int which, size_t t, const GRU_REAL *a,
		size_t lda, GRU_REAL *out)
{
	const GRU_SFX(fwd_loop) *c = sh->loop;
	const size_t units = c->p->units, m = sh->b1 - sh->b0;
	const size_t n = which == 0 ? 3 * sh->w : which == 1 ? 2 * sh->w : sh->w;
#if GRU_PACKED
	if (c->gates_in_trace) {
		GRU_SFX(fwd_rec_gemm_trace)(sh, t, which, a, lda);
		return;
	}
#endif
	if (a == NULL) {
		GRU_SFX(zero_rows)(m, n, out, sh->ldg);
		return;
	}
#if GRU_PACKED
	if (c->upack != NULL) {
		const GRU_REAL *pk = which == 0 ? c->upack + 3 * sh->u0 * units
			: which == 1 ? c->upack + 2 * sh->u0 * units : GRU_SFX(fwd_packed_h)(c) + sh->u0 * units;

		gru_gemm_packed(c->isa, m, n, units, a, lda, pk, 0, out, sh->ldg);
	} else if (which == 1) {
		/* too few steps to pack (and so one share of all units): U in place, U_z and U_r separate [H, H] blocks */
		GRU_SFX(gemm_in_place)(c->isa, m, units, units, a, lda, c->recurrent, units, out, sh->ldg);
		GRU_SFX(gemm_in_place)(c->isa, m, units, units, a, lda, c->recurrent + units * units, units, out + units,
				sh->ldg);
	} else {
		const GRU_REAL *u = which == 0 ? c->recurrent : c->recurrent + 2 * units * units;

		GRU_SFX(gemm_in_place)(c->isa, m, n, units, a, lda, u, which == 0 ? 3 * units : units, out, sh->ldg);
	}
#else
	(void)t;
	/* float64: one share of all units, on OpenBLAS */
	const GRU_REAL *u = which == 0 ? c->recurrent : which == 1 ? c->packed : c->recurrent + 2 * units * units;
	const size_t ldu = which == 0 ? 3 * units : which == 1 ? 2 * units : units;

	GRU_SFX(gemm)(CblasNoTrans, CblasNoTrans, m, n, units, a, lda, u, ldu, 0, out, sh->ldg);
#endif
}

#if GRU_PACKED
/* Where time t's row b0 of the share's first unit lies in the ring, and the row of x_gemm it projects. */
static inline GRU_REAL *GRU_SFX(fwd_ring_at)(const GRU_SFX(fwd_share) *sh, size_t t, const GRU_REAL **x)
{
	const GRU_SFX(fwd_loop) *c = sh->loop;
	const gru_problem *p = c->p;
	const size_t gates = 3 * p->units;

	*x = c->x_gemm + (sh->b0 * p->steps + t) * p->features;
	return c->x_ring + (t % GRU_PROJECTION_CHUNK_STEPS) * p->batch * gates + sh->b0 * gates + sh->u0;
}

/*
 * The inputs' projection of a share's rows and units for the chunk of
 * steps from s (go_backwards: the times steps-1-s down), into their ring
 * slots. From the packed kernel: a group of its panels over all the
 * chunk's steps, then the next, so that each group is read into cache
 * once a chunk. Else (a team's share of the units; OpenBLAS's kernels
 * outranking ours, so the kernel not packed) from the kernel in place, a
 * product per step and gate block, the share's columns of each.
 */
static void GRU_SFX(fwd_project_chunk)(const GRU_SFX(fwd_share) *sh, size_t s)
{
	const GRU_SFX(fwd_loop) *c = sh->loop;
	const gru_problem *p = c->p;
	const size_t steps = p->steps, features = p->features, units = p->units, gates = 3 * units;
	const size_t rows = sh->b1 - sh->b0, ldx = steps * features;
	const size_t last = steps - s < GRU_PROJECTION_CHUNK_STEPS ? steps : s + GRU_PROJECTION_CHUNK_STEPS;
	const GRU_REAL *x;
	GRU_REAL *ring;
	size_t n0, q, g;

	if (c->wpack_chunk == NULL) {
		for (q = s; q < last; q++) {
			ring = GRU_SFX(fwd_ring_at)(sh, p->go_backwards ? steps - 1 - q : q, &x);
			for (g = 0; g < 3; g++) {
				gru_gemm_direct(c->isa, rows, sh->w, features, x, ldx, c->kernel + g * units + sh->u0, gates, 0,
						ring + g * units, gates);
			}
		}
		return;
	}
	for (n0 = 0; n0 < gates; n0 += c->group_cols) {
		const size_t cols = gates - n0 < c->group_cols ? gates - n0 : c->group_cols;

		for (q = s; q < last; q++) {
			ring = GRU_SFX(fwd_ring_at)(sh, p->go_backwards ? steps - 1 - q : q, &x);
			/* n0 is a multiple of the panel width: its panel starts n0 * features floats in */
			gru_gemm_packed(c->isa, rows, cols, features, x, ldx, c->wpack_chunk + n0 * features, 0, ring + n0,
					gates);
		}
	}
}
#endif

/* The time loop over a share; team: the share's team when the units are split (NULL: no one to wait for). */
static void GRU_SFX(fwd_run_share)(const GRU_SFX(fwd_share) *sh, gru_team *team)
{
	const GRU_SFX(fwd_loop) *c = sh->loop;
	const gru_problem *p = c->p;
	const size_t steps = p->steps, units = p->units, state = p->batch * p->units;
	const int wide = c->wide;
	size_t s;

	if (c->rec_drop != NULL) {
		GRU_PASS(dropout_share)(sh, c->h, c->hd);
		gru_team_barrier(team);
	}
	for (s = 0; s < steps; s++) {
		const size_t t = p->go_backwards ? steps - 1 - s : s;
		const size_t now = (s & 1) * state, next = state - now;
		const GRU_REAL *hprev = c->h + now;
		GRU_REAL *hnext = c->h + next;
		const GRU_REAL *h_gemm = c->rec_drop != NULL ? c->hd + now : hprev;
		/* A of the step's first recurrent product; NULL: zeros (h0_product_zero) */
		const GRU_REAL *a_rec = s == 0 && c->h0_product_zero ? NULL : h_gemm + sh->b0 * units;

#if GRU_PACKED
		if (c->x_ring != NULL && s % GRU_PROJECTION_CHUNK_STEPS == 0) {
			GRU_SFX(fwd_project_chunk)(sh, s);
		}
#endif

		if (p->reset_after) {
			GRU_SFX(fwd_rec_gemm)(sh, 0, t, a_rec, units, sh->g);
			GRU_PASS(pass_after)(sh, t, hprev, hnext);
		} else {
			/* with a trace, r*h goes straight to it and is read from there (rows b*T+t) */
			GRU_REAL *rh_step = c->tr.aux != NULL ? c->tr.aux + t * units : c->rh;
			const size_t rh_ld = c->tr.aux != NULL ? steps * units : units;

			GRU_SFX(fwd_rec_gemm)(sh, 1, t, a_rec, units, sh->g);
			GRU_PASS(pass_before_gates)(sh, t, h_gemm, rh_step, rh_ld);
			/* the candidate's GEMM reads every unit of r*h */
			gru_team_barrier(team);
			GRU_SFX(fwd_rec_gemm)(sh, 2, t, rh_step + sh->b0 * rh_ld, rh_ld, sh->g + 2 * sh->w);
			GRU_PASS(pass_before_update)(sh, t, hprev, hnext);
		}
		if (c->rec_drop != NULL) {
			GRU_PASS(dropout_share)(sh, hnext, c->hd + next);
		}
		gru_team_barrier(team);
	}
}

/* The batch split: rows [b0, b1), all units (rows never interact: no barrier). */
static void GRU_SFX(fwd_rows)(void *ctx, size_t b0, size_t b1)
{
	const GRU_SFX(fwd_loop) *c = (const GRU_SFX(fwd_loop) *)ctx;
	const size_t units = c->p->units;
	GRU_SFX(fwd_share) sh;

	sh.loop = c;
	sh.b0 = b0;
	sh.b1 = b1;
	sh.u0 = 0;
	sh.w = units;
	sh.ldg = 3 * units;
	sh.g = c->g + b0 * 3 * units;
	GRU_SFX(fwd_share_projection)(c, &sh);
	GRU_SFX(fwd_run_share)(&sh, NULL);
}

#if GRU_PACKED
/* The units split: member `index` packs its columns of U (into its own cache) and runs them on all rows. */
static void GRU_SFX(fwd_team)(void *ctx, size_t index, size_t count, gru_team *team)
{
	const GRU_SFX(fwd_loop) *c = (const GRU_SFX(fwd_loop) *)ctx;
	GRU_SFX(fwd_share) sh;
	size_t u1;

	sh.loop = c;
	sh.b0 = 0;
	sh.b1 = c->p->batch;
	gru_unit_share(c->p->units, index, count, GRU_PACK_NR_MAX, &sh.u0, &u1);
	sh.w = u1 - sh.u0;
	sh.ldg = 3 * sh.w;
	sh.g = c->g + 3 * sh.u0 * c->p->batch;
	GRU_SFX(fwd_share_projection)(c, &sh);
	GRU_SFX(fwd_pack_share)(c, sh.u0, sh.w);
	GRU_SFX(fwd_run_share)(&sh, team);
}
#endif

gru_status_code GRU_SFX(gru_cpu_forward)(const gru_problem *p, const gru_weights *w,
		const gru_forward_args *a, gru_status *status)
{
	const size_t batch = p->batch, steps = p->steps, features = p->features, units = p->units;
	const size_t gates = 3 * units;
	const double step_flops = 2.0 * (double)batch * (double)units * (double)gates;
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
	size_t threads = 1, team = 1;
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
	loop.p = p;
	loop.recurrent = recurrent;
	loop.upack = NULL;
#if GRU_PACKED
	loop.isa = gru_cpu_kernel_isa();
	/* without SIMD kernels: OpenBLAS, one loop thread (GRU_KERNEL_PORTABLE, gru_cpu_gemm.h) */
	if (loop.isa != GRU_KERNEL_PORTABLE) {
		threads = gru_cpu_loop_threads(batch, step_flops * (double)steps);
		if (steps >= GRU_PACK_MIN_STEPS) {
			loop.upack = (GRU_REAL *)(base + lay.upack);
			team = gru_cpu_units_team(batch, units, step_flops * (double)steps, step_flops);
			if (team <= 1) {
				/* one share of all units, packed here for every thread of the batch split */
				GRU_SFX(fwd_pack_share)(&loop, 0, units);
			}
		}
	}
#else
	if (!p->reset_after) {
		/* [3H, H] row blocks -> [H, 2H] = [U_z | U_r] */
		for (k = 0; k < units; k++) {
			memcpy(packed + k * 2 * units, recurrent + k * units, units * sizeof(GRU_REAL));
			memcpy(packed + k * 2 * units + units, recurrent + (units + k) * units, units * sizeof(GRU_REAL));
		}
	}
#endif
	(void)k;
	(void)step_flops;
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

	/*
	 * Inputs of all steps in one GEMM, [B*T, I] x [I, 3H], or in chunks of
	 * steps in the loop (x_ring); or the caller's, computed for several
	 * GRUs at once.
	 */
	loop.xw = xw;
	loop.xw_ld = gates;
	loop.wpack_chunk = NULL;
	loop.x_gemm = x_gemm;
	loop.kernel = kernel;
	loop.x_ring = NULL;
	loop.group_cols = 0;
	if (a->input_projection != NULL) {
		loop.xw = (const GRU_REAL *)a->input_projection;
		loop.xw_ld = a->input_projection_ld;
	} else
#if GRU_PACKED
	if (gru_forward_projects_in_chunks(p)) {
		/* xw has room for the ring only (see gru_forward_projects_in_chunks): taken whatever the threads */
		loop.x_ring = xw;
		if (team <= 1 && gru_cpu_own_projection(loop.isa)) {
			/* the whole kernel packed once for every share (a team's members read their columns in place) */
			GRU_REAL *wp = (GRU_REAL *)(base + lay.wpack);

			gru_pack_clear(loop.isa, wp, features, gates);
			gru_pack_block(loop.isa, wp, features, gates, 0, features, 0, gates, kernel, gates, 1);
			loop.wpack_chunk = wp;
			loop.group_cols = gru_projection_group_cols(features, gates);
		}
	} else if (batch * steps <= GRU_DIRECT_MAX_ROWS) {
		GRU_SFX(gemm_in_place)(loop.isa, batch * steps, gates, features, x_gemm, features, kernel, gates, xw, gates);
	} else if (gru_cpu_own_projection(loop.isa)) {
		/* our kernels (see gru_cpu_own_projection): the kernel packed once, rows split over threads */
		GRU_REAL *wp = (GRU_REAL *)(base + lay.wpack);

		gru_pack_clear(loop.isa, wp, features, gates);
		gru_pack_block(loop.isa, wp, features, gates, 0, features, 0, gates, kernel, gates, 1);
		gru_gemm_parallel(loop.isa, batch * steps, gates, features, x_gemm, features, wp, 0, 1, 0, xw, gates, NULL);
	} else
#endif
	{
		GRU_SFX(gemm)(CblasNoTrans, CblasNoTrans, batch * steps, gates, features, x_gemm, features,
				kernel, gates, 0, xw, gates);
	}

	/* Recurrent dropout: the recurrent GEMMs read hd = h * mask, the update the undropped h. */
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
	loop.gates_in_trace = 0;
	loop.h0_product_zero = a->initial_state == NULL && GRU_PASS(all_finite)(recurrent, gates * units);
#if GRU_PACKED
	/* (U packed whole by fwd_pack_share(): gate q's panels from q H H floats in, U_h's at fwd_packed_h()) */
	loop.gates_in_trace = tr.z != NULL && loop.upack != NULL && team <= 1 && units % gru_pack_nr(loop.isa) == 0;
#endif
#if GRU_PACKED
	gru_cpu_run_loop(GRU_SFX(fwd_team), GRU_SFX(fwd_rows), &loop, batch, team, threads);
#else
	gru_cpu_run_loop(NULL, GRU_SFX(fwd_rows), &loop, batch, team, threads);
#endif

	/* the last step wrote the state buffer steps % 2 */
	h += (steps & 1) * batch * units;
	if (!p->return_sequences) {
		memcpy(outputs, h, batch * units * sizeof(GRU_REAL));
	}
	if (a->final_state != NULL) {
		memcpy(a->final_state, h, batch * units * sizeof(GRU_REAL));
	}
	return GRU_OK;
}
