/*
 * Tests of the random generator and the weight initializers of the core.
 * Every check is numeric; the last line is "N passed, M failed" and the
 * exit status is nonzero when anything failed.
 */
#ifndef _POSIX_C_SOURCE
# define _POSIX_C_SOURCE 200112L
#endif

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gru_init.h"
#include "gru_rng.h"
#include "gru_status.h"

#include "test_check.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static size_t element_size(gru_dtype dtype)
{
	return dtype == GRU_FLOAT32 ? sizeof(float) : sizeof(double);
}

static double load(const void *data, gru_dtype dtype, size_t index)
{
	return dtype == GRU_FLOAT32 ? (double)((const float *)data)[index] : ((const double *)data)[index];
}

static const char *dtype_name(gru_dtype dtype)
{
	return dtype == GRU_FLOAT32 ? "float32" : "float64";
}

/* 64-byte aligned workspace of at least bytes (NULL for 0). */
static void *workspace_alloc(size_t bytes)
{
	void *pointer = NULL;

	if (bytes == 0) {
		return NULL;
	}
	if (posix_memalign(&pointer, 64, bytes) != 0) {
		return NULL;
	}
	return pointer;
}

/*
 * Runs one initializer end to end: workspace query, allocation, fill.
 * Returns the filled buffer (free it) or NULL after recording a failure.
 */
static void *run_initializer(gru_initializer initializer, gru_dtype dtype, size_t rows, size_t cols,
		uint64_t seed)
{
	gru_status status;
	gru_rng rng;
	size_t bytes = 12345;
	void *data, *workspace;
	gru_status_code code;

	gru_status_clear(&status);
	code = gru_initialize_workspace_bytes(initializer, dtype, rows, cols, &bytes, &status);
	CHECK(code == GRU_OK, "%s workspace bytes: %s", gru_initializer_name(initializer), status.message);
	if (code != GRU_OK) {
		return NULL;
	}
	data = malloc(rows * cols * element_size(dtype));
	workspace = workspace_alloc(bytes);
	if (data == NULL || (bytes != 0 && workspace == NULL)) {
		free(data);
		free(workspace);
		CHECK(0, "out of memory");
		return NULL;
	}
	gru_rng_seed(&rng, seed);
	code = gru_initialize(initializer, dtype, data, rows, cols, &rng, workspace, &status);
	free(workspace);
	CHECK(code == GRU_OK, "%s [%zu,%zu] %s: %s", gru_initializer_name(initializer), rows, cols,
			dtype_name(dtype), status.message);
	if (code != GRU_OK) {
		free(data);
		return NULL;
	}
	return data;
}

/* ---------------------------------------------------------------- RNG */

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static void test_rng_known_answer(void)
{
	gru_rng rng;

	/* splitmix64 from state 0 gives these four words (published values). */
	gru_rng_seed(&rng, 0);
	CHECK(rng.s[0] == UINT64_C(0xe220a8397b1dcdaf) && rng.s[1] == UINT64_C(0x6e789e6aa1b965f4)
			&& rng.s[2] == UINT64_C(0x06c45d188009454f) && rng.s[3] == UINT64_C(0xf88bb8a8724c81ec),
			"splitmix64 seeding of 0");
	/* xoshiro256** output: rotl(s1 * 5, 7) * 9. */
	CHECK(gru_rng_next(&rng) == rotl(UINT64_C(0x6e789e6aa1b965f4) * 5, 7) * 9, "first xoshiro256** output");
}

static void test_rng_reproducible(void)
{
	gru_rng a, b, c;
	int i, same = 1, differ = 0;

	gru_rng_seed(&a, 42);
	gru_rng_seed(&b, 42);
	gru_rng_seed(&c, 43);
	for (i = 0; i < 10000; i++) {
		uint64_t x = gru_rng_next(&a), y = gru_rng_next(&b), z = gru_rng_next(&c);
		same &= x == y;
		differ += x != z;
	}
	CHECK(same, "same seed gives the same stream");
	CHECK(differ == 10000, "seeds 42 and 43 give different streams (%d of 10000 differ)", differ);

	/* The normal stream is reproducible too, and a copy forks the stream. */
	gru_rng_seed(&a, 7);
	b = a;
	same = 1;
	for (i = 0; i < 1000; i++) {
		same &= gru_rng_normal(&a) == gru_rng_normal(&b);
	}
	CHECK(same, "copied generator repeats the normal stream");
}

