/*
 * The CPU backend's own recurrent GEMM, float32: C = A . P (+ C), where P
 * is a weight matrix packed once per forward or backward call (of three
 * steps or more: GRU_PACK_MIN_STEPS) into panels
 * of `nr` columns, each panel K rows of nr contiguous floats (the last
 * panel padded with zeros). A and C are row-major with leading dimensions;
 * the few rows of a recurrent step (one batch, or a thread's part of it)
 * stream past panels that stay in L1/L2 ("weight-stationary").
 *
 * Micro-kernels: AVX-512 (up to 6 rows x 32 columns; even and odd k in
 * separate accumulators), AVX2+FMA (6 x 16; one chain over k, and 1 to 3
 * rows over several panels) and portable C (4 x 16; one chain), each set
 * summing a row of C in one order whatever its row block, picked at run
 * time from the CPU's features
 * (__builtin_cpu_supports) where gcc can target them, else portable. The
 * same kernels serve the products over all timesteps when they run on our
 * side (gru_cpu_own_batched_products, gru_gemm_parallel).
 */
#ifndef RINDOW_GRU_CPU_GEMM_H
#define RINDOW_GRU_CPU_GEMM_H

#include <stddef.h>

/*
 * GRU_KERNEL_PORTABLE: no SIMD kernel for this CPU or compiler (ARM, MSVC,
 * x86 before AVX2+FMA). The plain C kernel ran at 3 GFLOP/s where
 * OpenBLAS's ran at 34 (bench_gemm --isa portable, Zen 3), the B=8 forward
 * at 7 times the GEMM ideal with the SIMD kernels compiled out: there the
 * layer packs nothing for our kernels, runs every product on OpenBLAS and
 * its time loops on one thread, OpenBLAS threading each product, as for
 * float64.
 */
typedef enum {
	GRU_KERNEL_PORTABLE = 0,
	GRU_KERNEL_AVX2,
	GRU_KERNEL_AVX512
} gru_kernel_isa;

/* The widest kernel this CPU runs. */
gru_kernel_isa gru_cpu_kernel_isa(void);
/* "avx512", "avx2" or "portable". */
const char *gru_cpu_kernel_name(gru_kernel_isa isa);

/* Panel width of a kernel; GRU_PACK_NR_MAX divides nothing, it bounds them all. */
#define GRU_PACK_NR_MAX 32
size_t gru_pack_nr(gru_kernel_isa isa);

/* Floats of a packed [k, n] matrix for any kernel: k * n rounded up to GRU_PACK_NR_MAX. */
static inline size_t gru_packed_floats_bound(size_t k, size_t n)
{
	return k * ((n + GRU_PACK_NR_MAX - 1) / GRU_PACK_NR_MAX * GRU_PACK_NR_MAX);
}

/*
 * Fills rows [k0, k0+kk) and columns [n0, n0+nn) of the packed [k, n]
 * matrix P from src: P(k0+i, n0+j) = src[i*rs + j*cs] (rs, cs the row and
 * column strides of the source block, so a transpose is cs = row length,
 * rs = 1). gru_pack_clear() zeroes P first (the padding columns).
 */
void gru_pack_clear(gru_kernel_isa isa, float *packed, size_t k, size_t n);
void gru_pack_block(gru_kernel_isa isa, float *packed, size_t k, size_t n, size_t k0, size_t kk,
		size_t n0, size_t nn, const float *src, size_t rs, size_t cs);

/* C[m, n] = A[m, k] . P (accumulate = 0) or C += A . P (accumulate = 1). */
void gru_gemm_packed(gru_kernel_isa isa, size_t m, size_t n, size_t k, const float *a, size_t lda,
		const float *packed, int accumulate, float *c, size_t ldc);

/*
 * The same on B [k, n] row-major (leading dimension ldb) read in place,
 * with the same kernels: for products too short to repay packing, where it
 * also saves OpenBLAS's per-call set-up (about a microsecond). Numerically
 * the same as gru_gemm_packed() on the packed B.
 */
void gru_gemm_direct(gru_kernel_isa isa, size_t m, size_t n, size_t k, const float *a, size_t lda,
		const float *b, size_t ldb, int accumulate, float *c, size_t ldc);

/*
 * Packing B costs about two passes over it, a step's GEMM one pass per
 * block of rows: calls with fewer steps than this read B in place
 * (gru_gemm_direct) instead. A single-step call (GRUCell) never packs.
 */
#define GRU_PACK_MIN_STEPS 3
/* Input projections of at most this many rows use gru_gemm_direct() rather than OpenBLAS. */
#define GRU_DIRECT_MAX_ROWS 16

/*
 * Whether our kernels should also run the big products OpenBLAS otherwise
 * does (the input projection of all steps, dX in the backward): when
 * OpenBLAS runs a weaker instruction set than `isa`. Its core detection
 * falls back to Prescott (SSE3) on CPUs it does not know, and an
 * OPENBLAS_CORETYPE=Haswell keeps it on AVX2 on an AVX-512 CPU; our
 * kernels pick the CPU's best regardless.
 */
