/*
 * The GRU layer's object and the entry points that GRUCell and
 * Bidirectional reuse, so that one implementation serves all three
 * classes. Private to ext/: not an API.
 */
#ifndef PHP_GRU_LAYER_INTERNAL_H
#define PHP_GRU_LAYER_INTERNAL_H

#include "php.h"
#include "gru.h"
#include "gru_rng.h"
#include "gru_layer_options.h"
#include "gru_array.h"

enum {
	PARAM_KERNEL = 0,
	PARAM_RECURRENT_KERNEL,
	PARAM_BIAS,
	PARAM_COUNT
};

/* What a training forward keeps for backward(); released by backward or the next forward. */
typedef struct {
	void *allocation;         /* emalloc'd block holding the aligned trace */
	size_t allocation_bytes;  /* the trace bytes it holds */
	void *trace;
	gru_problem problem;
	zval inputs;
	zval mask;
	bool has_initial_state;
	bool time_major;          /* inputs holds the [batch, steps, features] copy of family's [steps, batch, features] */
	zval family;              /* time_major: the caller's inputs, whose family the gradients take; else UNDEF */
	void *dropout_block;      /* emalloc'd dropout masks of that forward, or NULL */
	const void *input_dropout;     /* [batch, features] in dropout_block, or NULL */
	const void *recurrent_dropout; /* [batch, units] in dropout_block, or NULL */
	void *activity_block;     /* activity_regularizer: emalloc'd copy of the outputs, then the state; or NULL */
	size_t activity_outputs_count;
	size_t activity_state_count;   /* 0 without return_state */
} php_gru_training_record;

/* The object of GRU and of GRUCell (a GRU of one step, is_cell true). */
typedef struct {
	php_gru_layer_config config;
	zval backend;             /* Rindow's backend, or UNDEF */
	bool built;
	bool is_cell;             /* GRUCell: inputs [batch, features], one step */
	zend_long dtype;
	zend_long timesteps;      /* -1: any */
	zend_long features;
	zval params[PARAM_COUNT]; /* bias UNDEF without use_bias */
	zval grads[PARAM_COUNT];
	zval carried_state;       /* stateful layers: the last final state, or UNDEF */
	gru_rng rng;              /* the initializers' */
	gru_rng dropout_rng;      /* the dropout masks', seeded from the seed option */
	php_gru_training_record record;
	/*
	 * Memory the layer keeps between calls, freed with it: emalloc maps a
	 * block of over 2 MB fresh at each call and unmaps it on efree, and the
	 * page faults of touching it again took about a fifth of a seed training
	 * step through PHP. The workspace (the largest a call needed so far;
	 * busy while a call uses it, when a nested call takes a block of its
	 * own), and the block of the last released training record (spare),
	 * which the next training forward takes when large enough.
	 */
	void *workspace_block;
	void *workspace;          /* aligned, in workspace_block */
	size_t workspace_bytes;
	bool workspace_busy;
	void *spare_trace_block;
	size_t spare_trace_bytes;
	double activity_losses[2];       /* the last forward()'s activity penalties: outputs, then state */
	uint32_t activity_loss_count;
	zend_object std;
} php_gru_layer;

extern zend_object_handlers php_gru_layer_handlers;

static inline php_gru_layer *php_gru_layer_from_obj(zend_object *obj)
{
	return (php_gru_layer *) ((char *) obj - XtOffsetOf(php_gru_layer, std));
}

#define Z_GRU_LAYER_P(zv) php_gru_layer_from_obj(Z_OBJ_P(zv))

/* create_object of GRU and GRUCell. */
zend_object *php_gru_layer_create(zend_class_entry *ce);

/* Installs a parsed configuration (taking it and the backend over), as __construct does. */
void php_gru_layer_configure(php_gru_layer *layer, php_gru_layer_config *config, zval *backend);

/* Forgets the weights and reseeds the initializers from mt_rand(); for fresh copies made by clone. */
void php_gru_layer_unbuild(php_gru_layer *layer);

/* Drops what the last training forward kept for backward(). */
void php_gru_layer_forget_record(php_gru_layer *layer);

/* Creates the weights for inputs [*, timesteps, features] of dtype, with sample weights if not NULL. */
zend_result php_gru_layer_build(php_gru_layer *layer, zend_long timesteps, zend_long features, zend_long dtype,
		HashTable *sample_weights);