static void test_rng_uniform(void)
{
	const int count = 1000000;
	gru_rng rng;
	double sum = 0, sum2 = 0, low = 1, high = 0, mean, variance;
	int i;

	gru_rng_seed(&rng, 12345);
	for (i = 0; i < count; i++) {
		double u = gru_rng_uniform(&rng);
		sum += u;
		sum2 += u * u;
		low = u < low ? u : low;
		high = u > high ? u : high;
	}
	mean = sum / count;
	variance = sum2 / count - mean * mean;
	/* Standard errors: 0.29/sqrt(n) = 2.9e-4 for the mean, 7.5e-5 for the variance. */
	CHECK(fabs(mean - 0.5) < 2e-3, "uniform mean %.6f", mean);
	CHECK(fabs(variance - 1.0 / 12.0) < 1e-3, "uniform variance %.6f (1/12 = %.6f)", variance, 1.0 / 12.0);
	CHECK(low >= 0.0 && high < 1.0 && low < 1e-4 && high > 1.0 - 1e-4, "uniform range [%g, %g]", low, high);
}

static void test_rng_normal(void)
{
	const int count = 1000000;
	gru_rng rng;
	double sum = 0, sum2 = 0, sum4 = 0, mean, variance, kurtosis;
	int i, beyond2 = 0;

	gru_rng_seed(&rng, 777);
	for (i = 0; i < count; i += 2) {
		double pair[2];
		int k;
		if (i % 4 == 0) {
			gru_rng_normal_pair(&rng, &pair[0], &pair[1]);
		} else {
			pair[0] = gru_rng_normal(&rng);
			pair[1] = gru_rng_normal(&rng);
		}
		for (k = 0; k < 2; k++) {
			sum += pair[k];
			sum2 += pair[k] * pair[k];
			sum4 += pair[k] * pair[k] * pair[k] * pair[k];
			beyond2 += fabs(pair[k]) > 2.0;
		}
	}
	mean = sum / count;
	variance = sum2 / count - mean * mean;
	kurtosis = sum4 / count / (variance * variance);
	CHECK(fabs(mean) < 5e-3, "normal mean %.6f", mean);
	CHECK(fabs(variance - 1.0) < 5e-3, "normal variance %.6f", variance);
	CHECK(fabs(kurtosis - 3.0) < 3e-2, "normal kurtosis %.4f", kurtosis);
	/* P(|z| > 2) = 0.0455003 */
	CHECK(fabs((double)beyond2 / count - 0.0455003) < 1.5e-3, "normal tail beyond 2: %.5f",
			(double)beyond2 / count);
}

/* -------------------------------------------------------- names, errors */

static void test_names(void)
{
	static const char *names[] = {
		"zeros", "ones", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
		"lecun_uniform", "lecun_normal", "orthogonal", "random_uniform", "random_normal"
	};
	size_t i;
	int all = 1;
	const char padded[] = "orthogonalXYZ";

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int id = gru_initializer_from_name(names[i], strlen(names[i]));
		all &= id == (int)i && strcmp(gru_initializer_name((gru_initializer)id), names[i]) == 0;
	}
	CHECK(all, "names round-trip in enum order");
	CHECK(gru_initializer_from_name("glorot", 6) == -1, "unknown name: glorot");
	CHECK(gru_initializer_from_name("Glorot_Uniform", 14) == -1, "names are case-sensitive");
	CHECK(gru_initializer_from_name("zeros ", 6) == -1, "no trailing garbage accepted");
	CHECK(gru_initializer_from_name("", 0) == -1, "empty name");
	CHECK(gru_initializer_from_name(NULL, 0) == -1, "NULL name");
	CHECK(gru_initializer_from_name(padded, 10) == GRU_INIT_ORTHOGONAL, "non-terminated name by length");
	CHECK(gru_initializer_name((gru_initializer)11) == NULL, "name of an unknown initializer is NULL");
	CHECK(gru_initializer_name((gru_initializer)-1) == NULL, "name of a negative initializer is NULL");
}

