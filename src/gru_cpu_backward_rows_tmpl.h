/*
 * The element-wise passes of the CPU backward, included by
 * gru_cpu_backward_tmpl.h once per instruction set, with GRU_REAL,
 * GRU_SFX(name), GRU_ROWS(name) and GRU_ROWS_ATTR defined.
 * No include guard on purpose.
 */

#include "gru_cpu_dropout_rows_tmpl.h"

/* v *= mask, row by row, in place (groups and rows as for dropout_rows). */
GRU_ROWS_ATTR
static void GRU_ROWS(dropout_rows_inplace)(GRU_REAL *restrict v, const GRU_REAL *restrict mask,
		size_t outer, size_t reps, size_t width)
{
	size_t b, t, i;

	for (b = 0; b < outer; b++) {
		const GRU_REAL *restrict m = mask + b * width;

		for (t = 0; t < reps; t++) {
			GRU_REAL *restrict row = v + (b * reps + t) * width;

			for (i = 0; i < width; i++) {
				row[i] *= m[i];
			}
		}
	}
}

/* acc += src * mask over n contiguous elements (acc, src, mask all [B, H]). */
GRU_ROWS_ATTR
static void GRU_ROWS(add_dropped)(GRU_REAL *restrict acc, const GRU_REAL *restrict src,
		const GRU_REAL *restrict mask, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		acc[i] += src[i] * mask[i];
	}
}

/*
 * First pass of one batch row: dh (the row of the state gradient) becomes
 * dh z, and the row of dg gets dz and dxh (and, reset_after, dr and dgh).
 */
GRU_ROWS_ATTR
static void GRU_ROWS(backward_row)(const gru_problem *p, GRU_REAL *restrict dh, const GRU_REAL *restrict dout,
		int live, const GRU_SFX(bwd_trace) *tr, size_t row, GRU_REAL *restrict dg)
{
	const size_t units = p->units;
	const size_t width = p->reset_after ? 4 * units : 3 * units;
	GRU_REAL *restrict dz = dg;
	GRU_REAL *restrict dr = dg + units;
	GRU_REAL *restrict dxh = dg + (p->reset_after ? 3 : 2) * units;
	const GRU_REAL *restrict hp = tr->hprev + row * units;
	const GRU_REAL *restrict z = tr->z + row * units;
	const GRU_REAL *restrict hh = tr->hh + row * units;
	size_t j;

	if (dout != NULL) {
		for (j = 0; j < units; j++) {
			dh[j] += dout[j];
		}
	}
	if (!live) {
		memset(dg, 0, width * sizeof(GRU_REAL));
		return;
	}
	for (j = 0; j < units; j++) {
		const GRU_REAL d = dh[j];

		dz[j] = d * (hp[j] - hh[j]);
		dxh[j] = d * ((GRU_REAL)1 - z[j]);
		dh[j] = d * z[j];
	}
	GRU_SFX(gru_mul_activation_grad)(p->recurrent_activation, z, dz, units);
	GRU_SFX(gru_mul_activation_grad)(p->activation, hh, dxh, units);
	if (p->reset_after) {
		const GRU_REAL *restrict r = tr->r + row * units;
		const GRU_REAL *restrict ih = tr->aux + row * units;
		GRU_REAL *restrict dgh = dg + 2 * units;

		for (j = 0; j < units; j++) {
			dr[j] = dxh[j] * ih[j];
			dgh[j] = dxh[j] * r[j];
		}
		GRU_SFX(gru_mul_activation_grad)(p->recurrent_activation, r, dr, units);
	}
}

/*
 * reset before, second pass of one live row: drh = dxh U_h^T is known.
 * Without recurrent dropout (m NULL), dh gets drh r. With it (m the row of
 * the mask), the candidate read r * hd with hd = hprev m: dr uses hd, and
 * drh becomes drh r, the first part of the gradient of hd, which the
 * caller completes and adds to dh through the mask.
 */
