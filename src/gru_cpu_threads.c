/*
 * Threads of the CPU backend's time loops (see gru_cpu_threads.h).
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
/* sched_getcpu, CPU_SET and pthread_attr_setaffinity_np (member_attrs) */
# define _GNU_SOURCE
#endif
#include <stddef.h>

#include "gru_cpu_threads.h"

#if (defined(_POSIX_THREADS) || defined(__unix__) || defined(__APPLE__)) && defined(__GNUC__)
# define GRU_HAVE_PTHREAD 1
# include <pthread.h>
# include <sched.h>
#else
# define GRU_HAVE_PTHREAD 0
#endif
#if GRU_HAVE_PTHREAD && defined(__linux__) && defined(__GLIBC__)
# define GRU_HAVE_MEMBER_AFFINITY 1
#else
# define GRU_HAVE_MEMBER_AFFINITY 0
#endif

extern int openblas_get_num_threads(void);

/* OpenBLAS's thread count, capped; 1 while `flops` would not repay starting a thread. */
static size_t threads_for(double flops)
{
	int blas = openblas_get_num_threads();
	size_t n = blas > 1 ? (size_t)blas : 1;

	if (flops < GRU_THREAD_MIN_FLOPS) {
		return 1;
	}
	return n > GRU_MAX_THREADS ? GRU_MAX_THREADS : n;
}

size_t gru_cpu_loop_threads(size_t rows, double flops)
{
	size_t n = threads_for(flops);

	if (n > rows / GRU_MIN_ROWS_PER_THREAD) {
		n = rows / GRU_MIN_ROWS_PER_THREAD;
	}
	return n > 1 ? n : 1;
}

size_t gru_cpu_team_threads(size_t units, double flops, double step_flops)
{
	size_t n = threads_for(flops);

	if (step_flops < GRU_TEAM_MIN_STEP_FLOPS) {
		return 1;
	}
	if (n > units / GRU_MIN_UNITS_PER_THREAD) {
		n = units / GRU_MIN_UNITS_PER_THREAD;
	}
	return n > 1 ? n : 1;
}

size_t gru_cpu_units_team(size_t rows, size_t units, double flops, double step_flops)
{
	const size_t team = gru_cpu_team_threads(units, flops, step_flops);

	return team > gru_cpu_loop_threads(rows, flops) ? team : 1;
}

void gru_unit_share(size_t units, size_t index, size_t count, size_t align, size_t *u0, size_t *u1)
{
	/* units * count cannot overflow: units * units * 3 floats is the checked size of the recurrent kernel */
	*u0 = units * index / count / align * align;
	*u1 = index + 1 == count ? units : units * (index + 1) / count / align * align;
}

#if GRU_HAVE_PTHREAD
/*
 * The attributes of the threads a call starts beside the caller: on Linux,
 * every CPU the caller may run on but the one it is on. The kernel places
 * a new thread when it is created, and on an idle machine it often queued
 * it behind its creator on the creator's CPU (the other vCPU halted) until
 * the balancer moved it, milliseconds later: the two halves of a batch
 * split then ran one after the other. The seed forward on two threads,
 * each call after an idle spell, took 9 or 16 ms at random: paired with
 * the same calls under this mask, 1.4-1.6x their time, the training
 * forward 1.5-1.7x (the backward, back to back calls and the long shapes:
 * no difference). Only the caller's own CPU is left out, so
 * the kernel still chooses among the rest; where they are fewer than the
 * threads to start, or the calls fail, the threads get the defaults: NULL
 * (else attr, initialised: the caller destroys it once they started).
 */
static const pthread_attr_t *member_attrs(pthread_attr_t *attr, size_t threads)
{
# if GRU_HAVE_MEMBER_AFFINITY
	cpu_set_t cpus;
	int caller;

	if (threads <= 1) {
		return NULL;
	}
	caller = sched_getcpu();
	if (caller < 0 || caller >= CPU_SETSIZE || sched_getaffinity(0, sizeof(cpus), &cpus) != 0
			|| !CPU_ISSET(caller, &cpus)) {
		return NULL;
	}
	CPU_CLR(caller, &cpus);
	if ((size_t)CPU_COUNT(&cpus) + 1 < threads || pthread_attr_init(attr) != 0) {
		return NULL;
	}
	if (pthread_attr_setaffinity_np(attr, sizeof(cpus), &cpus) != 0) {
		pthread_attr_destroy(attr);
		return NULL;
	}
	return attr;
# else
	(void)attr;
	(void)threads;
	return NULL;
# endif
}
#endif

typedef struct {
	gru_rows_fn fn;
	void *ctx;
	size_t count, chunk;
	size_t next;          /* the next chunk to hand out */
} gru_chunks_job;

static void *gru_chunks_worker(void *arg)
{
	gru_chunks_job *job = (gru_chunks_job *)arg;

	for (;;) {
#if GRU_HAVE_PTHREAD
		const size_t i = __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED);
#else
		const size_t i = job->next++;
#endif
		const size_t i0 = i * job->chunk;

		if (i0 >= job->count) {
			return NULL;
		}
		job->fn(job->ctx, i0, job->count - i0 < job->chunk ? job->count : i0 + job->chunk);
	}
}