static void test_errors(void)
{
	gru_status status;
	gru_rng rng;
	size_t bytes = 0;
	float data[4];
	gru_status_code code;

	gru_rng_seed(&rng, 1);
	gru_status_clear(&status);
	code = gru_initialize_workspace_bytes(GRU_INIT_GLOROT_UNIFORM, GRU_FLOAT32, SIZE_MAX / 2, 3, &bytes, &status);
	CHECK(code == GRU_E_OVERFLOW && status.code == GRU_E_OVERFLOW && status.message[0] != '\0',
			"rows*cols overflow in workspace bytes: %d '%s'", code, status.message);
	code = gru_initialize_workspace_bytes(GRU_INIT_ZEROS, GRU_FLOAT64, SIZE_MAX / 16, 4, &bytes, &status);
	CHECK(code == GRU_E_OVERFLOW, "element bytes overflow: %d", code);
	code = gru_initialize(GRU_INIT_ONES, GRU_FLOAT32, data, SIZE_MAX / 2, 3, &rng, NULL, &status);
	CHECK(code == GRU_E_OVERFLOW, "rows*cols overflow in gru_initialize: %d", code);
	code = gru_initialize_workspace_bytes(GRU_INIT_ORTHOGONAL, GRU_FLOAT32, (size_t)1 << 20, (size_t)1 << 12,
			&bytes, &status);
	CHECK(code == GRU_E_OVERFLOW, "orthogonal beyond LAPACK's int: %d '%s'", code, status.message);
	code = gru_initialize_workspace_bytes(GRU_INIT_ORTHOGONAL, GRU_FLOAT32, SIZE_MAX, SIZE_MAX, &bytes, &status);
	CHECK(code == GRU_E_OVERFLOW, "orthogonal SIZE_MAX^2: %d", code);

	code = gru_initialize_workspace_bytes(GRU_INIT_ZEROS, GRU_FLOAT32, 0, 3, &bytes, &status);
	CHECK(code == GRU_E_INVALID, "zero rows: %d", code);
	code = gru_initialize_workspace_bytes((gru_initializer)99, GRU_FLOAT32, 2, 2, &bytes, &status);
	CHECK(code == GRU_E_INVALID, "unknown initializer: %d", code);
	code = gru_initialize_workspace_bytes(GRU_INIT_ZEROS, (gru_dtype)3, 2, 2, &bytes, &status);
	CHECK(code == GRU_E_INVALID, "unknown dtype: %d", code);
	code = gru_initialize(GRU_INIT_GLOROT_UNIFORM, GRU_FLOAT32, data, 2, 2, NULL, NULL, &status);
	CHECK(code == GRU_E_INVALID, "random initializer without a generator: %d", code);
	code = gru_initialize(GRU_INIT_ORTHOGONAL, GRU_FLOAT32, data, 2, 2, &rng, NULL, &status);
	CHECK(code == GRU_E_INVALID, "orthogonal without a workspace: %d", code);
	code = gru_initialize(GRU_INIT_ZEROS, GRU_FLOAT32, NULL, 2, 2, &rng, NULL, &status);
	CHECK(code == GRU_E_INVALID, "NULL data: %d", code);
	code = gru_initialize(GRU_INIT_ZEROS, GRU_FLOAT32, data, 2, 2, NULL, NULL, NULL);
	CHECK(code == GRU_OK && data[0] == 0.0f && data[3] == 0.0f, "zeros needs no generator and no status");

	bytes = 1;
	code = gru_initialize_workspace_bytes(GRU_INIT_HE_NORMAL, GRU_FLOAT64, 256, 768, &bytes, &status);
	CHECK(code == GRU_OK && bytes == 0, "he_normal needs no workspace (%zu)", bytes);
	code = gru_initialize_workspace_bytes(GRU_INIT_ORTHOGONAL, GRU_FLOAT32, 768, 256, &bytes, &status);
	CHECK(code == GRU_OK && bytes >= 768 * 256 * sizeof(float) + 2 * 256 * sizeof(float),
			"orthogonal [768,256] workspace holds the matrix (%zu)", bytes);
}

