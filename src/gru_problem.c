/*
 * Problem validation and the sizes of the caller-owned buffers.
 * Every product is checked: a size that does not fit in size_t is an
 * error (GRU_E_OVERFLOW), never a wrapped value.
 */
#include <stddef.h>

#include "gru.h"
#include "gru_cpu_gemm.h"
#include "gru_cpu_internal.h"

/* *cursor is where the next buffer starts; it is moved past count elements, rounded to GRU_ALIGN. */
static int layout_add(size_t *cursor, size_t count, size_t element_size, size_t *offset)
{
	size_t bytes, end;

	if (!gru_size_mul(count, element_size, &bytes)
			|| !gru_size_add(*cursor, bytes, &end)
			|| !gru_size_add(end, GRU_ALIGN - 1, &end)) {
		return 0;
	}
	*offset = *cursor;
	*cursor = end - end % GRU_ALIGN;
	return 1;
}

static int mul3(size_t a, size_t b, size_t c, size_t *out)
{
	size_t ab;

	return gru_size_mul(a, b, &ab) && gru_size_mul(ab, c, out);
}

/*
 * Floats of the packed recurrent kernel(s) for float32 (0 for float64):
 * blocks of k x n, each rounded up to whole panels of GRU_PACK_NR_MAX.
 */
static int packed_floats(const gru_problem *problem, int transposed, size_t *out)
{
	const size_t units = problem->units;
	size_t padded, a, b;

	*out = 0;
	if (problem->dtype != GRU_FLOAT32) {
		return 1;
	}
	if (!gru_size_add(units, GRU_PACK_NR_MAX - 1, &padded)) {
		return 0;
	}
	padded -= padded % GRU_PACK_NR_MAX;   /* units rounded up to a panel */
	if (!transposed) {
		/*
		 * [H, 3H] or [H, 2H] + [H, H]: 3H rounded up is at most 3 * padded;
		 * and room for two padded panels more: the forward may pack the
		 * kernel in shares of units side by side (gru_cpu_forward_tmpl.h),
		 * whose last one rounds up on its own
		 */
		return mul3(units, padded, 3, &a) && mul3(units, GRU_PACK_NR_MAX, 2, &b) && gru_size_add(a, b, out);
	}
	/* [3H, H], or [H, H] + [2H, H] */
	if (!mul3(units, padded, 1, &a) || !mul3(units, padded, 2, &b)) {
		return 0;
	}
	return gru_size_add(a, b, out);
}

/* float32: the input kernel [features, 3H] packed for gru_gemm_packed(), 3H rounded up to a panel. */
static int packed_kernel_floats(const gru_problem *problem, size_t *out)
{
	size_t gates;

	*out = 0;
	if (problem->dtype != GRU_FLOAT32) {
		return 1;
	}
	if (!gru_size_mul(problem->units, 3, &gates) || !gru_size_add(gates, GRU_PACK_NR_MAX - 1, &gates)) {
		return 0;
	}
	gates -= gates % GRU_PACK_NR_MAX;
	return gru_size_mul(problem->features, gates, out);
}

int gru_forward_projects_in_chunks(const gru_problem *problem)
{
	return problem->dtype == GRU_FLOAT32 && problem->steps >= GRU_PACK_MIN_STEPS
		&& problem->batch >= GRU_STEP_PRODUCTS_MIN_ROWS && gru_cpu_kernel_isa() != GRU_KERNEL_PORTABLE;
}

