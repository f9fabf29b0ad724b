/*
 * A plain-C cblas_sgemm / cblas_dgemm for the fuzzers, linked instead of
 * OpenBLAS (make BLAS=openblas links the real one). OpenBLAS is not built
 * with the sanitizers, so an out-of-bounds read or write that the core asks
 * a GEMM to make would go unseen; these loops are compiled with ASan, so
 * every element the core's GEMM calls touch is checked against the exact-size
 * buffers the fuzzer allocates. They also check the CBLAS argument rules
 * (dimensions >= 0, leading dimensions large enough) and abort on a breach,
 * as OpenBLAS's xerbla would only print.
 *
 * Semantics are the reference BLAS's: C = alpha*op(A)*op(B) + beta*C, and
 * with beta == 0 C is not read (NaN in C does not propagate).
 */
#include <stdio.h>
#include <stdlib.h>

#include <cblas.h>

static void gemm_fail(const char *name, const char *what, long v)
{
	fprintf(stderr, "ref_cblas: %s: bad argument %s = %ld\n", name, what, v);
	abort();
}

#define REF_GEMM(NAME, T) \
void NAME(OPENBLAS_CONST enum CBLAS_ORDER order, OPENBLAS_CONST enum CBLAS_TRANSPOSE ta, \
		OPENBLAS_CONST enum CBLAS_TRANSPOSE tb, OPENBLAS_CONST blasint m, OPENBLAS_CONST blasint n, \
		OPENBLAS_CONST blasint k, OPENBLAS_CONST T alpha, OPENBLAS_CONST T *a, OPENBLAS_CONST blasint lda, \
		OPENBLAS_CONST T *b, OPENBLAS_CONST blasint ldb, OPENBLAS_CONST T beta, T *c, \
		OPENBLAS_CONST blasint ldc) \
{ \
	const int at = ta != CblasNoTrans, bt = tb != CblasNoTrans; \
	long i, j, p; \
	if (m < 0) gemm_fail(#NAME, "m", (long)m); \
	if (n < 0) gemm_fail(#NAME, "n", (long)n); \
	if (k < 0) gemm_fail(#NAME, "k", (long)k); \
	if (order == CblasRowMajor) { \
		/* row-major: A is m x k (k x m if transposed), ld = its row length */ \
		if (lda < (at ? (m > 1 ? m : 1) : (k > 1 ? k : 1))) gemm_fail(#NAME, "lda", (long)lda); \
		if (ldb < (bt ? (k > 1 ? k : 1) : (n > 1 ? n : 1))) gemm_fail(#NAME, "ldb", (long)ldb); \
		if (ldc < (n > 1 ? n : 1)) gemm_fail(#NAME, "ldc", (long)ldc); \
		for (i = 0; i < m; i++) { \
			for (j = 0; j < n; j++) { \
				T s = 0; \
				if (alpha != 0) { \
					for (p = 0; p < k; p++) { \
						T x = at ? a[p * lda + i] : a[i * lda + p]; \
						T y = bt ? b[j * ldb + p] : b[p * ldb + j]; \
						s += x * y; \
					} \
				} \
				c[i * ldc + j] = (beta == 0 ? 0 : beta * c[i * ldc + j]) + alpha * s; \
			} \
		} \
	} else if (order == CblasColMajor) { \
		if (lda < (at ? (k > 1 ? k : 1) : (m > 1 ? m : 1))) gemm_fail(#NAME, "lda", (long)lda); \
		if (ldb < (bt ? (n > 1 ? n : 1) : (k > 1 ? k : 1))) gemm_fail(#NAME, "ldb", (long)ldb); \
		if (ldc < (m > 1 ? m : 1)) gemm_fail(#NAME, "ldc", (long)ldc); \
		for (j = 0; j < n; j++) { \
			for (i = 0; i < m; i++) { \
				T s = 0; \
				if (alpha != 0) { \
					for (p = 0; p < k; p++) { \
						T x = at ? a[i * lda + p] : a[p * lda + i]; \
						T y = bt ? b[p * ldb + j] : b[j * ldb + p]; \
						s += x * y; \
					} \
				} \
				c[j * ldc + i] = (beta == 0 ? 0 : beta * c[j * ldc + i]) + alpha * s; \
			} \
		} \
	} else { \
		gemm_fail(#NAME, "order", (long)order); \
	} \
}

REF_GEMM(cblas_sgemm, float)
REF_GEMM(cblas_dgemm, double)

/*
 * The OpenBLAS extras the core calls. The thread count is what the core's
 * own row split (gru_cpu_run_rows) uses: FUZZ_THREADS, default 2, so the
 * threaded time loop runs whenever a problem is big enough for it.
 */
static int ref_threads = -1;

void openblas_set_num_threads(int num_threads)
{
	ref_threads = num_threads;
}

int openblas_get_num_threads(void)
{
	if (ref_threads < 0) {
		const char *env = getenv("FUZZ_THREADS");

		ref_threads = env != NULL ? atoi(env) : 2;
	}
	return ref_threads > 0 ? ref_threads : 1;
}

char *openblas_get_config(void)
{
	return (char *)"ref_cblas (tests/fuzz)";
}

char *openblas_get_corename(void)
{
	return (char *)"ref";
}
