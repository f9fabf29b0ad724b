/*
 * Benchmark of the C core's forward and backward (float32, CPU/OpenBLAS),
 * each as a ratio to its GEMM "ideal": the time OpenBLAS itself takes, in
 * the same run, for the GEMMs of the same shapes (ideal_forward,
 * ideal_backward). Prints figures only; never fails on time.
 *
 * Usage: bench_core [runs] [--smoke | --only B,T,I,H]
 *        (default 10 timed runs after warm-up; --smoke: the two small
 *        shapes only; --only: one of the shapes below)
 * Each of our runs is paired with one of the ideal's and, built with
 * -DBENCH_ONEDNN (and tests/bench/onednn_gru.c, -fopenmp -ldnnl), one of
 * oneDNN's LBR GRU (reset_after shapes), back to back in this process (the
 * inference runs, then the training runs), ours first in even runs and
 * last in odd ones: this host's speed drifts by tens of percent within
 * seconds, and a ratio of two runs a second apart is far steadier than a
 * ratio of medians taken minutes apart (the ideal, timed after all our
 * runs as it once was, moved by 10-20% between runs of the benchmark).
 * Besides the human-readable lines, prints for each reset_after shape
 * machine-readable lines for tests/bench/compare.sh:
 *   "ours B,T,I,H threads fwd_ms train_ms ideal_fwd_ms ideal_train_ms" (medians)
 *   "ideal_pair B,T,I,H threads fwd_ratio train_ratio"  (one per run: ours / the ideal)
 * and with oneDNN
 *   "onednn B,T,I,H threads fwd_ms train_ms"           (medians)
 *   "pair B,T,I,H threads fwd_ratio train_ratio"        (one per run: ours / oneDNN)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>

#include "gru.h"
#include "gru_runtime.h"

#ifdef BENCH_ONEDNN
# include <omp.h>
# include "onednn_gru.h"
#endif

typedef struct {
	size_t batch, steps, features, units;
} shape;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* sorts v */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static float *rand_floats(size_t n, float scale)
{
	float *a = malloc(n * sizeof(float));
	uint64_t s = 0x12345678u + n;
	size_t i;

	for (i = 0; i < n; i++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		a[i] = scale * ((float)(s >> 40) / 8388608.0f - 1.0f);
	}
	return a;
}

static void *aligned(size_t bytes)
{
	void *p = NULL;

	if (posix_memalign(&p, 64, bytes ? bytes : 64) != 0) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	memset(p, 0, bytes);
	return p;
}

static void sgemm(enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb, size_t m, size_t n, size_t k,
		const float *a, size_t lda, const float *b, size_t ldb, float *c, size_t ldc)
{
	cblas_sgemm(CblasRowMajor, ta, tb, (blasint)m, (blasint)n, (blasint)k, 1.0f, a, (blasint)lda,
			b, (blasint)ldb, 0.0f, c, (blasint)ldc);
}

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

/*
 * Before each timed run on two threads: wait until no thread of this
 * process runs any more: its CPU time stands still over three 2 ms sleeps
 * in a row (other threads' time is accounted at scheduler ticks, so one
 * still sleep proves little); at most 0.3 s. The idle workers of OpenMP
 * (oneDNN's runtime) and of OpenBLAS spin after each parallel region:
 * after a oneDNN run both its threads burned ~8 ms of CPU over the next
 * ~6 ms here, and a run timed then shares its cores with them.
 */
static void settle(int threads)
{
	const struct timespec pause = {0, 2000000L};
	int i, still = 0;

	for (i = 0; threads > 1 && still < 3 && i < 150; i++) {
		const double before = cpu_ms();

		nanosleep(&pause, NULL);
		still = cpu_ms() - before < 0.1 ? still + 1 : 0;
	}
}

/*
 * The GEMMs of a shape's forward and backward, alone on OpenBLAS: the
 * "ideal" that a GRU made of these products and nothing else would take
 * at OpenBLAS's sgemm rate. Only the products the problem needs: from a
 * zero initial state the first step's recurrent product is zeros, and the
 * backward's product into the initial state's gradient, which nobody asks
 * for here, is not wanted (ours skips both, as anyone could).
 */