int gru_forward_layout_compute(const gru_problem *problem, gru_forward_layout *layout)
{
	const size_t es = gru_dtype_size(problem->dtype);
	const size_t units = problem->units;
	const int before = !problem->reset_after;
	size_t gates, rows, xw_rows, n_xw, n_g, n_h, n_h2, n_packed, n_xd, n_upack, n_wpack, cursor = 0;

	if (!gru_size_mul(units, 3, &gates)
			|| !gru_size_mul(problem->batch, problem->steps, &rows)) {
		return 0;
	}
	/* the ring: rows of min(T, chunk) steps, fewer than rows */
	xw_rows = !gru_forward_projects_in_chunks(problem) ? rows
		: problem->batch * (problem->steps < GRU_PROJECTION_CHUNK_STEPS ? problem->steps : GRU_PROJECTION_CHUNK_STEPS);
	if (!gru_size_mul(xw_rows, gates, &n_xw)
			|| !gru_size_mul(rows, problem->features, &n_xd)
			|| !gru_size_mul(problem->batch, gates, &n_g)
			|| !gru_size_mul(problem->batch, units, &n_h)
			|| !gru_size_mul(n_h, 2, &n_h2)
			|| !mul3(units, units, 2, &n_packed)
			|| !packed_floats(problem, 0, &n_upack)
			|| !packed_kernel_floats(problem, &n_wpack)) {
		return 0;
	}
	if (!layout_add(&cursor, n_xw, es, &layout->xw)
			|| !layout_add(&cursor, n_g, es, &layout->g)
			|| !layout_add(&cursor, n_h2, es, &layout->h)
			|| !layout_add(&cursor, gates, es, &layout->bias)
			|| !layout_add(&cursor, units, es, &layout->brec)
			|| !layout_add(&cursor, before ? n_packed : 0, es, &layout->packed)
			|| !layout_add(&cursor, before ? n_h : 0, es, &layout->rh)
			|| !layout_add(&cursor, problem->input_dropout ? n_xd : 0, es, &layout->xd)
			|| !layout_add(&cursor, problem->recurrent_dropout ? n_h2 : 0, es, &layout->hd)
			|| !layout_add(&cursor, n_upack, es, &layout->upack)
			|| !layout_add(&cursor, n_wpack, es, &layout->wpack)
			|| !gru_size_add(cursor, GRU_ALIGN, &layout->bytes)) {
		return 0;
	}
	return 1;
}

int gru_trace_layout_compute(const gru_problem *problem, gru_trace_layout *layout)
{
	const size_t es = gru_dtype_size(problem->dtype);
	size_t n, cursor = 0;

	if (!mul3(problem->batch, problem->steps, problem->units, &n)) {
		return 0;
	}
	if (!layout_add(&cursor, n, es, &layout->hprev)
			|| !layout_add(&cursor, n, es, &layout->z)
			|| !layout_add(&cursor, n, es, &layout->r)
			|| !layout_add(&cursor, n, es, &layout->hh)
			|| !layout_add(&cursor, n, es, &layout->aux)) {
		return 0;
	}
	layout->bytes = cursor;
	return 1;
}

int gru_backward_layout_compute(const gru_problem *problem, gru_backward_layout *layout)
{
	const size_t es = gru_dtype_size(problem->dtype);
	const size_t units = problem->units;
	const int before = !problem->reset_after;
	const int rec_drop = problem->recurrent_dropout;
	size_t width, rows, n_dg, n_h, n_packed, n_xd, n_hd, n_upack, n_apack = 0, n_wpack = 0, n_bpack = 0, n_step = 0;
	size_t cursor = 0;

	/*
	 * float32: X or Hprev packed as A, W^T packed and a K slice of dG
	 * packed, for our kernels (gru_cpu_own_batched_products); a step's rows
	 * of dG where dg holds it K-sliced (the same floats: width is then a
	 * multiple of the panel width)
	 */
	if (problem->dtype == GRU_FLOAT32) {
		size_t gates, padded;

		if (!mul3(problem->batch, problem->steps, problem->features > units ? problem->features : units, &n_apack)
				|| !gru_size_mul(units, 3, &gates)
				|| !gru_size_add(problem->features, GRU_PACK_NR_MAX - 1, &padded)
				|| !gru_size_mul(gates, padded - padded % GRU_PACK_NR_MAX, &n_wpack)
				|| !gru_size_add(gates, GRU_PACK_NR_MAX - 1, &padded)
				|| !gru_size_mul(GRU_GEMM_KC, padded - padded % GRU_PACK_NR_MAX, &n_bpack)
				|| !mul3(problem->batch, units, problem->reset_after ? 4 : 3, &n_step)) {
			return 0;
		}
	}
	if (!gru_size_mul(units, problem->reset_after ? 4 : 3, &width)
			|| !gru_size_mul(problem->batch, problem->steps, &rows)
			|| !gru_size_mul(rows, width, &n_dg)
			|| !gru_size_mul(rows, problem->features, &n_xd)
			|| !gru_size_mul(rows, units, &n_hd)
			|| !gru_size_mul(problem->batch, units, &n_h)
			|| !mul3(units, units, 2, &n_packed)
			|| !packed_floats(problem, 1, &n_upack)) {
		return 0;
	}
	if (!layout_add(&cursor, n_dg, es, &layout->dg)
			|| !layout_add(&cursor, n_h, es, &layout->dh)
			|| !layout_add(&cursor, (before || rec_drop) ? n_h : 0, es, &layout->drh)
			|| !layout_add(&cursor, before ? n_packed : 0, es, &layout->packed)
			|| !layout_add(&cursor, problem->input_dropout ? n_xd : 0, es, &layout->xd)
			|| !layout_add(&cursor, rec_drop ? n_hd : 0, es, &layout->hd)
			|| !layout_add(&cursor, n_upack, es, &layout->upack)
			|| !layout_add(&cursor, n_apack, es, &layout->apack)
			|| !layout_add(&cursor, n_wpack, es, &layout->wpack)
			|| !layout_add(&cursor, n_bpack, es, &layout->bpack)
			|| !layout_add(&cursor, n_step, es, &layout->dg_step)
			|| !gru_size_add(cursor, GRU_ALIGN, &layout->bytes)) {
		return 0;
	}
	return 1;
}

