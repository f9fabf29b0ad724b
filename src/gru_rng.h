/*
 * A small, fast, seedable random generator (xoshiro256**), owned by the
 * caller so that the core keeps no global state and results are
 * reproducible from a seed.
 *
 * The state is the whole of the generator: copying a gru_rng forks the
 * stream, and no function keeps a cached value anywhere else.
 */
#ifndef RINDOW_GRU_RNG_H
#define RINDOW_GRU_RNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	uint64_t s[4];
} gru_rng;

/* Expands seed through splitmix64; every seed (0 included) is valid. */
void gru_rng_seed(gru_rng *rng, uint64_t seed);
/* The next 64 random bits. */
uint64_t gru_rng_next(gru_rng *rng);
/* Uniform in [0, 1), from the top 53 bits of gru_rng_next(). */
double gru_rng_uniform(gru_rng *rng);
/* Standard normal (Marsaglia's polar method; the second value is dropped). */
double gru_rng_normal(gru_rng *rng);
/* Two independent standard normals from one polar draw: half the cost per value. */
void gru_rng_normal_pair(gru_rng *rng, double *first, double *second);

#ifdef __cplusplus
}
#endif

#endif /* RINDOW_GRU_RNG_H */
