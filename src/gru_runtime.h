/*
 * What the core runs on, for phpinfo() and diagnostics: the BLAS build,
 * the kernel core OpenBLAS chose, its thread count, the backends compiled in.
 */
#ifndef RINDOW_GRU_RUNTIME_H
#define RINDOW_GRU_RUNTIME_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

const char *gru_runtime_backends(void);
const char *gru_runtime_blas_config(void);
const char *gru_runtime_blas_core(void);
int gru_runtime_blas_threads(void);
/*
 * The vector extensions this CPU has, then the core's own recurrent GEMM
 * micro-kernels in use, e.g. "sse4.2 avx avx2 fma avx512f; gru kernels: avx512".
 */
const char *gru_runtime_cpu_features(void);
/* The core's recurrent GEMM micro-kernels in use: "avx512", "avx2" or "portable". */
const char *gru_runtime_cpu_kernels(void);
/*
 * NULL when OpenBLAS runs kernels that use what the CPU has; otherwise a
 * sentence saying what is lost and how to fix it (OPENBLAS_CORETYPE).
 */
const char *gru_runtime_blas_core_warning(void);
/*
 * c[m,n] = a[m,k] . b[k,n], row-major, with the GEMM the core uses: the
 * yardstick for benchmarks' "ideal" times (dtype 12 = float, 13 = double).
 */
void gru_runtime_gemm(int dtype, size_t m, size_t n, size_t k, const void *a, const void *b, void *c);
/* Sets OpenBLAS's thread count (n >= 1). */
void gru_runtime_set_blas_threads(int n);

#ifdef __cplusplus
}
#endif

#endif /* RINDOW_GRU_RUNTIME_H */