/* ------------------------------------------------------ constant fills */

static void test_constants(void)
{
	gru_dtype dtypes[2] = {GRU_FLOAT32, GRU_FLOAT64};
	int d;

	for (d = 0; d < 2; d++) {
		size_t i, rows = 33, cols = 17;
		void *zeros = run_initializer(GRU_INIT_ZEROS, dtypes[d], rows, cols, 1);
		void *ones = run_initializer(GRU_INIT_ONES, dtypes[d], rows, cols, 1);
		int exact = zeros != NULL && ones != NULL;
		for (i = 0; exact && i < rows * cols; i++) {
			exact &= load(zeros, dtypes[d], i) == 0.0 && load(ones, dtypes[d], i) == 1.0;
		}
		CHECK(exact, "zeros and ones are exact (%s)", dtype_name(dtypes[d]));
		free(zeros);
		free(ones);
	}
}

/* ---------------------------------------------------- random fills */

typedef struct {
	double mean;
	double std;
	double max_abs;
	double beyond2;    /* fraction with |x| > 2 * reference */
} sample_stats;

static sample_stats stats_of(const void *data, gru_dtype dtype, size_t count, double reference)
{
	sample_stats s = {0, 0, 0, 0};
	double sum = 0, sum2 = 0;
	size_t i, beyond = 0;

	for (i = 0; i < count; i++) {
		double x = load(data, dtype, i);
		sum += x;
		sum2 += x * x;
		if (fabs(x) > s.max_abs) {
			s.max_abs = fabs(x);
		}
		beyond += fabs(x) > 2.0 * reference;
	}
	s.mean = sum / (double)count;
	s.std = sqrt(sum2 / (double)count - s.mean * s.mean);
	s.beyond2 = (double)beyond / (double)count;
	return s;
}

static void test_uniform_initializers(void)
{
	struct {
		gru_initializer initializer;
		size_t rows, cols;
		double limit;
	} cases[] = {
		{GRU_INIT_GLOROT_UNIFORM, 256, 768, 0},
		{GRU_INIT_GLOROT_UNIFORM, 1, 1, 0},
		{GRU_INIT_HE_UNIFORM, 768, 256, 0},
		{GRU_INIT_LECUN_UNIFORM, 300, 700, 0},
		{GRU_INIT_RANDOM_UNIFORM, 400, 500, 0.05}
	};
	gru_dtype dtypes[2] = {GRU_FLOAT32, GRU_FLOAT64};
	size_t c;
	int d;

	/* The formulas, written out independently of the library. */
	cases[0].limit = sqrt(6.0 / (256 + 768));
	cases[1].limit = sqrt(3.0);          /* max((1+1)/2, 1) = 1 */
	cases[2].limit = sqrt(6.0 / 768);
	cases[3].limit = sqrt(3.0 / 300);

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (d = 0; d < 2; d++) {
			size_t count = cases[c].rows * cases[c].cols;
			double limit = cases[c].limit;
			/* float storage rounds limit to the nearest float; compare against that. */
			double bound = dtypes[d] == GRU_FLOAT32 ? (double)(float)limit : limit;
			void *data = run_initializer(cases[c].initializer, dtypes[d], cases[c].rows, cases[c].cols, 99);
			sample_stats s;
			const char *name = gru_initializer_name(cases[c].initializer);

			if (data == NULL) {
				continue;
			}
			s = stats_of(data, dtypes[d], count, limit);
			CHECK(s.max_abs <= bound, "%s %s: max |x| %.9g above limit %.9g", name, dtype_name(dtypes[d]),
					s.max_abs, bound);
			if (count > 1) {
				/* Variance of U(-l, l) is l^2/3; relative standard error of std ~ 1/sqrt(1.25 n). */
				double expected = limit / sqrt(3.0);
				CHECK(fabs(s.std / expected - 1.0) < 0.01, "%s %s: std %.6g, expected %.6g", name,
						dtype_name(dtypes[d]), s.std, expected);
				CHECK(fabs(s.mean) < 0.01 * limit, "%s %s: mean %.3g", name, dtype_name(dtypes[d]), s.mean);
				CHECK(s.max_abs > 0.999 * limit, "%s %s: max |x| %.6g reaches the limit %.6g", name,
						dtype_name(dtypes[d]), s.max_abs, limit);
			}
			free(data);
		}
	}
}

