/*
 * xoshiro256** (Blackman and Vigna, 2018), seeded through splitmix64 as its
 * authors recommend, so that nearby seeds give unrelated streams and the
 * state is never all zero.
 */
#include <math.h>
#include <stdint.h>

#include "gru_rng.h"

static inline uint64_t gru_rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t gru_rng_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void gru_rng_seed(gru_rng *rng, uint64_t seed)
{
	uint64_t x = seed;
	int i;

	for (i = 0; i < 4; i++) {
		rng->s[i] = gru_rng_splitmix64(&x);
	}
	/* splitmix64 is a bijection of its counter, so four zero outputs cannot happen; stay safe anyway. */
	if ((rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) == 0) {
		rng->s[0] = UINT64_C(0x9e3779b97f4a7c15);
	}
}

uint64_t gru_rng_next(gru_rng *rng)
{
	uint64_t *s = rng->s;
	const uint64_t result = gru_rng_rotl(s[1] * 5, 7) * 9;
	const uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = gru_rng_rotl(s[3], 45);

	return result;
}

double gru_rng_uniform(gru_rng *rng)
{
	/* 53 bits fill a double's significand exactly: k / 2^53, k < 2^53. */
	return (double)(gru_rng_next(rng) >> 11) * 0x1.0p-53;
}

void gru_rng_normal_pair(gru_rng *rng, double *first, double *second)
{
	double u, v, s, factor;

	do {
		u = 2.0 * gru_rng_uniform(rng) - 1.0;
		v = 2.0 * gru_rng_uniform(rng) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);

	factor = sqrt(-2.0 * log(s) / s);
	*first = u * factor;
	*second = v * factor;
}

double gru_rng_normal(gru_rng *rng)
{
	double first, second;

	gru_rng_normal_pair(rng, &first, &second);
	return first;
}
