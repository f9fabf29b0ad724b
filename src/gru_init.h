/*
 * Weight initializers, in C, with the caller's random generator.
 *
 * Names, defaults and fan conventions follow Rindow (which follows Keras):
 * a 2-D weight [rows, cols] has fan_in = rows and fan_out = cols; a 1-D
 * weight [n] is passed as rows = n, cols = 1 (Rindow's nodeNum for it is
 * [n, 1]).
 *
 *   zeros, ones        constants; the generator is not used (may be NULL)
 *   glorot_uniform     U(-l, l), l = sqrt(3 / max((fan_in + fan_out) / 2, 1))
 *   he_uniform         U(-l, l), l = sqrt(6 / max(fan_in, 1))
 *   lecun_uniform      U(-l, l), l = sqrt(3 / max(fan_in, 1))
 *   glorot_normal      N(0, s), s = sqrt(1 / max((fan_in + fan_out) / 2, 1)) / 0.8796...
 *   he_normal          N(0, s), s = sqrt(2 / max(fan_in, 1)) / 0.8796...
 *                      not truncated, as in Rindow (Keras truncates at 2 s)
 *   lecun_normal       N(0, s), s = sqrt(1 / max(fan_in, 1)) / 0.8796...,
 *                      truncated at 2 s, as in Keras (Rindow has no lecun_*)
 *   random_uniform     U(-0.05, 0.05)
 *   random_normal      N(0, 0.05), not truncated
 *   orthogonal         Keras's: the Q of a QR of a normal matrix, with the
 *                      signs of diag(R); orthonormal rows when rows < cols,
 *                      orthonormal columns otherwise; gain 1. Needs LAPACK
 *                      ?geqrf/?orgqr (from OpenBLAS) and a workspace.
 */
#ifndef RINDOW_GRU_INIT_H
#define RINDOW_GRU_INIT_H

#include <stddef.h>
#include <stdint.h>

#include "gru.h"
#include "gru_rng.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	GRU_INIT_ZEROS = 0,
	GRU_INIT_ONES,
	GRU_INIT_GLOROT_UNIFORM,
	GRU_INIT_GLOROT_NORMAL,
	GRU_INIT_HE_UNIFORM,
	GRU_INIT_HE_NORMAL,
	GRU_INIT_LECUN_UNIFORM,
	GRU_INIT_LECUN_NORMAL,
	GRU_INIT_ORTHOGONAL,
	GRU_INIT_RANDOM_UNIFORM,
	GRU_INIT_RANDOM_NORMAL
} gru_initializer;

/*
 * Looks up a Rindow/Keras name ("glorot_uniform", ...); -1 when unknown.
 * name need not be NUL-terminated; the match is exact (case-sensitive).
 */
int gru_initializer_from_name(const char *name, size_t length);
/* The name of a known initializer, NULL for any other value. */
const char *gru_initializer_name(gru_initializer initializer);

/*
 * Bytes of scratch gru_initialize() needs for this initializer and shape
 * (0 for all but orthogonal). Fails with GRU_E_INVALID for an unknown
 * initializer or dtype or a zero dimension, and with GRU_E_OVERFLOW when
 * rows * cols elements do not fit in size_t (or, for orthogonal, exceed
 * LAPACK's 32-bit indices).
 */
gru_status_code gru_initialize_workspace_bytes(gru_initializer initializer, gru_dtype dtype,
		size_t rows, size_t cols, size_t *bytes, gru_status *status);

/*
 * Fills data[rows*cols] (float or double by dtype, row-major). workspace
 * may be NULL when gru_initialize_workspace_bytes() said 0; otherwise it
 * holds that many bytes, aligned to 64 bytes (at least to the element
 * size). rng may be NULL for zeros and ones. The same seed, initializer,
 * dtype and shape give the same values. status is untouched on success;
 * a LAPACK failure is GRU_E_NUMERIC.
 */
gru_status_code gru_initialize(gru_initializer initializer, gru_dtype dtype, void *data,
		size_t rows, size_t cols, gru_rng *rng, void *workspace, gru_status *status);

#ifdef __cplusplus
}
#endif

#endif /* RINDOW_GRU_INIT_H */
