/*
 * libFuzzer harness of the core's size arithmetic: gru_problem_check(),
 * gru_forward_workspace_bytes(), gru_trace_bytes(),
 * gru_backward_workspace_bytes() and gru_weight_sizes(), on problems whose
 * dimensions are decoded from the input with a bias to the edges: small,
 * powers of two and their neighbours, 2^32 +- k, SIZE_MAX - k, SIZE_MAX / k.
 *
 * Checked:
 *   - the exact (128-bit) byte sizes of inputs, outputs and weights, and
 *     the 4 * batch*steps*units elements the trace needs at least (z, r, hh,
 *     previous states), fit in size_t whenever the functions say GRU_OK;
 *     gru_weight_sizes() is exact;
 *   - no wrapped value: where a problem is GRU_OK, the same problem with
 *     any one dimension halved is GRU_OK too and needs no more bytes of any
 *     kind (a product that wrapped would usually shrink), but for the
 *     forward workspace with the batch halved below 16 rows, which may
 *     grow by up to its all-steps input projection (the ring, see
 *     gru_forward_projects_in_chunks);
 *   - a refused problem has code == status.code, a nonempty message
 *     that says "overflow" for GRU_E_OVERFLOW, and leaves *bytes alone;
 *   - gru_forward()/gru_backward() on a refused problem, or on one past
 *     OpenBLAS's integer (GRU_E_UNSUPPORTED), return that error without
 *     touching the 1-byte buffers they are given (ASan would see it).
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "gru.h"
#include "gru_cpu_internal.h"

typedef unsigned __int128 u128;

#define FAIL(...) do { \
		fprintf(stderr, "fuzz_gru_sizes: "); \
		fprintf(stderr, __VA_ARGS__); \
		fprintf(stderr, "\n  problem: B=%zu T=%zu I=%zu H=%zu dtype=%d ra=%d bias=%d drop=%d/%d\n", \
				p.batch, p.steps, p.features, p.units, (int)p.dtype, p.reset_after, p.use_bias, \
				p.input_dropout, p.recurrent_dropout); \
		abort(); \
	} while (0)

typedef struct {
	const uint8_t *p;
	size_t n;
} reader;

static uint8_t rd_u8(reader *r)
{
	if (r->n == 0) {
		return 0;
	}
	r->n--;
	return *r->p++;
}

static uint64_t rd_u64(reader *r)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		v = (v << 8) | rd_u8(r);
	}
	return v;
}

/* A dimension with a bias to the edges of size_t arithmetic. */
static size_t rd_dim(reader *r)
{
	uint8_t sel = rd_u8(r), k = rd_u8(r);
	size_t small = k % 17;

	switch (sel % 8) {
		case 0:
			return small;                                  /* 0..16, 0 is invalid */
		case 1:
			return ((size_t)1 << (k % 64)) + (small % 3) - 1;  /* 2^n - 1, 2^n, 2^n + 1 */
		case 2:
			return SIZE_MAX - small;
		case 3:
			return SIZE_MAX / (small + 1) + (k >> 7);
		case 4:
			return ((size_t)1 << 32) + small - 8;
		case 5:
			return ((size_t)1 << 21) + small;             /* cubes near 2^63 */
		case 6:
			return (size_t)rd_u64(r);
		default:
			return (size_t)INT_MAX / (small + 1) + (k >> 7);  /* OpenBLAS's int */
	}
}

typedef struct {
	gru_status_code check, fw, tr, bw, w;
	size_t fw_bytes, tr_bytes, bw_bytes, k, u, b;
} sizes;

static void check_status(const gru_problem *pp, gru_status_code code, const gru_status *st, const char *what)
{
	const gru_problem p = *pp;

	/*
	 * On success the size functions leave the status as it was (only
	 * gru_forward/gru_backward clear it first), so code == status.code is
	 * checked on errors only.
	 */
	if (code != GRU_OK) {
		if (code != st->code) {
			FAIL("%s returned %d but status.code is %d", what, (int)code, (int)st->code);
		}
		if (memchr(st->message, '\0', sizeof(st->message)) == NULL || st->message[0] == '\0') {
			FAIL("%s: code %d with an empty or unterminated message", what, (int)code);
		}
		if (code == GRU_E_OVERFLOW && strstr(st->message, "overflow") == NULL) {
			FAIL("%s: GRU_E_OVERFLOW whose message does not say overflow: %s", what, st->message);
		}
	}
}

