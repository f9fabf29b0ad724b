/*
 * CPU forward on OpenBLAS: one GEMM for the inputs of all steps (or, on
 * our kernels, one a step beside the recurrent one), one recurrent GEMM
 * per step (two for reset before; float32 on the packed
 * weight-stationary GEMM of gru_cpu_gemm.c), and a fused, vectorisable
 * gate pass per batch row; the time loop split over batch rows across
 * threads when large enough. The body is written once in
 * gru_cpu_forward_tmpl.h and instantiated for float and double.
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
#if GRU_X86_WIDE
# include "gru_activations_avx2.h"
# include "gru_activations_avx512.h"
#endif

/* GRU_PACKED: the recurrent GEMMs run on gru_gemm_packed() (float) rather than OpenBLAS. */
#define GRU_REAL float
#define GRU_SFX(name) name##_f32
#define GRU_GEMM cblas_sgemm
#define GRU_PACKED 1
#include "gru_cpu_forward_tmpl.h"
#undef GRU_REAL
#undef GRU_SFX
#undef GRU_GEMM
#undef GRU_PACKED

#define GRU_REAL double
#define GRU_SFX(name) name##_f64
#define GRU_GEMM cblas_dgemm
#define GRU_PACKED 0
#include "gru_cpu_forward_tmpl.h"
#undef GRU_REAL
#undef GRU_SFX
#undef GRU_GEMM
#undef GRU_PACKED
