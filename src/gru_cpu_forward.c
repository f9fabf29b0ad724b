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
# include "gru_activations_avx512.h"
#endif

/*
 * The inputs projected step by step, right before each step's recurrent
 * product, rather than all steps before the loop: the projection of all
 * steps ([B*T, 3H], 6 MiB at B=64 T=32 H=256) goes to memory and comes
 * back in the gate passes, and with K = I small the product that writes it
 * is bound by those writes; a step's [rows, 3H] stays in L2 between its
 * product and its pass. When each thread's share has at least MIN_ROWS
 * batch rows (fewer run the kernels below their rate: a 1-row share is a
 * GEMV per step), and the packed kernel and recurrent kernel together fit
 * in MAX_BYTES, in a 2 MiB L2 beside a step's buffers: else every step
 * streams the input kernel from L3 for a few rows (B=64 T=100 I=256 H=512,
 * two threads of 32 rows, 4.7 MB of weights: 1.05-1.08 of the time).
 */
#define GRU_STEP_PROJECTION_MIN_ROWS 16
#define GRU_STEP_PROJECTION_MAX_BYTES (1280.0 * 1024.0)

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
