/*
 * Internals of the CPU (OpenBLAS) backend: the layouts of the caller-owned
 * workspaces and trace, and the typed entry points. Not part of the public
 * contract; callers only see the byte counts of gru.h.
 *
 * Every buffer is row-major. Rows of per-timestep buffers are indexed by
 * INPUT time, row b*steps + t for batch b and step t, like the rows of the
 * inputs [batch, steps, features], so that per-step matrices are strided
 * views (leading dimension steps*width) and the weight gradients are single
 * GEMMs over all B*T rows. H is units, G = 3H.
 *
 * Trace (training forward -> backward), offsets relative to the trace
 * pointer, each rounded up to 64 bytes (position independent, so a caller
 * may move the trace between the two calls):
 *   hprev [B*T, H]   state before consuming step t
 *   z     [B*T, H]   update gate (after the recurrent activation)
 *   r     [B*T, H]   reset gate (after the recurrent activation)
 *   hh    [B*T, H]   candidate (after the activation)
 *   aux   [B*T, H]   reset_after: h.U_h + b_rec_h;  otherwise r * hprev
 * All rows are written, masked steps included (their values are unused,
 * but stay finite so that the batched gradient GEMMs see zeros times
 * finite numbers).
 *
 * Forward workspace, offsets relative to the workspace pointer rounded up
 * to 64 bytes (64 bytes of slack are counted for that):
 *   xw     [B*T, G]  inputs . kernel, all steps (one GEMM); or, where the
 *                    forward projects in chunks of steps
 *                    (gru_forward_projects_in_chunks), only
 *                    [min(T, GRU_PROJECTION_CHUNK_STEPS) * B, G]: a ring
 *                    of steps' rows, time t's B rows in slot
 *                    t % GRU_PROJECTION_CHUNK_STEPS
 *   g      [B, G]    this step's recurrent GEMM, then the gate values in place
 *                    (training may write them into the trace instead:
 *                    gates_in_trace in gru_cpu_forward_tmpl.h)
 *   h      [2, B, H] the running state: step s reads h[s % 2], writes
 *                    the other (threads that split the units may still
 *                    read the state of this step while one writes the next)
 *   bias   [G]       input bias, plus the recurrent bias of z and r when
 *                    reset_after (zeros without bias)
 *   brec   [H]       reset_after: recurrent bias of the candidate block
 *   packed [H, 2H]   reset before: [U_z | U_r] repacked from [3H, H]
 *   rh     [B, H]    reset before, inference: r * h of this step
 *   xd     [B*T, I]  problem.input_dropout: inputs * input mask (the GEMM's A)
 *   hd     [2, B, H] problem.recurrent_dropout: h * recurrent mask, the
 *                    same two buffers as h
 *   upack  float32 only: the recurrent kernel packed for gru_gemm_packed()
 *          (gru_cpu_gemm.h), once per call, in shares of units side by
 *          side (one share when the units are not split over threads; see
 *          fwd_pack_share()): reset_after [H, 3H]; reset before
 *          [U_z|U_r] as [H, 2H], then U_h as [H, H] (each
 *          gru_packed_floats_bound() floats, plus a padded panel)
 *   wpack  float32 only: the input kernel [I, 3H] packed, when our kernels
 *          run the input projection (gru_cpu_own_projection())
 *
 * Backward workspace (same alignment rule):
 *   dg     [B*T, W]  pre-activation gate gradients, all steps.
 *                    reset_after, W = 4H, columns [dz | dr | dgh | dxh]
 *                    (dgh = dxh * r: gradient of h.U_h + b_rec_h), so that
 *                    [dz|dr|dgh] (cols 0..3H) is the recurrent-side gradient
 *                    and [dz|dr] + dxh the input-side one;
 *                    reset before, W = 3H, columns [dz | dr | dxh].
 *                    float32, where the time loop runs the input products
 *                    step by step (gru_cpu_step_products) and H is a
 *                    multiple of the panel width: the same floats
 *                    K-sliced, rows time-major (gru_pack_sliced_rows),
 *                    each step's rows first made in dg_step
 *   dh     [B, H]    gradient of the running state
 *   drh    [B, H]    reset before: gradient of r * hprev at this step;
 *                    with recurrent dropout (either mode) it also collects
 *                    the gradient of the dropped state hd before the mask
 *                    is applied to it
 *   packed [H, 2H]   reset before: [U_z | U_r]
 *   xd     [B*T, I]  problem.input_dropout: inputs * input mask, recomputed
 *   hd     [B*T, H]  problem.recurrent_dropout: hprev * recurrent mask,
 *                    recomputed for the batched dU GEMM
 *   upack  float32 only: the transposed recurrent kernel, packed:
 *          reset_after U^T as [3H, H]; reset before U_h^T as [H, H], then
 *          [U_z|U_r]^T as [2H, H]
 *   apack  float32 only: [B*T, max(I, H)] floats, X or Hprev (or r*hprev)
 *          packed as the A of the weight gradients on our kernels
 *          (gru_pack_a_t())
 *   wpack  float32 only: W^T [3H, I] packed, for dX on our kernels
 *   bpack  float32 only: [GRU_GEMM_KC, 3H] of dG packed, the K slice of
 *          the weight gradients' B on our kernels (gru_gemm_parallel_tn())
 *   dg_step float32 only: [B, W], one step's rows of dG, where dg is
 *          K-sliced
 *
 * Dropout (see gru.h) leaves the trace's layout as it is: hprev is the
 * undropped state; reset before, aux is r * hd, the candidate GEMM's input.
 */