int gru_cpu_gemm_outranks_blas(gru_kernel_isa isa);

/*
 * Whether the products over all timesteps (the forward's input
 * projection; the backward's dW, dU and dX) run on our kernels rather
 * than OpenBLAS: when our kernels outrank OpenBLAS's, and whenever
 * OpenBLAS may use more than one thread. Its worker threads spin for a
 * while after each parallel call (OPENBLAS_THREAD_TIMEOUT, ~0.1 s by
 * default), taking the cores from the time loop's threads that follow, and
 * from the next call's: with the projection split over our own threads the
 * 2-thread seed forward measured 7.6-8.6 ms instead of 10.9, and with the
 * backward's products too, the forward of a training step 9.0-10.0 ms
 * instead of 11.3-14.6 (its backward the same, 21-23 ms).
 */
int gru_cpu_own_batched_products(gru_kernel_isa isa);

/*
 * Whether the forward's input projection runs on our kernels: as above,
 * and also where OpenBLAS's kernels are of the same instruction set as
 * ours. With the weights packed once the projection is a plain NN product,
 * where ours took 0.92-0.97 of OpenBLAS's SkylakeX time (0.97-1.01 of its
 * Haswell time with our AVX2 kernel), and the seed forward on one thread
 * 0.97 (paired). The backward's TN products stay on OpenBLAS there (ours
 * took 1.10 of its backward at B=64 T=100 H=512 on one thread), unless
 * the time loop lays dG out for them (gru_pack_sliced_rows).
 */
int gru_cpu_own_projection(gru_kernel_isa isa);

/*
 * Whether the backward's products with the input kernel (dX) run step by
 * step inside the time loop, each right after the step's recurrent
 * product, rather than over all steps at once. Over all steps they read
 * dG [B*T, 3H] through memory: 6 MiB at B=64 T=32 H=256, which with
 * K = I small bounds the product by its reads; a step's rows stay in L2
 * between the two products. When our kernels run the input products
 * (gru_cpu_own_projection), each thread's share has at least
 * GRU_STEP_PRODUCTS_MIN_ROWS batch rows (fewer run the kernels below
 * their rate: a 1-row share is a GEMV a step), and the packed input and
 * recurrent kernels (weight_floats) fit in GRU_STEP_PRODUCTS_MAX_BYTES,
 * in a 2 MiB L2 beside a step's buffers: else each step streams the input
 * kernel from L3 for a few rows (measured on the forward's projection
 * when it ran step by step: B=64 T=100 I=256 H=512, two threads of 32
 * rows, 4.7 MB of weights, 1.05-1.08 of the time; the forward now
 * projects in chunks of steps, gru_forward_projects_in_chunks). A backward
 * that also lays dG out for the weight gradients as it goes (slices_dg,
 * see gru_pack_sliced_rows) takes them up to
 * GRU_STEP_PRODUCTS_MAX_BYTES_BWD: that saves more than streaming the
 * weights costs (the same B=64 T=100 shape's backward took 0.89-0.95 of
 * its time on two threads, 0.97-0.98 on one, paired); larger weights
 * were not measured.
 */
#define GRU_STEP_PRODUCTS_MIN_ROWS 16
#define GRU_STEP_PRODUCTS_MAX_BYTES (1280.0 * 1024.0)
#define GRU_STEP_PRODUCTS_MAX_BYTES_BWD (8.0 * 1024.0 * 1024.0)
int gru_cpu_step_products(gru_kernel_isa isa, size_t share_rows, double weight_floats, int slices_dg);

/*
 * The forward's chunked input projection (gru_forward_projects_in_chunks,
 * gru_cpu_internal.h): GRU_PROJECTION_CHUNK_STEPS steps at a time, the
 * packed input kernel read in groups of GRU_PROJECTION_GROUP_BYTES of
 * panels (gru_projection_group_cols), each group over the chunk's steps
 * before the next, so that it is streamed from L3 once a chunk rather
 * than once a step (the step-by-step projection this replaced was limited
 * to weights that fit in L2 with the recurrent kernel). Chunks of 2, 4 and
 * 8 steps and groups of 128 to 512 columns measured level (B=64 T=100
 * I=256 H=512).
 */
#define GRU_PROJECTION_CHUNK_STEPS 4
#define GRU_PROJECTION_GROUP_BYTES (256 * 1024)

/*
 * Columns of the packed [features, n] input kernel per group of the
 * chunked projection: whole panels of GRU_PACK_NR_MAX columns (a
 * multiple of every kernel's panel width: a group starts on a panel), as
 * many as fit in
 * GRU_PROJECTION_GROUP_BYTES, at least one, at most n rounded up.
 */
size_t gru_projection_group_cols(size_t features, size_t n);

