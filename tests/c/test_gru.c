/*
 * Tests of the C core: problem checks and sizes, the fast float math, the
 * forward against a naive double reference (float32 and float64), the
 * backward against central finite differences of the naive forward
 * (float64) and float32 against float64, and the golden JSON cases of
 * shared/golden when that folder is found.
 *
 * Usage: test_gru [--quick] [golden_dir]
 *   --quick runs a subset (for valgrind). Prints "N passed, M failed".
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gru.h"
#include "gru_cpu_gemm.h"
#include "gru_cpu_threads.h"
#include "gru_activations.h"
#include "gru_cpu_internal.h"
#include "gru_fast_math.h"
#if GRU_X86_WIDE
# include "gru_activations_avx2.h"
# include "gru_activations_avx512.h"
#endif
#include "naive_gru.h"
#include "test_check.h"

/* OpenBLAS's thread count, which sets how many threads the core's loops may use */
extern void openblas_set_num_threads(int num_threads);
extern int openblas_get_num_threads(void);

static int quick = 0;

/* ---- random numbers ---- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static double rng_uniform(double lo, double hi)
{
	return lo + (hi - lo) * ((double)(rng_next() >> 11) / 9007199254740992.0);
}

/* ---- guarded buffers: canaries around, NaN-filled inside ---- */

#define CANARY 64

typedef struct {
	unsigned char *block;
	unsigned char *data;
	size_t bytes, misalign;
} gbuf;

static void gbuf_alloc(gbuf *g, size_t bytes, size_t misalign)
{
	void *block = NULL;

	if (posix_memalign(&block, 64, CANARY + misalign + bytes + CANARY) != 0) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	g->block = block;
	g->misalign = misalign;
	g->bytes = bytes;
	memset(g->block, 0xA5, CANARY + misalign + bytes + CANARY);
	g->data = g->block + CANARY + misalign;
	memset(g->data, 0xFF, bytes);   /* NaN for float and double */
}

static int gbuf_intact(const gbuf *g)
{
	size_t i;

	for (i = 0; i < CANARY + g->misalign; i++) {
		if (g->block[i] != 0xA5) {
			return 0;
		}
	}
	for (i = 0; i < CANARY; i++) {
		if (g->data[g->bytes + i] != 0xA5) {
			return 0;
		}
	}
	return 1;
}

static void gbuf_free(gbuf *g)
{
	free(g->block);
	g->block = g->data = NULL;
}

/* ---- a test case in double ---- */

typedef struct {
	gru_problem p;
	size_t n_x, n_k, n_u, n_b, n_h, n_out;
	double *x, *k, *u, *bias, *h0, *dout, *dstate;
	uint8_t *mask;
	double *din, *drec;           /* dropout masks [B, I] and [B, H], or NULL */
} tcase;

typedef struct {
	double *outputs, *state;
	double *dx, *dk, *du, *db, *dh0;
} tresult;

static double *rand_array(size_t n, double scale)
{
	double *a = malloc((n ? n : 1) * sizeof(double));
	size_t i;

	for (i = 0; i < n; i++) {
		a[i] = rng_uniform(-scale, scale);
	}
	return a;
}

static void tcase_sizes(tcase *c)
{
	const gru_problem *p = &c->p;

	c->n_x = p->batch * p->steps * p->features;
	c->n_k = p->features * 3 * p->units;
	c->n_u = p->units * 3 * p->units;
	c->n_b = p->use_bias ? (p->reset_after ? 6 : 3) * p->units : 0;
	c->n_h = p->batch * p->units;
	c->n_out = p->return_sequences ? p->batch * p->steps * p->units : c->n_h;
}

/* mask_type: 0 none, 1 random, 2 row 0 fully masked and every row's first processed step masked */
static void tcase_init(tcase *c, const gru_problem *p, uint64_t seed, int mask_type, int with_h0)
{
	size_t b, t;

	memset(c, 0, sizeof(*c));
	c->p = *p;
	tcase_sizes(c);
	rng_state = seed;
	c->x = rand_array(c->n_x, 1.0);
	/* Glorot-like scales keep the states moderate even with linear gates */
	c->k = rand_array(c->n_k, 1.2 / sqrt((double)p->features + 1.0));
	c->u = rand_array(c->n_u, 1.2 / sqrt((double)p->units + 1.0));
	c->bias = p->use_bias ? rand_array(c->n_b, 0.5) : NULL;
	c->h0 = with_h0 ? rand_array(c->n_h, 1.0) : NULL;
	c->dout = rand_array(c->n_out, 1.0);
	c->dstate = rand_array(c->n_h, 1.0);
	if (mask_type != 0) {
		c->mask = malloc(p->batch * p->steps);
		for (b = 0; b < p->batch; b++) {
			for (t = 0; t < p->steps; t++) {
				size_t first = p->go_backwards ? p->steps - 1 : 0;
				int live = rng_uniform(0, 1) >= 0.25;

				if (mask_type == 2 && (b == 0 || t == first)) {
					live = 0;
				}
				c->mask[b * p->steps + t] = (uint8_t)live;
			}
		}
	}
}

static void tcase_free(tcase *c)
{
	free(c->x);
	free(c->k);
	free(c->u);
	free(c->bias);
	free(c->h0);
	free(c->dout);
	free(c->dstate);
	free(c->mask);
	free(c->din);
	free(c->drec);
}

static void *typed_copy(const double *src, size_t n, gru_dtype dt)
{
	size_t i;

	if (src == NULL) {
		return NULL;
	}
	if (dt == GRU_FLOAT64) {
		double *d = malloc((n ? n : 1) * sizeof(double));

		memcpy(d, src, n * sizeof(double));
		return d;
	} else {
		float *f = malloc((n ? n : 1) * sizeof(float));

		for (i = 0; i < n; i++) {
			f[i] = (float)src[i];
		}
		return f;
	}
}

static double *to_double(const void *src, size_t n, gru_dtype dt)
{
	double *d = malloc((n ? n : 1) * sizeof(double));
	size_t i;

	for (i = 0; i < n; i++) {
		d[i] = dt == GRU_FLOAT64 ? ((const double *)src)[i] : (double)((const float *)src)[i];
	}
	return d;
}

static void tresult_free(tresult *r)
{
	free(r->outputs);
	free(r->state);
	free(r->dx);
	free(r->dk);
	free(r->du);
	free(r->db);
	free(r->dh0);
	memset(r, 0, sizeof(*r));
}

/*
 * run_core()'s forward takes its input projection from gru_input_projection()
 * when this is 0 or 1: the projection of two GRUs (this one's kernel in that
 * slot, another kernel in the other), read with leading dimension 6H.
 */
static int projection_slot = -1;
/* run_core() passes d_inputs NULL (no dX wanted) while this is set; res->dx is then NULL */
static int without_d_inputs = 0;
/* and d_initial_state NULL while this is set; res->dh0 is then NULL */
static int without_d_initial_state = 0;

/* Runs the core on c in dtype dt, with a backward when asked; 0 on any failure (reported). */
static int run_core(const tcase *c, gru_dtype dt, int backward, tresult *res, const char *ctx)
{
	gru_problem p = c->p;
	const size_t es = dt == GRU_FLOAT64 ? 8 : 4;
	void *x, *k, *u, *bias, *h0, *dout, *dstate, *din, *drec;
	gru_weights w;
	gru_forward_args fa;
	gru_backward_args ba;
	gru_status st;
	size_t ws_bytes = 0, tr_bytes = 0, bws_bytes = 0;
	gbuf ws, tr, out, fs, bws, dx, dk, du, db, dh0, pk, proj;
	void *other;
	int ok = 1;

	memset(res, 0, sizeof(*res));
	memset(&fa, 0, sizeof(fa));
	memset(&ba, 0, sizeof(ba));
	p.dtype = dt;
	p.input_dropout = c->din != NULL;
	p.recurrent_dropout = c->drec != NULL;
	din = typed_copy(c->din, c->p.batch * c->p.features, dt);
	drec = typed_copy(c->drec, c->n_h, dt);
	x = typed_copy(c->x, c->n_x, dt);
	k = typed_copy(c->k, c->n_k, dt);
	u = typed_copy(c->u, c->n_u, dt);
	bias = typed_copy(c->bias, c->n_b, dt);
	h0 = typed_copy(c->h0, c->n_h, dt);
	dout = typed_copy(c->dout, c->n_out, dt);
	dstate = typed_copy(c->dstate, c->n_h, dt);

	if (gru_forward_workspace_bytes(&p, &ws_bytes, &st) != GRU_OK
			|| gru_trace_bytes(&p, &tr_bytes, &st) != GRU_OK
			|| gru_backward_workspace_bytes(&p, &bws_bytes, &st) != GRU_OK) {
		CHECK(0, "%s: sizes: %s", ctx, st.message);
		return 0;
	}
	/* the workspace deliberately misaligned: the core must align it itself */
	gbuf_alloc(&ws, ws_bytes, 16);
	gbuf_alloc(&tr, tr_bytes, 0);
	gbuf_alloc(&out, c->n_out * es, 0);
	gbuf_alloc(&fs, c->n_h * es, 0);
	w.kernel = k;
	w.recurrent_kernel = u;
	w.bias = bias;
	fa.inputs = x;
	fa.initial_state = h0;
	fa.mask = c->mask;
	fa.input_dropout = din;
	fa.recurrent_dropout = drec;
	fa.outputs = out.data;
	fa.final_state = fs.data;
	fa.trace = backward ? tr.data : NULL;
	fa.workspace = ws.data;
	gbuf_alloc(&pk, 0, 0);
	gbuf_alloc(&proj, 0, 0);
	other = NULL;
	if (projection_slot >= 0) {
		size_t pk_bytes = 0, proj_bytes = 0, i;
		const void *kernels[2];
		double *o = malloc(c->n_k * sizeof(double));

		/* another GRU's kernel beside this one: its columns must not leak into this GRU's */
		for (i = 0; i < c->n_k; i++) {
			o[i] = -0.5 * c->k[c->n_k - 1 - i];
		}
		other = typed_copy(o, c->n_k, dt);
		free(o);
		kernels[projection_slot] = k;
		kernels[1 - projection_slot] = other;
		if (gru_input_projection_bytes(&p, 2, &pk_bytes, &proj_bytes, &st) != GRU_OK) {
			CHECK(0, "%s: projection sizes: %s", ctx, st.message);
			ok = 0;
		}
		gbuf_free(&pk);
		gbuf_free(&proj);
		gbuf_alloc(&pk, pk_bytes, 0);
		gbuf_alloc(&proj, proj_bytes, 8);
		if (ok && gru_input_projection(&p, x, kernels, 2, pk.data, proj.data, &st) != GRU_OK) {
			CHECK(0, "%s: projection: %s", ctx, st.message);
			ok = 0;
		}
		CHECK(gbuf_intact(&pk) && gbuf_intact(&proj), "%s: projection wrote outside its buffers", ctx);
		fa.input_projection = (const char *)proj.data + (size_t)projection_slot * 3 * p.units * es;
		fa.input_projection_ld = 6 * p.units;
	}
	if (ok && gru_forward(&p, &w, &fa, &st) != GRU_OK) {
		CHECK(0, "%s: forward: %s", ctx, st.message);
		ok = 0;
	}
	gbuf_free(&pk);
	gbuf_free(&proj);
	free(other);
	if (!gbuf_intact(&ws) || !gbuf_intact(&tr) || !gbuf_intact(&out) || !gbuf_intact(&fs)) {
		CHECK(0, "%s: forward wrote outside its buffers", ctx);
		ok = 0;
	}
	res->outputs = to_double(out.data, c->n_out, dt);
	res->state = to_double(fs.data, c->n_h, dt);
	if (backward && ok) {
		gbuf_alloc(&bws, bws_bytes, 0);
		gbuf_alloc(&dx, c->n_x * es, 0);
		gbuf_alloc(&dk, c->n_k * es, 0);
		gbuf_alloc(&du, c->n_u * es, 0);
		gbuf_alloc(&db, (c->n_b ? c->n_b : 1) * es, 0);
		gbuf_alloc(&dh0, c->n_h * es, 0);
		ba.inputs = x;
		ba.mask = c->mask;
		ba.input_dropout = din;
		ba.recurrent_dropout = drec;
		ba.trace = tr.data;
		ba.d_outputs = dout;
		ba.d_state = dstate;
		ba.d_inputs = without_d_inputs ? NULL : dx.data;
		ba.d_initial_state = without_d_initial_state ? NULL : dh0.data;
		ba.d_kernel = dk.data;
		ba.d_recurrent_kernel = du.data;
		ba.d_bias = p.use_bias ? db.data : NULL;
		ba.workspace = bws.data;
		if (gru_backward(&p, &w, &ba, &st) != GRU_OK) {
			CHECK(0, "%s: backward: %s", ctx, st.message);
			ok = 0;
		}
		if (!gbuf_intact(&bws) || !gbuf_intact(&dx) || !gbuf_intact(&dk) || !gbuf_intact(&du)
				|| !gbuf_intact(&db) || !gbuf_intact(&dh0)) {
			CHECK(0, "%s: backward wrote outside its buffers", ctx);
			ok = 0;
		}
		res->dx = without_d_inputs ? NULL : to_double(dx.data, c->n_x, dt);
		res->dk = to_double(dk.data, c->n_k, dt);
		res->du = to_double(du.data, c->n_u, dt);
		res->db = to_double(db.data, c->n_b, dt);
		res->dh0 = without_d_initial_state ? NULL : to_double(dh0.data, c->n_h, dt);
		gbuf_free(&bws);
		gbuf_free(&dx);
		gbuf_free(&dk);
		gbuf_free(&du);
		gbuf_free(&db);
		gbuf_free(&dh0);
	}
	gbuf_free(&ws);
	gbuf_free(&tr);
	gbuf_free(&out);
	gbuf_free(&fs);
	free(x);
	free(k);
	free(u);
	free(bias);
	free(h0);
	free(dout);
	free(dstate);
	free(din);
	free(drec);
	return ok;
}