#ifndef RINDOW_GRU_CPU_INTERNAL_H
#define RINDOW_GRU_CPU_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "gru.h"

#define GRU_ALIGN 64

/* Byte offsets; 0-sized members still get an offset. */
typedef struct {
	size_t xw, g, h, bias, brec, packed, rh, xd, hd, upack, wpack;
	size_t bytes;        /* total, including GRU_ALIGN of slack */
} gru_forward_layout;

typedef struct {
	size_t hprev, z, r, hh, aux;
	size_t bytes;
} gru_trace_layout;

typedef struct {
	size_t dg, dh, drh, packed, xd, hd, upack, apack, wpack, bpack, dg_step;
	size_t bytes;        /* total, including GRU_ALIGN of slack */
} gru_backward_layout;

/* Return 0 on size_t overflow. problem's enums and sizes need not be checked. */
int gru_forward_layout_compute(const gru_problem *problem, gru_forward_layout *layout);

/*
 * Whether the forward projects its inputs inside the time loop, a chunk of
 * GRU_PROJECTION_CHUNK_STEPS steps at a time into a ring of as many
 * steps' rows (xw above), rather than all steps before the loop: float32
 * on our kernels (not the portable build), steps enough to pack the
 * recurrent kernel (GRU_PACK_MIN_STEPS) and GRU_STEP_PRODUCTS_MIN_ROWS
 * batch rows or more. It is a function of the problem and the CPU alone,
 * never of the thread count or OpenBLAS's core, because it sizes the
 * workspace: the forward takes it whatever the call's threads, and (if
 * no caller's input_projection) must, its workspace having room for the
 * ring only.
 *
 * Why: projected all at once, the [B*T, 3H] result goes out to memory and
 * comes back a step at a time into the gate pass (39 MB at B=64 T=100
 * H=512, kept by the layer between calls); the ring (1.5 MB there) stays
 * in cache. B=64 T=100 H=512 forward, paired against the projection
 * before the loop: I=256 0.96 (one thread) and 0.975 (two), the training
 * forward 0.91-1.00 and 0.98; I=8 (the loop nearly alone) 0.85-0.87; the
 * seed shape 0.98-1.01. A share of fewer than 16 rows (B=16-31 on two
 * threads) runs its chunk's products below the kernels' rate: B=16 T=100
 * I=256 H=512 on two threads took 1.056 of the time, B=24 0.998, B=16
 * T=32 I=128 H=256 0.974. Fewer batch rows than 16 project before the
 * loop (their [B*T, 3H] is small anyway).
 */
int gru_forward_projects_in_chunks(const gru_problem *problem);
int gru_trace_layout_compute(const gru_problem *problem, gru_trace_layout *layout);
int gru_backward_layout_compute(const gru_problem *problem, gru_backward_layout *layout);