GRU_ROWS_ATTR
static void GRU_ROWS(backward_before_row)(const gru_problem *p, GRU_REAL *restrict dh,
		GRU_REAL *restrict drh, const GRU_REAL *restrict m, const GRU_SFX(bwd_trace) *tr, size_t row,
		GRU_REAL *restrict dg)
{
	const size_t units = p->units;
	GRU_REAL *restrict dr = dg + units;
	const GRU_REAL *restrict hp = tr->hprev + row * units;
	const GRU_REAL *restrict r = tr->r + row * units;
	size_t j;

	if (m == NULL) {
		for (j = 0; j < units; j++) {
			dr[j] = drh[j] * hp[j];
			dh[j] += drh[j] * r[j];
		}
	} else {
		for (j = 0; j < units; j++) {
			dr[j] = drh[j] * hp[j] * m[j];
			drh[j] *= r[j];
		}
	}
	GRU_SFX(gru_mul_activation_grad)(p->recurrent_activation, r, dr, units);
}

GRU_ROWS_ATTR
static void GRU_ROWS(add_row)(GRU_REAL *restrict acc, const GRU_REAL *restrict src, size_t n)
{
	size_t j;

	for (j = 0; j < n; j++) {
		acc[j] += src[j];
	}
}

/* acc[0..n) = sum over rows of src[row * ld + j] */
GRU_ROWS_ATTR
static void GRU_ROWS(column_sums)(GRU_REAL *acc, const GRU_REAL *src, size_t rows, size_t ld, size_t n)
{
	size_t i;

	memset(acc, 0, n * sizeof(GRU_REAL));
	for (i = 0; i < rows; i++) {
		GRU_ROWS(add_row)(acc, src + i * ld, n);
	}
}

/* First pass of step t over batch rows [b0, b1). */
GRU_ROWS_ATTR
static void GRU_ROWS(pass_backward)(const gru_problem *p, GRU_REAL *dh, const GRU_REAL *dout, const uint8_t *mask,
		size_t t, const GRU_SFX(bwd_trace) *tr, GRU_REAL *dg, size_t b0, size_t b1)
{
	const size_t units = p->units, steps = p->steps;
	const size_t width = p->reset_after ? 4 * units : 3 * units;
	size_t b;

	for (b = b0; b < b1; b++) {
		const size_t row = b * steps + t;

		GRU_ROWS(backward_row)(p, dh + b * units,
				(p->return_sequences && dout != NULL) ? dout + row * units : NULL,
				mask == NULL || mask[row] != 0, tr, row, dg + row * width);
	}
}

/* reset before: second pass of step t, drh [B, H] known; rec_drop [B, H] or NULL. */
GRU_ROWS_ATTR
static void GRU_ROWS(pass_backward_before)(const gru_problem *p, GRU_REAL *dh, GRU_REAL *drh,
		const GRU_REAL *rec_drop, const uint8_t *mask, size_t t, const GRU_SFX(bwd_trace) *tr, GRU_REAL *dg,
		size_t b0, size_t b1)
{
	const size_t units = p->units, steps = p->steps;
	size_t b;

	for (b = b0; b < b1; b++) {
		const size_t row = b * steps + t;

		if (mask == NULL || mask[row] != 0) {
			GRU_ROWS(backward_before_row)(p, dh + b * units, drh + b * units,
					rec_drop != NULL ? rec_drop + b * units : NULL, tr, row, dg + row * 3 * units);
		}
	}
}

/*
 * Products of a few rows (rows <= GRU_DIRECT_MAX_ROWS: a GRUCell step, a
 * short sequence of a small batch), where OpenBLAS's set-up costs more than
 * the arithmetic. Plain loops for the vectoriser.
 *
 * small_tn: C[ni, nj] = beta C + X^T D, X [rows, ni] (leading dimension
 * ldx), D [rows, nj]: a weight gradient as a sum of rows outer products.
 */