/* |got - want| <= tol * max(1, |want|) everywhere; one CHECK per array. */
static void check_close(const char *ctx, const char *what, const double *got, const double *want, size_t n,
		double tol)
{
	size_t i, bad = n;
	double worst = 0;

	for (i = 0; i < n; i++) {
		double err = fabs(got[i] - want[i]) / fmax(1.0, fabs(want[i]));

		if (!(err <= tol)) {
			if (bad == n) {
				bad = i;
			}
			if (!(err <= worst)) {
				worst = err;
			}
		}
	}
	CHECK(bad == n, "%s: %s[%zu] = %.12g, expected %.12g (worst scaled error %.3g, tol %.1g)",
			ctx, what, bad, bad < n ? got[bad] : 0.0, bad < n ? want[bad] : 0.0, worst, tol);
}

static const char *act_names[] = {"linear", "tanh", "sigmoid", "hard_sigmoid", "relu"};

static void describe(char *buf, size_t size, const tcase *c, int mask_type, const char *what)
{
	const gru_problem *p = &c->p;

	snprintf(buf, size, "%s B%zu T%zu I%zu H%zu ra%d bias%d act=%s rec=%s bw%d h0=%d mask%d rs%d drop%d%d", what,
			p->batch, p->steps, p->features, p->units, p->reset_after, p->use_bias,
			act_names[p->activation], act_names[p->recurrent_activation], p->go_backwards,
			c->h0 != NULL, mask_type, p->return_sequences, c->din != NULL, c->drec != NULL);
}

/* ---- forward vs naive ---- */

static void test_forward_case(const tcase *c, int mask_type)
{
	double *out = malloc(c->n_out * sizeof(double));
	double *state = malloc(c->n_h * sizeof(double));
	tresult r;
	char ctx[256];

	naive_gru_forward_dropout(&c->p, c->x, c->k, c->u, c->bias, c->h0, c->mask, c->din, c->drec,
			out, state, NULL);
	describe(ctx, sizeof(ctx), c, mask_type, "forward f64");
	if (run_core(c, GRU_FLOAT64, 0, &r, ctx)) {
		check_close(ctx, "outputs", r.outputs, out, c->n_out, 1e-10);
		check_close(ctx, "state", r.state, state, c->n_h, 1e-10);
	}
	tresult_free(&r);
	describe(ctx, sizeof(ctx), c, mask_type, "forward f32");
	if (run_core(c, GRU_FLOAT32, 0, &r, ctx)) {
		check_close(ctx, "outputs", r.outputs, out, c->n_out, 2e-5);
		check_close(ctx, "state", r.state, state, c->n_h, 2e-5);
	}
	tresult_free(&r);
	free(out);
	free(state);
}

/* ---- backward vs finite differences ---- */

static double naive_loss(const tcase *c, const double *h0, double *margin)
{
	double *out = malloc(c->n_out * sizeof(double));
	double *state = malloc(c->n_h * sizeof(double));
	double loss = 0;
	size_t i;

	naive_gru_forward_dropout(&c->p, c->x, c->k, c->u, c->bias, h0, c->mask, c->din, c->drec,
			out, state, margin);
	for (i = 0; i < c->n_out; i++) {
		loss += out[i] * c->dout[i];
	}
	for (i = 0; i < c->n_h; i++) {
		loss += state[i] * c->dstate[i];
	}
	free(out);
	free(state);
	return loss;
}

static double *finite_differences(tcase *c, double *param, size_t n, double *h0)
{
	const double eps = 1e-5;
	double *fd = malloc((n ? n : 1) * sizeof(double));
	size_t i;

	for (i = 0; i < n; i++) {
		double v = param[i], lp, lm;

		param[i] = v + eps;
		lp = naive_loss(c, h0, NULL);
		param[i] = v - eps;
		lm = naive_loss(c, h0, NULL);
		param[i] = v;
		fd[i] = (lp - lm) / (2 * eps);
	}
	return fd;
}

static void test_backward_case(tcase *c, int mask_type)
{
	double *h0 = c->h0 != NULL ? c->h0 : calloc(c->n_h, sizeof(double));
	double *fd;
	tresult r64, r32;
	char ctx[256];
	const double tol = 1e-7;

	describe(ctx, sizeof(ctx), c, mask_type, "backward f64 vs finite differences");
	if (run_core(c, GRU_FLOAT64, 1, &r64, ctx)) {
		fd = finite_differences(c, c->x, c->n_x, h0);
		check_close(ctx, "d_inputs", r64.dx, fd, c->n_x, tol);
		free(fd);
		fd = finite_differences(c, c->k, c->n_k, h0);
		check_close(ctx, "d_kernel", r64.dk, fd, c->n_k, tol);
		free(fd);
		fd = finite_differences(c, c->u, c->n_u, h0);
		check_close(ctx, "d_recurrent_kernel", r64.du, fd, c->n_u, tol);
		free(fd);
		if (c->p.use_bias) {
			fd = finite_differences(c, c->bias, c->n_b, h0);
			check_close(ctx, "d_bias", r64.db, fd, c->n_b, tol);
			free(fd);
		}
		fd = finite_differences(c, h0, c->n_h, h0);
		check_close(ctx, "d_initial_state", r64.dh0, fd, c->n_h, tol);
		free(fd);

		describe(ctx, sizeof(ctx), c, mask_type, "backward f32 vs f64");
		if (run_core(c, GRU_FLOAT32, 1, &r32, ctx)) {
			const double tol32 = 1e-4;

			check_close(ctx, "d_inputs", r32.dx, r64.dx, c->n_x, tol32);
			check_close(ctx, "d_kernel", r32.dk, r64.dk, c->n_k, tol32);
			check_close(ctx, "d_recurrent_kernel", r32.du, r64.du, c->n_u, tol32);
			check_close(ctx, "d_bias", r32.db, r64.db, c->n_b, tol32);
			check_close(ctx, "d_initial_state", r32.dh0, r64.dh0, c->n_h, tol32);
		}
		tresult_free(&r32);
	}
	tresult_free(&r64);
	if (h0 != c->h0) {
		free(h0);
	}
}

/* Draws a case whose pre-activations stay clear of relu / hard_sigmoid kinks. */
static void tcase_init_smooth(tcase *c, const gru_problem *p, uint64_t seed, int mask_type, int with_h0)
{
	int tries;

	for (tries = 0; tries < 50; tries++) {
		double margin;
		double *h0;

		tcase_init(c, p, seed + 7919u * (uint64_t)tries, mask_type, with_h0);
		h0 = c->h0;
		naive_loss(c, h0, &margin);
		if (margin > 2e-3) {
			return;
		}
		tcase_free(c);
	}
	tcase_init(c, p, seed, mask_type, with_h0);
}

static void test_combinations(void)
{
	static const size_t fwd_shapes[][4] = {
		{1, 1, 1, 1}, {2, 3, 4, 5}, {1, 4, 3, 3}, {3, 5, 7, 17}, {4, 2, 6, 8}, {2, 6, 1, 2}, {5, 3, 2, 1},
		/* one and two steps with units past a panel: the recurrent kernel read in place */
		{3, 1, 5, 37}, {7, 2, 3, 20}
	};
	static const size_t bwd_shapes[][4] = {
		{2, 3, 3, 4}, {1, 2, 2, 3}, {3, 3, 2, 2}, {2, 4, 1, 1}, {2, 1, 3, 19}
	};
	const size_t n_fwd = sizeof(fwd_shapes) / sizeof(fwd_shapes[0]);
	const size_t n_bwd = sizeof(bwd_shapes) / sizeof(bwd_shapes[0]);
	unsigned combo = 0;
	int ra, ub, act, rec, bw, h0, mt, rs;

	for (ra = 0; ra < 2; ra++)
	for (ub = 0; ub < 2; ub++)
	for (act = 0; act < 5; act++)
	for (rec = 0; rec < 5; rec++)
	for (bw = 0; bw < 2; bw++)
	for (h0 = 0; h0 < 2; h0++)
	for (mt = 0; mt < 3; mt++)
	for (rs = 0; rs < 2; rs++) {
		gru_problem p;
		tcase c;
		const size_t *s;

		combo++;
		if (quick && combo % 29 != 0) {
			continue;
		}
		memset(&p, 0, sizeof(p));
		p.dtype = GRU_FLOAT64;
		p.activation = (gru_activation)act;
		p.recurrent_activation = (gru_activation)rec;
		p.reset_after = ra;
		p.use_bias = ub;
		p.go_backwards = bw;
		p.return_sequences = rs;

		s = fwd_shapes[combo % n_fwd];
		p.batch = s[0];
		p.steps = s[1];
		p.features = s[2];
		p.units = s[3];
		tcase_init(&c, &p, 1000u + combo, mt, h0);
		test_forward_case(&c, mt);
		tcase_free(&c);

		s = bwd_shapes[combo % n_bwd];
		p.batch = s[0];
		p.steps = s[1];
		p.features = s[2];
		p.units = s[3];
		tcase_init_smooth(&c, &p, 50000u + combo, mt, h0);
		test_backward_case(&c, mt);
		tcase_free(&c);
	}
}

/* Larger shapes for the backward, default activations. */
static void test_backward_larger(void)
{
	static const size_t shapes[][4] = {{3, 5, 7, 17}, {4, 6, 5, 9}};
	int i, ra, bw, mt;
	unsigned seed = 90000;

	for (i = 0; i < 2; i++)
	for (ra = 0; ra < 2; ra++)
	for (bw = 0; bw < 2; bw++)
	for (mt = 0; mt < 3; mt += 2) {
		gru_problem p;
		tcase c;

		if (quick && (i > 0 || bw > 0)) {
			continue;
		}
		memset(&p, 0, sizeof(p));
		p.batch = shapes[i][0];
		p.steps = shapes[i][1];
		p.features = shapes[i][2];
		p.units = shapes[i][3];
		p.dtype = GRU_FLOAT64;
		p.activation = GRU_ACT_TANH;
		p.recurrent_activation = GRU_ACT_SIGMOID;
		p.reset_after = ra;
		p.use_bias = 1;
		p.go_backwards = bw;
		p.return_sequences = (seed & 1) != 0;
		tcase_init(&c, &p, seed++, mt, 1);
		test_backward_case(&c, mt);
		tcase_free(&c);
	}
}

