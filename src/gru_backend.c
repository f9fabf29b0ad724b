/*
 * The CPU backend table and the convenience entry points. The table's
 * functions check the problem and the pointers, then dispatch on dtype to
 * the typed implementations (gru_cpu_forward.c, gru_cpu_backward.c).
 */
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include <cblas.h>

#include "gru.h"
#include "gru_cpu_internal.h"

/* Every GEMM dimension and leading dimension must fit OpenBLAS's integer. */
static gru_status_code check_blas_sizes(const gru_problem *p, gru_status *status)
{
	const size_t limit = sizeof(blasint) >= sizeof(size_t)
		? (size_t)-1 : (((size_t)1 << (sizeof(blasint) * CHAR_BIT - 1)) - 1);
	size_t rows, wide, lead;

	if (!gru_size_mul(p->batch, p->steps, &rows) || rows > limit
			|| !gru_size_mul(p->units, 4, &wide) || wide > limit
			|| !gru_size_mul(p->steps, wide, &lead) || lead > limit
			|| p->features > limit) {
		return gru_status_set(status, GRU_E_UNSUPPORTED,
				"problem too large for the BLAS integer type (batch %zu, steps %zu, features %zu, units %zu)",
				p->batch, p->steps, p->features, p->units);
	}
	return GRU_OK;
}

static gru_status_code check_common(const gru_problem *p, const gru_weights *w, const void *args,
		gru_status *status)
{
	gru_status_code code;

	if ((code = gru_problem_check(p, status)) != GRU_OK) {
		return code;
	}
	if ((code = check_blas_sizes(p, status)) != GRU_OK) {
		return code;
	}
	if (w == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "weights must not be NULL");
	}
	if (args == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "args must not be NULL");
	}
	if (w->kernel == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "kernel must not be NULL");
	}
	if (w->recurrent_kernel == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "recurrent_kernel must not be NULL");
	}
	if (p->use_bias && w->bias == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "bias must not be NULL when use_bias is true");
	}
	return GRU_OK;
}

/* A dropout mask needs its problem flag: the flag sized the workspace. */
static gru_status_code check_dropout(const gru_problem *p, const void *input_dropout,
		const void *recurrent_dropout, gru_status *status)
{
	if (input_dropout != NULL && !p->input_dropout) {
		return gru_status_set(status, GRU_E_INVALID,
				"input_dropout given but problem.input_dropout is false (the workspace has no room for it)");
	}
	if (recurrent_dropout != NULL && !p->recurrent_dropout) {
		return gru_status_set(status, GRU_E_INVALID,
				"recurrent_dropout given but problem.recurrent_dropout is false (the workspace has no room for it)");
	}
	return GRU_OK;
}

static gru_status_code cpu_openblas_forward(const gru_problem *problem, const gru_weights *weights,
		const gru_forward_args *args, gru_status *status)
{
	gru_status_code code;

	gru_status_clear(status);
	if ((code = check_common(problem, weights, args, status)) != GRU_OK) {
		return code;
	}
	if (args->inputs == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "inputs must not be NULL");
	}
	if (args->outputs == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "outputs must not be NULL");
	}
	if (args->workspace == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "workspace must not be NULL");
	}
	if ((code = check_dropout(problem, args->input_dropout, args->recurrent_dropout, status)) != GRU_OK) {
		return code;
	}
	if (args->input_projection != NULL && args->input_projection_ld < 3 * problem->units) {
		return gru_status_set(status, GRU_E_INVALID, "input_projection_ld must be at least 3*units (%zu), %zu given",
				3 * problem->units, args->input_projection_ld);
	}
	if (args->input_projection != NULL && args->input_dropout != NULL) {
		return gru_status_set(status, GRU_E_INVALID,
				"input_projection and input_dropout exclude each other: the projection would be of undropped inputs");
	}
	if (problem->dtype == GRU_FLOAT32) {
		return gru_cpu_forward_f32(problem, weights, args, status);
	}
	return gru_cpu_forward_f64(problem, weights, args, status);
}

static gru_status_code cpu_openblas_backward(const gru_problem *problem, const gru_weights *weights,
		const gru_backward_args *args, gru_status *status)
{
	gru_status_code code;

	gru_status_clear(status);
	if ((code = check_common(problem, weights, args, status)) != GRU_OK) {
		return code;
	}
	if (args->inputs == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "inputs must not be NULL");
	}
	if (args->trace == NULL) {
		return gru_status_set(status, GRU_E_INVALID,
				"trace must not be NULL: run the forward with a trace first");
	}
	if (args->d_kernel == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "d_kernel must not be NULL");
	}
	if (args->d_recurrent_kernel == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "d_recurrent_kernel must not be NULL");
	}
	if (problem->use_bias && args->d_bias == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "d_bias must not be NULL when use_bias is true");
	}
	if (args->workspace == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "workspace must not be NULL");
	}
	if ((code = check_dropout(problem, args->input_dropout, args->recurrent_dropout, status)) != GRU_OK) {
		return code;
	}
	if (problem->dtype == GRU_FLOAT32) {
		return gru_cpu_backward_f32(problem, weights, args, status);
	}
	return gru_cpu_backward_f64(problem, weights, args, status);
}