typedef struct {
	size_t B, T, F, H;
	int reset_after;
	const float *x, *k, *u, *out;
	float *fs, *ga, *gc;
} ideal_gemms;

static void ideal_forward(const ideal_gemms *g)
{
	const size_t B = g->B, T = g->T, F = g->F, H = g->H, G = 3 * H;
	size_t step;

	sgemm(CblasNoTrans, CblasNoTrans, B * T, G, F, g->x, F, g->k, G, g->gc, G);
	for (step = 1; step < T; step++) {
		if (g->reset_after) {
			sgemm(CblasNoTrans, CblasNoTrans, B, G, H, g->fs, H, g->u, G, g->ga, G);
		} else {
			sgemm(CblasNoTrans, CblasNoTrans, B, 2 * H, H, g->fs, H, g->u, 2 * H, g->ga, G);
			sgemm(CblasNoTrans, CblasNoTrans, B, H, H, g->fs, H, g->u, H, g->ga + 2 * H, G);
		}
	}
}

/* per step but the first dGrec U^T, then dW, dX, dU over all steps */
static void ideal_backward(const ideal_gemms *g)
{
	const size_t B = g->B, T = g->T, F = g->F, H = g->H, G = 3 * H;
	size_t step;

	for (step = 1; step < T; step++) {
		sgemm(CblasNoTrans, CblasTrans, B, H, G, g->ga + step * G, T * G, g->u, G, g->fs, H);
	}
	sgemm(CblasTrans, CblasNoTrans, F, G, B * T, g->x, F, g->ga, G, g->gc, G);
	sgemm(CblasNoTrans, CblasTrans, B * T, F, G, g->ga, G, g->k, G, g->gc, F);
	sgemm(CblasTrans, CblasNoTrans, H, G, B * T, g->out, H, g->ga, G, g->gc, G);
}

