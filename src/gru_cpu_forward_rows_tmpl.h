/*
 * The element-wise passes of the CPU forward, included by
 * gru_cpu_forward.c once per element type and instruction set, with
 * GRU_REAL, GRU_SFX(name), GRU_ROWS(name) (the name with type and ISA
 * suffixes), GRU_ROWS_ATTR (a target attribute, or nothing) and
 * GRU_ROWS_ACTIVATE(act, x, n) (the in-place activation to use) defined.
 * No include guard on purpose.
 */

#include "gru_cpu_dropout_rows_tmpl.h"

/*
 * The passes work on a share of a step (gru_cpu_forward_tmpl.h): batch rows
 * [b0, b1) and units [u0, u0 + w). Its gate buffer g has rows of 3w
 * ([z | r | h], w columns each) for rows b0.., ldg apart; the inputs'
 * projection x, the biases, the states and the outputs are full rows,
 * read and written at column u0 of each gate block (block stride units).
 * hprev and hnext are the state before and after the step (two buffers:
 * other threads may still read hprev).
 */

/* z and r of one row, from their recurrent GEMM parts in place: g += x + bias, then the recurrent activation. */
GRU_ROWS_ATTR
static void GRU_ROWS(gates_zr_row)(const gru_problem *p, size_t w, GRU_REAL *restrict gz, GRU_REAL *restrict gr,
		const GRU_REAL *restrict x, const GRU_REAL *restrict bias)
{
	const size_t units = p->units;
	const GRU_REAL *restrict xr = x + units;
	const GRU_REAL *restrict br = bias + units;
	size_t j;

	for (j = 0; j < w; j++) {
		gz[j] += x[j] + bias[j];
	}
	for (j = 0; j < w; j++) {
		gr[j] += xr[j] + br[j];
	}
	GRU_ROWS_ACTIVATE(p->recurrent_activation, gz, w);
	GRU_ROWS_ACTIVATE(p->recurrent_activation, gr, w);
}

/* The new state of one row, h' = z h + (1 - z) hh (a masked row keeps h), and its output (out NULL: none). */
GRU_ROWS_ATTR
static void GRU_ROWS(update_row)(size_t w, const GRU_REAL *restrict gz, const GRU_REAL *restrict hh,
		const GRU_REAL *restrict hprev, GRU_REAL *restrict hnext, int live, GRU_REAL *restrict out)
{
	size_t j;

	if (live) {
		for (j = 0; j < w; j++) {
			hnext[j] = hh[j] + gz[j] * (hprev[j] - hh[j]);
		}
	} else {
		memcpy(hnext, hprev, w * sizeof(GRU_REAL));
	}
	if (out != NULL) {
		memcpy(out, hnext, w * sizeof(GRU_REAL));
	}
}

/* reset_after, one row of a share. The row stays in L1 over the few sub-passes. */
GRU_ROWS_ATTR
static void GRU_ROWS(step_after_row)(const gru_problem *p, size_t w, GRU_REAL *restrict g,
		const GRU_REAL *restrict x, const GRU_REAL *restrict bias, const GRU_REAL *restrict brec,
		const GRU_REAL *restrict hprev, GRU_REAL *restrict hnext, int live, GRU_REAL *restrict out,
		const GRU_SFX(fwd_trace) *tr, size_t at)
{
	const size_t units = p->units;
	GRU_REAL *restrict gz = g;
	GRU_REAL *restrict gr = g + w;
	GRU_REAL *restrict gh = g + 2 * w;
	const GRU_REAL *restrict xh = x + 2 * units;
	const GRU_REAL *restrict bh = bias + 2 * units;
	size_t j;

	GRU_ROWS(gates_zr_row)(p, w, gz, gr, x, bias);
	if (tr->aux != NULL) {
		GRU_REAL *restrict aux = tr->aux + at;

		for (j = 0; j < w; j++) {
			aux[j] = gh[j] + brec[j];
		}
	}
	for (j = 0; j < w; j++) {
		gh[j] = xh[j] + bh[j] + gr[j] * (gh[j] + brec[j]);
	}
	GRU_ROWS_ACTIVATE(p->activation, gh, w);
	if (tr->hprev != NULL) {
		memcpy(tr->hprev + at, hprev, w * sizeof(GRU_REAL));
		memcpy(tr->z + at, gz, w * sizeof(GRU_REAL));
		memcpy(tr->r + at, gr, w * sizeof(GRU_REAL));
		memcpy(tr->hh + at, gh, w * sizeof(GRU_REAL));
	}
	GRU_ROWS(update_row)(w, gz, gh, hprev, hnext, live, out);
}

