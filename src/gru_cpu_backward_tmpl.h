/*
 * Type-generic body of the CPU backward, included once per element type by
 * gru_cpu_backward.c with GRU_REAL, GRU_SFX(name) and GRU_GEMM defined.
 * No include guard on purpose. Layouts: gru_cpu_internal.h.
 *
 * Per step (in reverse processing order), with dh the gradient of the
 * state after the step (plus that step's output gradient):
 *   dz  = dh (hprev - hh) s'(z)        dxh = dh (1 - z) a'(hh)
 *   reset_after:  dr = dxh ih s'(r),   dgh = dxh r,
 *                 dhprev = dh z + [dz|dr|dgh] U^T          (one GEMM)
 *   reset before: drh = dxh U_h^T                          (GEMM)
 *                 dr = drh hprev s'(r),
 *                 dhprev = dh z + drh r + [dz|dr] [U_z|U_r]^T  (GEMM)
 * A masked step passes dh through unchanged, with zero gate gradients.
 * Recurrent dropout (mask m, hd = hprev m feeding the recurrent GEMMs):
 * the GEMM part of dhprev is multiplied by m, and reset before dr uses hd.
 * Input dropout (mask m_in): dW = (X m_in)^T dG, dX = (dG W^T) m_in.
 * Then, batched over all B*T rows: dW = X^T dG, dX = dG W^T,
 * dU = Hprev^T dG_rec (and (r*hprev)^T dxh for U_h when reset before),
 * bias gradients as column sums of dG. dX and the bias gradients may run
 * step by step instead, from each step's rows of dG while they are in
 * cache, and dG may then be laid out for the weight gradients' kernels as
 * the steps make it (see bwd_loop).
 */

static inline void GRU_SFX(gemm)(enum CBLAS_TRANSPOSE trans_a, enum CBLAS_TRANSPOSE trans_b,
		size_t m, size_t n, size_t k, const GRU_REAL *a, size_t lda, const GRU_REAL *b, size_t ldb,
		GRU_REAL beta, GRU_REAL *c, size_t ldc)
{
	GRU_GEMM(CblasRowMajor, trans_a, trans_b, (blasint)m, (blasint)n, (blasint)k, (GRU_REAL)1,
			a, (blasint)lda, b, (blasint)ldb, beta, c, (blasint)ldc);
}

typedef struct {
	const GRU_REAL *hprev, *z, *r, *hh, *aux;
} GRU_SFX(bwd_trace);

/* What the backward time loop reads, shared by its threads. */
typedef struct {
	const gru_problem *p;
	const GRU_REAL *recurrent, *packed, *rec_drop, *dout, *upack;
	GRU_REAL *dh, *drh;
	/*
	 * Where the passes write the gate gradients of row (b, t), which the
	 * step's products then read: dg_rows + b * dg_ld + t * dg_tld. dG of
	 * all steps [B*T, width] (dg_ld = T * width, dg_tld = width), or one
	 * step's rows [B, width] (dg_ld = width, dg_tld = 0) when dg_sliced is
	 * set: then each step's rows go on into dG K-sliced (the float32 TN
	 * products' layout, gru_pack_sliced_rows) at dg_sliced.
	 */
	GRU_REAL *dg_rows, *dg_sliced;
	size_t dg_ld, dg_tld;
	const uint8_t *mask;
	GRU_SFX(bwd_trace) tr;
	int wide;
	/*
	 * float32: dX step by step (gru_cpu_step_products) into dx_step, the
	 * caller's [B*T, I], with W^T packed at wt_pack (and reset_after's
	 * dxh part at wt_pack_h, see bwd_pack_kernel_t); NULL: dX over all
	 * steps after the loop
	 */
	GRU_REAL *dx_step;
	const GRU_REAL *wt_pack, *wt_pack_h;
	/*
	 * The bias gradients summed step by step, from the step's rows of dG
	 * while in cache (step_bias_sums; one share only, and only where the
	 * products after the loop do not take them as they pack dG: OpenBLAS's,
	 * or ours on dG K-sliced (the sums of its slices took 1.7% of the
	 * samples of a one-thread seed training step, these 0.3%, but the
	 * former were the slices' first read from memory, which the kernels
	 * then take over: the backward 0.99-1.00 of its time this way, paired);
	 * NULL: column sums over all rows after the loop
	 */
	GRU_REAL *db_step;
	/*
	 * the caller wants the gradient of the initial state (d_initial_state);
	 * else the first step's products into dh (its state gradient: the
	 * initial state's, which nothing else reads) are skipped, 1/T of the
	 * recurrent products of the backward
	 */
	int initial_dh;
#if GRU_PACKED
	gru_kernel_isa isa;
#endif
} GRU_SFX(bwd_loop);