/*
 * Shapes large enough for the float32 time loops to run on two threads
 * (OpenBLAS's thread count, set here): split by batch rows
 * (gru_cpu_loop_threads()) with row counts that are not multiples of the
 * micro-kernels' row blocks and units that are not multiples of their
 * panels, and split by units over a team (gru_cpu_team_threads(): too few
 * rows to split) with a last share that ends inside a panel. The forward
 * against the naive reference, the float32 gradients against the float64
 * core's (single-threaded, on OpenBLAS), which the finite differences check.
 */
static double *dropout_mask(size_t n, int pattern);

/*
 * gru_gemm_packed() with every micro-kernel this CPU runs (the portable one
 * always), on sizes around the row blocks, panels and K slices, plain and
 * transposed packing, overwrite and accumulate, against a double GEMM; and
 * gru_gemm_direct() on the same B, unpacked, against gru_gemm_packed().
 */
static void test_packed_gemm(void)
{
	static const size_t ms[] = {1, 2, 3, 5, 7, 13, 37};
	static const size_t ns[] = {1, 15, 16, 17, 33, 70};
	static const size_t ks[] = {1, 2, 17, 300};
	const gru_kernel_isa best = gru_cpu_kernel_isa();
	int isa;

	for (isa = GRU_KERNEL_PORTABLE; isa <= (int)best; isa++) {
		size_t im, in, ik;

		for (im = 0; im < sizeof(ms) / sizeof(ms[0]); im++)
		for (in = 0; in < sizeof(ns) / sizeof(ns[0]); in++)
		for (ik = 0; ik < sizeof(ks) / sizeof(ks[0]); ik++) {
			const size_t m = ms[im], n = ns[in], k = ks[ik], lda = k + 3, ldc = n + 5;
			const int trans = (int)((im + in + ik) & 1), accumulate = (int)((im + ik) & 1);
			float *a = malloc(m * lda * sizeof(float));
			float *b = malloc(k * n * sizeof(float));
			float *pk = NULL;
			float *c = malloc(m * ldc * sizeof(float));
			double worst = 0;
			size_t i, j, q;

			if (posix_memalign((void **)&pk, 64, gru_packed_floats_bound(k, n) * sizeof(float)) != 0) {
				CHECK(0, "posix_memalign");
				return;
			}
			for (i = 0; i < m * lda; i++) {
				a[i] = (float)rng_uniform(-1, 1);
			}
			for (i = 0; i < k * n; i++) {
				b[i] = (float)rng_uniform(-1, 1);
			}
			for (i = 0; i < m * ldc; i++) {
				c[i] = (float)rng_uniform(-1, 1);
			}
			{
				float *c0 = malloc(m * ldc * sizeof(float));

				memcpy(c0, c, m * ldc * sizeof(float));
				gru_pack_clear((gru_kernel_isa)isa, pk, k, n);
				if (trans) {
					/* b read as the transpose of an [n, k] matrix: element (q, j) at b[j*k + q] */
					gru_pack_block((gru_kernel_isa)isa, pk, k, n, 0, k, 0, n, b, 1, k);
				} else {
					/* two column blocks, as the reset-before packing does */
					gru_pack_block((gru_kernel_isa)isa, pk, k, n, 0, k, 0, n / 2, b, n, 1);
					gru_pack_block((gru_kernel_isa)isa, pk, k, n, 0, k, n / 2, n - n / 2, b + n / 2, n, 1);
				}
				gru_gemm_packed((gru_kernel_isa)isa, m, n, k, a, lda, pk, accumulate, c, ldc);
				if (!trans) {
					/* in place on B: the same kernels in the same order, so the same bits; B ends at
					 * its last column (an out-of-bounds read shows under ASan and valgrind) */
					float *c1 = malloc(m * ldc * sizeof(float));

					memcpy(c1, c0, m * ldc * sizeof(float));
					gru_gemm_direct((gru_kernel_isa)isa, m, n, k, a, lda, b, n, accumulate, c1, ldc);
					CHECK(memcmp(c1, c, m * ldc * sizeof(float)) == 0,
							"direct gemm %s m=%zu n=%zu k=%zu acc=%d differs from packed",
							gru_cpu_kernel_name((gru_kernel_isa)isa), m, n, k, accumulate);
					free(c1);
				}
				{
					/*
					 * each row alone (m = 1: the GEMV kernels) gives the bits it
					 * got in its row block: every kernel of an instruction set
					 * sums in one order, so a batch row's result does not depend
					 * on the batch size or the thread split
					 */
					float *row = malloc(ldc * sizeof(float));
					size_t differ = 0;

					for (i = 0; i < m; i++) {
						memcpy(row, c0 + i * ldc, ldc * sizeof(float));
						gru_gemm_packed((gru_kernel_isa)isa, 1, n, k, a + i * lda, lda, pk, accumulate, row, ldc);
						differ += memcmp(row, c + i * ldc, n * sizeof(float)) != 0;
					}
					CHECK(differ == 0, "packed gemm %s m=%zu n=%zu k=%zu acc=%d: %zu rows differ from the row alone",
							gru_cpu_kernel_name((gru_kernel_isa)isa), m, n, k, accumulate, differ);
					free(row);
				}
				for (i = 0; i < m; i++) {
					for (j = 0; j < ldc; j++) {
						double want = 0, err;

						if (j >= n) {
							/* outside the n columns: untouched */
							if (c[i * ldc + j] != c0[i * ldc + j]) {
								worst = 1;
							}
							continue;
						}
						for (q = 0; q < k; q++) {
							want += (double)a[i * lda + q] * (trans ? b[j * k + q] : b[q * n + j]);
						}
						if (accumulate) {
							want += c0[i * ldc + j];
						}
						err = fabs(c[i * ldc + j] - want) / (1.0 + sqrt((double)k));
						if (!(err <= worst)) {
							worst = err;
						}
					}
				}
				free(c0);
			}
			CHECK(worst < 1e-6, "packed gemm %s m=%zu n=%zu k=%zu trans=%d acc=%d: worst error %.3g",
					gru_cpu_kernel_name((gru_kernel_isa)isa), m, n, k, trans, accumulate, worst);
			free(a);
			free(b);
			free(pk);
			free(c);
		}
	}
}

/*
 * gru_pack_a_t + gru_gemm_parallel_tn (A given as A^T, packed): against a
 * double reference, and the same bits as gru_gemm_parallel on an explicit
 * transposed copy (same kernels, same k order); every ISA, one and two
 * threads, around the 6-, 4- and 3-row blocks, the 32- and 16-column
 * panels and the K slice; a column of C past n and a float past the
 * packed A must stay as they were.
 */
static void test_gemm_tn(void)
{
	/* m, n, k */
	static const size_t shapes[][3] = {{1, 1, 1}, {5, 7, 3}, {6, 32, 256}, {7, 33, 257}, {13, 95, 600},
		{128, 96, 520}, {40, 200, 1030}, {301, 40, 300}};
	const gru_kernel_isa best = gru_cpu_kernel_isa();
	const int blas_threads = openblas_get_num_threads();
	int isa, threads;
	size_t s;

	for (threads = 1; threads <= 2; threads++) {
		openblas_set_num_threads(threads);
		for (isa = GRU_KERNEL_PORTABLE; isa <= (int)best; isa++) {
			for (s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
				const size_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
				const size_t lda_t = m + 3, ldb = n + 9, ldc = n + 1;
				float *a_t = malloc(k * lda_t * sizeof(float));
				float *a = malloc(m * k * sizeof(float));
				float *b = malloc(k * ldb * sizeof(float));
				float *c = malloc(m * ldc * sizeof(float));
				float *c1 = malloc(m * ldc * sizeof(float));
				float *apack = malloc((m * k + 1) * sizeof(float));
				float *sums = malloc((n + 1) * sizeof(float));
				float *scratch = NULL;
				double worst = 0;
				size_t i, j, q, moved = 0, wrong_sums = 0;

				if (posix_memalign((void **)&scratch, 64, gru_packed_floats_bound(GRU_GEMM_KC, n) * sizeof(float))
						!= 0) {
					CHECK(0, "posix_memalign");
					return;
				}
				apack[m * k] = -3.0f;
				for (i = 0; i < k * lda_t; i++) {
					a_t[i] = (float)rng_uniform(-1, 1);
				}
				for (i = 0; i < k * ldb; i++) {
					b[i] = (float)rng_uniform(-1, 1);
				}
				for (i = 0; i < m; i++) {
					for (q = 0; q < k; q++) {
						a[i * k + q] = a_t[q * lda_t + i];
					}
				}
				for (i = 0; i < m * ldc; i++) {
					c[i] = c1[i] = -7.0f;
				}
				gru_pack_a_t((gru_kernel_isa)isa, apack, a_t, lda_t, m, k, 0);
				sums[n] = -5.0f;
				gru_gemm_parallel_tn((gru_kernel_isa)isa, m, n, k, apack, b, ldb, c, ldc, scratch, sums);
				moved += apack[m * k] != -3.0f;
				moved += sums[n] != -5.0f;
				for (j = 0; j < n; j++) {
					/* B's column sums: each column added row by row in float */
					float want_sum = 0.0f;

					for (q = 0; q < k; q++) {
						want_sum += b[q * ldb + j];
					}
					wrong_sums += sums[j] != want_sum;
				}
				gru_gemm_parallel((gru_kernel_isa)isa, m, n, k, a, k, b, ldb, 0, 0, c1, ldc, scratch);
				for (i = 0; i < m; i++) {
					double want = 0;

					moved += c[i * ldc + n] != -7.0f;
					for (j = 0; j < n; j++) {
						double err;

						want = 0;
						for (q = 0; q < k; q++) {
							want += (double)a_t[q * lda_t + i] * b[q * ldb + j];
						}
						/* rounding grows with k (the portable kernel sums in one chain); one term
						 * missed or doubled is ~0.3 */
						err = fabs(c[i * ldc + j] - want) / (1.0 + (double)k);
						if (!(err <= worst)) {
							worst = err;
						}
					}
				}
				CHECK(worst < 2e-7 && moved == 0, "gemm_tn %s threads=%d m=%zu n=%zu k=%zu: worst error %.3g, %zu "
						"writes past C's columns or the packed A", gru_cpu_kernel_name((gru_kernel_isa)isa), threads, m, n, k, worst,
						moved);
				CHECK(wrong_sums == 0, "gemm_tn %s threads=%d m=%zu n=%zu k=%zu: %zu column sums not the row-by-row sum",
						gru_cpu_kernel_name((gru_kernel_isa)isa), threads, m, n, k, wrong_sums);
				CHECK(memcmp(c, c1, m * ldc * sizeof(float)) == 0,
						"gemm_tn %s threads=%d m=%zu n=%zu k=%zu: not the bits of the product on A's copy",
						gru_cpu_kernel_name((gru_kernel_isa)isa), threads, m, n, k);
				free(a_t);
				free(a);
				free(apack);
				free(sums);
				free(b);
				free(c);
				free(c1);
				free(scratch);
			}
		}
	}
	openblas_set_num_threads(blas_threads);
}

/*
 * gru_pack_sliced_rows + gru_gemm_parallel_tn_sliced, as the backward runs
 * them: dG [B*T, width] batch-major, its rows K-sliced time-major a step
 * and a share of rows at a time, X packed time-major by gru_pack_a_t;
 * a column range starting at a panel: against a double reference, and
 * the bits (product and column sums) of gru_gemm_parallel_tn on explicit
 * time-major copies; every ISA, one and two threads, K slices crossed
 * inside a share's rows, a last panel with padding; nothing written past
 * the sliced matrix.
 */