static void bench_shape(const shape *s, int reset_after, int runs, int threads)
{
	const size_t B = s->batch, T = s->steps, F = s->features, H = s->units, G = 3 * H;
	gru_problem p;
	gru_weights w;
	gru_forward_args fa;
	gru_backward_args ba;
	gru_status st;
	size_t ws_bytes, tr_bytes, bws_bytes;
	float *x, *k, *u, *bias, *out, *fs, *dout, *dx, *dk, *du, *db, *ga, *gb, *gc;
	void *ws, *tr, *bws;
	double *tf = malloc((size_t)runs * sizeof(double));
	double *tt = malloc((size_t)runs * sizeof(double));
	double *ti = malloc((size_t)runs * sizeof(double));
	double *tj = malloc((size_t)runs * sizeof(double));
	double fwd_flops, fwd_ms, train_ms, ideal_fwd, ideal_train;
	ideal_gemms gm;
	int r, c, calls;
#ifdef BENCH_ONEDNN
	onednn_gru *dnn = NULL;
	double *df = malloc((size_t)runs * sizeof(double));
	double *dt = malloc((size_t)runs * sizeof(double));
#endif

	memset(&p, 0, sizeof(p));
	p.batch = B;
	p.steps = T;
	p.features = F;
	p.units = H;
	p.dtype = GRU_FLOAT32;
	p.activation = GRU_ACT_TANH;
	p.recurrent_activation = GRU_ACT_SIGMOID;
	p.reset_after = reset_after;
	p.use_bias = true;
	p.return_sequences = true;
	if (gru_forward_workspace_bytes(&p, &ws_bytes, &st) != GRU_OK
			|| gru_trace_bytes(&p, &tr_bytes, &st) != GRU_OK
			|| gru_backward_workspace_bytes(&p, &bws_bytes, &st) != GRU_OK) {
		printf("sizes: %s\n", st.message);
		return;
	}
	x = rand_floats(B * T * F, 1.0f);
	k = rand_floats(F * G, 0.1f);
	u = rand_floats(H * G, 0.1f);
	bias = rand_floats(2 * G, 0.1f);
	dout = rand_floats(B * T * H, 1.0f);
	out = aligned(B * T * H * sizeof(float));
	fs = aligned(B * H * sizeof(float));
	dx = aligned(B * T * F * sizeof(float));
	dk = aligned(F * G * sizeof(float));
	du = aligned(H * G * sizeof(float));
	db = aligned(2 * G * sizeof(float));
	ws = aligned(ws_bytes);
	tr = aligned(tr_bytes);
	bws = aligned(bws_bytes);
	/* GEMM-only operands: the largest of [B*T, max(F,H)] x [max(F,H), 4H] */
	ga = aligned(B * T * (F > G ? F : G) * sizeof(float) + B * T * H * sizeof(float));
	gb = aligned((F > H ? F : H) * 4 * H * sizeof(float));
	gc = aligned(B * T * (F > G ? F : G) * sizeof(float) + F * G * sizeof(float));

	w.kernel = k;
	w.recurrent_kernel = u;
	w.bias = bias;
	memset(&fa, 0, sizeof(fa));
	fa.inputs = x;
	fa.outputs = out;
	fa.final_state = fs;
	fa.workspace = ws;
	memset(&ba, 0, sizeof(ba));
	ba.inputs = x;
	ba.trace = tr;
	ba.d_outputs = dout;
	ba.d_inputs = dx;
	ba.d_kernel = dk;
	ba.d_recurrent_kernel = du;
	ba.d_bias = db;
	ba.workspace = bws;

	/* a timed run of a small shape is several calls (ms per call reported), so that one run takes ~1 ms or more */
	fwd_flops = 2.0 * (double)(B * T) * (double)F * (double)G + 2.0 * (double)T * (double)B * (double)H * (double)G;
	calls = fwd_flops < 5e7 ? (int)(5e7 / fwd_flops) + 1 : 1;
#ifdef BENCH_ONEDNN
	if (reset_after) {
		dnn = onednn_gru_create((long)B, (long)T, (long)F, (long)H);
	}
#endif
	gm.B = B;
	gm.T = T;
	gm.F = F;
	gm.H = H;
	gm.reset_after = reset_after;
	gm.x = x;
	gm.k = k;
	gm.u = u;
	gm.out = out;
	gm.fs = fs;
	gm.ga = ga;
	gm.gc = gc;
	for (r = -2; r < runs; r++) {
		const int at = r < 0 ? 0 : r;   /* warm-up runs write slot 0, overwritten by the first timed one */
		int mode, turn;

		/*
		 * mode 0 inference forward, 1 training forward + backward; each
		 * mode's runs back to back, ours, oneDNN's and the ideal's, in
		 * the reverse order in odd runs (so that each is paired with ours
		 * as often before it as after)
		 */
		for (mode = 0; mode < 2; mode++) {
			for (turn = 0; turn < 3; turn++) {
				const int who = r & 1 ? 2 - turn : turn;   /* 0 ours, 1 oneDNN, 2 the ideal */
				double t0, ms;

				settle(threads);
				if (who == 1) {
#ifdef BENCH_ONEDNN
					if (dnn != NULL) {
						for (ms = 0, c = 0; c < calls; c++) {
							ms += mode == 0 ? onednn_gru_forward_ms(dnn) : onednn_gru_train_ms(dnn);
						}
						(mode == 0 ? df : dt)[at] = ms / calls;
					}
#endif
					continue;
				}
				t0 = now_ms();
				if (who == 2) {
					for (c = 0; c < calls; c++) {
						ideal_forward(&gm);
						if (mode == 1) {
							ideal_backward(&gm);
						}
					}
					(mode == 0 ? ti : tj)[at] = (now_ms() - t0) / calls;
					continue;
				}
				fa.trace = mode == 0 ? NULL : tr;
				for (c = 0; c < calls; c++) {
					gru_forward(&p, &w, &fa, &st);
					if (mode == 1) {
						gru_backward(&p, &w, &ba, &st);
					}
				}
				ms = now_ms() - t0;
				if (st.code != GRU_OK) {
					printf("error: %s\n", st.message);
					return;
				}
				(mode == 0 ? tf : tt)[at] = ms / calls;
			}
		}
	}
	for (r = 0; reset_after && r < runs; r++) {
		printf("ideal_pair %zu,%zu,%zu,%zu %d %.4f %.4f\n", B, T, F, H, threads, tf[r] / ti[r], tt[r] / tj[r]);
	}
#ifdef BENCH_ONEDNN
	for (r = 0; dnn != NULL && r < runs; r++) {
		printf("pair %zu,%zu,%zu,%zu %d %.4f %.4f\n", B, T, F, H, threads, tf[r] / df[r], tt[r] / dt[r]);
	}
	if (dnn != NULL) {
		printf("onednn %zu,%zu,%zu,%zu %d %.4f %.4f\n", B, T, F, H, threads, median(df, runs), median(dt, runs));
	}
#endif
	fwd_ms = median(tf, runs);
	train_ms = median(tt, runs);
	ideal_fwd = median(ti, runs);
	ideal_train = median(tj, runs);
	/* the arrays are sorted now: [0] is the minimum */
	printf("  B=%zu T=%zu I=%zu H=%zu %s\n", B, T, F, H, reset_after ? "reset_after" : "reset_before");
	printf("    forward (inference) %9.3f ms %6.1f GFLOP/s | ideal %9.3f ms (sgemm %6.1f GFLOP/s) | ratio %.2f"
			"  [min: %.3f / %.3f = %.2f]\n",
			fwd_ms, fwd_flops / fwd_ms * 1e-6, ideal_fwd, fwd_flops / ideal_fwd * 1e-6, fwd_ms / ideal_fwd,
			tf[0], ti[0], tf[0] / ti[0]);
	printf("    train fwd+bwd       %9.3f ms = %.2f x inference | ideal %9.3f ms | ratio %.2f"
			"  [min: %.3f / %.3f = %.2f]\n",
			train_ms, train_ms / fwd_ms, ideal_train, train_ms / ideal_train, tt[0], tj[0], tt[0] / tj[0]);
	if (reset_after) {
		printf("ours %zu,%zu,%zu,%zu %d %.4f %.4f %.4f %.4f\n", B, T, F, H, threads, fwd_ms, train_ms,
				ideal_fwd, ideal_train);
	}
	fflush(stdout);

	free(x);
	free(k);
	free(u);
	free(bias);
	free(dout);
	free(out);
	free(fs);
	free(dx);
	free(dk);
	free(du);
	free(db);
	free(ws);
	free(tr);
	free(bws);
	free(ga);
	free(gb);
	free(gc);
	free(tf);
	free(tt);
	free(ti);
	free(tj);
#ifdef BENCH_ONEDNN
	free(df);
	free(dt);
#endif
}