GRU_ROWS_ATTR
static void GRU_ROWS(small_tn)(size_t ni, size_t nj, size_t rows, const GRU_REAL *x, size_t ldx,
		const GRU_REAL *d, size_t ldd, GRU_REAL beta, GRU_REAL *c, size_t ldc)
{
	size_t i, j, r;

	for (i = 0; i < ni; i++) {
		GRU_REAL *restrict ci = c + i * ldc;

		for (r = 0; r < rows; r++) {
			const GRU_REAL xr = x[r * ldx + i];
			const GRU_REAL *restrict dr = d + r * ldd;

			if (r == 0 && beta == (GRU_REAL)0) {
				for (j = 0; j < nj; j++) {
					ci[j] = xr * dr[j];
				}
			} else {
				for (j = 0; j < nj; j++) {
					ci[j] += xr * dr[j];
				}
			}
		}
	}
}

/*
 * small_nt: C[rows, ni] = beta C + A B^T, A [rows, nj], B [ni, nj]: dot
 * products along rows of both. Four outputs at a time, each summed in
 * GRU_NT_LANES partial sums (four named arrays, so that they live in
 * registers), give the vectoriser independent chains without reassociating
 * anything it was not told to.
 */
#ifndef GRU_NT_LANES
# define GRU_NT_LANES 16
#endif
GRU_ROWS_ATTR
static void GRU_ROWS(small_nt)(size_t rows, size_t ni, size_t nj, const GRU_REAL *a, size_t lda,
		const GRU_REAL *b, size_t ldb, GRU_REAL beta, GRU_REAL *c, size_t ldc)
{
	const size_t nv = nj / GRU_NT_LANES * GRU_NT_LANES;
	size_t r, i, j, l;

	for (r = 0; r < rows; r++) {
		const GRU_REAL *restrict ar = a + r * lda;
		GRU_REAL *restrict cr = c + r * ldc;

		for (i = 0; i < ni; i += 4) {
			const size_t nb = ni - i < 4 ? ni - i : 4;
			/* rows of B past ni repeat the last one: computed, never stored */
			const GRU_REAL *restrict b0 = b + i * ldb;
			const GRU_REAL *restrict b1 = b + (nb > 1 ? i + 1 : i) * ldb;
			const GRU_REAL *restrict b2 = b + (nb > 2 ? i + 2 : i) * ldb;
			const GRU_REAL *restrict b3 = b + (nb > 3 ? i + 3 : i) * ldb;
			GRU_REAL s0[GRU_NT_LANES], s1[GRU_NT_LANES], s2[GRU_NT_LANES], s3[GRU_NT_LANES], t[4];

			for (l = 0; l < GRU_NT_LANES; l++) {
				s0[l] = s1[l] = s2[l] = s3[l] = 0;
			}
			for (j = 0; j < nv; j += GRU_NT_LANES) {
				for (l = 0; l < GRU_NT_LANES; l++) {
					s0[l] += ar[j + l] * b0[j + l];
					s1[l] += ar[j + l] * b1[j + l];
					s2[l] += ar[j + l] * b2[j + l];
					s3[l] += ar[j + l] * b3[j + l];
				}
			}
			t[0] = t[1] = t[2] = t[3] = 0;
			for (l = 0; l < GRU_NT_LANES; l++) {
				t[0] += s0[l];
				t[1] += s1[l];
				t[2] += s2[l];
				t[3] += s3[l];
			}
			for (j = nv; j < nj; j++) {
				t[0] += ar[j] * b0[j];
				t[1] += ar[j] * b1[j];
				t[2] += ar[j] * b2[j];
				t[3] += ar[j] * b3[j];
			}
			for (l = 0; l < nb; l++) {
				cr[i + l] = (beta == (GRU_REAL)0 ? (GRU_REAL)0 : cr[i + l]) + t[l];
			}
		}
	}
}
