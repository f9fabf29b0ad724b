/*
 * libFuzzer harness of the C core's entry points: gru_forward(),
 * gru_backward() and the size functions, on shapes, options, activations,
 * masks and data decoded from the input bytes.
 *
 * Checked on every input (memory safety, with ASan + UBSan):
 *   - every buffer is malloc'ed with exactly the size the contract gives
 *     (the *_bytes() functions for workspaces and the trace, the shapes for
 *     the rest), and the GEMMs run through tests/fuzz/ref_cblas.c, which is
 *     instrumented too, so any access past a buffer is a report;
 *   - workspaces, trace, outputs and gradients start filled with NaN bytes,
 *     so a result that depends on memory the core did not write shows up;
 *   - invalid activations must be refused with GRU_E_INVALID, never run.
 * Checked where the data are finite and well scaled:
 *   - outputs and final state against the naive reference
 *     (tests/c/naive_gru.c) within 1e-9 (float64) or 1e-4 (float32 with
 *     bounded activations and [0,1] gates; 5e-2 otherwise) of the largest
 *     |output| (at least 1), plus 100x the reference's own change when all
 *     its data move by one rounding step (ill-conditioned cases);
 *   - a training forward (with trace) equals an inference forward, bit
 *     for bit, a NaN matching any NaN (the two may meet NaN operands in
 *     another order: the reset_after training GEMM writes a product per
 *     gate into the trace, and x86 keeps the first NaN's sign and payload);
 *   - float64 gradients against central finite differences of the naive
 *     forward, at a few coordinates picked by the input, away from the kinks
 *     of relu and hard_sigmoid;
 *   - NaN/Inf placed only in the inputs of masked steps do not reach the
 *     forward's outputs (a masked step does not read its inputs).
 * NaN/Inf/huge/denormal data elsewhere: must not crash; nothing compared.
 * With FUZZ_BIG=1 in the environment, inputs with f3 = 0xFF are problems
 * big enough for the core's threaded time loops (batch rows, or units,
 * split across FUZZ_THREADS threads, default 2). They take seconds each, so they are off
 * by default (libFuzzer would breed them); make threads replays the seeds
 * with them on.
 *
 * Dropout: the problem flags and the masks (any values: 0, 1, 2, odd
 * scales, specials in mode 2) are fuzzed too, and checked against
 * naive_gru_forward_dropout(); a flag with a NULL mask must change nothing.
 * make DROPOUT=0 (-DFUZZ_DROPOUT=0) leaves flags false and masks NULL.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gru.h"
#include "naive_gru.h"

#ifndef FUZZ_DROPOUT
#define FUZZ_DROPOUT 1
#endif

#define FAIL(...) do { \
		fprintf(stderr, "fuzz_gru_core: "); \
		fprintf(stderr, __VA_ARGS__); \
		fprintf(stderr, "\n  problem: B=%zu T=%zu I=%zu H=%zu dtype=%d act=%d ract=%d ra=%d bias=%d bw=%d rs=%d\n", \
				pr.batch, pr.steps, pr.features, pr.units, (int)pr.dtype, (int)pr.activation, \
				(int)pr.recurrent_activation, pr.reset_after, pr.use_bias, pr.go_backwards, \
				pr.return_sequences); \
		abort(); \
	} while (0)

/* The input bytes, then a deterministic generator once they run out. */
typedef struct {
	const uint8_t *p;
	size_t n;
	uint64_t s;
} reader;