/*
 * One thread's share of the backward time loop: batch rows [b0, b1) and
 * units [u0, u0 + w) of the state gradient; all units (the batch split)
 * or all rows (the units split over a team, gru_cpu_threads.h).
 */
typedef struct {
	const GRU_SFX(bwd_loop) *loop;
	size_t b0, b1, u0, w;
} GRU_SFX(bwd_share);

/* Row (b, t) of the gate gradients (see bwd_loop). */
static inline GRU_REAL *GRU_SFX(bwd_dg_row)(const GRU_SFX(bwd_loop) *c, size_t b, size_t t)
{
	return c->dg_rows + b * c->dg_ld + t * c->dg_tld;
}

/* The passes, for AVX-512 and AVX2+FMA where the compiler can target them, and for the build's baseline. */
#if GRU_X86_WIDE
# define GRU_ROWS(name) GRU_SFX(name##_wide512)
# define GRU_ROWS_ATTR GRU_WIDE512_ATTR
# include "gru_cpu_backward_rows_tmpl.h"
# undef GRU_ROWS
# undef GRU_ROWS_ATTR
# define GRU_ROWS(name) GRU_SFX(name##_wide)
# define GRU_ROWS_ATTR GRU_WIDE_ATTR
# include "gru_cpu_backward_rows_tmpl.h"
# undef GRU_ROWS
# undef GRU_ROWS_ATTR
#endif
#define GRU_ROWS(name) GRU_SFX(name##_base)
#define GRU_ROWS_ATTR
#include "gru_cpu_backward_rows_tmpl.h"
#undef GRU_ROWS
#undef GRU_ROWS_ATTR

/*
 * C = X^T D (+ C) and C = A B^T (+ C) as the backward needs them: a few rows
 * on the loops above, more on OpenBLAS. `rows` is the summed-over dimension
 * of the first and the row count of the second.
 */
static inline void GRU_SFX(gemm_tn)(int wide, size_t ni, size_t nj, size_t rows, const GRU_REAL *x, size_t ldx,
		const GRU_REAL *d, size_t ldd, GRU_REAL beta, GRU_REAL *c, size_t ldc)
{
	if (rows <= GRU_DIRECT_MAX_ROWS) {
		GRU_PASS(small_tn)(ni, nj, rows, x, ldx, d, ldd, beta, c, ldc);
	} else {
		GRU_SFX(gemm)(CblasTrans, CblasNoTrans, ni, nj, rows, x, ldx, d, ldd, beta, c, ldc);
	}
}

static inline void GRU_SFX(gemm_nt)(int wide, size_t rows, size_t ni, size_t nj, const GRU_REAL *a, size_t lda,
		const GRU_REAL *b, size_t ldb, GRU_REAL beta, GRU_REAL *c, size_t ldc)
{
	if (rows <= GRU_DIRECT_MAX_ROWS) {
		GRU_PASS(small_nt)(rows, ni, nj, a, lda, b, ldb, beta, c, ldc);
	} else {
		GRU_SFX(gemm)(CblasNoTrans, CblasTrans, rows, ni, nj, a, lda, b, ldb, beta, c, ldc);
	}
}

/*
 * out (+)= A . V^T over a share: its rows of A, its units' columns of V^T
 * (out's columns u0.., out a [B, H] buffer), V a block of the recurrent
 * kernel: which 0: U [H,3H] (k = 3H), 1: U_h (k = H), 2: [U_z|U_r] [H,2H]
 * (k = 2H). Packed V^T is [k, H] in panels: a share's columns, starting at
 * a multiple of GRU_PACK_NR_MAX, are its panels, u0 k floats in.
 */