static void test_gemm_tn_sliced(void)
{
	/* B, T, m, width, first panel, n */
	static const size_t shapes[][6] = {{5, 3, 7, 70, 1, 20}, {16, 17, 13, 96, 0, 96}, {37, 8, 6, 100, 2, 30},
		{64, 5, 128, 64, 0, 64}, {3, 100, 9, 40, 1, 7}};
	const gru_kernel_isa best = gru_cpu_kernel_isa();
	const int blas_threads = openblas_get_num_threads();
	int isa, threads;
	size_t s;

	for (threads = 1; threads <= 2; threads++) {
		openblas_set_num_threads(threads);
		for (isa = GRU_KERNEL_PORTABLE; isa <= (int)best; isa++) {
			for (s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
				const size_t nb = shapes[s][0], nt = shapes[s][1], m = shapes[s][2], width = shapes[s][3];
				const size_t nr = gru_pack_nr((gru_kernel_isa)isa), col = shapes[s][4] * nr, n = shapes[s][5];
				const size_t k = nb * nt, sliced_floats = gru_packed_floats_bound(k, width);
				float *x = malloc(k * m * sizeof(float)), *x_tm = malloc(k * m * sizeof(float));
				float *d = malloc(k * width * sizeof(float)), *d_tm = malloc(k * width * sizeof(float));
				float *c = malloc(m * n * sizeof(float)), *c1 = malloc(m * n * sizeof(float));
				float *sums = malloc(n * sizeof(float)), *sums1 = malloc(n * sizeof(float));
				float *apack = malloc(m * k * sizeof(float));
				float *sliced = NULL, *scratch = NULL;
				double worst = 0;
				size_t i, j, q, b, t;

				if (posix_memalign((void **)&sliced, 64, (sliced_floats + 16) * sizeof(float)) != 0
						|| posix_memalign((void **)&scratch, 64, gru_packed_floats_bound(GRU_GEMM_KC, n) * sizeof(float))
						!= 0) {
					CHECK(0, "posix_memalign");
					return;
				}
				for (i = 0; i < 16; i++) {
					sliced[sliced_floats + i] = -9.0f;
				}
				for (i = 0; i < k * m; i++) {
					x[i] = (float)rng_uniform(-1, 1);
				}
				for (i = 0; i < k * width; i++) {
					d[i] = (float)rng_uniform(-1, 1);
				}
				for (t = 0; t < nt; t++) {
					for (b = 0; b < nb; b++) {
						memcpy(x_tm + (t * nb + b) * m, x + (b * nt + t) * m, m * sizeof(float));
						memcpy(d_tm + (t * nb + b) * width, d + (b * nt + t) * width, width * sizeof(float));
					}
					/* two shares of rows, as two threads' batch split */
					gru_pack_sliced_rows((gru_kernel_isa)isa, sliced, k, width, t * nb, nb / 2, d + t * width,
							nt * width);
					gru_pack_sliced_rows((gru_kernel_isa)isa, sliced, k, width, t * nb + nb / 2, nb - nb / 2,
							d + (nb / 2 * nt + t) * width, nt * width);
				}
				gru_pack_a_t((gru_kernel_isa)isa, apack, x, m, m, k, nb);
				gru_gemm_parallel_tn_sliced((gru_kernel_isa)isa, m, n, k, apack, sliced, (width + nr - 1) / nr, col / nr,
						c, n, sums);
				gru_pack_a_t((gru_kernel_isa)isa, apack, x_tm, m, m, k, 0);
				gru_gemm_parallel_tn((gru_kernel_isa)isa, m, n, k, apack, d_tm + col, width, c1, n, scratch, sums1);
				for (i = 0; i < m; i++) {
					for (j = 0; j < n; j++) {
						double want = 0, err;

						for (q = 0; q < k; q++) {
							want += (double)x[q * m + i] * d[q * width + col + j];
						}
						err = fabs(c[i * n + j] - want) / (1.0 + (double)k);
						if (!(err <= worst)) {
							worst = err;
						}
					}
				}
				for (i = 0; i < 16; i++) {
					worst += sliced[sliced_floats + i] != -9.0f;
				}
				CHECK(worst < 2e-7, "gemm_tn_sliced %s threads=%d B=%zu T=%zu m=%zu n=%zu: worst error %.3g (or writes "
						"past the sliced matrix)", gru_cpu_kernel_name((gru_kernel_isa)isa), threads, nb, nt, m, n, worst);
				CHECK(memcmp(c, c1, m * n * sizeof(float)) == 0 && memcmp(sums, sums1, n * sizeof(float)) == 0,
						"gemm_tn_sliced %s threads=%d B=%zu T=%zu m=%zu n=%zu: not the bits of the product on time-major "
						"copies", gru_cpu_kernel_name((gru_kernel_isa)isa), threads, nb, nt, m, n);
				free(x);
				free(x_tm);
				free(d);
				free(d_tm);
				free(c);
				free(c1);
				free(sums);
				free(sums1);
				free(apack);
				free(sliced);
				free(scratch);
			}
		}
	}
	openblas_set_num_threads(blas_threads);
}

/* A tanh/sigmoid problem with bias of shape {B, T, I, H, ...} (the rest of the row unread). */
static gru_problem shape_problem(const size_t *shape, gru_dtype dtype, int reset_after)
{
	gru_problem p;

	memset(&p, 0, sizeof(p));
	p.batch = shape[0];
	p.steps = shape[1];
	p.features = shape[2];
	p.units = shape[3];
	p.dtype = dtype;
	p.activation = GRU_ACT_TANH;
	p.recurrent_activation = GRU_ACT_SIGMOID;
	p.reset_after = reset_after;
	p.use_bias = 1;
	return p;
}

static void test_threaded_rows(void)
{
	/*
	 * B, T, I, H, threads. All but the third project the inputs in chunks
	 * of steps inside the loop (16 batch rows or more, see
	 * gru_forward_projects_in_chunks; T = 6, 5, 12 and 9 end in a part
	 * chunk), the third before the loop; the eighth with the input kernel
	 * in two groups of panels (the second a part panel wide), the last in
	 * shares of 10 and 10 rows, the fifth in a team's shares of the units
	 * (their columns of the kernel in place). The
	 * third: too few rows for the batch split, the units split over a team
	 * instead (shares of 96 and 154); the fourth: enough values for the
	 * backward's bias sums to split too; the fifth: a team of 8 (the batch
	 * split would take 4), as a machine with more cores runs it. The
	 * fourth and the last two also lay dG out K-sliced in the backward (H a
	 * multiple of every panel width): the sixth on one thread (its bias
	 * sums step by step), the seventh on two (shares of 18 and 19 rows:
	 * T = 12 for GRU_THREAD_MIN_FLOPS) with a step's rows across a K slice
	 * boundary (step 6: rows 222 to 258, the second share's 240 to 258)
	 */
	static const size_t shapes[][5] = {{37, 6, 10, 100, 2}, {40, 8, 9, 70, 2}, {3, 8, 7, 250, 2}, {64, 40, 16, 64, 2},
		{16, 4, 12, 512, 8}, {32, 5, 12, 64, 1}, {37, 12, 5, 64, 2}, {32, 6, 130, 200, 1}, {20, 9, 11, 96, 2}};
	unsigned seed = 150000;
	int i, ra, bw, mt, drop;
	const int blas_threads = openblas_get_num_threads();

	/* threads whatever the machine has, so that every split runs everywhere */
	for (i = 0; i < (int)(sizeof(shapes) / sizeof(shapes[0])); i++)
	for (ra = 0; ra < 2; ra++)
	for (bw = 0; bw < 2; bw++)
	for (mt = 0; mt < 3; mt += 2)
	for (drop = 0; drop < 2; drop++) {
		gru_problem p;
		tcase c;
		tresult r32, r64, r1;
		char ctx[256];

		if ((quick && (i == 1 || bw > 0 || drop > 0)) || (i == 4 && (bw > 0 || drop > 0))) {
			/* (the fifth runs 8 threads on however few cores: its plain cases only) */
			continue;
		}
		memset(&r32, 0, sizeof(r32));
		memset(&r64, 0, sizeof(r64));
		memset(&r1, 0, sizeof(r1));
		openblas_set_num_threads((int)shapes[i][4]);
		p = shape_problem(shapes[i], GRU_FLOAT64, ra);
		p.go_backwards = bw;
		p.return_sequences = (seed & 1) != 0;
		tcase_init(&c, &p, seed++, mt, 1);
		if (drop) {
			c.din = dropout_mask(p.batch * p.features, 0);
			c.drec = dropout_mask(p.batch * p.units, 1);
		}
		if (ra == 0 && bw == 0 && mt == 0 && drop == 0) {
			const double step = 2.0 * (double)(p.batch * p.units * 3 * p.units);

			printf("threaded loops: B=%zu H=%zu, %zu threads: %zu by rows, %zu by units (kernel %s)\n", p.batch,
					p.units, shapes[i][4], gru_cpu_loop_threads(p.batch, step * (double)p.steps),
					gru_cpu_team_threads(p.units, step * (double)p.steps, step),
					gru_cpu_kernel_name(gru_cpu_kernel_isa()));
		}
		test_forward_case(&c, mt);
		describe(ctx, sizeof(ctx), &c, mt, "threaded backward f32 vs f64");
		if (run_core(&c, GRU_FLOAT64, 1, &r64, ctx) && run_core(&c, GRU_FLOAT32, 1, &r32, ctx)) {
			check_close(ctx, "d_inputs", r32.dx, r64.dx, c.n_x, 1e-4);
			check_close(ctx, "d_kernel", r32.dk, r64.dk, c.n_k, 1e-4);
			check_close(ctx, "d_recurrent_kernel", r32.du, r64.du, c.n_u, 1e-4);
			check_close(ctx, "d_bias", r32.db, r64.db, c.n_b, 1e-4);
			check_close(ctx, "d_initial_state", r32.dh0, r64.dh0, c.n_h, 1e-4);
		}
		/*
		 * and the float64 core on one thread: the passes both dtypes share
		 * (the bias sums among them) split differently, or not at all
		 */
		openblas_set_num_threads(1);
		describe(ctx, sizeof(ctx), &c, mt, "threaded backward f64, several threads vs 1");
		if (run_core(&c, GRU_FLOAT64, 1, &r1, ctx)) {
			check_close(ctx, "d_inputs", r64.dx, r1.dx, c.n_x, 1e-12);
			check_close(ctx, "d_kernel", r64.dk, r1.dk, c.n_k, 1e-12);
			check_close(ctx, "d_recurrent_kernel", r64.du, r1.du, c.n_u, 1e-12);
			check_close(ctx, "d_bias", r64.db, r1.db, c.n_b, 1e-12);
			check_close(ctx, "d_initial_state", r64.dh0, r1.dh0, c.n_h, 1e-12);
		}
		tresult_free(&r1);
		tresult_free(&r32);
		tresult_free(&r64);
		tcase_free(&c);
	}
	openblas_set_num_threads(blas_threads);
}

/*
 * The optional gradients left out: d_inputs NULL (a model's first layer
 * needs no dX), d_initial_state NULL (no initial state given: the first
 * step then skips its products into the state gradient). The other
 * gradients are the bits of a backward that computes them all, on every
 * path that computes dX differently (step by step into a K-sliced dG, one
 * and two threads; after the loop on our kernels; OpenBLAS / float64), and
 * for the initial state both gate layouts with a mask and recurrent
 * dropout (each has its own products into the state gradient).
 */