static uint8_t rd_u8(reader *r)
{
	uint64_t z;

	if (r->n > 0) {
		r->n--;
		return *r->p++;
	}
	z = (r->s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return (uint8_t)((z ^ (z >> 31)) >> 56);
}

static const double specials[] = {
	NAN, -NAN, INFINITY, -INFINITY, 1e30, -1e30, 1e-310, 1e-40, 3.4e38, -0.0, 1e300, 65504.0
};

/* One value: a well-scaled one, or (when allowed, 1 in 16) a special one. */
static double rd_value(reader *r, double scale, int allow_special)
{
	uint8_t a = rd_u8(r), b = rd_u8(r);

	if (allow_special && (a & 0x0F) == 0) {
		return specials[b % (sizeof(specials) / sizeof(specials[0]))];
	}
	return scale * (((double)a * 256.0 + b) - 32768.0) / 32768.0;
}

static int big_enabled(void)
{
	static int enabled = -1;

	if (enabled < 0) {
		const char *env = getenv("FUZZ_BIG");

		enabled = env != NULL && env[0] == '1';
	}
	return enabled;
}

static void *xmalloc(size_t bytes)
{
	void *p = malloc(bytes ? bytes : 1);

	if (p == NULL) {
		abort();
	}
	return p;
}

/* n doubles into a new buffer of the problem's dtype; *rounded gets them back as stored. */
static void *typed(const double *v, size_t n, gru_dtype dt, double *rounded)
{
	size_t i;

	if (dt == GRU_FLOAT64) {
		double *d = xmalloc(n * sizeof(double));

		memcpy(d, v, n * sizeof(double));
		if (rounded) {
			memcpy(rounded, v, n * sizeof(double));
		}
		return d;
	} else {
		float *f = xmalloc(n * sizeof(float));

		for (i = 0; i < n; i++) {
			f[i] = (float)v[i];
			if (rounded) {
				rounded[i] = f[i];
			}
		}
		return f;
	}
}

static double get(const void *buf, size_t i, gru_dtype dt)
{
	return dt == GRU_FLOAT64 ? ((const double *)buf)[i] : (double)((const float *)buf)[i];
}

/* Whether n values of element size es are the same bits, or both NaN. */
static int same_values(const void *a, const void *b, size_t n, size_t es)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *x = (const char *)a + i * es, *y = (const char *)b + i * es;
		double vx, vy;

		if (memcmp(x, y, es) == 0) {
			continue;
		}
		if (es == sizeof(float)) {
			float fx, fy;

			memcpy(&fx, x, sizeof(fx));
			memcpy(&fy, y, sizeof(fy));
			vx = fx;
			vy = fy;
		} else {
			memcpy(&vx, x, sizeof(vx));
			memcpy(&vy, y, sizeof(vy));
		}
		if (!(isnan(vx) && isnan(vy))) {
			return 0;
		}
	}
	return 1;
}

static void *nan_filled(size_t bytes)
{
	void *p = xmalloc(bytes);

	memset(p, 0xFF, bytes ? bytes : 1);
	return p;
}

typedef struct {
	double *x, *k, *u, *b, *h0, *dout, *dstate, *min, *mrec;
	uint8_t *mask;
} host_data;

/* Loss of the naive forward: sum(dout * outputs) + sum(dstate * state). */
static double naive_loss(const gru_problem *p, const host_data *d, size_t n_out, size_t n_h,
		double *out, double *state)
{
	double loss = 0;
	size_t i;

	naive_gru_forward_dropout(p, d->x, d->k, d->u, d->b, d->h0, d->mask, d->min, d->mrec, out, state, NULL);
	for (i = 0; d->dout && i < n_out; i++) {
		loss += d->dout[i] * out[i];
	}
	for (i = 0; d->dstate && i < n_h; i++) {
		loss += d->dstate[i] * state[i];
	}
	return loss;
}

static int all_finite(const double *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isfinite(v[i])) {
			return 0;
		}
	}
	return 1;
}

/* n values scaled by 1 +- rel, the sign from a fixed pattern. */
static double *nudged(const double *v, size_t n, double rel, unsigned *seed)
{
	double *w;
	size_t i;

	if (v == NULL) {
		return NULL;
	}
	w = xmalloc(n * sizeof(double));
	for (i = 0; i < n; i++) {
		*seed = *seed * 1103515245u + 12345u;
		w[i] = v[i] * (1.0 + ((*seed >> 16) & 1 ? rel : -rel));
	}
	return w;
}

/*
 * The largest change of the reference's outputs and state when every value
 * moves by rel, the signs of the moves drawn from seed: one direction of
 * perturbation.
 */