/*
 * reset_after training, one row of a share whose recurrent GEMM wrote
 * into the trace (fwd_loop's gates_in_trace): the row's z, r and aux
 * hold h.U_z, h.U_r and h.U_h. They become z, r and h.U_h + b_rec_h in
 * place, the candidate goes to the row's hh, and only hprev is copied.
 */
GRU_ROWS_ATTR
static void GRU_ROWS(step_after_trace_row)(const gru_problem *p, size_t w, const GRU_REAL *restrict x,
		const GRU_REAL *restrict bias, const GRU_REAL *restrict brec, const GRU_REAL *restrict hprev,
		GRU_REAL *restrict hnext, int live, GRU_REAL *restrict out, const GRU_SFX(fwd_trace) *tr, size_t at)
{
	const size_t units = p->units;
	GRU_REAL *restrict gz = tr->z + at;
	GRU_REAL *restrict gr = tr->r + at;
	GRU_REAL *restrict aux = tr->aux + at;
	GRU_REAL *restrict hh = tr->hh + at;
	const GRU_REAL *restrict xh = x + 2 * units;
	const GRU_REAL *restrict bh = bias + 2 * units;
	size_t j;

	GRU_ROWS(gates_zr_row)(p, w, gz, gr, x, bias);
	for (j = 0; j < w; j++) {
		aux[j] += brec[j];
	}
	for (j = 0; j < w; j++) {
		hh[j] = xh[j] + bh[j] + gr[j] * aux[j];
	}
	GRU_ROWS_ACTIVATE(p->activation, hh, w);
	memcpy(tr->hprev + at, hprev, w * sizeof(GRU_REAL));
	GRU_ROWS(update_row)(w, gz, hh, hprev, hnext, live, out);
}

/*
 * reset before, first half of one row: gz and gr (the row of g's z and r
 * blocks, or of the trace's z and r) hold h.[U_z|U_r]; they become the
 * gate values, and rh = r * h.
 */
GRU_ROWS_ATTR
static void GRU_ROWS(step_before_gates_row)(const gru_problem *p, size_t w, GRU_REAL *restrict gz,
		GRU_REAL *restrict gr, const GRU_REAL *restrict x, const GRU_REAL *restrict bias,
		const GRU_REAL *restrict h, GRU_REAL *restrict rh)
{
	size_t j;

	GRU_ROWS(gates_zr_row)(p, w, gz, gr, x, bias);
	for (j = 0; j < w; j++) {
		rh[j] = gr[j] * h[j];
	}
}

/*
 * reset before, second half: gh (the row of g's h block, or of the
 * trace's hh) holds (r*h).U_h and becomes the candidate. With a trace,
 * hprev is copied to it, and z, r and hh too unless they are there
 * already (in_trace).
 */
GRU_ROWS_ATTR
static void GRU_ROWS(step_before_update_row)(const gru_problem *p, size_t w, const GRU_REAL *restrict gz,
		const GRU_REAL *restrict gr, GRU_REAL *restrict gh, const GRU_REAL *restrict x,
		const GRU_REAL *restrict bias, const GRU_REAL *restrict hprev, GRU_REAL *restrict hnext, int live,
		GRU_REAL *restrict out, const GRU_SFX(fwd_trace) *tr, size_t at, int in_trace)
{
	const size_t units = p->units;
	const GRU_REAL *restrict xh = x + 2 * units;
	const GRU_REAL *restrict bh = bias + 2 * units;
	size_t j;

	for (j = 0; j < w; j++) {
		gh[j] += xh[j] + bh[j];
	}
	GRU_ROWS_ACTIVATE(p->activation, gh, w);
	if (tr->hprev != NULL) {
		memcpy(tr->hprev + at, hprev, w * sizeof(GRU_REAL));
	}
	if (tr->hprev != NULL && !in_trace) {
		memcpy(tr->z + at, gz, w * sizeof(GRU_REAL));
		memcpy(tr->r + at, gr, w * sizeof(GRU_REAL));
		memcpy(tr->hh + at, gh, w * sizeof(GRU_REAL));
	}
	GRU_ROWS(update_row)(w, gz, gh, hprev, hnext, live, out);
}

/*
 * 1 when all n values are finite: x - x is 0 for those, NaN for
 * infinities and NaNs (a loop that vectorises). Per instruction set like
 * the passes: in the baseline's 4-float vectors the check over U took
 * 2.7% of the B=8 T=16 H=64 forward (perf); AVX2 takes half the time or less.
 */
GRU_ROWS_ATTR
static int GRU_ROWS(all_finite)(const GRU_REAL *restrict x, size_t n)
{
	int bad = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		bad |= x[i] - x[i] != 0;
	}
	return !bad;
}