static void test_without_optional_gradients(void)
{
	/* B, T, I, H, threads: as test_threaded_rows()'s sixth, seventh and third, and a small one */
	static const size_t shapes[][5] = {{32, 5, 12, 64, 1}, {37, 12, 5, 64, 2}, {3, 8, 7, 250, 2}, {4, 3, 5, 8, 1}};
	unsigned seed = 160000;
	int i, ra, dt, omit;
	const int blas_threads = openblas_get_num_threads();

	for (omit = 0; omit < 2; omit++)
	for (i = 0; i < (int)(sizeof(shapes) / sizeof(shapes[0])); i++)
	for (ra = 0; ra < 2; ra++)
	for (dt = 0; dt < 2; dt++) {
		const gru_dtype dtype = dt ? GRU_FLOAT64 : GRU_FLOAT32;
		gru_problem p;
		tcase c;
		tresult with, without;
		char ctx[256];

		if (quick && i == 2) {
			continue;
		}
		openblas_set_num_threads((int)shapes[i][4]);
		p = shape_problem(shapes[i], dtype, ra);
		p.return_sequences = 1;
		/* the initial state's: a mask on the odd shapes, recurrent dropout on the even */
		tcase_init(&c, &p, seed++, omit && i % 2 == 1 ? 1 : 0, 1);
		if (omit && i % 2 == 0) {
			c.drec = dropout_mask(p.batch * p.units, 1);
		}
		describe(ctx, sizeof(ctx), &c, 0, omit ? (dt ? "backward without d_initial_state f64"
			: "backward without d_initial_state f32")
			: dt ? "backward without d_inputs f64" : "backward without d_inputs f32");
		if (run_core(&c, dtype, 1, &with, ctx)) {
			without_d_initial_state = omit;
			without_d_inputs = !omit;
			if (run_core(&c, dtype, 1, &without, ctx)) {
				if (omit) {
					CHECK(without.dh0 == NULL, "%s: no d_initial_state expected", ctx);
					check_close(ctx, "d_inputs", without.dx, with.dx, c.n_x, 0.0);
				} else {
					CHECK(without.dx == NULL, "%s: no dX expected", ctx);
					check_close(ctx, "d_initial_state", without.dh0, with.dh0, c.n_h, 0.0);
				}
				check_close(ctx, "d_kernel", without.dk, with.dk, c.n_k, 0.0);
				check_close(ctx, "d_recurrent_kernel", without.du, with.du, c.n_u, 0.0);
				check_close(ctx, "d_bias", without.db, with.db, c.n_b, 0.0);
			}
			without_d_inputs = 0;
			without_d_initial_state = 0;
			tresult_free(&without);
		}
		tresult_free(&with);
		tcase_free(&c);
	}
	openblas_set_num_threads(blas_threads);
}

/* ---- a precomputed input projection (Bidirectional's shared GEMM) ---- */

static gru_problem base_problem(void);

static void test_input_projection(void)
{
	static const size_t shapes[][4] = {{3, 5, 4, 6}, {37, 6, 10, 100}};
	unsigned seed = 160000;
	int i, ra, bw, mt, dt, slot;
	gru_problem p;
	gru_status st;
	size_t pk = 0, pj = 0;

	for (i = 0; i < 2; i++)
	for (ra = 0; ra < 2; ra++)
	for (bw = 0; bw < 2; bw++)
	for (mt = 0; mt < 2; mt++)
	for (dt = 0; dt < 2; dt++) {
		tcase c;
		tresult plain, projected;
		char ctx[256];
		const gru_dtype type = dt ? GRU_FLOAT64 : GRU_FLOAT32;
		const double tol = dt ? 1e-12 : 1e-6;

		if (quick && (i > 0 || bw > 0)) {
			continue;
		}
		memset(&p, 0, sizeof(p));
		p.batch = shapes[i][0];
		p.steps = shapes[i][1];
		p.features = shapes[i][2];
		p.units = shapes[i][3];
		p.dtype = type;
		p.activation = GRU_ACT_TANH;
		p.recurrent_activation = GRU_ACT_SIGMOID;
		p.reset_after = ra;
		p.use_bias = (seed & 2) == 0;
		p.go_backwards = bw;
		p.return_sequences = (seed & 1) != 0;
		slot = (int)((seed >> 2) & 1);
		tcase_init(&c, &p, seed++, mt ? 1 : 0, mt);
		describe(ctx, sizeof(ctx), &c, mt, dt ? "projection f64" : "projection f32");
		projection_slot = -1;
		if (run_core(&c, type, 1, &plain, ctx)) {
			projection_slot = slot;
			if (run_core(&c, type, 1, &projected, ctx)) {
				check_close(ctx, "outputs", projected.outputs, plain.outputs, c.n_out, tol);
				check_close(ctx, "state", projected.state, plain.state, c.n_h, tol);
				/* the backward reads the trace the projected forward wrote */
				check_close(ctx, "d_inputs", projected.dx, plain.dx, c.n_x, 10 * tol);
				check_close(ctx, "d_kernel", projected.dk, plain.dk, c.n_k, 10 * tol);
				check_close(ctx, "d_recurrent_kernel", projected.du, plain.du, c.n_u, 10 * tol);
				check_close(ctx, "d_initial_state", projected.dh0, plain.dh0, c.n_h, 10 * tol);
			}
			tresult_free(&projected);
			projection_slot = -1;
		}
		tresult_free(&plain);
		tcase_free(&c);
	}

	/* the contract's refusals */
	p = base_problem();
	CHECK(gru_input_projection_bytes(&p, 0, &pk, &pj, &st) == GRU_E_INVALID, "count 0 must be refused");
	CHECK(gru_input_projection_bytes(&p, 2, &pk, &pj, &st) == GRU_OK
			&& pk == p.features * 6 * p.units * 4 && pj == p.batch * p.steps * 6 * p.units * 4,
			"projection bytes: %zu %zu", pk, pj);
	CHECK(gru_input_projection(&p, NULL, NULL, 2, NULL, NULL, &st) == GRU_E_INVALID, "NULL buffers must be refused");
	{
		tcase c;
		size_t ws_bytes = 0;
		void *x, *k, *u, *bias, *ws, *drop, *block;
		float *out, *state;
		gru_weights w;
		gru_forward_args fa;
		gru_status_code code;

		p.input_dropout = true;
		tcase_init(&c, &p, 169999u, 0, 0);
		x = typed_copy(c.x, c.n_x, GRU_FLOAT32);
		k = typed_copy(c.k, c.n_k, GRU_FLOAT32);
		u = typed_copy(c.u, c.n_u, GRU_FLOAT32);
		bias = typed_copy(c.bias, c.n_b, GRU_FLOAT32);
		drop = calloc(p.batch * p.features, sizeof(float));
		block = calloc(p.batch * p.steps * 3 * p.units, sizeof(float));
		out = calloc(c.n_out, sizeof(float));
		state = calloc(c.n_h, sizeof(float));
		gru_forward_workspace_bytes(&p, &ws_bytes, &st);
		ws = malloc(ws_bytes);
		w.kernel = k;
		w.recurrent_kernel = u;
		w.bias = bias;
		memset(&fa, 0, sizeof(fa));
		fa.inputs = x;
		fa.outputs = out;
		fa.final_state = state;
		fa.workspace = ws;
		fa.input_projection = block;
		fa.input_projection_ld = 3 * p.units - 1;
		code = gru_forward(&p, &w, &fa, &st);
		CHECK(code == GRU_E_INVALID && strstr(st.message, "input_projection_ld") != NULL,
				"ld < 3H must be refused: %d %s", (int)code, st.message);
		fa.input_projection_ld = 3 * p.units;
		fa.input_dropout = drop;
		code = gru_forward(&p, &w, &fa, &st);
		CHECK(code == GRU_E_INVALID && strstr(st.message, "input_dropout") != NULL,
				"a projection with input dropout must be refused: %d %s", (int)code, st.message);
		fa.input_dropout = NULL;
		CHECK(gru_forward(&p, &w, &fa, &st) == GRU_OK, "ld = 3H: %s", st.message);
		free(x);
		free(k);
		free(u);
		free(bias);
		free(drop);
		free(block);
		free(out);
		free(state);
		free(ws);
		tcase_free(&c);
	}
}

/* ---- problem checks and sizes ---- */

static gru_problem base_problem(void)
{
	gru_problem p;

	memset(&p, 0, sizeof(p));
	p.batch = 4;
	p.steps = 5;
	p.features = 3;
	p.units = 7;
	p.dtype = GRU_FLOAT32;
	p.activation = GRU_ACT_TANH;
	p.recurrent_activation = GRU_ACT_SIGMOID;
	p.reset_after = true;
	p.use_bias = true;
	return p;
}

static void test_problem(void)
{
	gru_problem p;
	gru_status st;
	size_t k = 0, rk = 0, b = 0, bytes = 0, bytes64 = 0;

	p = base_problem();
	CHECK(gru_problem_check(&p, &st) == GRU_OK, "valid problem rejected");

	p = base_problem();
	p.units = 0;
	CHECK(gru_problem_check(&p, &st) == GRU_E_INVALID && strcmp(st.message, "units must be positive, 0 given") == 0,
			"units 0: %s", st.message);
	p = base_problem();
	p.batch = 0;
	CHECK(gru_problem_check(&p, &st) == GRU_E_INVALID && strstr(st.message, "batch") != NULL, "batch 0: %s", st.message);
	p = base_problem();
	p.steps = 0;
	CHECK(gru_problem_check(&p, &st) == GRU_E_INVALID && strstr(st.message, "steps") != NULL, "steps 0: %s", st.message);
	p = base_problem();
	p.features = 0;
	CHECK(gru_problem_check(&p, &st) == GRU_E_INVALID && strstr(st.message, "features") != NULL,
			"features 0: %s", st.message);
	p = base_problem();
	p.dtype = (gru_dtype)11;
	CHECK(gru_problem_check(&p, &st) == GRU_E_INVALID && strstr(st.message, "dtype") != NULL
			&& strstr(st.message, "11 given") != NULL, "dtype: %s", st.message);
	p = base_problem();
	p.activation = (gru_activation)9;
	CHECK(gru_problem_check(&p, &st) == GRU_E_INVALID && strncmp(st.message, "activation", 10) == 0,
			"activation: %s", st.message);
	p = base_problem();
	p.recurrent_activation = (gru_activation)-1;
	CHECK(gru_problem_check(&p, &st) == GRU_E_INVALID && strstr(st.message, "recurrent_activation") != NULL,
			"recurrent_activation: %s", st.message);
	CHECK(gru_problem_check(NULL, &st) == GRU_E_INVALID, "NULL problem");

	p = base_problem();
	p.batch = SIZE_MAX / 2;
	p.steps = 3;
	CHECK(gru_problem_check(&p, &st) == GRU_E_OVERFLOW, "overflow batch*steps: %d %s", st.code, st.message);
	CHECK(gru_forward_workspace_bytes(&p, &bytes, &st) == GRU_E_OVERFLOW, "overflow workspace bytes");
	p = base_problem();
	p.units = SIZE_MAX / 3 + 1;
	CHECK(gru_problem_check(&p, &st) == GRU_E_OVERFLOW, "overflow 3*units: %s", st.message);
	p = base_problem();
	p.units = (size_t)1 << 31;
	p.features = (size_t)1 << 31;
	CHECK(gru_problem_check(&p, &st) == GRU_E_OVERFLOW, "overflow kernel size: %s", st.message);
	p = base_problem();
	p.batch = (size_t)1 << 20;
	p.steps = (size_t)1 << 20;
	p.units = (size_t)1 << 20;
	CHECK(gru_trace_bytes(&p, &bytes, &st) == GRU_E_OVERFLOW, "overflow trace: %s", st.message);

	p = base_problem();
	CHECK(gru_weight_sizes(&p, &k, &rk, &b, &st) == GRU_OK && k == 3 * 21 && rk == 7 * 21 && b == 42,
			"weight sizes reset_after: %zu %zu %zu", k, rk, b);
	p.reset_after = false;
	CHECK(gru_weight_sizes(&p, &k, &rk, &b, &st) == GRU_OK && k == 3 * 21 && rk == 21 * 7 && b == 21,
			"weight sizes reset before: %zu %zu %zu", k, rk, b);
	p.use_bias = false;
	CHECK(gru_weight_sizes(&p, &k, &rk, &b, &st) == GRU_OK && b == 0, "weight sizes no bias: %zu", b);

	p = base_problem();
	CHECK(gru_trace_bytes(&p, &bytes, &st) == GRU_OK && bytes >= 5 * 4 * 5 * 7 * sizeof(float),
			"trace bytes %zu", bytes);
	p.dtype = GRU_FLOAT64;
	CHECK(gru_trace_bytes(&p, &bytes64, &st) == GRU_OK && bytes64 >= 5 * 4 * 5 * 7 * sizeof(double),
			"trace bytes f64 %zu", bytes64);
	CHECK(gru_forward_workspace_bytes(&p, &bytes, &st) == GRU_OK
			&& bytes >= (4 * 5 * 21 + 4 * 21 + 4 * 7 + 21 + 7) * sizeof(double), "forward workspace %zu", bytes);
	CHECK(gru_backward_workspace_bytes(&p, &bytes, &st) == GRU_OK
			&& bytes >= (4 * 5 * 28 + 4 * 7) * sizeof(double), "backward workspace %zu", bytes);
	CHECK(gru_trace_bytes(&p, NULL, &st) == GRU_E_INVALID, "NULL bytes");
}