static inline void GRU_SFX(bwd_rec_gemm)(const GRU_SFX(bwd_share) *sh, int which, const GRU_REAL *a, size_t lda,
		int accumulate, GRU_REAL *out)
{
	const GRU_SFX(bwd_loop) *c = sh->loop;
	const size_t units = c->p->units, m = sh->b1 - sh->b0;
	const size_t k = which == 0 ? 3 * units : which == 1 ? units : 2 * units;

	out += sh->b0 * units + sh->u0;
#if GRU_PACKED
	if (c->upack != NULL) {
		const GRU_REAL *pk = which == 2 ? c->upack + gru_packed_floats_bound(units, units) : c->upack;

		gru_gemm_packed(c->isa, m, sh->w, k, a, lda, pk + sh->u0 * k, accumulate, out, units);
		return;
	}
#endif
	/* not packed (float64, or too few steps): one share of all units */
	if (which == 2) {
		/* U in place, its U_z and U_r blocks one after the other */
		GRU_SFX(gemm_nt)(c->wide, m, units, units, a, lda, c->recurrent, units, accumulate ? 1 : 0, out, units);
		GRU_SFX(gemm_nt)(c->wide, m, units, units, a + units, lda, c->recurrent + units * units, units, 1, out,
				units);
	} else {
		const GRU_REAL *v = which == 0 ? c->recurrent : c->recurrent + 2 * units * units;

		GRU_SFX(gemm_nt)(c->wide, m, units, k, a, lda, v, which == 0 ? 3 * units : units, accumulate ? 1 : 0,
				out, units);
	}
}

#if GRU_PACKED
/*
 * W^T packed for dX = dG W^T on our kernels, P(k, n) = W[n][k]. Reset
 * before: [3H, I], matching dG's [dz | dr | dxh]. reset_after's dG has the
 * input side in [dz | dr] and dxh: W^T's first 2H rows and its last H rows
 * packed apart, [2H, I] at wpack and [H, I] at the pointer returned
 * (reset before: NULL).
 */
static GRU_REAL *GRU_SFX(bwd_pack_kernel_t)(const gru_problem *p, gru_kernel_isa isa, const GRU_REAL *kernel,
		GRU_REAL *wpack)
{
	const size_t units = p->units, gates = 3 * units, features = p->features;
	GRU_REAL *wp_h;

	if (!p->reset_after) {
		gru_pack_clear(isa, wpack, gates, features);
		gru_pack_block(isa, wpack, gates, features, 0, gates, 0, features, kernel, 1, gates);
		return NULL;
	}
	wp_h = wpack + gru_packed_floats_bound(2 * units, features);
	gru_pack_clear(isa, wpack, 2 * units, features);
	gru_pack_block(isa, wpack, 2 * units, features, 0, 2 * units, 0, features, kernel, 1, gates);
	gru_pack_clear(isa, wp_h, units, features);
	gru_pack_block(isa, wp_h, units, features, 0, units, 0, features, kernel + 2 * units, 1, gates);
	return wp_h;
}

/* dX of step t over a share's rows, from its rows of dG, dg_ld apart (see bwd_loop's dx_step). */
static void GRU_SFX(bwd_step_dx)(const GRU_SFX(bwd_share) *sh, size_t t, const GRU_REAL *dg_rows, size_t dg_ld)
{
	const GRU_SFX(bwd_loop) *c = sh->loop;
	const gru_problem *p = c->p;
	const size_t units = p->units, features = p->features, m = sh->b1 - sh->b0;
	GRU_REAL *dx = c->dx_step + (sh->b0 * p->steps + t) * features;
	const size_t ldx = p->steps * features;

	if (p->reset_after) {
		gru_gemm_packed(c->isa, m, features, 2 * units, dg_rows, dg_ld, c->wt_pack, 0, dx, ldx);
		gru_gemm_packed(c->isa, m, features, units, dg_rows + 3 * units, dg_ld, c->wt_pack_h, 1, dx, ldx);
	} else {
		gru_gemm_packed(c->isa, m, features, 3 * units, dg_rows, dg_ld, c->wt_pack, 0, dx, ldx);
	}
}

/* A share's rows of step t (dg_rows, dg_ld apart) into K-sliced dG, time-major: rows t * B + b of [B*T, width]. */
static void GRU_SFX(bwd_slice_step)(const GRU_SFX(bwd_share) *sh, size_t t, const GRU_REAL *dg_rows)
{
	const GRU_SFX(bwd_loop) *c = sh->loop;
	const gru_problem *p = c->p;

	gru_pack_sliced_rows(c->isa, c->dg_sliced, p->batch * p->steps, p->reset_after ? 4 * p->units : 3 * p->units,
			t * p->batch + sh->b0, sh->b1 - sh->b0, dg_rows, c->dg_ld);
}
#endif

