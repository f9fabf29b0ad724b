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
 * reset_after, one batch row of one step. g holds h.U for the row
 * ([z | r | h] blocks); x is the row of inputs.kernel for (b, t); h the
 * state, updated in place. The row stays in L1 over the few sub-passes.
 */
GRU_ROWS_ATTR
static void GRU_ROWS(step_after_row)(const gru_problem *p, GRU_REAL *restrict g, const GRU_REAL *restrict x,
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
	GRU_ROWS_ACTIVATE(p->recurrent_activation, g, 2 * units);
	if (tr->aux != NULL) {
		GRU_REAL *restrict aux = tr->aux + row * units;

		for (j = 0; j < units; j++) {
			aux[j] = gh[j] + brec[j];
		}
	}
	for (j = 0; j < units; j++) {
		gh[j] = xh[j] + bh[j] + gr[j] * (gh[j] + brec[j]);
	}
	GRU_ROWS_ACTIVATE(p->activation, gh, units);
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
GRU_ROWS_ATTR
static void GRU_ROWS(step_before_gates_row)(const gru_problem *p, GRU_REAL *restrict g,
		const GRU_REAL *restrict x, const GRU_REAL *restrict bias, const GRU_REAL *restrict h,
		GRU_REAL *restrict rh)
{
	const size_t units = p->units;
	const GRU_REAL *restrict gr = g + units;
	size_t j;

	for (j = 0; j < 2 * units; j++) {
		g[j] += x[j] + bias[j];
	}
	GRU_ROWS_ACTIVATE(p->recurrent_activation, g, 2 * units);
	for (j = 0; j < units; j++) {
		rh[j] = gr[j] * h[j];
	}
}

/* reset before, second half: g's h block holds (r*h).U_h. */
GRU_ROWS_ATTR
static void GRU_ROWS(step_before_update_row)(const gru_problem *p, GRU_REAL *restrict g,
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
	GRU_ROWS_ACTIVATE(p->activation, gh, units);
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

/* reset_after: the gate pass of step t over batch rows [b0, b1) (batch loop outermost) */
GRU_ROWS_ATTR
static void GRU_ROWS(pass_after)(const gru_problem *p, GRU_REAL *g, const GRU_REAL *xw, size_t xw_ld, size_t t,
		const GRU_REAL *bias, const GRU_REAL *brec, GRU_REAL *h, const uint8_t *mask, GRU_REAL *outputs,
		const GRU_SFX(fwd_trace) *tr, size_t b0, size_t b1)
{
	const size_t units = p->units, gates = 3 * p->units, steps = p->steps;
	size_t b;

	for (b = b0; b < b1; b++) {
		const size_t row = b * steps + t;
		const int live = mask == NULL || mask[row] != 0;

		GRU_ROWS(step_after_row)(p, g + b * gates, xw + row * xw_ld, bias, brec, h + b * units, live,
				p->return_sequences ? outputs + row * units : NULL, tr, row);
	}
}

/* reset before: gates z and r of step t, and r*h into rh (row b at rh + b*rh_ld) */
GRU_ROWS_ATTR
static void GRU_ROWS(pass_before_gates)(const gru_problem *p, GRU_REAL *g, const GRU_REAL *xw, size_t xw_ld, size_t t,
		const GRU_REAL *bias, const GRU_REAL *h, GRU_REAL *rh, size_t rh_ld, size_t b0, size_t b1)
{
	const size_t units = p->units, gates = 3 * p->units, steps = p->steps;
	size_t b;

	for (b = b0; b < b1; b++) {
		const size_t row = b * steps + t;

		GRU_ROWS(step_before_gates_row)(p, g + b * gates, xw + row * xw_ld, bias, h + b * units, rh + b * rh_ld);
	}
}

/* reset before: candidate and update of step t */
GRU_ROWS_ATTR
static void GRU_ROWS(pass_before_update)(const gru_problem *p, GRU_REAL *g, const GRU_REAL *xw, size_t xw_ld, size_t t,
		const GRU_REAL *bias, GRU_REAL *h, const uint8_t *mask, GRU_REAL *outputs, const GRU_SFX(fwd_trace) *tr,
		size_t b0, size_t b1)
{
	const size_t units = p->units, gates = 3 * p->units, steps = p->steps;
	size_t b;

	for (b = b0; b < b1; b++) {
		const size_t row = b * steps + t;
		const int live = mask == NULL || mask[row] != 0;

		GRU_ROWS(step_before_update_row)(p, g + b * gates, xw + row * xw_ld, bias, h + b * units, live,
				p->return_sequences ? outputs + row * units : NULL, tr, row);
	}
}
