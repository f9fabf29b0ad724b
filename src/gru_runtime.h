/*
 * What the core runs on, for phpinfo() and diagnostics: the BLAS build,
 * the kernel core OpenBLAS chose, its thread count, the backends compiled in.
 */
#ifndef RINDOW_GRU_RUNTIME_H
#define RINDOW_GRU_RUNTIME_H

#ifdef __cplusplus
extern "C" {
#endif

const char *gru_runtime_backends(void);
const char *gru_runtime_blas_config(void);
const char *gru_runtime_blas_core(void);
int gru_runtime_blas_threads(void);
/* Sets OpenBLAS's thread count (n >= 1). */
void gru_runtime_set_blas_threads(int n);

#ifdef __cplusplus
}
#endif

#endif /* RINDOW_GRU_RUNTIME_H */