static int activation_valid(gru_activation act)
{
	switch (act) {
		case GRU_ACT_LINEAR:
		case GRU_ACT_TANH:
		case GRU_ACT_SIGMOID:
		case GRU_ACT_HARD_SIGMOID:
		case GRU_ACT_RELU:
			return 1;
		default:
			return 0;
	}
}

static int weight_sizes(const gru_problem *problem, size_t *kernel, size_t *recurrent, size_t *bias)
{
	size_t gates;

	if (!gru_size_mul(problem->units, 3, &gates)
			|| !gru_size_mul(problem->features, gates, kernel)
			|| !gru_size_mul(problem->units, gates, recurrent)
			|| !gru_size_mul(gates, problem->reset_after ? 2 : 1, bias)) {
		return 0;
	}
	if (!problem->use_bias) {
		*bias = 0;
	}
	return 1;
}

/* The error of a problem whose weight sizes overflow size_t. */
static gru_status_code weight_sizes_overflow(const gru_problem *problem, gru_status *status)
{
	return gru_status_set(status, GRU_E_OVERFLOW,
			"weight sizes overflow size_t (features %zu, units %zu)", problem->features, problem->units);
}

gru_status_code gru_problem_check(const gru_problem *problem, gru_status *status)
{
	gru_forward_layout forward;
	gru_trace_layout trace;
	gru_backward_layout backward;
	size_t kernel, recurrent, bias, n_inputs, n_outputs, bytes;

	gru_status_clear(status);
	if (problem == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "problem must not be NULL");
	}
	if (problem->batch == 0) {
		return gru_status_set(status, GRU_E_INVALID, "batch must be positive, 0 given");
	}
	if (problem->steps == 0) {
		return gru_status_set(status, GRU_E_INVALID, "steps must be positive, 0 given");
	}
	if (problem->features == 0) {
		return gru_status_set(status, GRU_E_INVALID, "features must be positive, 0 given");
	}
	if (problem->units == 0) {
		return gru_status_set(status, GRU_E_INVALID, "units must be positive, 0 given");
	}
	if (problem->dtype != GRU_FLOAT32 && problem->dtype != GRU_FLOAT64) {
		return gru_status_set(status, GRU_E_INVALID,
				"dtype must be float32 (12) or float64 (13), %d given", (int)problem->dtype);
	}
	if (!activation_valid(problem->activation)) {
		return gru_status_set(status, GRU_E_INVALID,
				"activation must be linear (0), tanh (1), sigmoid (2), hard_sigmoid (3) or relu (4), %d given",
				(int)problem->activation);
	}
	if (!activation_valid(problem->recurrent_activation)) {
		return gru_status_set(status, GRU_E_INVALID,
				"recurrent_activation must be linear (0), tanh (1), sigmoid (2), hard_sigmoid (3) or relu (4), %d given",
				(int)problem->recurrent_activation);
	}
	if (!weight_sizes(problem, &kernel, &recurrent, &bias)
			|| !gru_size_mul(kernel, gru_dtype_size(problem->dtype), &bytes)
			|| !gru_size_mul(recurrent, gru_dtype_size(problem->dtype), &bytes)) {
		return weight_sizes_overflow(problem, status);
	}
	if (!mul3(problem->batch, problem->steps, problem->features, &n_inputs)
			|| !gru_size_mul(n_inputs, gru_dtype_size(problem->dtype), &bytes)) {
		return gru_status_set(status, GRU_E_OVERFLOW,
				"inputs size overflows size_t (batch %zu, steps %zu, features %zu)",
				problem->batch, problem->steps, problem->features);
	}
	if (!mul3(problem->batch, problem->steps, problem->units, &n_outputs)
			|| !gru_size_mul(n_outputs, gru_dtype_size(problem->dtype), &bytes)) {
		return gru_status_set(status, GRU_E_OVERFLOW,
				"outputs size overflows size_t (batch %zu, steps %zu, units %zu)",
				problem->batch, problem->steps, problem->units);
	}
	if (!gru_forward_layout_compute(problem, &forward)) {
		return gru_status_set(status, GRU_E_OVERFLOW, "forward workspace size overflows size_t");
	}
	if (!gru_trace_layout_compute(problem, &trace)) {
		return gru_status_set(status, GRU_E_OVERFLOW, "trace size overflows size_t");
	}
	if (!gru_backward_layout_compute(problem, &backward)) {
		return gru_status_set(status, GRU_E_OVERFLOW, "backward workspace size overflows size_t");
	}
	return GRU_OK;
}