/*
 * C[m, n] (+)= A . B on our kernels over gru_cpu_loop_threads() threads:
 * B packed (ldb ignored) or row-major in place. For the products over all
 * timesteps that OpenBLAS would otherwise run (gru_cpu_own_batched_products).
 * The larger dimension of C is split: the rows of a tall C (the input
 * projection, dX: B*T rows), the columns, in whole panels, of a wide one
 * (as the weight gradients of gru_gemm_parallel_tn, a few hundred rows
 * summed over B*T: split by rows, each thread would read all of B, which
 * is as tall as all the timesteps, for half the work; the 2-thread seed
 * backward's products measured 14-21 ms that way, as slow as one thread).
 * B in place with scratch set: packed a K slice at a time, as there.
 */
void gru_gemm_parallel(gru_kernel_isa isa, size_t m, size_t n, size_t k, const float *a, size_t lda,
		const float *b, size_t ldb, int packed, int accumulate, float *c, size_t ldc, float *scratch);

/*
 * The weight gradients X^T dG and Hprev^T dG on our kernels: C[m, n] =
 * A . B with A given as A^T [k, m] (row-major, rows lda_t apart: X or
 * Hprev as they lie), first packed by gru_pack_a_t() into the kernels'
 * row blocks, one K slice (GRU_GEMM_KC) after the other, each block's
 * columns of 6 (AVX-512; 3 AVX2, 4 portable) values one contiguous stream
 * (m * k floats in all; several products on the same A share one packing).
 * Read in place instead, A^T costs the kernel one cache line per k and
 * block: 0.97-1.03 of OpenBLAS's TN product at m = 128-256, 1.22-1.28 at
 * m = 512. gru_gemm_parallel_tn() then splits C by columns over
 * gru_cpu_loop_threads() threads, each packing its panels of B (row-major
 * in place, rows ldb apart) one K slice at a time into scratch (required,
 * see GRU_GEMM_KC). col_sums (or NULL): B's n column sums, taken from the
 * packed slices (the bias gradients, without another pass over dG), each
 * column summed in row order: the bits of a row-by-row sum. batch: 0, or
 * A^T's rows are sequences of k / batch steps each (X, Hprev: [B*T, m])
 * and the product takes them time-major, row t * batch + b being row
 * b * (k / batch) + t (to match dG K-sliced in that order, below).
 */
void gru_pack_a_t(gru_kernel_isa isa, float *apack, const float *a_t, size_t lda_t, size_t m, size_t k,
		size_t batch);
void gru_gemm_parallel_tn(gru_kernel_isa isa, size_t m, size_t n, size_t k, const float *apack,
		const float *b, size_t ldb, float *c, size_t ldc, float *scratch, float *col_sums);

/*
 * B [k, n] "K-sliced": packed as gru_gemm_parallel_tn() packs it, but all
 * of it, by whoever makes its rows: K slices of GRU_GEMM_KC rows (the last
 * maybe fewer), each slice a packed [kc, n] matrix (its panels one after
 * the other, kc x nr floats each), k * n rounded up to the panel width
 * floats in all, 64-byte aligned. gru_pack_sliced_rows(): rows
 * [q0, q0 + rows) of B from src (rows lds apart). The backward writes dG so as each step makes its
 * rows, while they are in cache, in time-major order (row t * B + b: a
 * step's rows contiguous in each panel; X and Hprev packed to match, see
 * gru_pack_a_t), and its weight gradients then read no dG in place and
 * pack none: at B=64 T=32 H=256 (one thread) X^T dG and Hprev^T dG took
 * 0.92-0.94 of OpenBLAS's time this way, 1.03-1.05 packing dG as they go;
 * the seed backward as a whole took 0.92-0.95 of its time before (one and
 * two threads, paired; the step's rows now also read from L1/L2).
 * gru_gemm_parallel_tn_sliced(): C = A . B on panels [panel0, panel0 +
 * ceil(n / nr)) of a K-sliced matrix of `panels` panels, as
 * gru_gemm_parallel_tn() otherwise.
 */
void gru_pack_sliced_rows(gru_kernel_isa isa, float *sliced, size_t k, size_t n, size_t q0, size_t rows,
		const float *src, size_t lds);
void gru_gemm_parallel_tn_sliced(gru_kernel_isa isa, size_t m, size_t n, size_t k, const float *apack,
		const float *sliced, size_t panels, size_t panel0, float *c, size_t ldc, float *col_sums);

/*
 * K slice of our GEMMs; gru_gemm_parallel()'s scratch (NULL: none) holds
 * GRU_GEMM_KC x n rounded up to GRU_PACK_NR_MAX floats. With B in place
 * and C split by columns, each thread then packs its columns of B one K
 * slice at a time and runs all the rows of A over them: read in place, a
 * panel's rows are ldb apart (dG's rows, 4H floats: a multiple of 4 KiB
 * when H is a power of two), each a separate miss the prefetchers do not
 * follow, and they share one set of L1.
 */
#define GRU_GEMM_KC 256

#endif /* RINDOW_GRU_CPU_GEMM_H */
