/*
 * Our GEMM kernels alone, against OpenBLAS's sgemm and, built with
 * -DBENCH_ONEDNN (-fopenmp -ldnnl), oneDNN's dnnl_sgemm, on one thread, at
 * the products a GRU runs at the shapes of tests/bench/compare.sh:
 *   NN  a step's recurrent product, the input projection, the backward's dH:
 *       B packed once (gru_pack_block, as the layer packs its weights),
 *       outside the timing; gru_gemm_packed
 *   TN  the weight gradients (dU = Hprev^T dG, dW = X^T dG): A^T and B
 *       packed inside each call, as the backward does when it did not lay
 *       dG out for them; gru_pack_a_t + gru_gemm_parallel_tn
 * The whole layer against oneDNN's is bench_core's; this one says which
 * product a difference comes from, per instruction set (the kernel is
 * picked by the CPU's features, OpenBLAS's by its core: both are printed).
 * Each round times every library once, in turn (the first moves each round),
 * a batch of calls long enough to time; the table shows median GFLOP/s over
 * the rounds and the median of the rounds' ratios ours / theirs (< 1: ours
 * is faster), and the largest difference of our C from OpenBLAS's, relative
 * to its largest value. Figures only: it never fails on time.
 *
 *   bench_gemm [--smoke] [--only TEXT] [--isa avx2|portable] [rounds]
 *     default 15 rounds; --smoke: 2 rounds, the small shapes; --only: the
 *     products whose name holds TEXT (e.g. "TN", "large"); --isa: a kernel
 *     set below the CPU's best (the AVX2 kernels on an AVX-512 CPU)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>

#include "gru_cpu_gemm.h"

#ifdef BENCH_ONEDNN
# include <omp.h>
# include <oneapi/dnnl/dnnl.h>
#endif

extern char *openblas_get_corename(void);
extern void openblas_set_num_threads(int threads);

enum { LIB_OURS = 0, LIB_BLAS, LIB_DNNL, LIBS };

typedef struct {
	const char *what;
	int trans_a; /* 0: C = A B (B packed once); 1: C = A^T B (both packed per call) */
	size_t m, n, k;
	int small; /* in --smoke */
} gemm_shape;

static const gemm_shape shapes[] = {
	{"step 8,64 (B=8 H=64)", 0, 8, 192, 64, 1},
	{"projection 128,32 (B=8 T=16)", 0, 128, 192, 32, 1},
	{"step 64,256 (seed)", 0, 64, 768, 256, 0},
	{"projection 2048,128 (seed)", 0, 2048, 768, 128, 0},
	{"dH 64,256 (seed)", 0, 64, 256, 768, 0},
	{"step 64,512 (large)", 0, 64, 1536, 512, 0},
	{"projection 6400,256 (large)", 0, 6400, 1536, 256, 0},
	{"dH 64,512 (large)", 0, 64, 512, 1536, 0},
	{"dU TN 256 (seed)", 1, 256, 768, 2048, 0},
	{"dW TN 128 (seed)", 1, 128, 768, 2048, 0},
	{"dU TN 512 (large)", 1, 512, 1536, 6400, 0},
	{"dU TN 64 (B=8 H=64)", 1, 64, 192, 128, 1},
};