static double sensitivity_along(const gru_problem *p, const host_data *d, size_t n_x, size_t n_k, size_t n_u,
		size_t n_b, size_t n_h, size_t n_out, const double *out, const double *state, double rel, unsigned seed)
{
	double *x = nudged(d->x, n_x, rel, &seed), *k = nudged(d->k, n_k, rel, &seed);
	double *u = nudged(d->u, n_u, rel, &seed), *b = n_b ? nudged(d->b, n_b, rel, &seed) : NULL;
	double *h0 = nudged(d->h0, n_h, rel, &seed);
	double *mi = d->min ? nudged(d->min, p->batch * p->features, rel, &seed) : NULL;
	double *mr = d->mrec ? nudged(d->mrec, n_h, rel, &seed) : NULL;
	double *o = xmalloc(n_out * sizeof(double)), *s = xmalloc(n_h * sizeof(double)), worst = 0;
	size_t i;

	naive_gru_forward_dropout(p, x, k, u, b, h0, d->mask, mi, mr, o, s, NULL);
	for (i = 0; i < n_out; i++) {
		worst = fmax(worst, fabs(o[i] - out[i]));
	}
	for (i = 0; i < n_h; i++) {
		worst = fmax(worst, fabs(s[i] - state[i]));
	}
	free(x);
	free(k);
	free(u);
	free(b);
	free(h0);
	free(mi);
	free(mr);
	free(o);
	free(s);
	return isfinite(worst) ? worst : 1e300;
}

/*
 * The worst of several directions. One direction can badly underestimate:
 * in an expanding linear recurrence the output can hinge on a few values
 * whose one-rounding-step moves cancel in most sign patterns (known case,
 * seeds/fuzz_gru_core/regress-f32-linear-one-direction: moves of 62 in one direction,
 * 10159 in others, for an output of 10157 that the float32 core rightly
 * computed as 392).
 */
static double sensitivity(const gru_problem *p, const host_data *d, size_t n_x, size_t n_k, size_t n_u,
		size_t n_b, size_t n_h, size_t n_out, const double *out, const double *state, double rel, int directions)
{
	double worst = 0;
	unsigned seed;

	for (seed = 7; seed < 7 + (unsigned)directions; seed++) {
		worst = fmax(worst, sensitivity_along(p, d, n_x, n_k, n_u, n_b, n_h, n_out, out, state, rel, seed));
	}
	return worst;
}

