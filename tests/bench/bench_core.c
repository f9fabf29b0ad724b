/*
 * Benchmark of the C core's forward and backward (float32, CPU/OpenBLAS),
 * each as a ratio to its GEMM "ideal": the time OpenBLAS itself takes, in
 * the same run, for the GEMMs of the same shapes. Prints figures only;
 * never fails on time.
 *
 * Usage: bench_core [runs] [--smoke]   (default 10 timed runs after warm-up;
 *        --smoke: the two small shapes only)
 * Besides the human-readable lines, prints for each reset_after shape a
 * machine-readable line for tests/bench/compare.sh:
 *   "ours B,T,I,H threads fwd_ms train_ms ideal_fwd_ms ideal_train_ms"
 *
 * Built with -DBENCH_ONEDNN (and tests/bench/onednn_gru.c, -fopenmp
 * -ldnnl), each of our runs of a reset_after shape is paired with
 * one of oneDNN's LBR GRU, the two back to back in this process (the two
 * inference runs, then the two training runs), first one then the other
 * in alternate runs: this host's speed drifts by tens of
 * percent within seconds, and a ratio of two runs a second apart is far
 * steadier than a ratio of medians taken minutes apart. Adds the lines
 *   "onednn B,T,I,H threads fwd_ms train_ms"          (medians)
 *   "pair B,T,I,H threads fwd_ratio train_ratio"      (one per run: ours / oneDNN)
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
	double *tb = malloc((size_t)runs * sizeof(double));
	double fwd_flops, bwd_flops, fwd_ms, train_ms, ideal_fwd, ideal_bwd;
	size_t step;
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
	/* and the previous shape's GEMMs alone ran just before: let OpenBLAS's workers go to sleep */
	{
		const struct timespec pause = {0, 200000000L};

		nanosleep(&pause, NULL);
	}
#ifdef BENCH_ONEDNN
	if (reset_after) {
		dnn = onednn_gru_create((long)B, (long)T, (long)F, (long)H);
	}
#endif
	for (r = -2; r < runs; r++) {
		const int at = r < 0 ? 0 : r;   /* warm-up runs write slot 0, overwritten by the first timed one */
		int mode, turn;

		/* mode 0 inference forward, 1 training forward + backward; each mode's two runs back to back */
		for (mode = 0; mode < 2; mode++) {
			for (turn = 0; turn < 2; turn++) {
				double t0, ms;

				settle(threads);
				if ((turn + r) & 1) {
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
				fa.trace = mode == 0 ? NULL : tr;
				t0 = now_ms();
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
#ifdef BENCH_ONEDNN
	for (r = 0; dnn != NULL && r < runs; r++) {
		printf("pair %zu,%zu,%zu,%zu %d %.4f %.4f\n", B, T, F, H, threads, tf[r] / df[r], tt[r] / dt[r]);
	}
	if (dnn != NULL) {
		printf("onednn %zu,%zu,%zu,%zu %d %.4f %.4f\n", B, T, F, H, threads, median(df, runs), median(dt, runs));
	}
#endif
	/*
	 * The GEMMs alone, after all our runs: OpenBLAS's workers spin for
	 * ~0.1 s after each of its parallel calls (OPENBLAS_THREAD_TIMEOUT),
	 * and timing ours right after them measured their spinning too
	 * (gru_cpu_own_batched_products keeps our calls off OpenBLAS's threads).
	 */
	for (r = -2; r < runs; r++) {
		double t0, t1, t2;

		/* the forward's GEMMs alone */
		t0 = now_ms();
		for (c = 0; c < calls; c++) {
			sgemm(CblasNoTrans, CblasNoTrans, B * T, G, F, x, F, k, G, gc, G);
			if (reset_after) {
				for (step = 0; step < T; step++) {
					sgemm(CblasNoTrans, CblasNoTrans, B, G, H, fs, H, u, G, ga, G);
				}
			} else {
				for (step = 0; step < T; step++) {
					sgemm(CblasNoTrans, CblasNoTrans, B, 2 * H, H, fs, H, u, 2 * H, ga, G);
					sgemm(CblasNoTrans, CblasNoTrans, B, H, H, fs, H, u, H, ga + 2 * H, G);
				}
			}
		}
		t1 = now_ms();
		/* the backward's GEMMs: per step dGrec U^T, then dW, dX, dU over all steps */
		for (c = 0; c < calls; c++) {
			for (step = 0; step < T; step++) {
				sgemm(CblasNoTrans, CblasTrans, B, H, G, ga + step * G, T * G, u, G, fs, H);
			}
			sgemm(CblasTrans, CblasNoTrans, F, G, B * T, x, F, ga, G, gc, G);
			sgemm(CblasNoTrans, CblasTrans, B * T, F, G, ga, G, k, G, gc, F);
			sgemm(CblasTrans, CblasNoTrans, H, G, B * T, out, H, ga, G, gc, G);
		}
		t2 = now_ms();
		if (r >= 0) {
			ti[r] = (t1 - t0) / calls;
			tb[r] = (t2 - t1) / calls;
		}
	}
	fwd_ms = median(tf, runs);
	train_ms = median(tt, runs);
	ideal_fwd = median(ti, runs);
	ideal_bwd = median(tb, runs);
	/* the arrays are sorted now: [0] is the minimum (tb and ti sorted separately, a lower bound) */
	bwd_flops = 2.0 * fwd_flops;
	printf("  B=%zu T=%zu I=%zu H=%zu %s\n", B, T, F, H, reset_after ? "reset_after" : "reset_before");
	printf("    forward (inference) %9.3f ms %6.1f GFLOP/s | ideal %9.3f ms (sgemm %6.1f GFLOP/s) | ratio %.2f"
			"  [min: %.3f / %.3f = %.2f]\n",
			fwd_ms, fwd_flops / fwd_ms * 1e-6, ideal_fwd, fwd_flops / ideal_fwd * 1e-6, fwd_ms / ideal_fwd,
			tf[0], ti[0], tf[0] / ti[0]);
	printf("    train fwd+bwd       %9.3f ms = %.2f x inference | ideal %9.3f ms | ratio %.2f"
			"  [min: %.3f / %.3f = %.2f]\n",
			train_ms, train_ms / fwd_ms, ideal_fwd + ideal_bwd, train_ms / (ideal_fwd + ideal_bwd),
			tt[0], ti[0] + tb[0], tt[0] / (ti[0] + tb[0]));
	(void)bwd_flops;
	if (reset_after) {
		printf("ours %zu,%zu,%zu,%zu %d %.4f %.4f %.4f %.4f\n", B, T, F, H, threads, fwd_ms, train_ms,
				ideal_fwd, ideal_fwd + ideal_bwd);
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
	free(tb);
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
			bench_shape(&shapes[i], 1, runs, threads[n]);
			if (i == 0) {
				bench_shape(&shapes[i], 0, runs, threads[n]);
			}
		}
	}
	return 0;
}