/*
 * The forward workspace holds the inputs' projection of all steps, or
 * only a ring of GRU_PROJECTION_CHUNK_STEPS steps where the forward
 * projects in chunks (float32, 16 batch rows or more, our kernels): then
 * its size stops growing with the steps at the ring's.
 */
static size_t forward_bytes(gru_problem p, size_t batch, size_t steps)
{
	gru_status st;
	size_t bytes = 0;

	p.batch = batch;
	p.steps = steps;
	CHECK(gru_forward_workspace_bytes(&p, &bytes, &st) == GRU_OK, "workspace B=%zu T=%zu: %s", batch, steps,
			st.message);
	return bytes;
}

static void test_forward_workspace_ring(void)
{
	gru_problem p = base_problem();
	const int chunks = gru_cpu_kernel_isa() != GRU_KERNEL_PORTABLE;
	const size_t row = 3 * 7;   /* a row of the projection: 3H */

	p.batch = 16;
	p.steps = 10;
	CHECK(gru_forward_projects_in_chunks(&p) == chunks, "16 rows, 10 steps: chunks %d", chunks);
	p.steps = 2;
	CHECK(!gru_forward_projects_in_chunks(&p), "2 steps (the kernel not packed): no chunks");
	p.batch = 15;
	p.steps = 10;
	CHECK(!gru_forward_projects_in_chunks(&p), "15 rows project before the loop");
	if (chunks) {
		CHECK(forward_bytes(p, 16, 100) == forward_bytes(p, 16, 4), "16 rows: the ring of 4 steps whatever T");
		CHECK(forward_bytes(p, 16, 4) - forward_bytes(p, 16, 3) >= 16 * row * sizeof(float) - GRU_ALIGN,
				"16 rows, 3 steps: a ring of 3 slots");
	}
	CHECK(forward_bytes(p, 15, 100) - forward_bytes(p, 15, 10) >= 15 * 90 * row * sizeof(float),
			"15 rows: all steps' rows");
	p.dtype = GRU_FLOAT64;
	p.batch = 16;
	CHECK(!gru_forward_projects_in_chunks(&p), "float64 projects before the loop");
	CHECK(forward_bytes(p, 16, 100) - forward_bytes(p, 16, 10) >= 16 * 90 * row * sizeof(double),
			"float64: all steps' rows");
}

static void test_null_pointers(void)
{
	gru_problem p = base_problem();
	float x[4 * 5 * 3], k[3 * 21], u[7 * 21], bias[42], out[4 * 7], fs[4 * 7];
	gru_weights w = {k, u, bias};
	gru_forward_args fa;
	gru_backward_args ba;
	gru_status st;
	size_t bytes = 0;
	void *ws;

	memset(x, 0, sizeof(x));
	memset(k, 0, sizeof(k));
	memset(u, 0, sizeof(u));
	memset(bias, 0, sizeof(bias));
	gru_forward_workspace_bytes(&p, &bytes, &st);
	ws = malloc(bytes);
	memset(&fa, 0, sizeof(fa));
	fa.inputs = x;
	fa.outputs = out;
	fa.final_state = fs;
	fa.workspace = ws;
	CHECK(gru_forward(&p, &w, &fa, &st) == GRU_OK && st.code == GRU_OK, "forward with NULL optionals: %s", st.message);
	fa.inputs = NULL;
	CHECK(gru_forward(&p, &w, &fa, &st) == GRU_E_INVALID && strstr(st.message, "inputs") != NULL,
			"NULL inputs: %s", st.message);
	fa.inputs = x;
	fa.workspace = NULL;
	CHECK(gru_forward(&p, &w, &fa, &st) == GRU_E_INVALID && strstr(st.message, "workspace") != NULL,
			"NULL workspace: %s", st.message);
	fa.workspace = ws;
	w.bias = NULL;
	CHECK(gru_forward(&p, &w, &fa, &st) == GRU_E_INVALID && strstr(st.message, "bias") != NULL,
			"NULL bias: %s", st.message);
	p.use_bias = false;
	CHECK(gru_forward(&p, &w, &fa, &st) == GRU_OK, "no bias, NULL bias: %s", st.message);
	p.use_bias = true;
	w.bias = bias;
	w.kernel = NULL;
	CHECK(gru_forward(&p, &w, &fa, &st) == GRU_E_INVALID && strstr(st.message, "kernel") != NULL,
			"NULL kernel: %s", st.message);
	w.kernel = k;
	CHECK(gru_forward(&p, &w, NULL, &st) == GRU_E_INVALID, "NULL args");
	CHECK(gru_backend_cpu_openblas.forward(&p, &w, &fa, NULL) == GRU_OK, "NULL status allowed");
	CHECK(strcmp(gru_backend_cpu_openblas.name, "cpu_openblas") == 0, "backend name");

	memset(&ba, 0, sizeof(ba));
	ba.inputs = x;
	ba.d_kernel = k;
	ba.d_recurrent_kernel = u;
	ba.d_bias = bias;
	ba.workspace = ws;
	CHECK(gru_backward(&p, &w, &ba, &st) == GRU_E_INVALID && strstr(st.message, "trace") != NULL,
			"NULL trace: %s", st.message);
	free(ws);
}

/* NaN in one batch row propagates to that row only; huge inputs stay finite (float32 passes). */
static void test_nan_and_huge(void)
{
	gru_problem p = base_problem();
	tcase c;
	tresult r;
	size_t j, n_row = p.steps * p.units;
	int act, nan0 = 1, fin1 = 1, fin = 1;

	p.batch = 2;
	p.units = 33;
	p.return_sequences = true;
	n_row = p.steps * p.units;
	tcase_init(&c, &p, 77, 0, 0);
	c.x[0] = NAN;
	if (run_core(&c, GRU_FLOAT32, 0, &r, "nan f32")) {
		for (j = 0; j < n_row; j++) {
			nan0 = nan0 && isnan(r.outputs[j]);
			fin1 = fin1 && isfinite(r.outputs[n_row + j]);
		}
		CHECK(nan0 && fin1, "NaN input: row 0 all NaN %d, row 1 all finite %d", nan0, fin1);
	}
	tresult_free(&r);
	tcase_free(&c);
	for (act = 1; act <= 3; act++) {
		p.activation = (gru_activation)act;
		p.recurrent_activation = (gru_activation)act;
		tcase_init(&c, &p, 78, 0, 0);
		for (j = 0; j < c.n_x; j++) {
			c.x[j] *= 1e30;
		}
		if (run_core(&c, GRU_FLOAT32, 0, &r, "huge f32")) {
			for (j = 0; j < c.n_out; j++) {
				fin = fin && isfinite(r.outputs[j]);
			}
			CHECK(fin, "huge inputs with %s: outputs must stay finite", act_names[act]);
		}
		tresult_free(&r);
		tcase_free(&c);
	}
}

/*
 * No initial state against an explicit one of zeros: the core writes the
 * first step's recurrent product as zeros rather than computing it
 * (h0_product_zero in gru_cpu_forward_tmpl.h), which must be its bits: a
 * GEMM sums +0 products from +0. Every path: the kernel in place (T 1, 2)
 * and packed, the batch split and the units split, inference and training
 * (the gates written into the trace), go_backwards, a mask. Then with an
 * infinity or a NaN in U, which makes that product NaN: the NaNs of the
 * outputs where the explicit zeros put them.
 */
static void test_zero_initial_state(void)
{
	/* B, T, I, H, threads */
	static const size_t shapes[][5] = {{3, 1, 4, 5, 1}, {4, 2, 3, 16, 1}, {6, 5, 7, 32, 1}, {37, 6, 5, 64, 2},
		{2, 6, 3, 250, 2}};
	const int blas_threads = openblas_get_num_threads();
	unsigned seed = 170000;
	int i, ra, dt, bw, bad;

	for (i = 0; i < (int)(sizeof(shapes) / sizeof(shapes[0])); i++)
	for (ra = 0; ra < 2; ra++)
	for (dt = 0; dt < 2; dt++)
	for (bw = 0; bw < 2; bw++)
	for (bad = 0; bad < 3; bad++) {
		const gru_dtype dtype = dt ? GRU_FLOAT64 : GRU_FLOAT32;
		gru_problem p;
		tcase c;
		tresult zeros, none;
		double *h0;
		char ctx[256];
		size_t j;

		if (quick && i == 4) {
			continue;
		}
		openblas_set_num_threads((int)shapes[i][4]);
		p = shape_problem(shapes[i], dtype, ra);
		p.return_sequences = 1;
		p.go_backwards = bw;
		tcase_init(&c, &p, seed++, i % 2, 1);
		for (j = 0; j < c.n_h; j++) {
			c.h0[j] = 0.0;
		}
		if (bad) {
			c.u[(c.n_u / 2 + 1) % c.n_u] = bad == 1 ? INFINITY : NAN;
		}
		describe(ctx, sizeof(ctx), &c, i % 2, bad == 0 ? "no initial state" : bad == 1 ? "no initial state, inf in U"
			: "no initial state, NaN in U");
		if (run_core(&c, dtype, !bad, &zeros, ctx)) {
			h0 = c.h0;
			c.h0 = NULL;
			if (run_core(&c, dtype, !bad, &none, ctx)) {
				if (bad) {
					size_t differ = 0, nans = 0;

					for (j = 0; j < c.n_out; j++) {
						differ += !isnan(none.outputs[j]) != !isnan(zeros.outputs[j]);
						nans += isnan(zeros.outputs[j]) != 0;
					}
					CHECK(differ == 0 && nans > 0, "%s: %zu outputs NaN with zeros given, %zu differ", ctx, nans,
							differ);
				} else {
					check_close(ctx, "outputs", none.outputs, zeros.outputs, c.n_out, 0.0);
					check_close(ctx, "state", none.state, zeros.state, c.n_h, 0.0);
					check_close(ctx, "d_inputs", none.dx, zeros.dx, c.n_x, 0.0);
					check_close(ctx, "d_kernel", none.dk, zeros.dk, c.n_k, 0.0);
					check_close(ctx, "d_recurrent_kernel", none.du, zeros.du, c.n_u, 0.0);
					check_close(ctx, "d_bias", none.db, zeros.db, c.n_b, 0.0);
					check_close(ctx, "d_initial_state", none.dh0, zeros.dh0, c.n_h, 0.0);
				}
				tresult_free(&none);
			}
			c.h0 = h0;
		}
		tresult_free(&zeros);
		tcase_free(&c);
	}
	openblas_set_num_threads(blas_threads);
}

/* ---- dropout masks ---- */

/*
 * pattern: 0 Keras-like, Bernoulli(0.6) / 0.6 (rate 0.4); 1 any real in
 * [-1.5, 1.5] (the core applies whatever it is given); 2 all zeros.
 */
static double *dropout_mask(size_t n, int pattern)
{
	double *m = malloc((n ? n : 1) * sizeof(double));
	size_t i;

	for (i = 0; i < n; i++) {
		if (pattern == 0) {
			m[i] = rng_uniform(0, 1) < 0.4 ? 0.0 : 1.0 / 0.6;
		} else if (pattern == 1) {
			m[i] = rng_uniform(-1.5, 1.5);
		} else {
			m[i] = 0.0;
		}
	}
	return m;
}