/*
 * forward(): inputs [batch, timesteps, features] (a cell: [batch, features]);
 * a cell returns [next_h], a GRU what its options say.
 */
void php_gru_layer_forward(php_gru_layer *layer, zval *inputs, zval *training, HashTable *initial_states,
		zval *mask, zval *return_value);

/*
 * A precomputed input projection for forward() (gru.h's input_projection):
 * x.W without bias, row b*steps + t at data + row*ld elements, for the
 * inputs given to that forward in [batch, steps, features] layout.
 */
typedef struct {
	const void *data;
	size_t ld;
} php_gru_input_projection;

/*
 * forward() reading a precomputed projection (Bidirectional's shared GEMM).
 * projection may be NULL; it is not used (the layer projects itself, to
 * the same numbers) on OpenCL, with time_major, or with input dropout.
 */
void php_gru_layer_forward_projected(php_gru_layer *layer, zval *inputs, zval *training, HashTable *initial_states,
		zval *mask, const php_gru_input_projection *projection, zval *return_value);

/* The training flag forward() reads: a bool, or Rindow's Variable holding one. */
bool php_gru_layer_training_flag(zval *training);

/* backward(): a cell takes [dNext_h] and returns [dInputs, [dPrev_h]]; a GRU as documented. */
void php_gru_layer_backward(php_gru_layer *layer, HashTable *d_outputs_list, zval *return_value);

/*
 * Rindow's calcState for cells: save moves the last training record into
 * the object (a no-op without one); restore makes a saved one the layer's
 * record again, for backward().
 */
zend_result php_gru_layer_record_save(php_gru_layer *layer, zval *holder);
zend_result php_gru_layer_record_restore(php_gru_layer *layer, zval *holder);

/* The weights (or gradients) as a list; empty before build. */
void php_gru_layer_param_list(php_gru_layer *layer, bool grads, zval *return_value);

/* getConfig()'s options shared by GRU and GRUCell, into an initialized array: use_bias to bias_initializer. */
void php_gru_layer_add_common_config(const php_gru_layer_config *config, zval *options);
/* ... and dropout, recurrent_dropout, seed and device, each only when not the default. */
void php_gru_layer_add_keras_config(const php_gru_layer_config *config, zval *options);

const char *php_gru_layer_name(const php_gru_layer *layer);

/* ---- regularizers and constraints (gru_regularizers.c) ---- */

/* getConfig()'s regularizers, constraints and unroll, each only when set. */
void php_gru_layer_add_regularization_config(const php_gru_layer_config *config, zval *options);

/*
 * getLosses(): the activity penalties of the last forward(), then the
 * weight penalties (kernel, recurrent kernel, bias) of the current weights;
 * as floats, Keras's layer.losses order.
 */
zend_result php_gru_layer_losses(php_gru_layer *layer, zval *return_value);

/* getRegularizationLoss(): their sum. */
zend_result php_gru_layer_regularization_loss(php_gru_layer *layer, double *total);

/* applyConstraints(): the weight constraints, in place on the params. */
zend_result php_gru_layer_apply_constraints(php_gru_layer *layer);

/* backward(): grads += the weight penalties' gradients, for the params opened in `params`. */
void php_gru_layer_add_penalty_grads(php_gru_layer *layer, const php_gru_array_view *params,
		php_gru_array_view *grads);

/*
 * forward(): the activity penalties of outputs (and state, with
 * return_state; else NULL), and with training a copy for backward().
 */
zend_result php_gru_layer_activity_forward(php_gru_layer *layer, const php_gru_array_view *outputs,
		const php_gru_array_view *state, size_t batch, bool training);

/*
 * backward() of the forward that made `record`: points *d_outputs (and
 * *d_state, which may be NULL) at copies with the activity penalty's
 * gradient added, in a block the caller efree()s (*block); without an
 * activity regularizer leaves them as they are, *block NULL.
 */
zend_result php_gru_layer_activity_backward(php_gru_layer *layer, const php_gru_training_record *record,
		const void **d_outputs, size_t d_outputs_count, const void **d_state, void **block);

#endif /* PHP_GRU_LAYER_INTERNAL_H */