/* The inputs' projection of batch row b at step t, the share's units (see fwd_share). */
static inline const GRU_REAL *GRU_ROWS(share_x)(const GRU_SFX(fwd_share) *sh, size_t b, size_t t)
{
	return sh->xw + (b - sh->b0) * sh->xw_b + (t % sh->xw_slots) * sh->xw_t + sh->u0;
}

/* reset_after: the gate pass of step t over a share (batch loop outermost) */
GRU_ROWS_ATTR
static void GRU_ROWS(pass_after)(const GRU_SFX(fwd_share) *sh, size_t t, const GRU_REAL *hprev, GRU_REAL *hnext)
{
	const GRU_SFX(fwd_loop) *c = sh->loop;
	const gru_problem *p = c->p;
	const size_t units = p->units, steps = p->steps, u0 = sh->u0;
	size_t b;

	for (b = sh->b0; b < sh->b1; b++) {
		const size_t row = b * steps + t;
		const int live = c->mask == NULL || c->mask[row] != 0;

		GRU_REAL *out = p->return_sequences ? c->outputs + row * units + u0 : NULL;

		if (c->gates_in_trace) {
			GRU_ROWS(step_after_trace_row)(p, sh->w, GRU_ROWS(share_x)(sh, b, t), c->bias + u0, c->brec + u0,
					hprev + b * units + u0, hnext + b * units + u0, live, out, &c->tr, row * units + u0);
			continue;
		}
		GRU_ROWS(step_after_row)(p, sh->w, sh->g + (b - sh->b0) * sh->ldg, GRU_ROWS(share_x)(sh, b, t),
				c->bias + u0, c->brec + u0, hprev + b * units + u0, hnext + b * units + u0, live, out, &c->tr,
				row * units + u0);
	}
}

/* reset before: gates z and r of step t, and r*h into rh (row b at rh + b*rh_ld) */
GRU_ROWS_ATTR
static void GRU_ROWS(pass_before_gates)(const GRU_SFX(fwd_share) *sh, size_t t, const GRU_REAL *h, GRU_REAL *rh,
		size_t rh_ld)
{
	const GRU_SFX(fwd_loop) *c = sh->loop;
	const gru_problem *p = c->p;
	const size_t units = p->units, steps = p->steps, u0 = sh->u0;
	size_t b;

	for (b = sh->b0; b < sh->b1; b++) {
		const size_t at = (b * steps + t) * units + u0;
		GRU_REAL *g = sh->g + (b - sh->b0) * sh->ldg;

		GRU_ROWS(step_before_gates_row)(p, sh->w, c->gates_in_trace ? c->tr.z + at : g,
				c->gates_in_trace ? c->tr.r + at : g + sh->w, GRU_ROWS(share_x)(sh, b, t), c->bias + u0,
				h + b * units + u0, rh + b * rh_ld + u0);
	}
}

/* reset before: candidate and update of step t */
GRU_ROWS_ATTR
static void GRU_ROWS(pass_before_update)(const GRU_SFX(fwd_share) *sh, size_t t, const GRU_REAL *hprev,
		GRU_REAL *hnext)
{
	const GRU_SFX(fwd_loop) *c = sh->loop;
	const gru_problem *p = c->p;
	const size_t units = p->units, steps = p->steps, u0 = sh->u0;
	size_t b;

	for (b = sh->b0; b < sh->b1; b++) {
		const size_t row = b * steps + t, at = row * units + u0;
		const int live = c->mask == NULL || c->mask[row] != 0;
		GRU_REAL *g = sh->g + (b - sh->b0) * sh->ldg;
		const int in_trace = c->gates_in_trace;

		GRU_ROWS(step_before_update_row)(p, sh->w, in_trace ? c->tr.z + at : g, in_trace ? c->tr.r + at : g + sh->w,
				in_trace ? c->tr.hh + at : g + 2 * sh->w, GRU_ROWS(share_x)(sh, b, t), c->bias + u0,
				hprev + b * units + u0, hnext + b * units + u0, live,
				p->return_sequences ? c->outputs + at : NULL, &c->tr, at, in_trace);
	}
}

/* Recurrent dropout over a share: hd = h * mask, the mask's row b for batch row b. */
GRU_ROWS_ATTR
static void GRU_ROWS(dropout_share)(const GRU_SFX(fwd_share) *sh, const GRU_REAL *restrict h, GRU_REAL *restrict hd)
{
	const size_t units = sh->loop->p->units;
	const GRU_REAL *restrict mask = sh->loop->rec_drop;
	size_t b, j;

	for (b = sh->b0; b < sh->b1; b++) {
		const size_t off = b * units + sh->u0;

		for (j = 0; j < sh->w; j++) {
			hd[off + j] = h[off + j] * mask[off + j];
		}
	}
}
