/*
 * The dropout pass shared by the CPU forward and backward: rows scaled
 * element-wise by a per-sequence mask. Included by
 * gru_cpu_forward_rows_tmpl.h and gru_cpu_backward_rows_tmpl.h, with
 * GRU_REAL, GRU_ROWS(name) and GRU_ROWS_ATTR defined.
 * No include guard on purpose.
 *
 * It walks `outer` groups of `reps` rows of `width` elements; every row of
 * group b is scaled by row b of the mask ([outer, width]): reps = steps for
 * the [B*T, I] inputs (one mask row per sequence, reused at every step),
 * reps = 1 for a [B, H] state.
 */

/* dst = src * mask, row by row; dst and src do not overlap. */
GRU_ROWS_ATTR
static void GRU_ROWS(dropout_rows)(GRU_REAL *restrict dst, const GRU_REAL *restrict src,
		const GRU_REAL *restrict mask, size_t outer, size_t reps, size_t width)
{
	size_t b, t, i;

	for (b = 0; b < outer; b++) {
		const GRU_REAL *restrict m = mask + b * width;

		for (t = 0; t < reps; t++) {
			const size_t off = (b * reps + t) * width;

			for (i = 0; i < width; i++) {
				dst[off + i] = src[off + i] * m[i];
			}
		}
	}
}