/* The backward time loop over a share; team: the share's team when the units are split (NULL: none). */
static void GRU_SFX(bwd_run_share)(const GRU_SFX(bwd_share) *sh, gru_team *team)
{
	const GRU_SFX(bwd_loop) *c = sh->loop;
	const gru_problem *p = c->p;
	const size_t steps = p->steps, units = p->units;
	const size_t dg_ld = c->dg_ld;
	const int wide = c->wide;
	size_t s;

	for (s = steps; s-- > 0;) {
		const size_t t = p->go_backwards ? steps - 1 - s : s;
		const GRU_REAL *dg_rows = GRU_SFX(bwd_dg_row)(c, sh->b0, t);
		const int dh_read = s > 0 || c->initial_dh;

		GRU_PASS(pass_backward)(sh, t);
		/* the GEMMs read every unit's gate gradients */
		gru_team_barrier(team);
		if (p->reset_after && dh_read) {
			if (c->rec_drop == NULL) {
				/* dh += [dz | dr | dgh] U^T */
				GRU_SFX(bwd_rec_gemm)(sh, 0, dg_rows, dg_ld, 1, c->dh);
			} else {
				/* the GEMM read hd = hprev m: dh += ([dz | dr | dgh] U^T) m */
				GRU_SFX(bwd_rec_gemm)(sh, 0, dg_rows, dg_ld, 0, c->drh);
				GRU_PASS(add_dropped_share)(sh);
			}
		} else if (!p->reset_after) {
			GRU_SFX(bwd_rec_gemm)(sh, 1, dg_rows + 2 * units, dg_ld, 0, c->drh);
			GRU_PASS(pass_backward_before)(sh, t);
			if (dh_read) {
				gru_team_barrier(team);
				if (c->rec_drop == NULL) {
					GRU_SFX(bwd_rec_gemm)(sh, 2, dg_rows, dg_ld, 1, c->dh);
				} else {
					/* drh holds drh r; the gradient of hd is that plus [dz|dr] [U_z|U_r]^T */
					GRU_SFX(bwd_rec_gemm)(sh, 2, dg_rows, dg_ld, 1, c->drh);
					GRU_PASS(add_dropped_share)(sh);
				}
			}
		}
#if GRU_PACKED
		if (c->dx_step != NULL) {
			GRU_SFX(bwd_step_dx)(sh, t, dg_rows, dg_ld);
		}
#endif
		if (c->db_step != NULL) {
			GRU_PASS(step_bias_sums)(sh, t, c->db_step);
		}
#if GRU_PACKED
		if (c->dg_sliced != NULL) {
			GRU_SFX(bwd_slice_step)(sh, t, dg_rows);
		}
#endif
	}
}

/* The batch split: rows [b0, b1), all units (rows never interact: no barrier). */
static void GRU_SFX(bwd_rows)(void *ctx, size_t b0, size_t b1)
{
	GRU_SFX(bwd_share) sh;

	sh.loop = (const GRU_SFX(bwd_loop) *)ctx;
	sh.b0 = b0;
	sh.b1 = b1;
	sh.u0 = 0;
	sh.w = sh.loop->p->units;
	GRU_SFX(bwd_run_share)(&sh, NULL);
}

#if GRU_PACKED
/* The units split: member `index` runs its units' columns of the state gradient on all rows. */
static void GRU_SFX(bwd_team)(void *ctx, size_t index, size_t count, gru_team *team)
{
	GRU_SFX(bwd_share) sh;
	size_t u1;

	sh.loop = (const GRU_SFX(bwd_loop) *)ctx;
	sh.b0 = 0;
	sh.b1 = sh.loop->p->batch;
	gru_unit_share(sh.loop->p->units, index, count, GRU_PACK_NR_MAX, &sh.u0, &u1);
	sh.w = u1 - sh.u0;
	GRU_SFX(bwd_run_share)(&sh, team);
}
#endif

/* Column sums of dG over a range of its columns (gru_cpu_run_chunks). */
typedef struct {
	GRU_REAL *acc;
	const GRU_REAL *src;
	size_t rows, ld;
	int wide;
} GRU_SFX(column_sums_job);

static void GRU_SFX(column_sums_range)(void *ctx, size_t c0, size_t c1)
{
	const GRU_SFX(column_sums_job) *o = (const GRU_SFX(column_sums_job) *)ctx;
	const int wide = o->wide;

	GRU_PASS(column_sums)(o->acc + c0, o->src + c0, o->rows, o->ld, c1 - c0);
}

/*
 * acc[n] = the sums of n columns of src over its rows, the columns split
 * over threads from 256k values up (a pass over memory; each column summed
 * in row order, whatever the split, so the same bits).
 */
