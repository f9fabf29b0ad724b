/*
 * CPU backward through time on OpenBLAS: per step a fused pass and the
 * recurrent GEMM(s) (float32 on the packed GEMM of gru_cpu_gemm.c, the
 * time loop split over batch rows across threads when large enough); the weight and input gradients as a few GEMMs over all
 * timesteps at the end. The body is written once in
 * gru_cpu_backward_tmpl.h and instantiated for float and double.
 */
/*
 * The gate passes are plain loops written for gcc's auto-vectoriser; see
 * gru_cpu_internal.h for why this translation unit sets its own options.
 * They must come before any function, inline ones of headers included.
 */
#if defined(__GNUC__) && !defined(__clang__)
# pragma GCC optimize ("tree-vectorize", "vect-cost-model=dynamic", "no-trapping-math")
#endif

#include <string.h>

#include <cblas.h>

#include "gru.h"
#include "gru_activations.h"
#include "gru_cpu_gemm.h"
#include "gru_cpu_threads.h"
#include "gru_cpu_internal.h"

/* GRU_PACKED: the per-step recurrent GEMMs run on gru_gemm_packed() (float) rather than OpenBLAS. */
#define GRU_REAL float
#define GRU_SFX(name) name##_f32
#define GRU_GEMM cblas_sgemm
#define GRU_PACKED 1
#include "gru_cpu_backward_tmpl.h"
#undef GRU_REAL
#undef GRU_SFX
#undef GRU_GEMM
#undef GRU_PACKED

#define GRU_REAL double
#define GRU_SFX(name) name##_f64
#define GRU_GEMM cblas_dgemm
#define GRU_PACKED 0
#include "gru_cpu_backward_tmpl.h"
#undef GRU_REAL
#undef GRU_SFX
#undef GRU_GEMM
#undef GRU_PACKED