typedef struct {
	const gemm_shape *s;
	gru_kernel_isa isa;
	float *a, *b, *packed, *apack, *scratch, *c, *c_ref;
} gemm_case;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *x, const void *y)
{
	const double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

/* sorts v */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static float *alloc_floats(size_t count)
{
	void *p = NULL;

	if (posix_memalign(&p, 64, (count > 0 ? count : 1) * sizeof(float)) != 0) {
		fprintf(stderr, "bench_gemm: out of memory (%zu floats)\n", count);
		exit(1);
	}
	return p;
}

/* values in [-1, 1) from a linear congruential generator: any fixed data does */
static float *random_floats(size_t count, unsigned long long seed)
{
	float *v = alloc_floats(count);
	size_t i;

	for (i = 0; i < count; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		v[i] = (float)(seed >> 40) / 8388608.0f - 1.0f;
	}
	return v;
}

static void case_init(gemm_case *g, const gemm_shape *s, gru_kernel_isa isa)
{
	memset(g, 0, sizeof(*g));
	g->s = s;
	g->isa = isa;
	/* NN: A [m, k]; TN: A^T [k, m] as it lies (X or Hprev) */
	g->a = random_floats(s->m * s->k, 1 + s->m);
	g->b = random_floats(s->k * s->n, 2 + s->n);
	g->c = alloc_floats(s->m * s->n);
	g->c_ref = alloc_floats(s->m * s->n);
	if (s->trans_a) {
		g->apack = alloc_floats(s->m * s->k);
		g->scratch = alloc_floats(gru_packed_floats_bound(GRU_GEMM_KC, s->n));
	} else {
		g->packed = alloc_floats(gru_packed_floats_bound(s->k, s->n));
		gru_pack_clear(isa, g->packed, s->k, s->n);
		gru_pack_block(isa, g->packed, s->k, s->n, 0, s->k, 0, s->n, g->b, s->n, 1);
	}
}

static void case_free(gemm_case *g)
{
	free(g->a);
	free(g->b);
	free(g->packed);
	free(g->apack);
	free(g->scratch);
	free(g->c);
	free(g->c_ref);
}

static void run_ours(const gemm_case *g)
{
	const gemm_shape *s = g->s;

	if (s->trans_a) {
		gru_pack_a_t(g->isa, g->apack, g->a, s->m, s->m, s->k, 0);
		gru_gemm_parallel_tn(g->isa, s->m, s->n, s->k, g->apack, g->b, s->n, g->c, s->n, g->scratch, NULL);
	} else {
		gru_gemm_packed(g->isa, s->m, s->n, s->k, g->a, s->k, g->packed, 0, g->c, s->n);
	}
}

static void run_blas(const gemm_case *g, float *c)
{
	const gemm_shape *s = g->s;

	cblas_sgemm(CblasRowMajor, s->trans_a ? CblasTrans : CblasNoTrans, CblasNoTrans, (int)s->m, (int)s->n,
			(int)s->k, 1.0f, g->a, s->trans_a ? (int)s->m : (int)s->k, g->b, (int)s->n, 0.0f, c, (int)s->n);
}

#ifdef BENCH_ONEDNN
static void run_dnnl(const gemm_case *g)
{
	const gemm_shape *s = g->s;

	if (dnnl_sgemm(s->trans_a ? 'T' : 'N', 'N', (dnnl_dim_t)s->m, (dnnl_dim_t)s->n, (dnnl_dim_t)s->k, 1.0f, g->a,
			s->trans_a ? (dnnl_dim_t)s->m : (dnnl_dim_t)s->k, g->b, (dnnl_dim_t)s->n, 0.0f, g->c,
			(dnnl_dim_t)s->n) != dnnl_success) {
		fprintf(stderr, "bench_gemm: dnnl_sgemm failed\n");
		exit(1);
	}
}
#endif

/* seconds per call over `calls` calls of library lib */
static double time_calls(const gemm_case *g, int lib, int calls)
{
	const double t0 = now_s();
	int i;

	for (i = 0; i < calls; i++) {
		if (lib == LIB_OURS) {
			run_ours(g);
		} else if (lib == LIB_BLAS) {
			run_blas(g, g->c);
		}
#ifdef BENCH_ONEDNN
		else {
			run_dnnl(g);
		}
#endif
	}
	return (now_s() - t0) / calls;
}

/* the largest |ours - OpenBLAS| over the largest |OpenBLAS| */
static double relative_difference(const gemm_case *g)
{
	const size_t count = g->s->m * g->s->n;
	double diff = 0, scale = 0;
	size_t i;

	run_ours(g);
	run_blas(g, g->c_ref);
	for (i = 0; i < count; i++) {
		const double d = fabs((double)g->c[i] - (double)g->c_ref[i]), r = fabs((double)g->c_ref[i]);

		diff = d > diff ? d : diff;
		scale = r > scale ? r : scale;
	}
	return scale > 0 ? diff / scale : diff;
}

static void bench_shape(const gemm_shape *s, gru_kernel_isa isa, int rounds, int libs)
{
	const double flops = 2.0 * (double)s->m * (double)s->n * (double)s->k;
	/* about 20 ms a batch at 50 GFLOP/s */
	const int calls = flops >= 1e9 ? 1 : (int)(1e9 / flops) + 1;
	double rate[LIBS][64], ratio[LIBS][64];
	gemm_case g;
	int r, j, lib;

	case_init(&g, s, isa);
	for (lib = 0; lib < libs; lib++) {
		time_calls(&g, lib, calls); /* warm-up */
	}
	for (r = 0; r < rounds; r++) {
		double t[LIBS];

		for (j = 0; j < libs; j++) {
			lib = (r + j) % libs;
			t[lib] = time_calls(&g, lib, calls);
		}
		for (lib = 0; lib < libs; lib++) {
			rate[lib][r] = flops / t[lib] * 1e-9;
			ratio[lib][r] = t[LIB_OURS] / t[lib];
		}
	}
	printf("%-30s %5zu %5zu %5zu |", s->what, s->m, s->n, s->k);
	for (lib = 0; lib < libs; lib++) {
		printf(" %7.1f", median(rate[lib], rounds));
	}
	for (lib = LIB_BLAS; lib < libs; lib++) {
		printf(" | %6.3f", median(ratio[lib], rounds));
	}
	printf(" | %.1e\n", relative_difference(&g));
	case_free(&g);
}

int main(int argc, char **argv)
{
	gru_kernel_isa isa = gru_cpu_kernel_isa();
	int smoke = 0, rounds = 15, libs = 2;
	const char *only = NULL;
	size_t i;
	int a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--smoke") == 0) {
			smoke = 1;
			rounds = 2;
		} else if (strcmp(argv[a], "--only") == 0 && a + 1 < argc) {
			only = argv[++a];
		} else if (strcmp(argv[a], "--isa") == 0 && a + 1 < argc) {
			const char *name = argv[++a];
			const gru_kernel_isa want = strcmp(name, "avx2") == 0 ? GRU_KERNEL_AVX2 : GRU_KERNEL_PORTABLE;

			if ((strcmp(name, "avx2") != 0 && strcmp(name, "portable") != 0) || want > isa) {
				fprintf(stderr, "bench_gemm: --isa %s: not a kernel set this CPU runs (its best: %s)\n", name,
						gru_cpu_kernel_name(isa));
				return 2;
			}
			isa = want;
		} else if (atoi(argv[a]) > 0) {
			rounds = atoi(argv[a]) > 64 ? 64 : atoi(argv[a]);
		} else {
			fprintf(stderr, "usage: %s [--smoke] [--only TEXT] [--isa avx2|portable] [rounds]\n", argv[0]);
			return 2;
		}
	}
	openblas_set_num_threads(1);
#ifdef BENCH_ONEDNN
	omp_set_num_threads(1);
	libs = 3;
#endif
	printf("one thread; our kernel: %s; OpenBLAS core: %s; %d rounds\n", gru_cpu_kernel_name(isa),
			openblas_get_corename(), rounds);
	printf("%-30s %5s %5s %5s | %7s %7s%s | %6s%s | %s\n", "product", "m", "n", "k", "ours", "blas",
			libs > 2 ? "  oneDNN" : "", "/blas", libs > 2 ? " | /oneDNN" : "", "max rel diff");
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		if ((!smoke || shapes[i].small) && (only == NULL || strstr(shapes[i].what, only) != NULL)) {
			bench_shape(&shapes[i], isa, rounds, libs);
		}
	}
	printf("GFLOP/s (medians of the rounds); /blas, /oneDNN: median of the rounds' ratios of our time to theirs\n");
	return 0;
}