static void test_normal_initializers(void)
{
	struct {
		gru_initializer initializer;
		size_t rows, cols;
		double stddev;      /* the parameter of the distribution */
		int truncated;
	} cases[] = {
		{GRU_INIT_GLOROT_NORMAL, 256, 768, 0, 0},
		{GRU_INIT_HE_NORMAL, 768, 256, 0, 0},
		{GRU_INIT_LECUN_NORMAL, 300, 700, 0, 1},
		{GRU_INIT_RANDOM_NORMAL, 400, 500, 0.05, 0}
	};
	const double truncnorm_std = 0.87962566103423978;
	gru_dtype dtypes[2] = {GRU_FLOAT32, GRU_FLOAT64};
	size_t c;
	int d;

	cases[0].stddev = sqrt(2.0 / (256 + 768)) / truncnorm_std;
	cases[1].stddev = sqrt(2.0 / 768) / truncnorm_std;
	cases[2].stddev = sqrt(1.0 / 300) / truncnorm_std;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (d = 0; d < 2; d++) {
			size_t count = cases[c].rows * cases[c].cols;
			double stddev = cases[c].stddev;
			void *data = run_initializer(cases[c].initializer, dtypes[d], cases[c].rows, cases[c].cols, 2024);
			const char *name = gru_initializer_name(cases[c].initializer);
			sample_stats s;

			if (data == NULL) {
				continue;
			}
			s = stats_of(data, dtypes[d], count, stddev);
			CHECK(fabs(s.mean) < 0.01 * stddev, "%s %s: mean %.3g", name, dtype_name(dtypes[d]), s.mean);
			if (cases[c].truncated) {
				/* Keras: N(0, s) cut at 2s, whose std is s * 0.8796 = sqrt(scale / fan). */
				double bound = 2.0 * stddev;
				if (dtypes[d] == GRU_FLOAT32) {
					bound = (double)(float)bound;
				}
				CHECK(s.max_abs <= bound, "%s %s: max |x| %.9g beyond 2 stddev %.9g", name,
						dtype_name(dtypes[d]), s.max_abs, bound);
				CHECK(s.max_abs > 0.99 * bound, "%s %s: the cut at 2 stddev is reached (%.6g)", name,
						dtype_name(dtypes[d]), s.max_abs);
				CHECK(fabs(s.std / (stddev * truncnorm_std) - 1.0) < 0.01, "%s %s: std %.6g, expected %.6g",
						name, dtype_name(dtypes[d]), s.std, stddev * truncnorm_std);
			} else {
				/* Rindow: a plain normal with stddev s; 4.55% of it lies beyond 2s. */
				CHECK(fabs(s.std / stddev - 1.0) < 0.01, "%s %s: std %.6g, expected %.6g", name,
						dtype_name(dtypes[d]), s.std, stddev);
				CHECK(fabs(s.beyond2 - 0.0455003) < 0.003, "%s %s: %.4f beyond 2 stddev, expected 0.0455",
						name, dtype_name(dtypes[d]), s.beyond2);
			}
			free(data);
		}
	}
}