/* Forward against the naive reference and backward against finite differences, with masks. */
static void test_dropout_cases(void)
{
	static const size_t shapes[][4] = {{2, 3, 3, 4}, {3, 4, 2, 3}, {1, 2, 4, 2}};
	unsigned combo = 0;
	int ra, ub, bw, mt, which, pattern;

	for (ra = 0; ra < 2; ra++)
	for (ub = 0; ub < 2; ub++)
	for (bw = 0; bw < 2; bw++)
	for (mt = 0; mt < 3; mt += 2)
	for (which = 1; which < 4; which++)
	for (pattern = 0; pattern < 2; pattern++) {
		gru_problem p;
		tcase c;
		const size_t *s = shapes[combo % 3];

		combo++;
		if (quick && combo % 7 != 0) {
			continue;
		}
		p = shape_problem(s, GRU_FLOAT64, ra);
		p.use_bias = ub;
		p.go_backwards = bw;
		p.return_sequences = (combo & 1) != 0;
		tcase_init(&c, &p, 120000u + combo, mt, (combo & 2) != 0);
		if (which & 1) {
			c.din = dropout_mask(p.batch * p.features, pattern);
		}
		if (which & 2) {
			c.drec = dropout_mask(p.batch * p.units, pattern);
		}
		test_forward_case(&c, mt);
		test_backward_case(&c, mt);
		tcase_free(&c);
	}
}

/*
 * Masks of ones give the outputs without masks bit for bit (and the same
 * gradients up to the order of summation); an all-zero
 * input mask makes the inputs irrelevant; a mask given without its problem
 * flag is refused; the flags grow the workspaces and nothing else.
 */
static void test_dropout_contract(void)
{
	gru_problem p;
	tcase c;
	tresult plain, ones, zero_in, other_x;
	gru_status st;
	size_t f0 = 0, f1 = 0, b0 = 0, b1 = 0, t0 = 0, t1 = 0, i;
	int ra, same, differs;

	for (ra = 0; ra < 2; ra++) {
		memset(&p, 0, sizeof(p));
		p.batch = 3;
		p.steps = 4;
		p.features = 5;
		p.units = 6;
		p.dtype = GRU_FLOAT64;
		p.activation = GRU_ACT_TANH;
		p.recurrent_activation = GRU_ACT_SIGMOID;
		p.reset_after = ra;
		p.use_bias = true;
		p.return_sequences = true;
		tcase_init(&c, &p, 130000u + (unsigned)ra, 1, 1);
		run_core(&c, GRU_FLOAT32, 1, &plain, "dropout plain");
		c.din = malloc(p.batch * p.features * sizeof(double));
		c.drec = malloc(p.batch * p.units * sizeof(double));
		for (i = 0; i < p.batch * p.features; i++) {
			c.din[i] = 1.0;
		}
		for (i = 0; i < p.batch * p.units; i++) {
			c.drec[i] = 1.0;
		}
		run_core(&c, GRU_FLOAT32, 1, &ones, "dropout ones");
		/* the forward reads the same numbers; the backward only sums in another order */
		same = memcmp(plain.outputs, ones.outputs, c.n_out * sizeof(double)) == 0;
		CHECK(same, "ra%d: masks of ones must give the outputs without masks bit for bit", ra);
		check_close("dropout ones", "d_inputs", ones.dx, plain.dx, c.n_x, 1e-6);
		check_close("dropout ones", "d_kernel", ones.dk, plain.dk, c.n_k, 1e-6);
		check_close("dropout ones", "d_recurrent_kernel", ones.du, plain.du, c.n_u, 1e-6);
		check_close("dropout ones", "d_bias", ones.db, plain.db, c.n_b, 1e-6);
		check_close("dropout ones", "d_initial_state", ones.dh0, plain.dh0, c.n_h, 1e-6);
		memset(c.din, 0, p.batch * p.features * sizeof(double));
		run_core(&c, GRU_FLOAT64, 1, &zero_in, "dropout zero inputs");
		for (i = 0; i < c.n_x; i++) {
			c.x[i] = -c.x[i] + 0.25;
		}
		run_core(&c, GRU_FLOAT64, 0, &other_x, "dropout zero inputs, other x");
		same = memcmp(zero_in.outputs, other_x.outputs, c.n_out * sizeof(double)) == 0;
		differs = 0;
		for (i = 0; i < c.n_out; i++) {
			differs = differs || zero_in.outputs[i] != plain.outputs[i];
		}
		CHECK(same && differs, "ra%d: an all-zero input mask must make the inputs irrelevant (%d %d)",
				ra, same, differs);
		same = 1;
		for (i = 0; i < c.n_x; i++) {
			same = same && zero_in.dx[i] == 0.0;
		}
		for (i = 0; i < c.n_k; i++) {
			same = same && zero_in.dk[i] == 0.0;
		}
		CHECK(same, "ra%d: an all-zero input mask must give zero d_inputs and d_kernel", ra);
		tresult_free(&plain);
		tresult_free(&ones);
		tresult_free(&zero_in);
		tresult_free(&other_x);
		tcase_free(&c);
	}

	/* sizes: the flags add [B*T, I] and [B, H] forward, [B*T, I], [B*T, H] and [B, H] backward */
	p = base_problem();
	gru_forward_workspace_bytes(&p, &f0, &st);
	gru_backward_workspace_bytes(&p, &b0, &st);
	gru_trace_bytes(&p, &t0, &st);
	p.input_dropout = true;
	p.recurrent_dropout = true;
	CHECK(gru_forward_workspace_bytes(&p, &f1, &st) == GRU_OK
			&& f1 >= f0 + (4 * 5 * 3 + 4 * 7) * sizeof(float), "forward workspace with dropout %zu vs %zu", f1, f0);
	CHECK(gru_backward_workspace_bytes(&p, &b1, &st) == GRU_OK
			&& b1 >= b0 + (4 * 5 * 3 + 4 * 5 * 7) * sizeof(float), "backward workspace with dropout %zu vs %zu",
			b1, b0);
	CHECK(gru_trace_bytes(&p, &t1, &st) == GRU_OK && t1 == t0, "trace with dropout %zu vs %zu", t1, t0);
	p.batch = SIZE_MAX / 64;
	p.steps = 1;
	p.units = 1;
	p.features = 64;
	CHECK(gru_forward_workspace_bytes(&p, &f1, &st) == GRU_E_OVERFLOW, "dropout workspace overflow: %s",
			st.message);

	/* a mask without its flag */
	{
		gru_problem q = base_problem();
		float x[4 * 5 * 3] = {0}, k[3 * 21] = {0}, u[7 * 21] = {0}, bias[42] = {0}, out[4 * 7], m[4 * 7];
		gru_weights w = {k, u, bias};
		gru_forward_args fa;
		size_t bytes = 0;
		void *ws;

		for (i = 0; i < 4 * 7; i++) {
			m[i] = 1.0f;
		}
		gru_forward_workspace_bytes(&q, &bytes, &st);
		ws = malloc(bytes);
		memset(&fa, 0, sizeof(fa));
		fa.inputs = x;
		fa.outputs = out;
		fa.workspace = ws;
		fa.input_dropout = m;
		CHECK(gru_forward(&q, &w, &fa, &st) == GRU_E_INVALID && strstr(st.message, "input_dropout") != NULL,
				"input mask without flag: %s", st.message);
		fa.input_dropout = NULL;
		fa.recurrent_dropout = m;
		CHECK(gru_forward(&q, &w, &fa, &st) == GRU_E_INVALID && strstr(st.message, "recurrent_dropout") != NULL,
				"recurrent mask without flag: %s", st.message);
		free(ws);
		q.input_dropout = true;
		q.recurrent_dropout = true;
		gru_forward_workspace_bytes(&q, &bytes, &st);
		ws = malloc(bytes);
		fa.workspace = ws;
		fa.recurrent_dropout = NULL;
		CHECK(gru_forward(&q, &w, &fa, &st) == GRU_OK, "flags without masks: %s", st.message);
		free(ws);
	}
}

/* ---- fast math ---- */

#if GRU_X86_WIDE
/*
 * The intrinsic sigmoid and tanh rows of the float forward pass
 * (gru_activations_avx512.h, gru_activations_avx2.h): the same bounds as
 * gru_fast_math.h's, over rows whose lengths exercise the masked tail of
 * a vector of `lanes` floats.
 */
static void check_simd_activations(const char *name, void (*sigmoid_row)(float *, size_t),
		void (*tanh_row)(float *, size_t), long lanes)
{
	const long n = quick ? 100000 : 2000000;
	const size_t row = 37;
	float xs[37], ys[37], zs[37];
	double worst_tanh = 0, worst_sig = 0;
	int wrote_past = 0;
	long i0;
	size_t j;

	for (i0 = 0; i0 <= n; i0 += (long)row) {
		const size_t tanh_n = row - (size_t)(i0 % lanes);

		for (j = 0; j < row; j++) {
			long i = i0 + (long)j;

			xs[j] = (float)(-20.0 + 40.0 * (double)i / (double)n);
			if (i % 97 == 0) {
				/* tiny arguments, where relative accuracy is hardest */
				xs[j] = (float)(1e-7 * (double)(i % 1999) * (double)(i % 1999)) * (i % 2 ? -1.0f : 1.0f);
			}
			ys[j] = zs[j] = xs[j];
		}
		sigmoid_row(ys, row);
		tanh_row(zs, tanh_n);
		for (j = 0; j < row; j++) {
			const double x = xs[j];
			const double s = 1.0 / (1.0 + exp(-x));
			const double serr = fabs((double)ys[j] - s) / s;

			if (serr > worst_sig) {
				worst_sig = serr;
			}
			if (j < tanh_n) {
				const double t = tanh(x);
				const double terr = t == 0 ? fabs((double)zs[j]) : fabs((double)zs[j] - t) / fabs(t);

				if (terr > worst_tanh) {
					worst_tanh = terr;
				}
			} else if (zs[j] != xs[j]) {
				/* past n: untouched */
				wrote_past = 1;
			}
		}
	}
	CHECK(!wrote_past, "%s tanh wrote past the end of its row", name);
	CHECK(worst_sig < 4e-7, "%s sigmoid relative error %.3g", name, worst_sig);
	CHECK(worst_tanh < 4e-7, "%s tanh relative error %.3g", name, worst_tanh);
	printf("fast math %s: tanh max rel err %.3g, sigmoid %.3g\n", name, worst_tanh, worst_sig);

	{
		float v[8] = {NAN, INFINITY, -INFINITY, 0.0f, 50.0f, -50.0f, 1000.0f, -1000.0f};
		float t[8];

		memcpy(t, v, sizeof(v));
		sigmoid_row(v, 8);
		tanh_row(t, 8);
		CHECK(isnan(v[0]) && isnan(t[0]), "%s sigmoid/tanh of NaN: %g %g", name, v[0], t[0]);
		CHECK(v[1] == 1.0f && t[1] == 1.0f && t[2] == -1.0f, "%s +-inf: %g %g %g", name, v[1], t[1], t[2]);
		CHECK(v[2] >= 0.0f && v[2] < 1e-37f, "%s sigmoid(-inf) = %g", name, v[2]);
		CHECK(v[3] == 0.5f && t[3] == 0.0f, "%s at 0: %.9g %.9g", name, v[3], t[3]);
		CHECK(t[4] == 1.0f && t[5] == -1.0f && v[6] == 1.0f && v[7] < 1e-37f, "%s saturation", name);
	}
}

/* Each set where this CPU runs it (an AVX-512 CPU runs both). */
static void test_fast_math_simd(void)
{
	const int level = gru_cpu_pass_level();

	if (level >= GRU_PASS_AVX512) {
		check_simd_activations("avx512", gru_sigmoid_row_avx512, gru_tanh_row_avx512, 16);
	} else {
		printf("fast math avx512: not run, this CPU has no AVX-512\n");
	}
	if (level >= GRU_PASS_AVX2) {
		check_simd_activations("avx2", gru_sigmoid_row_avx2, gru_tanh_row_avx2, 8);
	} else {
		printf("fast math avx2: not run, this CPU has no AVX2 and FMA\n");
	}
}
#endif

