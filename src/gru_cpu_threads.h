/*
 * Threads of the CPU backend's time loops. Two ways to share a loop:
 *
 * - by batch rows (gru_cpu_run_rows): rows never interact, so each thread
 *   runs the whole sequence on its rows with no synchronisation; but each
 *   thread's GEMMs then have fewer rows and every thread streams the whole
 *   recurrent kernel at every step.
 * - by units (gru_team_run): each thread of a team owns a slice of the
 *   units (its columns of the recurrent kernel, packed once into its own
 *   cache) and all batch rows; a step's state is complete only when every
 *   thread has written its slice, so the team meets at a barrier once or
 *   twice per step.
 *
 * Threads are created per call and joined before returning (pthreads,
 * where available); nothing outlives the call and there is no global
 * state. On Linux (glibc) they may run on every CPU the caller may but the
 * caller's own, which the kernel otherwise often gave them after an idle
 * spell, queued behind the caller. Where threads are unavailable
 * everything runs on the caller.
 */
#ifndef RINDOW_GRU_CPU_THREADS_H
#define RINDOW_GRU_CPU_THREADS_H

#include <stddef.h>

/*
 * fn(ctx, b0, b1) once per range of `rows` split `threads` ways; threads
 * <= 1 (or a failed thread start) runs the ranges on the calling thread.
 */
typedef void (*gru_rows_fn)(void *ctx, size_t b0, size_t b1);
void gru_cpu_run_rows(gru_rows_fn fn, void *ctx, size_t rows, size_t threads);

/*
 * fn(ctx, i0, i1) over [0, count) in chunks of `chunk`, handed out in turn
 * to up to `threads` threads, each taking the next as it finishes one: for
 * products whose parts are independent (gru_gemm_parallel). The vCPUs of a
 * virtual machine run at uneven speeds (here one measured ~40% slower than
 * the other, from the host's steal time), and a fixed split waits for the
 * slowest. threads <= 1 (or a failed thread start) runs them on the caller.
 */
void gru_cpu_run_chunks(gru_rows_fn fn, void *ctx, size_t count, size_t chunk, size_t threads);

/*
 * fn over [0, count) for a pass over memory (a copy, a sum) of `values`
 * values: from `min_values` values up, over OpenBLAS's thread count (at
 * most one thread per GRU_MIN_ROWS_PER_THREAD pieces of `align` items), in
 * chunks of whole `align` items, about `per_thread` chunks a thread;
 * below, one chunk on the caller.
 */
void gru_cpu_run_pass(gru_rows_fn fn, void *ctx, size_t count, size_t align, size_t per_thread, double values,
		double min_values);

/*
 * How many threads a time loop of `rows` batch rows and `flops` recurrent
 * FLOPs should use when split by rows: OpenBLAS's thread count
 * (openblas_set_num_threads, Runtime::setBlasThreads), but one thread while
 * the loop is too small to repay starting one (~30 us), and at most one per
 * GRU_MIN_ROWS_PER_THREAD rows. The loops run after the input GEMM, so they
 * never overlap OpenBLAS's own threads.
 */
#define GRU_THREAD_MIN_FLOPS 8e6
#define GRU_MIN_ROWS_PER_THREAD 4
#define GRU_MAX_THREADS 16
size_t gru_cpu_loop_threads(size_t rows, double flops);

/*
 * How many threads should split a time loop by units: as many as
 * gru_cpu_loop_threads() would allow for its FLOPs, at most one per
 * GRU_MIN_UNITS_PER_THREAD units, and 1 (do not split by units) when a
 * step has fewer than GRU_TEAM_MIN_STEP_FLOPS: below that the barriers of
 * each step cost more than the split saves.
 */
#define GRU_MIN_UNITS_PER_THREAD 64
#define GRU_TEAM_MIN_STEP_FLOPS 1e6
size_t gru_cpu_team_threads(size_t units, double flops, double step_flops);

/*
 * Units [*u0, *u1) of member `index` of a team of `count`: even shares
 * whose boundaries are multiples of `align` (whole panels of the packed
 * kernel), the last one taking the rest. With units >= 2 * align * count
 * (GRU_MIN_UNITS_PER_THREAD) no share is empty.
 */
void gru_unit_share(size_t units, size_t index, size_t count, size_t align, size_t *u0, size_t *u1);

/* A team's barrier; members see it through gru_team_barrier() only. */
typedef struct gru_team gru_team;

/*
 * fn(ctx, index, count, team) on a team of up to `threads` threads (the
 * caller is member 0). count is the team that really started: when a
 * thread cannot be created the team is smaller (1: the caller alone), and
 * fn must share the work by count, not by `threads`.
 */
typedef void (*gru_team_fn)(void *ctx, size_t index, size_t count, gru_team *team);
void gru_team_run(gru_team_fn fn, void *ctx, size_t threads);

/*
 * Waits until every member of the team has arrived; what each wrote
 * before it is visible to all after it. Members spin (the wait is a few
 * microseconds between the steps of a loop) and yield the CPU when it
 * grows long. NULL (a loop that is not shared by units): returns at once.
 */
void gru_team_barrier(gru_team *team);

/*
 * The team that should split a time loop by units, or 1 to split it by
 * rows (gru_cpu_loop_threads()): the units are split only where the batch
 * cannot use as many threads. With enough rows both splits measured the
 * same (B=64, H=256 and 512, two threads), and the batch split needs no
 * barriers (B=8, H=256: 6% faster); with few rows the units split is what
 * makes a second core useful, and each thread's share of the kernel stays
 * in its L2 (B=4, H=512: forward 18.6 -> 9.6 ms; B=1, H=1024: 66 -> 37 ms).
 */
size_t gru_cpu_units_team(size_t rows, size_t units, double flops, double step_flops);

/* team_fn on a team of `team` when team > 1 (team_fn not NULL), else rows_fn over `threads` ranges of rows. */
void gru_cpu_run_loop(gru_team_fn team_fn, gru_rows_fn rows_fn, void *ctx, size_t rows, size_t team,
		size_t threads);

#endif /* RINDOW_GRU_CPU_THREADS_H */