static void test_reproducible_fill(void)
{
	gru_initializer initializers[3] = {GRU_INIT_GLOROT_UNIFORM, GRU_INIT_LECUN_NORMAL, GRU_INIT_ORTHOGONAL};
	int k;

	for (k = 0; k < 3; k++) {
		size_t rows = 13, cols = 9;
		float *a = run_initializer(initializers[k], GRU_FLOAT32, rows, cols, 5);
		float *b = run_initializer(initializers[k], GRU_FLOAT32, rows, cols, 5);
		float *c = run_initializer(initializers[k], GRU_FLOAT32, rows, cols, 6);
		double *wide = run_initializer(initializers[k], GRU_FLOAT64, rows, cols, 5);
		size_t i;
		int same = 1, differ = 0;
		double gap = 0;

		if (a == NULL || b == NULL || c == NULL || wide == NULL) {
			free(a);
			free(b);
			free(c);
			free(wide);
			continue;
		}
		for (i = 0; i < rows * cols; i++) {
			same &= a[i] == b[i];
			differ += a[i] != c[i];
			gap = fmax(gap, fabs((double)a[i] - wide[i]));
		}
		CHECK(same, "%s: same seed, same values", gru_initializer_name(initializers[k]));
		CHECK(differ > (int)(rows * cols) * 9 / 10, "%s: another seed, other values (%d differ)",
				gru_initializer_name(initializers[k]), differ);
		CHECK(gap < 1e-5, "%s: float and double from one seed agree (%.3g)",
				gru_initializer_name(initializers[k]), gap);
		free(a);
		free(b);
		free(c);
		free(wide);
	}
}

/* --------------------------------------------------------- orthogonal */

/* max |Q Q^T - I| (rows <= cols) or max |Q^T Q - I|, accumulated in double. */
static double orthogonality_error(const void *data, gru_dtype dtype, size_t rows, size_t cols)
{
	size_t a, b, k;
	double worst = 0;

	if (rows <= cols) {
		for (a = 0; a < rows; a++) {
			for (b = a; b < rows; b++) {
				double dot = 0;
				for (k = 0; k < cols; k++) {
					dot += load(data, dtype, a * cols + k) * load(data, dtype, b * cols + k);
				}
				worst = fmax(worst, fabs(dot - (a == b ? 1.0 : 0.0)));
			}
		}
	} else {
		for (a = 0; a < cols; a++) {
			for (b = a; b < cols; b++) {
				double dot = 0;
				for (k = 0; k < rows; k++) {
					dot += load(data, dtype, k * cols + a) * load(data, dtype, k * cols + b);
				}
				worst = fmax(worst, fabs(dot - (a == b ? 1.0 : 0.0)));
			}
		}
	}
	return worst;
}

static void test_orthogonal_shapes(void)
{
	size_t shapes[][2] = {{256, 768}, {768, 256}, {5, 5}, {1, 7}, {7, 1}, {64, 192}, {1, 1}};
	gru_dtype dtypes[2] = {GRU_FLOAT32, GRU_FLOAT64};
	size_t s;
	int d;

	for (s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		for (d = 0; d < 2; d++) {
			size_t rows = shapes[s][0], cols = shapes[s][1];
			double tolerance = dtypes[d] == GRU_FLOAT32 ? 1e-5 : 1e-12;
			void *data = run_initializer(GRU_INIT_ORTHOGONAL, dtypes[d], rows, cols, 31 + s);
			double error;

			if (data == NULL) {
				continue;
			}
			error = orthogonality_error(data, dtypes[d], rows, cols);
			CHECK(error < tolerance, "orthogonal [%zu,%zu] %s: error %.3g above %.0e", rows, cols,
					dtype_name(dtypes[d]), error, tolerance);
			free(data);
		}
	}
}

/*
 * Rebuilds the normal matrix the initializer drew (column-major
 * [large, small], in draw order) and checks that Q^T A is upper triangular
 * with a positive diagonal: the QR is right and the signs are Keras's.
 */