void gru_cpu_run_chunks(gru_rows_fn fn, void *ctx, size_t count, size_t chunk, size_t threads)
{
	gru_chunks_job job;
#if GRU_HAVE_PTHREAD
	pthread_t ids[GRU_MAX_THREADS];
	pthread_attr_t attr;
	const pthread_attr_t *member;
	size_t i, started = 1;
#endif

	job.fn = fn;
	job.ctx = ctx;
	job.count = count;
	job.chunk = chunk > 0 ? chunk : 1;
	job.next = 0;
	if (threads > GRU_MAX_THREADS) {
		threads = GRU_MAX_THREADS;
	}
#if GRU_HAVE_PTHREAD
	member = member_attrs(&attr, threads);
	for (i = 1; i < threads && pthread_create(&ids[i], member, gru_chunks_worker, &job) == 0; i++) {
		started++;
	}
	if (member != NULL) {
		pthread_attr_destroy(&attr);
	}
	gru_chunks_worker(&job);
	for (i = 1; i < started; i++) {
		pthread_join(ids[i], NULL);
	}
#else
	(void)threads;
	gru_chunks_worker(&job);
#endif
}

void gru_cpu_run_pass(gru_rows_fn fn, void *ctx, size_t count, size_t align, size_t per_thread, double values,
		double min_values)
{
	/* a pass is not FLOPs: the thread count only, capped by the pieces */
	const size_t threads = values >= min_values ? gru_cpu_loop_threads(count / align, GRU_THREAD_MIN_FLOPS) : 1;

	gru_cpu_run_chunks(fn, ctx, count,
			threads > 1 ? (count / (per_thread * threads) + align - 1) / align * align : count, threads);
}

/* One chunk per thread: the same runner, each thread taking one range (a late one may find none left). */
void gru_cpu_run_rows(gru_rows_fn fn, void *ctx, size_t rows, size_t threads)
{
	if (threads > rows) {
		threads = rows;
	}
	if (threads <= 1) {
		fn(ctx, 0, rows);
		return;
	}
	gru_cpu_run_chunks(fn, ctx, rows, (rows + threads - 1) / threads, threads);
}

/*
 * Sense-counting barrier: the last member to arrive resets the count and
 * moves the generation on; the others wait for the generation to change.
 * `ready` holds the members back until the caller knows how many started.
 */
struct gru_team {
	size_t count;
	size_t arrived;
	unsigned generation;
	int ready;
};

typedef struct {
	gru_team_fn fn;
	void *ctx;
	size_t index;
	gru_team *team;
} gru_team_job;

/* Spins before yielding: 2000 pause instructions (0.01 to 0.1 ms, by CPU model), then sched_yield() between looks. */
#define GRU_SPINS_BEFORE_YIELD 2000

#if GRU_HAVE_PTHREAD
static void relax(unsigned spins)
{
	if (spins < GRU_SPINS_BEFORE_YIELD) {
# if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
# endif
	} else {
		sched_yield();
	}
}

static void *gru_team_thread(void *arg)
{
	const gru_team_job *job = (const gru_team_job *)arg;
	unsigned spins = 0;

	while (!__atomic_load_n(&job->team->ready, __ATOMIC_ACQUIRE)) {
		relax(spins++);
	}
	job->fn(job->ctx, job->index, job->team->count, job->team);
	return NULL;
}
#endif

void gru_team_barrier(gru_team *team)
{
#if GRU_HAVE_PTHREAD
	unsigned generation, spins = 0;

	if (team == NULL || team->count <= 1) {
		return;
	}
	generation = __atomic_load_n(&team->generation, __ATOMIC_ACQUIRE);
	if (__atomic_add_fetch(&team->arrived, 1, __ATOMIC_ACQ_REL) == team->count) {
		__atomic_store_n(&team->arrived, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&team->generation, generation + 1, __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&team->generation, __ATOMIC_ACQUIRE) == generation) {
		relax(spins++);
	}
#else
	(void)team;
#endif
}

void gru_team_run(gru_team_fn fn, void *ctx, size_t threads)
{
	gru_team team;
#if GRU_HAVE_PTHREAD
	gru_team_job jobs[GRU_MAX_THREADS];
	pthread_t ids[GRU_MAX_THREADS];
	pthread_attr_t attr;
	const pthread_attr_t *member;
	size_t i;
#endif

	team.count = 1;
	team.arrived = 0;
	team.generation = 0;
	team.ready = 0;
	if (threads > GRU_MAX_THREADS) {
		threads = GRU_MAX_THREADS;
	}
#if GRU_HAVE_PTHREAD
	/* members start in order; the first that cannot be created ends the team there */
	member = member_attrs(&attr, threads);
	for (i = 1; i < threads; i++) {
		jobs[i].fn = fn;
		jobs[i].ctx = ctx;
		jobs[i].index = i;
		jobs[i].team = &team;
		if (pthread_create(&ids[i], member, gru_team_thread, &jobs[i]) != 0) {
			break;
		}
		team.count = i + 1;
	}
	if (member != NULL) {
		pthread_attr_destroy(&attr);
	}
	__atomic_store_n(&team.ready, 1, __ATOMIC_RELEASE);
	fn(ctx, 0, team.count, &team);
	for (i = 1; i < team.count; i++) {
		pthread_join(ids[i], NULL);
	}
#else
	(void)threads;
	fn(ctx, 0, 1, &team);
#endif
}

void gru_cpu_run_loop(gru_team_fn team_fn, gru_rows_fn rows_fn, void *ctx, size_t rows, size_t team,
		size_t threads)
{
	if (team_fn != NULL && team > 1) {
		gru_team_run(team_fn, ctx, team);
	} else {
		gru_cpu_run_rows(rows_fn, ctx, rows, threads);
	}
}
