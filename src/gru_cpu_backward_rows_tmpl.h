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

/* acc += src * mask over n contiguous elements. */
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
 * The passes of a step work on a share (gru_cpu_backward_tmpl.h): batch
 * rows [b0, b1) and units [u0, u0 + w). Pointers to rows of dh, dout, drh
 * and the mask are offset by u0; dg's row too, its gate blocks units
 * apart; `at` is the offset of the share's row in the trace (row * H + u0).
 */

/*
 * First pass of one row of a share: dh (the row of the state gradient)
 * becomes dh z, and the row of dg gets dz and dxh (and, reset_after, dr
 * and dgh).
 */
GRU_ROWS_ATTR
static void GRU_ROWS(backward_row)(const gru_problem *p, size_t w, GRU_REAL *restrict dh,
		const GRU_REAL *restrict dout, int live, const GRU_SFX(bwd_trace) *tr, size_t at, GRU_REAL *restrict dg)
{
	const size_t units = p->units;
	const size_t blocks = p->reset_after ? 4 : 3;
	GRU_REAL *restrict dz = dg;
	GRU_REAL *restrict dr = dg + units;
	GRU_REAL *restrict dxh = dg + (blocks - 1) * units;
	const GRU_REAL *restrict hp = tr->hprev + at;
	const GRU_REAL *restrict z = tr->z + at;
	const GRU_REAL *restrict hh = tr->hh + at;
	size_t j;

	if (dout != NULL) {
		for (j = 0; j < w; j++) {
			dh[j] += dout[j];
		}
	}
	if (!live) {
		for (j = 0; j < blocks; j++) {
			memset(dg + j * units, 0, w * sizeof(GRU_REAL));
		}
		return;
	}
	for (j = 0; j < w; j++) {
		const GRU_REAL d = dh[j];

		dz[j] = d * (hp[j] - hh[j]);
		dxh[j] = d * ((GRU_REAL)1 - z[j]);
		dh[j] = d * z[j];
	}
	GRU_SFX(gru_mul_activation_grad)(p->recurrent_activation, z, dz, w);
	GRU_SFX(gru_mul_activation_grad)(p->activation, hh, dxh, w);
	if (p->reset_after) {
		const GRU_REAL *restrict r = tr->r + at;
		const GRU_REAL *restrict ih = tr->aux + at;
		GRU_REAL *restrict dgh = dg + 2 * units;

		for (j = 0; j < w; j++) {
			dr[j] = dxh[j] * ih[j];
			dgh[j] = dxh[j] * r[j];
		}
		GRU_SFX(gru_mul_activation_grad)(p->recurrent_activation, r, dr, w);
	}
}

/*
 * reset before, second pass of one live row of a share: drh = dxh U_h^T
 * is known. Without recurrent dropout (m NULL), dh gets drh r. With it
 * (m the row of the mask), the candidate read r * hd with hd = hprev m: dr
 * uses hd, and drh becomes drh r, the first part of the gradient of hd,
 * which the caller completes and adds to dh through the mask.
 */
GRU_ROWS_ATTR
static void GRU_ROWS(backward_before_row)(const gru_problem *p, size_t w, GRU_REAL *restrict dh,
		GRU_REAL *restrict drh, const GRU_REAL *restrict m, const GRU_SFX(bwd_trace) *tr, size_t at,
		GRU_REAL *restrict dg)
{
	GRU_REAL *restrict dr = dg + p->units;
	const GRU_REAL *restrict hp = tr->hprev + at;
	const GRU_REAL *restrict r = tr->r + at;
	size_t j;

	if (m == NULL) {
		for (j = 0; j < w; j++) {
			dr[j] = drh[j] * hp[j];
			dh[j] += drh[j] * r[j];
		}
	} else {
		for (j = 0; j < w; j++) {
			dr[j] = drh[j] * hp[j] * m[j];
			drh[j] *= r[j];
		}
	}
	GRU_SFX(gru_mul_activation_grad)(p->recurrent_activation, r, dr, w);
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

/*
 * Adds the bias gradients of step t's rows of a share into db: reset
 * before [3H], each row of dG [dz | dr | dxh]; reset_after [2, 3H], the
 * input side [dz | dr | dxh] and the recurrent side's dgh at 5H (its
 * [dz | dr] is the input side's, copied once after the loop).
 */
GRU_ROWS_ATTR
static void GRU_ROWS(step_bias_sums)(const GRU_SFX(bwd_share) *sh, size_t t, GRU_REAL *db)
{
	const gru_problem *p = sh->loop->p;
	const size_t units = p->units;
	size_t b;

	for (b = sh->b0; b < sh->b1; b++) {
		const GRU_REAL *row = GRU_SFX(bwd_dg_row)(sh->loop, b, t);

		if (p->reset_after) {
			GRU_ROWS(add_row)(db, row, 2 * units);
			GRU_ROWS(add_row)(db + 2 * units, row + 3 * units, units);
			GRU_ROWS(add_row)(db + 5 * units, row + 2 * units, units);
		} else {
			GRU_ROWS(add_row)(db, row, 3 * units);
		}
	}
}

/* First pass of step t over a share. */
GRU_ROWS_ATTR
static void GRU_ROWS(pass_backward)(const GRU_SFX(bwd_share) *sh, size_t t)
{
	const GRU_SFX(bwd_loop) *c = sh->loop;
	const gru_problem *p = c->p;
	const size_t units = p->units, steps = p->steps, u0 = sh->u0;
	size_t b;

	for (b = sh->b0; b < sh->b1; b++) {
		const size_t row = b * steps + t;

		GRU_ROWS(backward_row)(p, sh->w, c->dh + b * units + u0,
				(p->return_sequences && c->dout != NULL) ? c->dout + row * units + u0 : NULL,
				c->mask == NULL || c->mask[row] != 0, &c->tr, row * units + u0, GRU_SFX(bwd_dg_row)(c, b, t) + u0);
	}
}

/* reset before: second pass of step t over a share, drh known there. */
GRU_ROWS_ATTR
static void GRU_ROWS(pass_backward_before)(const GRU_SFX(bwd_share) *sh, size_t t)
{
	const GRU_SFX(bwd_loop) *c = sh->loop;
	const gru_problem *p = c->p;
	const size_t units = p->units, steps = p->steps, u0 = sh->u0;
	size_t b;

	for (b = sh->b0; b < sh->b1; b++) {
		const size_t row = b * steps + t;

		if (c->mask == NULL || c->mask[row] != 0) {
			GRU_ROWS(backward_before_row)(p, sh->w, c->dh + b * units + u0, c->drh + b * units + u0,
					c->rec_drop != NULL ? c->rec_drop + b * units + u0 : NULL, &c->tr, row * units + u0,
					GRU_SFX(bwd_dg_row)(c, b, t) + u0);
		}
	}
}

/* With recurrent dropout, over a share: dh += drh * mask (the GEMMs' part of dh went through hd). */
GRU_ROWS_ATTR
static void GRU_ROWS(add_dropped_share)(const GRU_SFX(bwd_share) *sh)
{
	const GRU_SFX(bwd_loop) *c = sh->loop;
	const size_t units = c->p->units;
	size_t b;

	for (b = sh->b0; b < sh->b1; b++) {
		const size_t off = b * units + sh->u0;

		GRU_ROWS(add_dropped)(c->dh + off, c->drh + off, c->rec_drop + off, sh->w);
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