/* What every *_bytes function checks first: somewhere to write, and a valid problem. */
static gru_status_code check_bytes_request(const gru_problem *problem, const size_t *bytes, gru_status *status)
{
	if (bytes == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "bytes must not be NULL");
	}
	return gru_problem_check(problem, status);
}

gru_status_code gru_forward_workspace_bytes(const gru_problem *problem, size_t *bytes, gru_status *status)
{
	gru_forward_layout layout;
	gru_status_code code;

	if ((code = check_bytes_request(problem, bytes, status)) != GRU_OK) {
		return code;
	}
	gru_forward_layout_compute(problem, &layout);
	*bytes = layout.bytes;
	return GRU_OK;
}

gru_status_code gru_trace_bytes(const gru_problem *problem, size_t *bytes, gru_status *status)
{
	gru_trace_layout layout;
	gru_status_code code;

	if ((code = check_bytes_request(problem, bytes, status)) != GRU_OK) {
		return code;
	}
	gru_trace_layout_compute(problem, &layout);
	*bytes = layout.bytes;
	return GRU_OK;
}

gru_status_code gru_backward_workspace_bytes(const gru_problem *problem, size_t *bytes, gru_status *status)
{
	gru_backward_layout layout;
	gru_status_code code;

	if ((code = check_bytes_request(problem, bytes, status)) != GRU_OK) {
		return code;
	}
	gru_backward_layout_compute(problem, &layout);
	*bytes = layout.bytes;
	return GRU_OK;
}

gru_status_code gru_weight_sizes(const gru_problem *problem, size_t *kernel, size_t *recurrent_kernel,
		size_t *bias, gru_status *status)
{
	size_t k, rk, b;
	gru_status_code code;

	if ((code = gru_problem_check(problem, status)) != GRU_OK) {
		return code;
	}
	/* gru_problem_check() has ruled the overflow out; checked again so that no size is read unset (gcc 13 warns) */
	if (!weight_sizes(problem, &k, &rk, &b)) {
		return weight_sizes_overflow(problem, status);
	}
	if (kernel != NULL) {
		*kernel = k;
	}
	if (recurrent_kernel != NULL) {
		*recurrent_kernel = rk;
	}
	if (bias != NULL) {
		*bias = b;
	}
	return GRU_OK;
}
