/*
 * The CPU backend table and the convenience entry points. The table's
 * functions check the problem and the pointers, then dispatch on dtype to
 * the typed implementations (gru_cpu_forward.c, gru_cpu_backward.c).
 */
#include <limits.h>
#include <stddef.h>

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