int main(int argc, char **argv)
{
	static const shape shapes[] = {
		{64, 32, 128, 256},
		{64, 100, 256, 512},
		{8, 16, 32, 64},
		{1, 100, 64, 128}
	};
	const int smoke = argc > 2 && strcmp(argv[2], "--smoke") == 0;
	const char *only = argc > 3 && strcmp(argv[2], "--only") == 0 ? argv[3] : NULL;
	const int runs = argc > 1 && atoi(argv[1]) > 0 ? atoi(argv[1]) : 10;
	const char *coretype = getenv("OPENBLAS_CORETYPE");
	int threads[2] = {1, 2};
	int max_threads = openblas_get_num_threads();
	size_t i;
	int n;

	printf("OpenBLAS core: %s, OPENBLAS_CORETYPE=%s, threads available: %d, our kernel: %s\n",
			openblas_get_corename(), coretype ? coretype : "(unset)", max_threads, gru_runtime_cpu_kernels());
	printf("float32, return_sequences, tanh/sigmoid; medians of %d runs; ideal = the same GEMMs timed alone\n", runs);
#ifdef BENCH_ONEDNN
	printf("paired with %s\n", onednn_gru_version());
#endif
	for (n = 0; n < 2; n++) {
		openblas_set_num_threads(threads[n]);
#ifdef BENCH_ONEDNN
		omp_set_num_threads(threads[n]);
#endif
		printf("threads: %d\n", threads[n]);
		for (i = smoke ? 2 : 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
			char name[96];

			snprintf(name, sizeof(name), "%zu,%zu,%zu,%zu", shapes[i].batch, shapes[i].steps, shapes[i].features,
					shapes[i].units);
			if (only != NULL && strcmp(only, name) != 0) {
				continue;
			}
			bench_shape(&shapes[i], 1, runs, threads[n]);
			if (i == 0) {
				bench_shape(&shapes[i], 0, runs, threads[n]);
			}
		}
	}
	return 0;
}
