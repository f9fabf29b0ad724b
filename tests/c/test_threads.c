/*
 * Tests of where the core's threads may run (src/gru_cpu_threads.c): the
 * threads a call starts beside the caller are allowed every CPU the
 * caller may use but one (the caller's, when they were started), and get
 * the caller's own mask where fewer CPUs are left than members; and the
 * work is done either way. Linux with glibc only (elsewhere the mask is
 * not set, and there is nothing to check): run by `make check`.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gru_cpu_threads.h"
#include "test_check.h"

#if defined(__linux__) && defined(__GLIBC__)

/* What the members of one run saw: their affinity masks, and how many ran. */
typedef struct {
	pthread_t caller;
	cpu_set_t member_mask;
	int members;          /* calls of fn on a thread other than the caller */
	int calls;
	int arrived;          /* gru_cpu_run_chunks: chunks begun, to make both threads take one */
	int waited_too_long;
} seen;

static void note_member(seen *s)
{
	if (!pthread_equal(pthread_self(), s->caller)) {
		cpu_set_t mask;

		if (sched_getaffinity(0, sizeof(mask), &mask) == 0) {
			s->member_mask = mask;
		}
		__atomic_add_fetch(&s->members, 1, __ATOMIC_ACQ_REL);
	}
	__atomic_add_fetch(&s->calls, 1, __ATOMIC_ACQ_REL);
}

static void team_member(void *ctx, size_t index, size_t count, gru_team *team)
{
	(void)index;
	(void)count;
	note_member((seen *)ctx);
	gru_team_barrier(team);
}

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/*
 * One chunk of two: each waits (up to 10 s, then gives up and says so)
 * until the other has begun, so that the caller cannot take both chunks
 * before the member starts and each thread runs one.
 */
static void chunk_member(void *ctx, size_t i0, size_t i1)
{
	seen *s = (seen *)ctx;
	const double give_up = seconds_now() + 10.0;

	(void)i0;
	(void)i1;
	note_member(s);
	__atomic_add_fetch(&s->arrived, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&s->arrived, __ATOMIC_ACQUIRE) < 2) {
		if (seconds_now() > give_up) {
			s->waited_too_long = 1;
			return;
		}
		sched_yield();
	}
}

/* The member's mask given the caller's: every CPU of it but one, or all of it where it holds one CPU only. */
static void check_mask(const char *what, const cpu_set_t *caller_mask, const seen *s)
{
	cpu_set_t both;
	const int allowed = CPU_COUNT(caller_mask);

	CHECK(s->members == 1, "%s: %d calls on a member thread, expected 1 (of %d calls)", what, s->members, s->calls);
	if (s->members != 1) {
		return;
	}
	CPU_AND(&both, caller_mask, &s->member_mask);
	CHECK(CPU_EQUAL(&both, &s->member_mask), "%s: the member may run on CPUs the caller may not", what);
	if (allowed >= 2) {
		CHECK(CPU_COUNT(&s->member_mask) == allowed - 1,
				"%s: the member may run on %d CPUs, expected %d (the caller's %d but its own)", what,
				CPU_COUNT(&s->member_mask), allowed - 1, allowed);
	} else {
		CHECK(CPU_EQUAL(&s->member_mask, caller_mask), "%s: the caller has one CPU; the member's mask is not the caller's",
				what);
	}
}

static void run_both(const char *label, const cpu_set_t *caller_mask)
{
	seen s;
	char what[96];

	memset(&s, 0, sizeof(s));
	s.caller = pthread_self();
	gru_team_run(team_member, &s, 2);
	snprintf(what, sizeof(what), "gru_team_run, %s", label);
	CHECK(s.calls == 2, "%s: fn called %d times, expected 2", what, s.calls);
	check_mask(what, caller_mask, &s);

	memset(&s, 0, sizeof(s));
	s.caller = pthread_self();
	gru_cpu_run_chunks(chunk_member, &s, 2, 1, 2);
	snprintf(what, sizeof(what), "gru_cpu_run_chunks, %s", label);
	CHECK(s.calls == 2 && !s.waited_too_long, "%s: fn called %d times, expected 2, each on its own thread%s", what,
			s.calls, s.waited_too_long ? " (one waited 10 s for the other)" : "");
	check_mask(what, caller_mask, &s);
}

static void test_member_masks(void)
{
	cpu_set_t mask, one;
	int cpu;

	if (sched_getaffinity(0, sizeof(mask), &mask) != 0) {
		printf("skipped: sched_getaffinity failed\n");
		return;
	}
	run_both("the process's CPUs", &mask);

	/* the caller held to one CPU: no CPU is left to the member, which gets the caller's mask and still runs */
	cpu = sched_getcpu();
	if (cpu < 0 || cpu >= CPU_SETSIZE) {
		printf("skipped (one CPU): sched_getcpu failed\n");
		return;
	}
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one) != 0) {
		printf("skipped (one CPU): sched_setaffinity failed\n");
		return;
	}
	run_both("the caller on one CPU", &one);
	CHECK(sched_setaffinity(0, sizeof(mask), &mask) == 0, "could not give the caller its CPUs back");
}

#endif

int main(void)
{
#if defined(__linux__) && defined(__GLIBC__)
	test_member_masks();
#else
	printf("skipped: the members' CPU mask is set on Linux with glibc only\n");
#endif
	return test_summary();
}