static void test_orthogonal_is_sign_corrected_q(void)
{
	size_t shapes[][2] = {{7, 5}, {5, 7}, {6, 6}};
	size_t s;

	for (s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		size_t rows = shapes[s][0], cols = shapes[s][1];
		size_t large = rows > cols ? rows : cols, small = rows > cols ? cols : rows;
		double *q = run_initializer(GRU_INIT_ORTHOGONAL, GRU_FLOAT64, rows, cols, 1000 + s);
		double a[49], r_lower = 0, r_diag_min = 1e300;
		gru_rng rng;
		size_t i, j, k;

		if (q == NULL) {
			continue;
		}
		gru_rng_seed(&rng, 1000 + s);
		for (k = 0; k + 1 < large * small; k += 2) {
			gru_rng_normal_pair(&rng, &a[k], &a[k + 1]);
		}
		if (k < large * small) {
			double spare;
			gru_rng_normal_pair(&rng, &a[k], &spare);
		}
		for (i = 0; i < small; i++) {
			for (j = 0; j < small; j++) {
				double r = 0;
				for (k = 0; k < large; k++) {
					/* Q as [large, small]: rows >= cols stores it row-major, else its transpose. */
					double q_ki = rows >= cols ? q[k * small + i] : q[i * large + k];
					r += q_ki * a[k + j * large];
				}
				if (i > j) {
					r_lower = fmax(r_lower, fabs(r));
				} else if (i == j) {
					r_diag_min = fmin(r_diag_min, r);
				}
			}
		}
		CHECK(r_lower < 1e-12, "orthogonal [%zu,%zu]: Q^T A is upper triangular (%.3g)", rows, cols, r_lower);
		CHECK(r_diag_min > 0, "orthogonal [%zu,%zu]: diag(R) > 0 after the sign fix (%.3g)", rows, cols,
				r_diag_min);
		free(q);
	}
}

static void test_orthogonal_timing(void)
{
	size_t rows = 256, cols = 768, bytes;
	float *data = malloc(rows * cols * sizeof(float));
	void *workspace;
	gru_status status;
	gru_rng rng;
	double best = 1e300, first = 0;
	int run, ok = 1;

	if (gru_initialize_workspace_bytes(GRU_INIT_ORTHOGONAL, GRU_FLOAT32, rows, cols, &bytes, &status) != GRU_OK) {
		CHECK(0, "workspace bytes: %s", status.message);
		free(data);
		return;
	}
	workspace = workspace_alloc(bytes);
	gru_rng_seed(&rng, 3);
	for (run = 0; run < 5 && data != NULL && workspace != NULL; run++) {
		double start = now_ms(), elapsed;
		ok &= gru_initialize(GRU_INIT_ORTHOGONAL, GRU_FLOAT32, data, rows, cols, &rng, workspace, &status) == GRU_OK;
		elapsed = now_ms() - start;
		if (run == 0) {
			first = elapsed;
		}
		best = fmin(best, elapsed);
	}
	printf("orthogonal [256,768] float32: first %.2f ms, best of 5 %.2f ms (workspace %zu bytes)\n",
			first, best, bytes);
	CHECK(ok && data != NULL && workspace != NULL, "timed orthogonal runs succeeded");
	/* [768,256] the other way, for the record. */
	free(data);
	free(workspace);
	if (gru_initialize_workspace_bytes(GRU_INIT_ORTHOGONAL, GRU_FLOAT32, cols, rows, &bytes, &status) == GRU_OK) {
		double start;
		data = malloc(rows * cols * sizeof(float));
		workspace = workspace_alloc(bytes);
		start = now_ms();
		ok = data != NULL && workspace != NULL
				&& gru_initialize(GRU_INIT_ORTHOGONAL, GRU_FLOAT32, data, cols, rows, &rng, workspace, &status) == GRU_OK;
		printf("orthogonal [768,256] float32: %.2f ms (workspace %zu bytes)\n", now_ms() - start, bytes);
		CHECK(ok, "timed orthogonal [768,256] succeeded");
		free(data);
		free(workspace);
	}
}

int main(void)
{
	test_rng_known_answer();
	test_rng_reproducible();
	test_rng_uniform();
	test_rng_normal();
	test_names();
	test_errors();
	test_constants();
	test_uniform_initializers();
	test_normal_initializers();
	test_reproducible_fill();
	test_orthogonal_shapes();
	test_orthogonal_is_sign_corrected_q();
	test_orthogonal_timing();

	return test_summary();
}
