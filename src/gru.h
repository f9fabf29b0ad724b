/*
 * rindow_gru core: a GRU layer over raw buffers.
 *
 * This header is the whole contract between the C core (src/) and its
 * callers (the PHP glue in ext/, the C tests, the fuzzer, the benchmarks).
 * It includes no PHP header and the core keeps no global mutable state:
 * every buffer, workspace and random generator is owned by the caller.
 *
 * Layouts and semantics are Rindow's (see shared/golden/README.md):
 *   gate order z, r, h;
 *   kernel            [features, 3*units]
 *   recurrent_kernel  reset_after: [units, 3*units] (z, r, h column blocks)
 *                     otherwise:   [3*units, units] (z, r, h row blocks)
 *   bias              reset_after: [2, 3*units] (input bias, recurrent bias)
 *                     otherwise:   [3*units]
 * Every array is dense and row-major. Element type is float or double
 * according to gru_problem.dtype; pointers are void so one entry point
 * serves both.
 */
#ifndef RINDOW_GRU_CORE_H
#define RINDOW_GRU_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gru_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Same numbers as Interop\Polite\Math\Matrix\NDArray's dtype constants. */
typedef enum {
	GRU_FLOAT32 = 12,
	GRU_FLOAT64 = 13
} gru_dtype;

typedef enum {
	GRU_ACT_LINEAR = 0,     /* identity; also what a null activation means */
	GRU_ACT_TANH,
	GRU_ACT_SIGMOID,
	GRU_ACT_HARD_SIGMOID,   /* clip(0.2*x + 0.5, 0, 1) */
	GRU_ACT_RELU
} gru_activation;

/* Everything that fixes the shapes and the arithmetic of one call. */
typedef struct {
	size_t batch;
	size_t steps;
	size_t features;
	size_t units;
	gru_dtype dtype;
	gru_activation activation;            /* candidate activation (tanh) */
	gru_activation recurrent_activation;  /* gate activation (sigmoid) */
	bool reset_after;
	bool use_bias;
	bool go_backwards;
	bool return_sequences;
	/*
	 * Whether the calls may pass dropout masks (gru_forward_args and
	 * gru_backward_args): they size the workspaces, so a mask given when
	 * its flag is false is an error. A flag set with a NULL mask is fine
	 * (no dropout, some workspace unused). Both false: nothing changes.
	 */
	bool input_dropout;
	bool recurrent_dropout;
} gru_problem;

typedef struct {
	const void *kernel;
	const void *recurrent_kernel;
	const void *bias;             /* NULL when !use_bias */
} gru_weights;

/*
 * Dropout (Keras's `dropout` and `recurrent_dropout`), as multiplicative
 * masks drawn by the caller, one per sequence and reused at every step.
 * The core applies whatever values it is given (any pattern, any scale);
 * the PHP layer draws Bernoulli(1 - rate) / (1 - rate) masks when training
 * with 0 < rate < 1, and passes NULL otherwise.
 *
 *   input_dropout     [batch, features]: x_t * m_in replaces x_t in the
 *                     input projection of all three gates, x.W + b.
 *   recurrent_dropout [batch, units]: hd = h_prev * m_rec replaces h_prev
 *                     wherever h_prev is multiplied by the recurrent kernel:
 *                     reset_after:  hd.U + b_rec for z, r and h;
 *                     reset before: hd.[U_z|U_r], and (r * hd).U_h.
 *                     The carried state is NOT dropped:
 *                     h' = z * h_prev + (1 - z) * hh, with the undropped h_prev.
 *
 * This follows Keras 3's GRUCell (keras/src/layers/rnn/gru.py, call(),
 * implementation 1, which Keras 3 forces whenever recurrent_dropout > 0):
 * the masked h_tm1_* only feed the recurrent matmuls and the update mixes
 * in the undropped h_tm1. (tf-keras's default implementation 2 ignores
 * recurrent_dropout altogether, a bug we do not follow.) One deliberate
 * difference: Keras 3 draws three independent masks, one per gate, for
 * each of the input and the recurrent state; here one mask serves all
 * three gates, as in Keras 3's implementation 2 for the inputs, so that the
 * input projection stays one GEMM and the recurrent one one GEMM per step.
 */

/*
 * One forward pass over a whole sequence.
 *
 * outputs: return_sequences ? [batch, steps, units] : [batch, units].
 *   outputs[:, t] is the state right after input step t was consumed, also
 *   with go_backwards, so outputs stay aligned with input time.
 * mask: [batch, steps], nonzero = step is real. A masked step leaves the
 *   state unchanged and outputs the carried state. Any pattern is allowed.
 * trace: NULL for inference. For training, gru_trace_bytes() bytes that the
 *   forward fills with what gru_backward() needs (per-step gate values and
 *   previous states); nothing else is kept.
 * workspace: gru_forward_workspace_bytes() bytes, aligned to 64 bytes.
 */