static void GRU_SFX(column_sums_parallel)(int wide, GRU_REAL *acc, const GRU_REAL *src, size_t rows, size_t ld,
		size_t n)
{
	GRU_SFX(column_sums_job) o;

	o.acc = acc;
	o.src = src;
	o.rows = rows;
	o.ld = ld;
	o.wide = wide;
	/* chunks of whole 16-column blocks (a 64-byte line of floats), two a thread */
	gru_cpu_run_pass(GRU_SFX(column_sums_range), &o, n, 16, 2, (double)rows * (double)n, 262144.0);
}

#if GRU_PACKED
/*
 * C[m, n] = A . dG's columns [col, col + n) (A packed by gru_pack_a_t) on
 * our kernels: dG K-sliced (sliced; col a multiple of the panel width) or
 * in place [rows, width], packed as the product goes (into bpack).
 */
static void GRU_SFX(bwd_tn)(gru_kernel_isa isa, int sliced, size_t m, size_t n, size_t rows, const GRU_REAL *apack,
		const GRU_REAL *dg, size_t width, size_t col, GRU_REAL *c, size_t ldc, GRU_REAL *bpack, GRU_REAL *col_sums)
{
	const size_t nr = gru_pack_nr(isa);

	if (sliced) {
		gru_gemm_parallel_tn_sliced(isa, m, n, rows, apack, dg, (width + nr - 1) / nr, col / nr, c, ldc,
				col_sums);
	} else {
		gru_gemm_parallel_tn(isa, m, n, rows, apack, dg + col, width, c, ldc, bpack, col_sums);
	}
}

/*
 * The weight and input gradients of a long call on our kernels: dW = X^T dG
 * and dU = Hprev^T dG with X and Hprev packed as A^T (gru_pack_a_t, into
 * apack) and dG as B (bwd_tn: K-sliced by the loop, or in place);
 * dX = dG W^T with W^T packed (only with dG in place). The same products as
 * the OpenBLAS branch; the bias gradients (d_bias, NULL: none) are the
 * column sums the products take of dG's packed slices: dG in place, the
 * bits of column_sums_parallel(); K-sliced, summed in time order.
 */
static void GRU_SFX(bwd_own_products)(const gru_problem *p, gru_kernel_isa isa, const GRU_REAL *x_gemm,
		const GRU_REAL *hp_gemm, const GRU_REAL *aux, const GRU_REAL *dg, int sliced, const GRU_REAL *kernel,
		GRU_REAL *apack, GRU_REAL *wpack, GRU_REAL *bpack, GRU_REAL *d_kernel, GRU_REAL *d_recurrent,
		GRU_REAL *d_inputs, GRU_REAL *d_bias)
{
	const size_t units = p->units, gates = 3 * units, features = p->features;
	const size_t rows = p->batch * p->steps;
	const size_t width = p->reset_after ? 4 * units : 3 * units;
	/* K-sliced dG is time-major: A^T's rows taken in that order too */
	const size_t order = sliced ? p->batch : 0;
	size_t j;

	gru_pack_a_t(isa, apack, x_gemm, features, features, rows, order);
	if (p->reset_after) {
		/* bias: input side [dz | dr | dxh], recurrent side [dz | dr | dgh] */
		GRU_SFX(bwd_tn)(isa, sliced, features, 2 * units, rows, apack, dg, width, 0, d_kernel, gates, bpack, NULL);
		GRU_SFX(bwd_tn)(isa, sliced, features, units, rows, apack, dg, width, 3 * units, d_kernel + 2 * units,
				gates, bpack, d_bias != NULL ? d_bias + 2 * units : NULL);
		gru_pack_a_t(isa, apack, hp_gemm, units, units, rows, order);
		GRU_SFX(bwd_tn)(isa, sliced, units, gates, rows, apack, dg, width, 0, d_recurrent, gates, bpack,
				d_bias != NULL ? d_bias + gates : NULL);
		if (d_bias != NULL) {
			memcpy(d_bias, d_bias + gates, 2 * units * sizeof(GRU_REAL));
		}
	} else {
		GRU_SFX(bwd_tn)(isa, sliced, features, gates, rows, apack, dg, width, 0, d_kernel, gates, bpack, d_bias);
		gru_pack_a_t(isa, apack, hp_gemm, units, units, rows, order);
		for (j = 0; j < 2; j++) {
			GRU_SFX(bwd_tn)(isa, sliced, units, units, rows, apack, dg, width, j * units,
					d_recurrent + j * units * units, units, bpack, NULL);
		}
		gru_pack_a_t(isa, apack, aux, units, units, rows, order);
		GRU_SFX(bwd_tn)(isa, sliced, units, units, rows, apack, dg, width, 2 * units,
				d_recurrent + 2 * units * units, units, bpack, NULL);
	}
	if (d_inputs != NULL) {
		GRU_REAL *wp_h = GRU_SFX(bwd_pack_kernel_t)(p, isa, kernel, wpack);

		if (p->reset_after) {
			gru_gemm_parallel(isa, rows, features, 2 * units, dg, width, wpack, 0, 1, 0, d_inputs, features, NULL);
			gru_gemm_parallel(isa, rows, features, units, dg + 3 * units, width, wp_h, 0, 1, 1, d_inputs,
					features, NULL);
		} else {
			gru_gemm_parallel(isa, rows, features, gates, dg, width, wpack, 0, 1, 0, d_inputs, features, NULL);
		}
	}
}
#endif