static sizes measure(const gru_problem *pp)
{
	const gru_problem p = *pp;
	sizes s;
	gru_status st;
	size_t tmp;
	const size_t poison = (size_t)0xDEADBEEF;

	memset(&s, 0, sizeof(s));
	s.fw_bytes = s.tr_bytes = s.bw_bytes = s.k = s.u = s.b = poison;
	memset(&st, 0x5A, sizeof(st));
	s.check = gru_problem_check(pp, &st);
	check_status(pp, s.check, &st, "gru_problem_check");
	s.fw = gru_forward_workspace_bytes(pp, &s.fw_bytes, &st);
	check_status(pp, s.fw, &st, "gru_forward_workspace_bytes");
	s.tr = gru_trace_bytes(pp, &s.tr_bytes, &st);
	check_status(pp, s.tr, &st, "gru_trace_bytes");
	s.bw = gru_backward_workspace_bytes(pp, &s.bw_bytes, &st);
	check_status(pp, s.bw, &st, "gru_backward_workspace_bytes");
	s.w = gru_weight_sizes(pp, &s.k, &s.u, &s.b, &st);
	check_status(pp, s.w, &st, "gru_weight_sizes");
	/* a NULL status is allowed and gives the same answers */
	if (gru_problem_check(pp, NULL) != s.check || gru_trace_bytes(pp, &tmp, NULL) != s.tr) {
		FAIL("answers differ with a NULL status");
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	reader rd = {data, size};
	gru_problem p;
	sizes s;
	uint8_t f;
	size_t es;
	int invalid_enum = 0;
	u128 rows, n_in, n_out, n_k, n_u, n_b, n_tr;
	const u128 max = SIZE_MAX;

	memset(&p, 0, sizeof(p));
	if (size < 3) {
		return 0;
	}
	f = rd_u8(&rd);
	p.dtype = (f & 1) ? GRU_FLOAT64 : GRU_FLOAT32;
	if ((f & 0x81) == 0x81) {
		p.dtype = (gru_dtype)(rd_u8(&rd) % 16);   /* mostly invalid */
	}
	p.reset_after = (f >> 1) & 1;
	p.use_bias = (f >> 2) & 1;
	p.input_dropout = (f >> 3) & 1;
	p.recurrent_dropout = (f >> 4) & 1;
	p.go_backwards = (f >> 5) & 1;
	p.return_sequences = (f >> 6) & 1;
	p.activation = GRU_ACT_TANH;
	p.recurrent_activation = GRU_ACT_SIGMOID;
	f = rd_u8(&rd);
	if (f >= 0xF0) {
		p.activation = (gru_activation)(f & 7);
		p.recurrent_activation = (gru_activation)((f >> 3) & 1 ? -1 : 2);
	}
	p.batch = rd_dim(&rd);
	p.steps = rd_dim(&rd);
	p.features = rd_dim(&rd);
	p.units = rd_dim(&rd);

	s = measure(&p);
	invalid_enum = (p.dtype != GRU_FLOAT32 && p.dtype != GRU_FLOAT64) || (unsigned)p.activation > 4
		|| (unsigned)p.recurrent_activation > 4;
	if (p.batch == 0 || p.steps == 0 || p.features == 0 || p.units == 0 || invalid_enum) {
		if (s.check != GRU_E_INVALID) {
			FAIL("a zero dimension or an invalid enum gave %d, not GRU_E_INVALID", (int)s.check);
		}
	}
	if (s.check != GRU_OK) {
		if (s.fw == GRU_OK || s.tr == GRU_OK || s.bw == GRU_OK) {
			FAIL("gru_problem_check refused (%d) but a *_bytes function said OK", (int)s.check);
		}
		if (s.fw_bytes != (size_t)0xDEADBEEF || s.tr_bytes != (size_t)0xDEADBEEF || s.bw_bytes != (size_t)0xDEADBEEF) {
			FAIL("a refusing *_bytes function wrote *bytes");
		}
	} else if (s.fw != GRU_OK || s.tr != GRU_OK || s.bw != GRU_OK || s.w != GRU_OK) {
		FAIL("gru_problem_check said OK but a size function refused");
	}

	es = p.dtype == GRU_FLOAT64 ? 8 : 4;
	rows = (u128)p.batch * p.steps;
	n_in = rows * p.features;                 /* can exceed 128 bits only past 2^192: not here */
	n_out = rows * p.units;
	n_k = (u128)p.features * 3 * p.units;
	n_u = (u128)p.units * 3 * p.units;
	n_b = p.use_bias ? (u128)3 * p.units * (p.reset_after ? 2 : 1) : 0;
	n_tr = n_out * 4;
	if (s.check == GRU_OK) {
		/* products of three 64-bit numbers may pass 2^128: then the checks below are moot and already failed */
		if ((p.batch && rows / p.batch != p.steps) || (rows && n_in / rows != p.features)
				|| (rows && n_out / rows != p.units)) {
			FAIL("GRU_OK for a problem whose sizes pass 2^128");
		}
		if (n_in * es > max || n_out * es > max || n_k * es > max || n_u * es > max || n_b * es > max) {
			FAIL("GRU_OK but an input, output or weight byte size overflows size_t");
		}
		if (n_tr * es > max || (u128)s.tr_bytes < n_tr * es) {
			FAIL("trace: %zu bytes for at least 4*%zu*%zu*%zu elements", s.tr_bytes, p.batch, p.steps, p.units);
		}
		if ((u128)s.fw_bytes < (u128)p.batch * p.units * es || (u128)s.bw_bytes < (u128)p.batch * p.units * es) {
			FAIL("workspaces smaller than one state: %zu, %zu", s.fw_bytes, s.bw_bytes);
		}
		if (s.k != n_k || s.u != n_u || s.b != n_b) {
			FAIL("gru_weight_sizes: %zu %zu %zu", s.k, s.u, s.b);
		}
		/* halving any one dimension must not fail, nor need more */
		{
			size_t *dims[4] = {&p.batch, &p.steps, &p.features, &p.units};
			int i;

			const int chunks = gru_forward_projects_in_chunks(&p);

			for (i = 0; i < 4; i++) {
				size_t saved = *dims[i];
				int halved_chunks;
				sizes h;

				if (saved < 2) {
					continue;
				}
				*dims[i] = saved / 2;
				h = measure(&p);
				halved_chunks = gru_forward_projects_in_chunks(&p);
				*dims[i] = saved;
				if (h.check != GRU_OK) {
					FAIL("dimension %d halved is refused: %d", i, (int)h.check);
				}
				/*
				 * except one growth by design: where the problem projects
				 * in chunks and its half does not (16 batch rows or more
				 * halved below 16), the forward's ring of 4 steps' input
				 * projection becomes all steps', so the half may need up to
				 * its [B*T, 3H] more; a wrapped size would be off by about
				 * 2^64, far more
				 */
				const u128 ring_growth = chunks && !halved_chunks
					? (u128)p.batch / 2 * p.steps * 3 * p.units * es : 0;

				if ((u128)h.fw_bytes > (u128)s.fw_bytes + ring_growth || h.tr_bytes > s.tr_bytes
						|| h.bw_bytes > s.bw_bytes) {
					FAIL("dimension %d halved needs more: fw %zu > %zu, trace %zu > %zu, bw %zu > %zu (a wrapped size?)",
							i, h.fw_bytes, s.fw_bytes, h.tr_bytes, s.tr_bytes, h.bw_bytes, s.bw_bytes);
				}
			}
		}
	}

	/*
	 * The entry points on 1-byte buffers: allowed only where they must
	 * refuse before touching any (an invalid problem, or one past BLAS's
	 * integer); an OK problem that fits would need real buffers.
	 */
	{
		const u128 blas_max = sizeof(blasint) >= 8 ? (u128)INT64_MAX : (u128)INT_MAX;
		const int past_blas = rows > blas_max || (u128)p.units * 4 > blas_max
			|| (u128)p.steps * p.units * 4 > blas_max || p.features > blas_max;

		if (s.check != GRU_OK || past_blas) {
			unsigned char *one = malloc(1);
			gru_weights w = {.kernel = one, .recurrent_kernel = one, .bias = one};
			gru_forward_args fa = {.inputs = one, .initial_state = one, .outputs = one, .final_state = one,
				.trace = one, .workspace = one};
			gru_backward_args ba = {.inputs = one, .trace = one, .d_outputs = one, .d_state = one,
				.d_inputs = one, .d_initial_state = one, .d_kernel = one, .d_recurrent_kernel = one,
				.d_bias = one, .workspace = one};
			gru_status st;
			gru_status_code code;
			const gru_status_code want = s.check != GRU_OK ? s.check : GRU_E_UNSUPPORTED;

			code = gru_forward(&p, &w, &fa, &st);
			check_status(&p, code, &st, "gru_forward");
			if (code != want) {
				FAIL("gru_forward returned %d, expected %d (%s)", (int)code, (int)want, st.message);
			}
			code = gru_backward(&p, &w, &ba, &st);
			check_status(&p, code, &st, "gru_backward");
			if (code != want) {
				FAIL("gru_backward returned %d, expected %d (%s)", (int)code, (int)want, st.message);
			}
			free(one);
		}
	}
	return 0;
}