typedef struct {
	const void *inputs;           /* [batch, steps, features] */
	const void *initial_state;    /* [batch, units], or NULL for zeros */
	const uint8_t *mask;          /* [batch, steps], or NULL */
	const void *input_dropout;    /* [batch, features], or NULL: needs problem.input_dropout */
	const void *recurrent_dropout; /* [batch, units], or NULL: needs problem.recurrent_dropout */
	void *outputs;
	void *final_state;            /* [batch, units] */
	void *trace;                  /* NULL, or gru_trace_bytes() bytes */
	void *workspace;
	/*
	 * Optional (CPU backend; NULL otherwise): the input projection x.W of
	 * every (b, t), computed by the caller, WITHOUT bias, so that several
	 * GRUs reading the same inputs share one GEMM (gru_input_projection(),
	 * Bidirectional). Row b*steps + t, in input time like the inputs, starts
	 * at input_projection + (b*steps + t) * input_projection_ld elements and
	 * holds the 3*units columns z, r, h; input_projection_ld >= 3*units.
	 * The forward then reads these rows instead of running its own input
	 * GEMM (the bias is added as always); inputs must still be given (the
	 * backward's weight gradient reads them). Not with input_dropout: the
	 * projection would have to be of the dropped inputs, which differ per
	 * layer. The OpenCL backend rejects it (GRU_E_UNSUPPORTED). The
	 * workspace size does not change.
	 */
	const void *input_projection;
	size_t input_projection_ld;   /* in elements */
} gru_forward_args;

/*
 * Backward through time for a training forward with the same problem,
 * weights, inputs, mask and dropout masks. Weight gradients are overwritten (not
 * accumulated), as Rindow clears them at every backward.
 *
 * d_outputs: shaped like the forward's outputs, or NULL for zeros.
 * d_state:   [batch, units], gradient of the final state, or NULL.
 * d_inputs:  [batch, steps, features], or NULL when not wanted (a model's
 *            first layer): dX is then not computed, the other gradients
 *            are the same.
 * d_initial_state: [batch, units], or NULL when not wanted.
 * d_bias: NULL when !use_bias.
 * workspace: gru_backward_workspace_bytes() bytes, aligned to 64 bytes.
 */
typedef struct {
	const void *inputs;
	const uint8_t *mask;
	const void *input_dropout;    /* the forward's, or NULL */
	const void *recurrent_dropout; /* the forward's, or NULL */
	const void *trace;
	const void *d_outputs;
	const void *d_state;
	void *d_inputs;               /* [batch, steps, features], or NULL */
	void *d_initial_state;
	void *d_kernel;
	void *d_recurrent_kernel;
	void *d_bias;
	void *workspace;
} gru_backward_args;

/* Checks a problem: nonzero sizes, known enums, no size overflow. */
gru_status_code gru_problem_check(const gru_problem *problem, gru_status *status);

/*
 * Byte sizes of the caller-owned buffers. Each returns GRU_E_OVERFLOW
 * (with a message) instead of a wrapped value when a product overflows.
 */
gru_status_code gru_forward_workspace_bytes(const gru_problem *problem, size_t *bytes, gru_status *status);
gru_status_code gru_trace_bytes(const gru_problem *problem, size_t *bytes, gru_status *status);
gru_status_code gru_backward_workspace_bytes(const gru_problem *problem, size_t *bytes, gru_status *status);

/* Element counts of the weights, for shape checks by callers. */
gru_status_code gru_weight_sizes(const gru_problem *problem, size_t *kernel, size_t *recurrent_kernel,
		size_t *bias, gru_status *status);

/*
 * The input projections of `count` GRUs that read the same inputs, in one
 * GEMM [batch*steps, features] x [features, count*3*units]:
 * projection[b*steps + t][d*3*units + j] = (inputs[b, t] . kernels[d])[j],
 * no bias. Hand GRU d's forward input_projection = projection +
 * d*3*units elements and input_projection_ld = count*3*units.
 * problem: batch, steps, features, units and dtype are read (and checked
 * as for a forward); the GRUs must share them.
 * kernels: count kernels [features, 3*units].
 * packed_kernel: scratch of gru_input_projection_bytes()'s packed_bytes,
 *   where the kernels are laid side by side, [features, count*3*units].
 * projection: projection_bytes, [batch*steps, count*3*units].
 * CPU (OpenBLAS) only.
 */
gru_status_code gru_input_projection_bytes(const gru_problem *problem, size_t count, size_t *packed_bytes,
		size_t *projection_bytes, gru_status *status);
gru_status_code gru_input_projection(const gru_problem *problem, const void *inputs, const void *const *kernels,
		size_t count, void *packed_kernel, void *projection, gru_status *status);

/* A compute backend. The tables are constant; they hold no state. */
typedef struct gru_backend {
	const char *name;
	gru_status_code (*forward)(const gru_problem *problem, const gru_weights *weights,
			const gru_forward_args *args, gru_status *status);
	gru_status_code (*backward)(const gru_problem *problem, const gru_weights *weights,
			const gru_backward_args *args, gru_status *status);
} gru_backend;

extern const gru_backend gru_backend_cpu_openblas;

/* Convenience entry points on the CPU backend. */
gru_status_code gru_forward(const gru_problem *problem, const gru_weights *weights,
		const gru_forward_args *args, gru_status *status);
gru_status_code gru_backward(const gru_problem *problem, const gru_weights *weights,
		const gru_backward_args *args, gru_status *status);

#ifdef __cplusplus
}
#endif

#endif /* RINDOW_GRU_CORE_H */