gru_status_code GRU_SFX(gru_cpu_backward)(const gru_problem *p, const gru_weights *w,
		const gru_backward_args *a, gru_status *status)
{
	const size_t batch = p->batch, steps = p->steps, features = p->features, units = p->units;
	const size_t gates = 3 * units;
	const size_t width = p->reset_after ? 4 * units : 3 * units;
	const size_t rows = batch * steps;
	const GRU_REAL *inputs = (const GRU_REAL *)a->inputs;
	const GRU_REAL *kernel = (const GRU_REAL *)w->kernel;
	const GRU_REAL *recurrent = (const GRU_REAL *)w->recurrent_kernel;
	const GRU_REAL *dout = (const GRU_REAL *)a->d_outputs;
	GRU_REAL *d_kernel = (GRU_REAL *)a->d_kernel;
	GRU_REAL *d_recurrent = (GRU_REAL *)a->d_recurrent_kernel;
	GRU_REAL *d_bias = (GRU_REAL *)a->d_bias;
	GRU_REAL *d_inputs = (GRU_REAL *)a->d_inputs;
	gru_backward_layout lay;
	gru_trace_layout tl;
	GRU_SFX(bwd_trace) tr;
	const char *tbase = (const char *)a->trace;
	char *base;
	const GRU_REAL *in_drop = (const GRU_REAL *)a->input_dropout;
	const GRU_REAL *rec_drop = (const GRU_REAL *)a->recurrent_dropout;
	const GRU_REAL *x_gemm = inputs;
	GRU_REAL *dg, *dh, *drh, *packed, *xd, *hd;
	const GRU_REAL *hp_gemm;
	const int wide = gru_cpu_pass_level();
	GRU_SFX(bwd_loop) loop;
	const double step_flops = 2.0 * (double)batch * (double)units * (double)gates;
	size_t threads = 1, team = 1;
	size_t j, k;
	int own = 0;   /* the batched products on our kernels rather than OpenBLAS */
	int step_rows = 0;   /* the products with the input kernel step by step (gru_cpu_step_products) */
	int sliceable = 0;   /* dG's gate blocks whole panels, so that it can be K-sliced */

	if (!gru_backward_layout_compute(p, &lay) || !gru_trace_layout_compute(p, &tl)) {
		return gru_status_set(status, GRU_E_OVERFLOW, "backward workspace size overflows size_t");
	}
	base = gru_align_pointer(a->workspace);
	dg = (GRU_REAL *)(base + lay.dg);
	dh = (GRU_REAL *)(base + lay.dh);
	drh = (GRU_REAL *)(base + lay.drh);
	packed = (GRU_REAL *)(base + lay.packed);
	xd = (GRU_REAL *)(base + lay.xd);
	hd = (GRU_REAL *)(base + lay.hd);
	tr.hprev = (const GRU_REAL *)(tbase + tl.hprev);
	tr.z = (const GRU_REAL *)(tbase + tl.z);
	tr.r = (const GRU_REAL *)(tbase + tl.r);
	tr.hh = (const GRU_REAL *)(tbase + tl.hh);
	tr.aux = (const GRU_REAL *)(tbase + tl.aux);

	if (a->d_state != NULL) {
		memcpy(dh, a->d_state, batch * units * sizeof(GRU_REAL));
	} else {
		memset(dh, 0, batch * units * sizeof(GRU_REAL));
	}
	if (!p->return_sequences && dout != NULL) {
		GRU_PASS(add_row)(dh, dout, batch * units);
	}
#if GRU_PACKED
	loop.isa = gru_cpu_kernel_isa();
	loop.upack = NULL;
	/* without SIMD kernels: OpenBLAS, one loop thread (GRU_KERNEL_PORTABLE, gru_cpu_gemm.h) */
	if (steps >= GRU_PACK_MIN_STEPS && loop.isa != GRU_KERNEL_PORTABLE) {
		GRU_REAL *up = (GRU_REAL *)(base + lay.upack);

		loop.upack = up;

		if (p->reset_after) {
			/* U^T as [3H, H]: P(k, n) = U[n][k] */
			gru_pack_clear(loop.isa, up, gates, units);
			gru_pack_block(loop.isa, up, gates, units, 0, gates, 0, units, recurrent, 1, gates);
		} else {
			/* U_h^T as [H, H]; then [U_z|U_r]^T as [2H, H] from the [3H, H] row blocks */
			GRU_REAL *uzr = up + gru_packed_floats_bound(units, units);

			gru_pack_clear(loop.isa, up, units, units);
			gru_pack_block(loop.isa, up, units, units, 0, units, 0, units, recurrent + 2 * units * units, 1, units);
			gru_pack_clear(loop.isa, uzr, 2 * units, units);
			gru_pack_block(loop.isa, uzr, 2 * units, units, 0, units, 0, units, recurrent, 1, units);
			gru_pack_block(loop.isa, uzr, 2 * units, units, units, units, 0, units, recurrent + units * units,
					1, units);
		}
	}
	if (loop.isa != GRU_KERNEL_PORTABLE) {
		threads = gru_cpu_loop_threads(batch, step_flops * (double)steps);
	}
	if (loop.upack != NULL) {
		team = gru_cpu_units_team(batch, units, step_flops * (double)steps, step_flops);
	}
#else
	loop.upack = NULL;
	if (!p->reset_after) {
		for (k = 0; k < units; k++) {
			memcpy(packed + k * 2 * units, recurrent + k * units, units * sizeof(GRU_REAL));
			memcpy(packed + k * 2 * units + units, recurrent + (units + k) * units, units * sizeof(GRU_REAL));
		}
	}
#endif
	(void)k;
	(void)step_rows;
	(void)sliceable;
	(void)step_flops;

	loop.p = p;
	loop.recurrent = recurrent;
	loop.packed = packed;
	loop.rec_drop = rec_drop;
	loop.dout = dout;
	loop.dg_rows = dg;
	loop.dg_ld = steps * width;
	loop.dg_tld = width;
	loop.dg_sliced = NULL;
	loop.dh = dh;
	loop.drh = drh;
	loop.mask = a->mask;
	loop.tr = tr;
	loop.wide = wide;
	loop.dx_step = NULL;
	loop.wt_pack = NULL;
	loop.wt_pack_h = NULL;
	loop.db_step = NULL;
	loop.initial_dh = a->d_initial_state != NULL;
#if GRU_PACKED
	sliceable = units % gru_pack_nr(loop.isa) == 0;
	step_rows = loop.upack != NULL && team <= 1
		&& gru_cpu_step_products(loop.isa, batch / threads, (double)(features + units) * (double)gates, sliceable);
	if (step_rows && sliceable) {
		/*
		 * dG K-sliced as each step makes its rows (bwd_slice_step), which the
		 * step's products read from a [B, width] buffer: the weight gradients
		 * on our kernels then pack no dG (see gru_pack_sliced_rows)
		 */
		loop.dg_rows = (GRU_REAL *)(base + lay.dg_step);
		loop.dg_ld = width;
		loop.dg_tld = 0;
		loop.dg_sliced = dg;
	}
	own = loop.dg_sliced != NULL || (rows > GRU_DIRECT_MAX_ROWS && gru_cpu_own_batched_products(loop.isa));
#endif
	if (p->use_bias && (!own || loop.dg_sliced != NULL) && threads <= 1 && team <= 1) {
		/* reset_after: [dz | dr | dxh] and dgh at 5H; [dz | dr] copied to the recurrent side after the loop */
		memset(d_bias, 0, (p->reset_after ? 2 * gates : gates) * sizeof(GRU_REAL));
		loop.db_step = d_bias;
	}
#if GRU_PACKED
	if (d_inputs != NULL && step_rows) {
		/* dX step by step, W^T packed here; after the loop, only the weight gradients */
		GRU_REAL *wpack = (GRU_REAL *)(base + lay.wpack);

		loop.wt_pack_h = GRU_SFX(bwd_pack_kernel_t)(p, loop.isa, kernel, wpack);
		loop.wt_pack = wpack;
		loop.dx_step = d_inputs;
	}
	gru_cpu_run_loop(GRU_SFX(bwd_team), GRU_SFX(bwd_rows), &loop, batch, team, threads);
#else
	gru_cpu_run_loop(NULL, GRU_SFX(bwd_rows), &loop, batch, team, threads);
#endif

	if (a->d_initial_state != NULL) {
		memcpy(a->d_initial_state, dh, batch * units * sizeof(GRU_REAL));
	}

	/* The weight GEMMs read what the forward's GEMMs read: inputs * m_in, hprev * m_rec. */
	if (in_drop != NULL) {
		GRU_PASS(dropout_rows)(xd, inputs, in_drop, batch, steps, features);
		x_gemm = xd;
	}
	hp_gemm = tr.hprev;
	if (rec_drop != NULL) {
		GRU_PASS(dropout_rows)(hd, tr.hprev, rec_drop, batch, steps, units);
		hp_gemm = hd;
	}

#if GRU_PACKED
	if (own) {
		/* (dG K-sliced: dX ran step by step, or there is none) */
		GRU_SFX(bwd_own_products)(p, loop.isa, x_gemm, hp_gemm, tr.aux, dg, loop.dg_sliced != NULL, kernel,
				(GRU_REAL *)(base + lay.apack), (GRU_REAL *)(base + lay.wpack), (GRU_REAL *)(base + lay.bpack),
				d_kernel, d_recurrent, loop.dx_step != NULL ? NULL : d_inputs,
				p->use_bias && loop.db_step == NULL ? d_bias : NULL);
	}
#endif
	if (p->reset_after) {
		/* dg columns: [dz | dr | dgh | dxh] */
		if (!own) {
			GRU_SFX(gemm_tn)(wide, features, 2 * units, rows, x_gemm, features, dg, width, 0, d_kernel, gates);
			GRU_SFX(gemm_tn)(wide, features, units, rows, x_gemm, features, dg + 3 * units, width, 0,
					d_kernel + 2 * units, gates);
			GRU_SFX(gemm_tn)(wide, units, gates, rows, hp_gemm, units, dg, width, 0, d_recurrent, gates);
			if (d_inputs != NULL && loop.dx_step == NULL) {
				GRU_SFX(gemm_nt)(wide, rows, features, 2 * units, dg, width, kernel, gates, 0, d_inputs, features);
				GRU_SFX(gemm_nt)(wide, rows, features, units, dg + 3 * units, width, kernel + 2 * units, gates, 1,
						d_inputs, features);
			}
		}
		if (p->use_bias && (!own || loop.db_step != NULL)) {
			/* input side [dz | dr | dxh], recurrent side [dz | dr | dgh]: each column of dG read once */
			if (loop.db_step == NULL) {
				GRU_SFX(column_sums_parallel)(wide, d_bias, dg, rows, width, 2 * units);
				GRU_SFX(column_sums_parallel)(wide, d_bias + 2 * units, dg + 3 * units, rows, width, units);
				GRU_SFX(column_sums_parallel)(wide, d_bias + gates + 2 * units, dg + 2 * units, rows, width,
						units);
			}
			memcpy(d_bias + gates, d_bias, 2 * units * sizeof(GRU_REAL));
		}
	} else {
		/* dg columns: [dz | dr | dxh]; recurrent kernel [3H, H] in row blocks */
		if (!own) {
			GRU_SFX(gemm_tn)(wide, features, gates, rows, x_gemm, features, dg, width, 0, d_kernel, gates);
			for (j = 0; j < 2; j++) {
				GRU_SFX(gemm_tn)(wide, units, units, rows, hp_gemm, units, dg + j * units, width, 0,
						d_recurrent + j * units * units, units);
			}
			GRU_SFX(gemm_tn)(wide, units, units, rows, tr.aux, units, dg + 2 * units, width, 0,
					d_recurrent + 2 * units * units, units);
			if (d_inputs != NULL && loop.dx_step == NULL) {
				GRU_SFX(gemm_nt)(wide, rows, features, gates, dg, width, kernel, gates, 0, d_inputs, features);
			}
		}
		if (p->use_bias && !own && loop.db_step == NULL) {
			GRU_SFX(column_sums_parallel)(wide, d_bias, dg, rows, width, gates);
		}
	}
	if (d_inputs != NULL && in_drop != NULL) {
		/* dX = (dG W^T) m_in */
		GRU_PASS(dropout_rows_inplace)(d_inputs, in_drop, batch, steps, features);
	}
	return GRU_OK;
}