static void test_fast_math(void)
{
	const long n = quick ? 200000 : 4000000;
	double worst_exp = 0, worst_tanh = 0, worst_sig = 0;
	long i;
	float v;

	for (i = 0; i <= n; i++) {
		float x = (float)(-87.3 + (88.0 + 87.3) * (double)i / (double)n);
		double e = exp((double)x);
		double err = fabs((double)gru_fast_expf(x) - e) / e;

		if (err > worst_exp) {
			worst_exp = err;
		}
	}
	CHECK(worst_exp < 3e-7, "fast expf relative error %.3g", worst_exp);
	for (i = 0; i <= n; i++) {
		float x = (float)(-20.0 + 40.0 * (double)i / (double)n);
		double t = tanh((double)x);
		double err = fabs((double)gru_fast_tanhf(x) - t) / fmax(fabs(t), 1e-30);
		double s = 1.0 / (1.0 + exp(-(double)x));
		double serr = fabs((double)gru_sigmoid_f32(x) - s) / s;

		if (err > worst_tanh) {
			worst_tanh = err;
		}
		if (serr > worst_sig) {
			worst_sig = serr;
		}
	}
	/* tiny arguments, where relative accuracy is hardest */
	for (i = 1; i < 2000; i++) {
		float x = (float)(1e-7 * i * i);
		double err = fabs((double)gru_fast_tanhf(x) - tanh((double)x)) / tanh((double)x);

		if (err > worst_tanh) {
			worst_tanh = err;
		}
	}
	CHECK(worst_tanh < 4e-7, "fast tanhf relative error %.3g", worst_tanh);
	CHECK(worst_sig < 4e-7, "float sigmoid relative error %.3g", worst_sig);
	printf("fast math: expf max rel err %.3g, tanhf %.3g, sigmoid %.3g\n", worst_exp, worst_tanh, worst_sig);

	CHECK(isnan(gru_fast_expf(NAN)), "expf(NaN) must be NaN");
	CHECK(isnan(gru_fast_tanhf(NAN)), "tanhf(NaN) must be NaN");
	CHECK(isnan(gru_sigmoid_f32(NAN)), "sigmoid(NaN) must be NaN");
	v = gru_fast_expf(INFINITY);
	CHECK(isfinite(v) && v > 1e38f, "expf(inf) = %g", v);
	v = gru_fast_expf(1e30f);
	CHECK(isfinite(v) && v > 1e38f, "expf(1e30) = %g", v);
	v = gru_fast_expf(-INFINITY);
	CHECK(isfinite(v) && v >= 0 && v < 1.2e-38f, "expf(-inf) = %g", v);
	v = gru_fast_expf(0.0f);
	CHECK(v == 1.0f, "expf(0) = %.9g", v);
	CHECK(gru_fast_tanhf(50.0f) == 1.0f && gru_fast_tanhf(-50.0f) == -1.0f, "tanhf saturation");
	CHECK(gru_fast_tanhf(INFINITY) == 1.0f && gru_fast_tanhf(-INFINITY) == -1.0f, "tanhf(+-inf)");
	CHECK(gru_fast_tanhf(0.0f) == 0.0f, "tanhf(0)");
	v = gru_sigmoid_f32(1000.0f);
	CHECK(v == 1.0f, "sigmoid(1000) = %.9g", v);
	v = gru_sigmoid_f32(-1000.0f);
	CHECK(isfinite(v) && v >= 0 && v < 1e-37f, "sigmoid(-1000) = %g", v);
	CHECK(gru_hard_sigmoid_f32(3.0f) == 1.0f && gru_hard_sigmoid_f32(-3.0f) == 0.0f
			&& gru_hard_sigmoid_grad_f32(1.0f) == 0.0f && gru_hard_sigmoid_grad_f32(0.5f) == 0.2f,
			"hard_sigmoid");
	CHECK(isnan(gru_relu_f64(NAN)) && gru_relu_f64(-1) == 0 && gru_relu_grad_f64(0.0) == 0, "relu");
}

/* ---- golden cases ---- */

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;

	if (f == NULL) {
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)size + 1);
	if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[size] = '\0';
	fclose(f);
	return buf;
}

/* The value after "key": searched from `from`; NULL when absent. */
static const char *json_find(const char *from, const char *key)
{
	char pattern[64];
	const char *at;

	snprintf(pattern, sizeof(pattern), "\"%s\":", key);
	at = strstr(from, pattern);
	if (at == NULL) {
		return NULL;
	}
	at += strlen(pattern);
	while (*at == ' ') {
		at++;
	}
	return at;
}

/* An array {"shape":...,"data":[...]} into a new double array; NULL for null; *n its length. */
static double *json_array(const char *from, const char *key, size_t *n)
{
	const char *at = json_find(from, key);
	double *data;
	size_t count = 0, cap = 64;

	*n = 0;
	if (at == NULL || strncmp(at, "null", 4) == 0) {
		return NULL;
	}
	at = json_find(at, "data");
	if (at == NULL || *at != '[') {
		return NULL;
	}
	at++;
	data = malloc(cap * sizeof(double));
	while (*at != ']' && *at != '\0') {
		char *end;
		double v;

		if (strncmp(at, "true", 4) == 0) {
			v = 1;
			end = (char *)at + 4;
		} else if (strncmp(at, "false", 5) == 0) {
			v = 0;
			end = (char *)at + 5;
		} else {
			v = strtod(at, &end);
			if (end == at) {
				free(data);
				return NULL;
			}
		}
		if (count == cap) {
			cap *= 2;
			data = realloc(data, cap * sizeof(double));
		}
		data[count++] = v;
		at = end;
		while (*at == ',' || *at == ' ') {
			at++;
		}
	}
	*n = count;
	return data;
}

static gru_activation json_activation(const char *json, const char *key)
{
	const char *at = json_find(json, key);
	int i;

	for (i = 0; at != NULL && i < 5; i++) {
		size_t len = strlen(act_names[i]);

		if (at[0] == '"' && strncmp(at + 1, act_names[i], len) == 0 && at[1 + len] == '"') {
			return (gru_activation)i;
		}
	}
	return GRU_ACT_LINEAR;
}

static void test_golden_file(const char *dir, const char *name)
{
	char path[1024], ctx[1100];
	char *json;
	const char *grads;
	tcase c;
	double *want_out, *want_state, *mask, *g;
	size_t n, i;
	tresult r;
	int pass;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	json = read_file(path);
	if (json == NULL) {
		CHECK(0, "cannot read %s", path);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.p.batch = (size_t)strtoul(json_find(json, "batch"), NULL, 10);
	c.p.steps = (size_t)strtoul(json_find(json, "timesteps"), NULL, 10);
	c.p.features = (size_t)strtoul(json_find(json, "features"), NULL, 10);
	c.p.units = (size_t)strtoul(json_find(json, "units"), NULL, 10);
	c.p.reset_after = strncmp(json_find(json, "reset_after"), "true", 4) == 0;
	c.p.use_bias = strncmp(json_find(json, "use_bias"), "true", 4) == 0;
	c.p.go_backwards = strncmp(json_find(json, "go_backwards"), "true", 4) == 0;
	c.p.return_sequences = strncmp(json_find(json, "return_sequences"), "true", 4) == 0;
	c.p.activation = json_activation(json, "activation");
	c.p.recurrent_activation = json_activation(json, "recurrent_activation");
	c.p.dtype = GRU_FLOAT64;
	tcase_sizes(&c);
	grads = strstr(json, "\"grads\":");
	c.x = json_array(json, "inputs", &n);
	c.k = json_array(json, "kernel", &n);
	c.u = json_array(json, "recurrent_kernel", &n);
	c.bias = json_array(json, "bias", &n);
	c.h0 = json_array(json, "initial_state", &n);
	mask = json_array(json, "mask", &n);
	if (mask != NULL) {
		c.mask = malloc(n);
		for (i = 0; i < n; i++) {
			c.mask[i] = mask[i] != 0;
		}
		free(mask);
	}
	want_out = json_array(json, "outputs", &n);
	want_state = json_array(json, "state", &n);
	c.dout = json_array(json, "d_outputs", &n);
	c.dstate = json_array(json, "d_state", &n);
	if (c.x == NULL || c.k == NULL || c.u == NULL || want_out == NULL || grads == NULL) {
		CHECK(0, "%s: cannot parse", name);
	} else {
		int dt;

		for (dt = 0; dt < 2; dt++) {
			gru_dtype dtype = dt ? GRU_FLOAT32 : GRU_FLOAT64;
			double tol = dt ? 2e-5 : 1e-9, gtol = dt ? 1e-4 : 1e-9;

			snprintf(ctx, sizeof(ctx), "golden %s %s", name, dt ? "f32" : "f64");
			pass = failed;
			if (run_core(&c, dtype, 1, &r, ctx)) {
				check_close(ctx, "outputs", r.outputs, want_out, c.n_out, tol);
				check_close(ctx, "state", r.state, want_state, c.n_h, tol);
				g = json_array(grads, "inputs", &n);
				check_close(ctx, "d_inputs", r.dx, g, c.n_x, gtol);
				free(g);
				g = json_array(grads, "kernel", &n);
				check_close(ctx, "d_kernel", r.dk, g, c.n_k, gtol);
				free(g);
				g = json_array(grads, "recurrent_kernel", &n);
				check_close(ctx, "d_recurrent_kernel", r.du, g, c.n_u, gtol);
				free(g);
				if (c.p.use_bias) {
					g = json_array(grads, "bias", &n);
					check_close(ctx, "d_bias", r.db, g, c.n_b, gtol);
					free(g);
				}
				if (c.h0 != NULL) {
					g = json_array(grads, "initial_state", &n);
					check_close(ctx, "d_initial_state", r.dh0, g, c.n_h, gtol);
					free(g);
				}
			}
			tresult_free(&r);
			(void)pass;
		}
	}
	free(want_out);
	free(want_state);
	tcase_free(&c);
	free(json);
}

static void test_golden(const char *dir)
{
	static const char *names[] = {
		"basic_ra0_bw0_rs0_h00.json", "basic_ra0_bw0_rs0_h01.json", "basic_ra0_bw0_rs1_h00.json",
		"basic_ra0_bw0_rs1_h01.json", "basic_ra0_bw1_rs0_h00.json", "basic_ra0_bw1_rs0_h01.json",
		"basic_ra0_bw1_rs1_h00.json", "basic_ra0_bw1_rs1_h01.json", "basic_ra1_bw0_rs0_h00.json",
		"basic_ra1_bw0_rs0_h01.json", "basic_ra1_bw0_rs1_h00.json", "basic_ra1_bw0_rs1_h01.json",
		"basic_ra1_bw1_rs0_h00.json", "basic_ra1_bw1_rs0_h01.json", "basic_ra1_bw1_rs1_h00.json",
		"basic_ra1_bw1_rs1_h01.json", "mask_right_padded.json", "mask_right_padded_last_only.json",
		"medium.json", "no_bias.json", "no_bias_reset_before.json", "relu_hard_sigmoid.json"
	};
	char probe[1024];
	FILE *f;
	size_t i;

	snprintf(probe, sizeof(probe), "%s/README.md", dir);
	f = fopen(probe, "r");
	if (f == NULL) {
		printf("golden cases not found in %s: skipped\n", dir);
		return;
	}
	fclose(f);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		test_golden_file(dir, names[i]);
	}
}

int main(int argc, char **argv)
{
	const char *golden = "../../../shared/golden";
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			quick = 1;
		} else {
			golden = argv[i];
		}
	}
	test_problem();
	test_forward_workspace_ring();
	test_null_pointers();
	test_fast_math();
#if GRU_X86_WIDE
	test_fast_math_simd();
#endif
	test_nan_and_huge();
	test_zero_initial_state();
	test_golden(golden);
	test_combinations();
	test_backward_larger();
	test_packed_gemm();
	test_gemm_tn();
	test_gemm_tn_sliced();
	test_threaded_rows();
	test_without_optional_gradients();
	test_dropout_cases();
	test_dropout_contract();
	test_input_projection();
	return test_summary();
}
