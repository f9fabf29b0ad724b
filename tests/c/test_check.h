/*
 * The check of the C tests (test_gru.c, test_init.c, test_threads.c): a
 * condition counted as passed or failed, a failure printed with its place
 * and a printf-style message; test_summary() prints the counts and gives
 * main()'s exit status. Each test program includes it once.
 */
#ifndef RINDOW_GRU_TEST_CHECK_H
#define RINDOW_GRU_TEST_CHECK_H

#include <stdio.h>

static int passed = 0;
static int failed = 0;

#define CHECK(cond, ...) do { \
		if (cond) { \
			passed++; \
		} else { \
			failed++; \
			printf("FAIL %s:%d: ", __FILE__, __LINE__); \
			printf(__VA_ARGS__); \
			printf("\n"); \
		} \
	} while (0)

static int test_summary(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}

#endif /* RINDOW_GRU_TEST_CHECK_H */