/* Bytes per element of a (valid) dtype. */
static inline size_t gru_dtype_size(gru_dtype dtype)
{
	return dtype == GRU_FLOAT64 ? sizeof(double) : sizeof(float);
}

/* The workspace pointer rounded up to GRU_ALIGN. */
static inline char *gru_align_pointer(void *pointer)
{
	uintptr_t address = (uintptr_t)pointer;
	return (char *)pointer + ((GRU_ALIGN - (address % GRU_ALIGN)) % GRU_ALIGN);
}

/*
 * Typed implementations. They trust their arguments: the backend table
 * entries in gru_backend.c check the problem and the pointers first.
 */
gru_status_code gru_cpu_forward_f32(const gru_problem *problem, const gru_weights *weights,
		const gru_forward_args *args, gru_status *status);
gru_status_code gru_cpu_forward_f64(const gru_problem *problem, const gru_weights *weights,
		const gru_forward_args *args, gru_status *status);
gru_status_code gru_cpu_backward_f32(const gru_problem *problem, const gru_weights *weights,
		const gru_backward_args *args, gru_status *status);
gru_status_code gru_cpu_backward_f64(const gru_problem *problem, const gru_weights *weights,
		const gru_backward_args *args, gru_status *status);

/*
 * The element-wise passes are plain loops written for gcc's
 * auto-vectoriser. Two defaults of gcc 12 stop it: at -O2 the "very-cheap"
 * cost model skips any loop that needs a remainder, and -ftrapping-math
 * keeps float comparisons (the clamps and selects of gru_fast_math.h) from
 * being if-converted. gru_cpu_forward.c and gru_cpu_backward.c therefore
 * start with
 *   #pragma GCC optimize ("tree-vectorize", "vect-cost-model=dynamic", "no-trapping-math")
 * before any include, so that every function of those translation units,
 * the inline helpers of the headers included, has the same options (a
 * per-function optimize attribute would block their inlining). The core
 * never reads the floating-point exception flags.
 */

/*
 * On x86 with gcc or clang, the passes are compiled three times: for the
 * build's baseline (SSE2 on x86-64), for AVX2+FMA and for AVX-512 (16
 * floats a vector; gcc is told to prefer 512-bit vectors there, which its
 * generic tuning would not), picked at run time per call by
 * gru_cpu_pass_level(). GRU_PASS(name) names the pass to call; it needs a
 * local `wide` holding that level. GRU_NO_SIMD (tests/c's test_gru_nosimd)
 * builds only the baseline, as on ARM, and no SIMD GEMM kernel either.
 */
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__)) && !defined(GRU_NO_SIMD)
# define GRU_X86_WIDE 1
# define GRU_WIDE_ATTR __attribute__((target("avx2,fma")))
# if defined(__clang__)
#  define GRU_WIDE512_ATTR __attribute__((target("avx512f,avx512vl,avx512dq,fma")))
# else
#  define GRU_WIDE512_ATTR __attribute__((target("avx512f,avx512vl,avx512dq,fma,prefer-vector-width=512")))
# endif
# define GRU_PASS(name) \
	(wide == GRU_PASS_AVX512 ? GRU_SFX(name##_wide512) : wide == GRU_PASS_AVX2 ? GRU_SFX(name##_wide) \
	: GRU_SFX(name##_base))
#else
# define GRU_X86_WIDE 0
# define GRU_PASS(name) ((void)wide, GRU_SFX(name##_base))
#endif

#define GRU_PASS_BASE 0
#define GRU_PASS_AVX2 1
#define GRU_PASS_AVX512 2

/* Which passes this CPU runs (reads the compiler runtime's CPU model): a GRU_PASS_* level. */
static inline int gru_cpu_pass_level(void)
{
#if GRU_X86_WIDE
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
			&& __builtin_cpu_supports("avx512dq")) {
		return GRU_PASS_AVX512;
	}
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
		return GRU_PASS_AVX2;
	}
#endif
	return GRU_PASS_BASE;
}

#endif /* RINDOW_GRU_CPU_INTERNAL_H */