/* True when every state of the double reference, step by step, stays within 1e6. */
static int trajectory_is_tame(const gru_problem *pr, const host_data *ref)
{
	gru_problem all = *pr;
	size_t n = pr->batch * pr->steps * pr->units, i;
	double *states = malloc(n * sizeof(double)), *last = malloc(pr->batch * pr->units * sizeof(double));
	int tame = states != NULL && last != NULL;

	if (tame) {
		all.return_sequences = true;
		naive_gru_forward_dropout(&all, ref->x, ref->k, ref->u, pr->use_bias ? ref->b : NULL, ref->h0, ref->mask, ref->min, ref->mrec,
				states, last, NULL);
		for (i = 0; i < n; i++) {
			if (!isfinite(states[i]) || fabs(states[i]) > 1e6) {
				tame = 0;
				break;
			}
		}
	}
	free(states);
	free(last);
	return tame;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	reader rd = {data, size, 0x5EEDull + size};
	uint8_t f1, f2, f3, a1, a2;
	gru_problem pr;
	gru_status st;
	size_t n_x, n_out, n_h, n_k, n_u, n_b, ws_bytes = 0, tr_bytes = 0, bws_bytes = 0, i;
	size_t kk = 0, ku = 0, kb = 0;
	int mode, invalid_act, compare, use_mask, masked_specials = 0, want_backward, big;
	double scale, wscale;
	host_data d;
	size_t es;
	void *x, *k, *u, *b, *h0 = NULL, *dout = NULL, *dstate = NULL, *min = NULL, *mrec = NULL;
	void *ws, *ws_alloc, *tr, *out, *fs, *out2, *fs2;
	double *ref_out, *ref_state;
	gru_status_code code;

	memset(&pr, 0, sizeof(pr));
	memset(&d, 0, sizeof(d));
	if (size < 6) {
		return 0;
	}
	f1 = rd_u8(&rd);
	f2 = rd_u8(&rd);
	f3 = rd_u8(&rd);
	a1 = rd_u8(&rd);
	a2 = rd_u8(&rd);
	rd.s ^= rd_u8(&rd);

	pr.dtype = (f1 & 1) ? GRU_FLOAT64 : GRU_FLOAT32;
	pr.reset_after = (f1 >> 1) & 1;
	pr.use_bias = (f1 >> 2) & 1;
	pr.go_backwards = (f1 >> 3) & 1;
	pr.return_sequences = (f1 >> 4) & 1;
	use_mask = (f1 >> 6) & 1;
	want_backward = (f1 >> 7) & 1;
	pr.batch = 1 + (f2 & 3);
	pr.steps = 1 + ((f2 >> 2) & 7);
	pr.features = 1 + ((f2 >> 5) & 7);
	/* mostly small units; sometimes up to 35 for the vector loops' tails */
	pr.units = (f3 & 0x80) ? 1 + (f3 & 0x1F) + ((f3 >> 5) & 3) : 1 + (f3 % 6);
	/*
	 * Rarely a big problem: over GRU_THREAD_MIN_FLOPS of recurrent work
	 * (2*B*T*H*3H >= 8e6) and 4+ rows a thread, so the time loop splits
	 * the batch across threads (FUZZ_THREADS, default 2), up to 36 rows so
	 * that shares of 16 take the chunked input projection and the
	 * backward's step-by-step dX (GRU_STEP_PRODUCTS_MIN_ROWS), units
	 * sometimes a multiple of the panel width (the gates written into the
	 * trace); or, one time in
	 * four, 3 rows (too few to split) and 240+ units with a step of over
	 * GRU_TEAM_MIN_STEP_FLOPS, so that float32 splits the units over a
	 * team. No finite differences there: they would take seconds.
	 */
	big = f3 == 0xFF && big_enabled();
	if (big) {
		uint8_t g = rd_u8(&rd);
		uint8_t u = rd_u8(&rd);

		pr.steps = 14 + (g >> 4) % 3;
		if ((u & 3) == 0) {
			pr.batch = 3;
			pr.units = 240 + (u >> 2) % 33;
		} else {
			pr.batch = 12 + g % 25;
			pr.units = 96 + u % 33;
		}
	}
	invalid_act = 0;
	pr.activation = (gru_activation)(a1 % 6);
	pr.recurrent_activation = (gru_activation)(a2 % 6);
	if (a1 % 6 == 5) {
		pr.activation = (gru_activation)((a1 & 0x80) ? -1 : 5 + (a1 >> 4));
		invalid_act = 1;
	}
	if (a2 % 6 == 5) {
		pr.recurrent_activation = (gru_activation)((a2 & 0x80) ? -1 : 5 + (a2 >> 4));
		invalid_act = 1;
	}
#if FUZZ_DROPOUT
	pr.input_dropout = (a1 >> 6) & 1;
	pr.recurrent_dropout = (a2 >> 6) & 1;
#endif
	mode = (a1 >> 3) & 3;            /* 0,1: well scaled; 2: specials anywhere; 3: specials in masked steps */
	scale = (double[]){0.5, 1.0, 2.0, 4.0}[(a2 >> 3) & 3];
	wscale = (double[]){0.25, 0.5, 1.0, 1.5}[(f3 >> 5) & 3];
	es = pr.dtype == GRU_FLOAT64 ? sizeof(double) : sizeof(float);

	/* sizes: must succeed (small), or refuse an invalid activation */
	code = gru_problem_check(&pr, &st);
	if (invalid_act) {
		if (code != GRU_E_INVALID || st.code != GRU_E_INVALID || strstr(st.message, "activation") == NULL) {
			FAIL("invalid activation accepted by gru_problem_check: code %d, '%s'", (int)code, st.message);
		}
	} else if (code != GRU_OK) {
		FAIL("gru_problem_check refused a valid problem: %s", st.message);
	}
	if (!invalid_act) {
		if (gru_forward_workspace_bytes(&pr, &ws_bytes, &st) != GRU_OK
				|| gru_trace_bytes(&pr, &tr_bytes, &st) != GRU_OK
				|| gru_backward_workspace_bytes(&pr, &bws_bytes, &st) != GRU_OK
				|| gru_weight_sizes(&pr, &kk, &ku, &kb, &st) != GRU_OK) {
			FAIL("size functions failed: %s", st.message);
		}
	} else {
		/* size the buffers anyway, so the entry points are reached with an invalid problem */
		gru_problem ok = pr;

		ok.activation = GRU_ACT_TANH;
		ok.recurrent_activation = GRU_ACT_SIGMOID;
		gru_forward_workspace_bytes(&ok, &ws_bytes, &st);
		gru_trace_bytes(&ok, &tr_bytes, &st);
		gru_backward_workspace_bytes(&ok, &bws_bytes, &st);
		gru_weight_sizes(&ok, &kk, &ku, &kb, &st);
	}
	n_x = pr.batch * pr.steps * pr.features;
	n_h = pr.batch * pr.units;
	n_out = pr.return_sequences ? pr.batch * pr.steps * pr.units : n_h;
	n_k = pr.features * 3 * pr.units;
	n_u = pr.units * 3 * pr.units;
	n_b = pr.use_bias ? 3 * pr.units * (pr.reset_after ? 2 : 1) : 0;
	if (kk != n_k || ku != n_u || kb != n_b) {
		FAIL("gru_weight_sizes: %zu %zu %zu, expected %zu %zu %zu", kk, ku, kb, n_k, n_u, n_b);
	}

	/* host data in double */
	d.x = calloc(n_x, sizeof(double));
	d.k = calloc(n_k, sizeof(double));
	d.u = calloc(n_u, sizeof(double));
	d.b = calloc(n_b ? n_b : 1, sizeof(double));
	d.h0 = calloc(n_h, sizeof(double));
	ref_out = calloc(n_out, sizeof(double));
	ref_state = calloc(n_h, sizeof(double));
	if (use_mask) {
		d.mask = xmalloc(pr.batch * pr.steps);
		for (i = 0; i < pr.batch * pr.steps; i++) {
			uint8_t m = rd_u8(&rd);

			d.mask[i] = (m & 3) ? m : 0;  /* any nonzero byte means a real step */
		}
	}
	for (i = 0; i < n_x; i++) {
		d.x[i] = rd_value(&rd, scale, mode == 2);
	}
	if (mode == 3 && d.mask != NULL) {
		for (i = 0; i < n_x; i++) {
			size_t row = i / pr.features;   /* b * steps + t */

			if (!d.mask[row] && (rd_u8(&rd) & 1)) {
				d.x[i] = specials[rd_u8(&rd) % 4];  /* NaN or Inf */
				masked_specials = 1;
			}
		}
	}
	for (i = 0; i < n_k; i++) {
		d.k[i] = rd_value(&rd, wscale, mode == 2);
	}
	for (i = 0; i < n_u; i++) {
		d.u[i] = rd_value(&rd, wscale, mode == 2);
	}
	for (i = 0; i < n_b; i++) {
		d.b[i] = rd_value(&rd, wscale, mode == 2);
	}
	if ((f1 >> 5) & 1) {
		for (i = 0; i < n_h; i++) {
			d.h0[i] = rd_value(&rd, 1.0, mode == 2);
		}
	}

	/* device buffers, exact sizes */
	x = typed(d.x, n_x, pr.dtype, d.x);
	k = typed(d.k, n_k, pr.dtype, d.k);
	u = typed(d.u, n_u, pr.dtype, d.u);
	b = n_b ? typed(d.b, n_b, pr.dtype, d.b) : NULL;
	if ((f1 >> 5) & 1) {
		h0 = typed(d.h0, n_h, pr.dtype, d.h0);
	}
#if FUZZ_DROPOUT
	/* masks: mostly 0 (dropped), 1/(1-rate) for some rates, 1; sometimes any value */
	if (pr.input_dropout && (rd_u8(&rd) & 3)) {
		d.min = calloc(pr.batch * pr.features, sizeof(double));
		for (i = 0; i < pr.batch * pr.features; i++) {
			uint8_t m = rd_u8(&rd);

			d.min[i] = m < 64 ? 0.0 : m < 128 ? 2.0 : m < 160 ? 1.0 / 0.75 : m < 250 ? 1.0 : rd_value(&rd, 3.0, mode == 2);
		}
		min = typed(d.min, pr.batch * pr.features, pr.dtype, d.min);
	}
	if (pr.recurrent_dropout && (rd_u8(&rd) & 3)) {
		d.mrec = calloc(n_h, sizeof(double));
		for (i = 0; i < n_h; i++) {
			uint8_t m = rd_u8(&rd);

			d.mrec[i] = m < 64 ? 0.0 : m < 128 ? 2.0 : m < 160 ? 1.0 / 0.75 : m < 250 ? 1.0 : rd_value(&rd, 3.0, mode == 2);
		}
		mrec = typed(d.mrec, n_h, pr.dtype, d.mrec);
	}
#endif

	/* forward: an inference pass, then a training pass */
	{
		size_t off = (f3 & 0x40) ? 1 + (rd_u8(&rd) % 63) : 0;   /* the core aligns the workspace itself */
		gru_weights w = {.kernel = k, .recurrent_kernel = u, .bias = b};
		gru_forward_args fa = {
			.inputs = x, .initial_state = h0, .mask = d.mask,
			.input_dropout = min, .recurrent_dropout = mrec,
		};

		ws_alloc = nan_filled(ws_bytes + off);
		ws = (char *)ws_alloc + off;
		tr = nan_filled(tr_bytes);
		out = nan_filled(n_out * es);
		fs = nan_filled(n_h * es);
		out2 = nan_filled(n_out * es);
		fs2 = nan_filled(n_h * es);

		fa.outputs = out;
		fa.final_state = fs;
		fa.trace = NULL;
		fa.workspace = ws;
		code = gru_forward(&pr, &w, &fa, &st);
		if (invalid_act) {
			gru_backward_args ba = {.inputs = x, .trace = tr, .d_kernel = k, .d_recurrent_kernel = u,
				.d_bias = b, .workspace = ws};

			if (code != GRU_E_INVALID || st.code != code) {
				FAIL("forward ran an invalid activation: code %d '%s'", (int)code, st.message);
			}
			code = gru_backward(&pr, &w, &ba, &st);
			if (code != GRU_E_INVALID || st.code != code) {
				FAIL("backward ran an invalid activation: code %d '%s'", (int)code, st.message);
			}
			goto done;
		}
		if (code != GRU_OK || st.code != GRU_OK) {
			FAIL("forward failed: %s", st.message);
		}
		memset(ws_alloc, 0xFF, ws_bytes + off);
		fa.outputs = out2;
		fa.final_state = ((f1 >> 5) & 1) && (f3 & 0x20) ? NULL : fs2;
		fa.trace = tr;
		code = gru_forward(&pr, &w, &fa, &st);
		if (code != GRU_OK) {
			FAIL("training forward failed: %s", st.message);
		}
		if (!same_values(out, out2, n_out, es) || (fa.final_state && !same_values(fs, fs2, n_h, es))) {
			FAIL("training forward differs from inference forward");
		}
	}

	/* compare with the reference where the data are finite and well scaled */
	compare = mode != 2 && (all_finite(d.x, n_x) || masked_specials);
	if (mode != 2) {
		host_data ref = d;

		if (compare) {
			/*
			 * Relative to the largest output: 1e-9 for float64; for float32
			 * 1e-4 where the activations are bounded and the gates in [0, 1],
			 * else 5e-2 (errors grow by up to 3x a step there; the logic is
			 * one template for both dtypes and float64 is held tight). Plus,
			 * for both, 100x how far the reference itself moves when every
			 * value it is given moves by one rounding step of the dtype (the
			 * worst of several sign patterns of those moves):
			 * an ill-conditioned case (expanding linear recurrences,
			 * dropout scales) is judged by its own sensitivity.
			 */
			const int tame = (pr.activation == GRU_ACT_TANH || pr.activation == GRU_ACT_SIGMOID
					|| pr.activation == GRU_ACT_HARD_SIGMOID)
				&& (pr.recurrent_activation == GRU_ACT_SIGMOID || pr.recurrent_activation == GRU_ACT_HARD_SIGMOID);
			double tol = pr.dtype == GRU_FLOAT64 ? 1e-9 : tame ? 1e-4 : 5e-2, largest = 1.0, moved = 0.0;

			naive_gru_forward_dropout(&pr, ref.x, ref.k, ref.u, n_b ? ref.b : NULL, ref.h0, ref.mask, ref.min, ref.mrec,
					ref_out, ref_state, NULL);
			for (i = 0; i < n_out; i++) {
				if (!isfinite(ref_out[i]) || fabs(ref_out[i]) > 1e6) {
					compare = 0;   /* linear/relu blew up: not well scaled after all */
				}
				largest = fmax(largest, fabs(ref_out[i]));
			}
			for (i = 0; i < n_h; i++) {
				if (!isfinite(ref_state[i]) || fabs(ref_state[i]) > 1e6) {
					compare = 0;
				}
				largest = fmax(largest, fabs(ref_state[i]));
			}
			/*
			 * The final values can be tame while a state on the way was not:
			 * relu gates can blow a state past float32's range and zero it
			 * again later, and float32 then meets 0 * inf = NaN where double
			 * does not. Judge the whole trajectory, not only where it ends.
			 */
			if (compare && !trajectory_is_tame(&pr, &ref)) {
				compare = 0;
			}
			if (compare) {
				moved = sensitivity(&pr, &d, n_x, n_k, n_u, n_b, n_h, n_out, ref_out, ref_state,
						pr.dtype == GRU_FLOAT64 ? 0x1p-52 : 0x1p-23, big ? 2 : 8);
			}
			tol = tol * largest + 100 * moved;
			for (i = 0; compare && i < n_out; i++) {
				double want = ref_out[i], got = get(out, i, pr.dtype);

				if (!(fabs(got - want) <= tol)) {
					FAIL("outputs[%zu] = %.17g, reference %.17g, tolerance %.3g (mask %d, masked specials %d)",
							i, got, want, tol, use_mask, masked_specials);
				}
			}
			for (i = 0; compare && i < n_h; i++) {
				double want = ref_state[i], got = get(fs, i, pr.dtype);

				if (!(fabs(got - want) <= tol)) {
					FAIL("final_state[%zu] = %.17g, reference %.17g, tolerance %.3g", i, got, want, tol);
				}
			}
		}
	}

	/* backward */
	if (want_backward) {
		void *bws = nan_filled(bws_bytes + 1), *dx = NULL, *dk, *du, *db = NULL, *dh0 = NULL;
		const uint8_t f4 = rd_u8(&rd);
		const int null_dout = f4 & 1, null_dstate = (f4 >> 1) & 1;
		const int null_dx = (f4 >> 2) & 1, null_dh0 = (f4 >> 3) & 1;
		gru_weights w = {.kernel = k, .recurrent_kernel = u, .bias = b};
		gru_backward_args ba = {
			.inputs = x, .mask = d.mask, .input_dropout = min, .recurrent_dropout = mrec, .trace = tr,
		};

		if (!null_dout) {
			d.dout = calloc(n_out, sizeof(double));
			for (i = 0; i < n_out; i++) {
				d.dout[i] = rd_value(&rd, 1.0, mode == 2);
			}
			dout = typed(d.dout, n_out, pr.dtype, d.dout);
		}
		if (!null_dstate) {
			d.dstate = calloc(n_h, sizeof(double));
			for (i = 0; i < n_h; i++) {
				d.dstate[i] = rd_value(&rd, 1.0, mode == 2);
			}
			dstate = typed(d.dstate, n_h, pr.dtype, d.dstate);
		}
		if (!null_dx) {
			dx = nan_filled(n_x * es);
		}
		dk = nan_filled(n_k * es);
		du = nan_filled(n_u * es);
		if (n_b) {
			db = nan_filled(n_b * es);
		}
		if (!null_dh0) {
			dh0 = nan_filled(n_h * es);
		}
		ba.d_outputs = dout;
		ba.d_state = dstate;
		ba.d_inputs = dx;
		ba.d_initial_state = dh0;
		ba.d_kernel = dk;
		ba.d_recurrent_kernel = du;
		ba.d_bias = db;
		ba.workspace = (char *)bws + 1;
		code = gru_backward(&pr, &w, &ba, &st);
		if (code != GRU_OK || st.code != GRU_OK) {
			FAIL("backward failed: %s", st.message);
		}

		/* finite differences in float64, well-scaled finite data, no masked specials */
		if (compare && pr.dtype == GRU_FLOAT64 && mode < 2 && !big) {
			double margin = 1e300, *o = xmalloc(n_out * sizeof(double)), *s = xmalloc(n_h * sizeof(double));
			int probes = 1 + rd_u8(&rd) % 4;

			naive_gru_forward_dropout(&pr, d.x, d.k, d.u, n_b ? d.b : NULL, d.h0, d.mask, d.min, d.mrec, o, s, &margin);
			while (margin > 1e-3 && probes-- > 0) {
				/* pick one coordinate of x, kernel, recurrent kernel, bias or h0 */
				uint8_t which = rd_u8(&rd) % 5;
				size_t idx = ((size_t)rd_u8(&rd) << 8) | rd_u8(&rd);
				double *param, got, saved, l0, lp = 0, lm, fd[2], bend[2], ftol;
				/*
				 * Not smaller: the reference's loss sums terms far larger than
				 * itself, and at 1e-6 its rounding noise reached 1e-5 of a
				 * 0.019 derivative (seeds/fuzz_gru_core/regress-f64-fd-noise;
				 * the two steps agreed there by chance). The truncation error
				 * at 3e-5 is ~1e-9 x the third derivative; a kink crossed
				 * within the step shows as the two steps disagreeing.
				 */
				const double eps[2] = {1e-5, 3e-5};
				int e;
				const void *grad;
				const char *name;

				if (which == 0 && dx) {
					param = d.x, grad = dx, idx %= n_x, name = "d_inputs";
				} else if (which == 1) {
					param = d.k, grad = dk, idx %= n_k, name = "d_kernel";
				} else if (which == 2) {
					param = d.u, grad = du, idx %= n_u, name = "d_recurrent_kernel";
				} else if (which == 3 && n_b) {
					param = d.b, grad = db, idx %= n_b, name = "d_bias";
				} else if (dh0) {
					param = d.h0, grad = dh0, idx %= n_h, name = "d_initial_state";
				} else {
					continue;
				}
				got = ((const double *)grad)[idx];
				saved = param[idx];
				l0 = naive_loss(&pr, &d, n_out, n_h, o, s);
				/*
				 * central differences at two steps: where they disagree, FD is
				 * no judge. Nor where a kink lies so close to the point that
				 * both steps cross it alike (both then near the mean of the
				 * slopes on its two sides; the kink margin bounds the
				 * pre-activations' distance, not how far a step moves them):
				 * seeds/fuzz_gru_core/regress-f64-relu-kink-both-steps. The
				 * forward and backward differences then differ by about the
				 * slopes' jump at either step, where on a smooth loss their
				 * difference is eps L'' (+ O(eps^3)): three times as large at
				 * the step three times as long.
				 */
				for (e = 0; e < 2; e++) {
					param[idx] = saved + eps[e];
					lp = naive_loss(&pr, &d, n_out, n_h, o, s);
					param[idx] = saved - eps[e];
					lm = naive_loss(&pr, &d, n_out, n_h, o, s);
					fd[e] = (lp - lm) / (2 * eps[e]);
					bend[e] = (lp + lm - 2 * l0) / eps[e];
				}
				param[idx] = saved;
				ftol = 1e-5 * fmax(1.0, fabs(fd[0])) + 1e-9 * fmax(1.0, fabs(lp));
				if (!isfinite(fd[0]) || fabs(lp) > 1e6 || !(fabs(fd[0] - fd[1]) <= ftol / 4)
						|| !(fabs(bend[1] - 3 * bend[0]) <= ftol)) {
					continue;
				}
				if (!(fabs(got - fd[0]) <= ftol)) {
					FAIL("%s[%zu] = %.12g, finite differences %.12g (eps %g), %.12g (eps %g) (mask %d, dout %s, dstate %s)",
							name, idx, got, fd[0], eps[0], fd[1], eps[1], use_mask, dout ? "given" : "NULL",
							dstate ? "given" : "NULL");
				}
			}
			free(o);
			free(s);
		}
		free(bws);
		free(dx);
		free(dk);
		free(du);
		free(db);
		free(dh0);
	}

done:
	free(ws_alloc);
	free(tr);
	free(out);
	free(fs);
	free(out2);
	free(fs2);
	free(x);
	free(k);
	free(u);
	free(b);
	free(h0);
	free(dout);
	free(dstate);
	free(min);
	free(mrec);
	free(d.x);
	free(d.k);
	free(d.u);
	free(d.b);
	free(d.h0);
	free(d.dout);
	free(d.dstate);
	free(d.min);
	free(d.mrec);
	free(d.mask);
	free(ref_out);
	free(ref_state);
	return 0;
}