const gru_backend gru_backend_cpu_openblas = {
	"cpu_openblas",
	cpu_openblas_forward,
	cpu_openblas_backward
};

gru_status_code gru_forward(const gru_problem *problem, const gru_weights *weights,
		const gru_forward_args *args, gru_status *status)
{
	return gru_backend_cpu_openblas.forward(problem, weights, args, status);
}

gru_status_code gru_backward(const gru_problem *problem, const gru_weights *weights,
		const gru_backward_args *args, gru_status *status)
{
	return gru_backend_cpu_openblas.backward(problem, weights, args, status);
}

/* Sizes of gru_input_projection()'s buffers; also checks that its GEMM fits the BLAS integer type. */
gru_status_code gru_input_projection_bytes(const gru_problem *problem, size_t count, size_t *packed_bytes,
		size_t *projection_bytes, gru_status *status)
{
	const size_t limit = sizeof(blasint) >= sizeof(size_t)
		? (size_t)-1 : (((size_t)1 << (sizeof(blasint) * CHAR_BIT - 1)) - 1);
	gru_status_code code;
	size_t width, rows, n;

	gru_status_clear(status);
	if (problem == NULL || packed_bytes == NULL || projection_bytes == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "problem and the byte counts must not be NULL");
	}
	if (count == 0) {
		return gru_status_set(status, GRU_E_INVALID, "count must be at least 1");
	}
	if ((code = gru_problem_check(problem, status)) != GRU_OK) {
		return code;
	}
	if (!gru_size_mul(problem->units, 3, &width) || !gru_size_mul(width, count, &width)
			|| !gru_size_mul(problem->batch, problem->steps, &rows)
			|| !gru_size_mul(problem->features, width, &n)
			|| !gru_size_mul(n, gru_dtype_size(problem->dtype), packed_bytes)
			|| !gru_size_mul(rows, width, &n)
			|| !gru_size_mul(n, gru_dtype_size(problem->dtype), projection_bytes)) {
		return gru_status_set(status, GRU_E_OVERFLOW, "input projection size overflows size_t");
	}
	if (width > limit || rows > limit || problem->features > limit) {
		return gru_status_set(status, GRU_E_UNSUPPORTED,
				"input projection too large for the BLAS integer type (rows %zu, features %zu, columns %zu)",
				rows, problem->features, width);
	}
	return GRU_OK;
}

gru_status_code gru_input_projection(const gru_problem *problem, const void *inputs, const void *const *kernels,
		size_t count, void *packed_kernel, void *projection, gru_status *status)
{
	size_t packed_bytes, projection_bytes, gates, width, rows, d, i;
	const size_t es = problem != NULL ? gru_dtype_size(problem->dtype) : 0;
	gru_status_code code;

	if ((code = gru_input_projection_bytes(problem, count, &packed_bytes, &projection_bytes, status)) != GRU_OK) {
		return code;
	}
	if (inputs == NULL || kernels == NULL || packed_kernel == NULL || projection == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "inputs, kernels, packed_kernel and projection must not be NULL");
	}
	for (d = 0; d < count; d++) {
		if (kernels[d] == NULL) {
			return gru_status_set(status, GRU_E_INVALID, "kernels[%zu] must not be NULL", d);
		}
	}
	gates = 3 * problem->units;
	width = count * gates;
	rows = problem->batch * problem->steps;
	/* the kernels side by side, so that one GEMM serves all: [I, count*3H] */
	for (i = 0; i < problem->features; i++) {
		for (d = 0; d < count; d++) {
			memcpy((char *)packed_kernel + (i * width + d * gates) * es,
					(const char *)kernels[d] + i * gates * es, gates * es);
		}
	}
	if (problem->dtype == GRU_FLOAT32) {
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint)rows, (blasint)width,
				(blasint)problem->features, 1.0f, (const float *)inputs, (blasint)problem->features,
				(const float *)packed_kernel, (blasint)width, 0.0f, (float *)projection, (blasint)width);
	} else {
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint)rows, (blasint)width,
				(blasint)problem->features, 1.0, (const double *)inputs, (blasint)problem->features,
				(const double *)packed_kernel, (blasint)width, 0.0, (double *)projection, (blasint)width);
	}
	return GRU_OK;
}
