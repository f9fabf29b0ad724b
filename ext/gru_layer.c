/*
 * Rindow\NeuralNetworks\Layer\GRU: argument handling, weights and state
 * around the C core. The arithmetic is in src/; this file turns PHP values
 * into gru_problem/gru_weights/args, and core errors into exceptions.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "zend_interfaces.h"
#include "ext/spl/spl_exceptions.h"
#include "ext/random/php_random.h"

#include "gru.h"
#include "gru_init.h"
#include "gru_rng.h"
#include "gru_array.h"
#include "gru_ndarray.h"
#include "gru_exceptions.h"
#include "gru_memory.h"
#include "gru_layer.h"
#include "gru_layer_options.h"
#include "gru_device.h"
#include "gru_layer_internal.h"
#include "gru_arginfo.h"

#define GRU_ALIGNMENT 64

static const char *const param_names[PARAM_COUNT] = {"kernel", "recurrent_kernel", "bias"};

zend_class_entry *php_gru_layer_ce;
zend_object_handlers php_gru_layer_handlers;

/* ---- small helpers ---------------------------------------------------- */

static void *align_up(void *pointer)
{
	uintptr_t p = (uintptr_t) pointer;
	return (void *) ((p + GRU_ALIGNMENT - 1) & ~(uintptr_t) (GRU_ALIGNMENT - 1));
}

/* emalloc of bytes + alignment slack, after the memory_limit check; NULL with an exception on failure. */
static void *alloc_aligned(size_t bytes, const char *what, void **aligned)
{
	size_t total;
	void *block;

	if (!gru_size_add(bytes, GRU_ALIGNMENT, &total)) {
		php_gru_throw_invalid("%s: size overflows", what);
		return NULL;
	}
	if (php_gru_check_memory(total, what) == FAILURE) {
		return NULL;
	}
	block = php_gru_emalloc_big(total);
	*aligned = align_up(block);
	return block;
}

/*
 * A call's workspace of `bytes` (aligned): the layer's kept block, grown if
 * smaller; or, while an outer call on the same layer holds that one (a
 * nested call from user code), a block of the call's own, in *own (else
 * NULL). NULL with an exception on failure. layer_workspace_done() ends it.
 */
static void *layer_workspace(php_gru_layer *layer, size_t bytes, const char *what, void **own)
{
	void *aligned;

	*own = NULL;
	if (layer->workspace_busy) {
		*own = alloc_aligned(bytes, what, &aligned);
		return *own != NULL ? aligned : NULL;
	}
	if (layer->workspace_block == NULL || layer->workspace_bytes < bytes) {
		/* the old block first: memory_limit then judges the new one alone */
		if (layer->workspace_block) {
			efree(layer->workspace_block);
		}
		layer->workspace_bytes = 0;
		layer->workspace_block = alloc_aligned(bytes, what, &layer->workspace);
		if (layer->workspace_block == NULL) {
			return NULL;
		}
		layer->workspace_bytes = bytes;
	}
	layer->workspace_busy = true;
	return layer->workspace;
}

static void layer_workspace_done(php_gru_layer *layer, void *own)
{
	if (own) {
		efree(own);
	} else {
		layer->workspace_busy = false;
	}
}

/* A block for a training record of `bytes`: the layer's spare one when large enough, else a new one. */
static void *layer_trace_block(php_gru_layer *layer, size_t bytes, void **aligned, size_t *held)
{
	void *block;

	if (layer->spare_trace_block && layer->spare_trace_bytes >= bytes) {
		block = layer->spare_trace_block;
		*held = layer->spare_trace_bytes;
		layer->spare_trace_block = NULL;
		layer->spare_trace_bytes = 0;
		*aligned = align_up(block);
		return block;
	}
	*held = bytes;
	return alloc_aligned(bytes, "GRU training record", aligned);
}

/* A released training record's block becomes the spare one, or is freed if the spare is larger. */
static void layer_keep_trace_block(php_gru_layer *layer, void *block, size_t bytes)
{
	if (layer->spare_trace_block && layer->spare_trace_bytes >= bytes) {
		efree(block);
		return;
	}
	if (layer->spare_trace_block) {
		efree(layer->spare_trace_block);
	}
	layer->spare_trace_block = block;
	layer->spare_trace_bytes = bytes;
}

static const char *layer_name(const php_gru_layer *layer)
{
	return layer->config.name ? ZSTR_VAL(layer->config.name) : "gru";
}

const char *php_gru_layer_name(const php_gru_layer *layer)
{
	return layer_name(layer);
}

static uint32_t param_shape(const php_gru_layer *layer, int param, zend_long shape[2])
{
	zend_long units = layer->config.units;

	switch (param) {
		case PARAM_KERNEL:
			shape[0] = layer->features;
			shape[1] = 3 * units;
			return 2;
		case PARAM_RECURRENT_KERNEL:
			if (layer->config.reset_after) {
				shape[0] = units;
				shape[1] = 3 * units;
			} else {
				shape[0] = 3 * units;
				shape[1] = units;
			}
			return 2;
		default:
			if (layer->config.reset_after) {
				shape[0] = 2;
				shape[1] = 3 * units;
				return 2;
			}
			shape[0] = 3 * units;
			return 1;
	}
}

static int param_count(const php_gru_layer *layer)
{
	return layer->config.use_bias ? PARAM_COUNT : PARAM_BIAS;
}

static bool shapes_equal(const zend_long *a, uint32_t a_ndim, const zend_long *b, uint32_t b_ndim)
{
	uint32_t i;

	if (a_ndim != b_ndim) {
		return false;
	}
	for (i = 0; i < a_ndim; i++) {
		if (a[i] != b[i]) {
			return false;
		}
	}
	return true;
}

/* Throws "<what> must be (a,b), (c,d) given in <name>"; always FAILURE. */
static zend_result throw_shape_mismatch(const php_gru_layer *layer, const char *what,
		const zend_long *expected, uint32_t expected_ndim, const zend_long *given, uint32_t given_ndim)
{
	char expected_buf[128], given_buf[128];

	php_gru_throw_invalid("%s must be %s, %s given in %s", what,
		php_gru_shape_to_string(expected, expected_ndim, expected_buf, sizeof(expected_buf)),
		php_gru_shape_to_string(given, given_ndim, given_buf, sizeof(given_buf)), layer_name(layer));
	return FAILURE;
}

static zend_result check_float_dtype(const php_gru_array_view *view, const char *what)
{
	if (view->dtype != PHP_GRU_DTYPE_FLOAT32 && view->dtype != PHP_GRU_DTYPE_FLOAT64) {
		php_gru_throw_invalid("%s must be float32 or float64, %s given", what, php_gru_dtype_name(view->dtype));
		return FAILURE;
	}
	return SUCCESS;
}

static zend_result check_layer_dtype(const php_gru_layer *layer, const php_gru_array_view *view, const char *what)
{
	if (view->dtype != layer->dtype) {
		php_gru_throw_invalid("%s must be %s like the weights of %s, %s given", what,
			php_gru_dtype_name(layer->dtype), layer_name(layer), php_gru_dtype_name(view->dtype));
		return FAILURE;
	}
	return SUCCESS;
}

/* A zero-filled copy of any NDArray-like value, as a Rindow\GRU\NDArray. */
static zend_result copy_to_ndarray(zval *source, const char *what, zval *copy)
{
	php_gru_array_view view = {0};
	void *data;

	ZVAL_UNDEF(&view.buffer);
	if (php_gru_array_open(source, what, &view) == FAILURE) {
		return FAILURE;
	}
	data = php_gru_ndarray_new(copy, view.shape, view.ndim, view.dtype);
	if (data == NULL) {
		php_gru_array_release(&view);
		return FAILURE;
	}
	if (view.size > 0) {
		memcpy(data, view.data, view.size * view.value_size);
	}
	php_gru_array_release(&view);
	return SUCCESS;
}

/* An empty record, as a new layer has: owns nothing. */
static void record_init(php_gru_training_record *record)
{
	memset(record, 0, sizeof(*record));
	ZVAL_UNDEF(&record->inputs);
	ZVAL_UNDEF(&record->mask);
	ZVAL_UNDEF(&record->family);
}

/* Frees what a record holds (its trace block becomes the layer's spare) and empties it. */
static void record_release(php_gru_layer *layer, php_gru_training_record *record)
{
	if (record->allocation) {
		layer_keep_trace_block(layer, record->allocation, record->allocation_bytes);
	}
	if (record->dropout_block) {
		efree(record->dropout_block);
	}
	if (record->activity_block) {
		efree(record->activity_block);
	}
	zval_ptr_dtor(&record->inputs);
	zval_ptr_dtor(&record->mask);
	zval_ptr_dtor(&record->family);
	record_init(record);
}

static void release_training_record(php_gru_layer *layer)
{
	record_release(layer, &layer->record);
}

void php_gru_layer_forget_record(php_gru_layer *layer)
{
	release_training_record(layer);
}

static void release_params(php_gru_layer *layer)
{
	int i;

	for (i = 0; i < PARAM_COUNT; i++) {
		zval_ptr_dtor(&layer->params[i]);
		ZVAL_UNDEF(&layer->params[i]);
		zval_ptr_dtor(&layer->grads[i]);
		ZVAL_UNDEF(&layer->grads[i]);
	}
}

/* ---- object handlers -------------------------------------------------- */

zend_object *php_gru_layer_create(zend_class_entry *ce)
{
	php_gru_layer *layer = zend_object_alloc(sizeof(php_gru_layer), ce);
	int i;

	memset(layer, 0, XtOffsetOf(php_gru_layer, std));
	ZVAL_UNDEF(&layer->backend);
	ZVAL_UNDEF(&layer->carried_state);
	record_init(&layer->record);
	ZVAL_UNDEF(&layer->config.kernel_initializer);
	ZVAL_UNDEF(&layer->config.recurrent_initializer);
	ZVAL_UNDEF(&layer->config.bias_initializer);
	for (i = 0; i < PARAM_COUNT; i++) {
		ZVAL_UNDEF(&layer->params[i]);
		ZVAL_UNDEF(&layer->grads[i]);
	}
	layer->dtype = PHP_GRU_DTYPE_FLOAT32;
	layer->timesteps = -1;
	zend_object_std_init(&layer->std, ce);
	object_properties_init(&layer->std, ce);
	layer->std.handlers = &php_gru_layer_handlers;
	return &layer->std;
}

static void php_gru_layer_free(zend_object *object)
{
	php_gru_layer *layer = php_gru_layer_from_obj(object);

	release_training_record(layer);
	if (layer->spare_trace_block) {
		efree(layer->spare_trace_block);
	}
	if (layer->workspace_block) {
		efree(layer->workspace_block);
	}
	release_params(layer);
	zval_ptr_dtor(&layer->carried_state);
	zval_ptr_dtor(&layer->backend);
	php_gru_layer_config_destroy(&layer->config);
	zend_object_std_dtor(object);
}

static HashTable *php_gru_layer_get_gc(zend_object *object, zval **table, int *n)
{
	php_gru_layer *layer = php_gru_layer_from_obj(object);
	zend_get_gc_buffer *buffer = zend_get_gc_buffer_create();
	int i;

	zend_get_gc_buffer_add_zval(buffer, &layer->backend);
	zend_get_gc_buffer_add_zval(buffer, &layer->carried_state);
	zend_get_gc_buffer_add_zval(buffer, &layer->config.kernel_initializer);
	zend_get_gc_buffer_add_zval(buffer, &layer->config.recurrent_initializer);
	zend_get_gc_buffer_add_zval(buffer, &layer->config.bias_initializer);
	zend_get_gc_buffer_add_zval(buffer, &layer->record.inputs);
	zend_get_gc_buffer_add_zval(buffer, &layer->record.mask);
	zend_get_gc_buffer_add_zval(buffer, &layer->record.family);
	for (i = 0; i < PARAM_COUNT; i++) {
		zend_get_gc_buffer_add_zval(buffer, &layer->params[i]);
		zend_get_gc_buffer_add_zval(buffer, &layer->grads[i]);
	}
	zend_get_gc_buffer_use(buffer, table, n);
	return zend_std_get_properties(object);
}

/* A clone owns deep copies of the weights and gradients; it forgets any training record. */
static zend_object *php_gru_layer_clone(zend_object *old_object)
{
	php_gru_layer *old = php_gru_layer_from_obj(old_object);
	zend_object *new_object = php_gru_layer_create(old_object->ce);
	php_gru_layer *copy = php_gru_layer_from_obj(new_object);
	int i;

	zend_objects_clone_members(new_object, old_object);
	copy->config = old->config;
	if (copy->config.activation_name) {
		zend_string_addref(copy->config.activation_name);
	}
	if (copy->config.recurrent_activation_name) {
		zend_string_addref(copy->config.recurrent_activation_name);
	}
	if (copy->config.name) {
		zend_string_addref(copy->config.name);
	}
	ZVAL_COPY(&copy->config.kernel_initializer, &old->config.kernel_initializer);
	ZVAL_COPY(&copy->config.recurrent_initializer, &old->config.recurrent_initializer);
	ZVAL_COPY(&copy->config.bias_initializer, &old->config.bias_initializer);
	ZVAL_COPY(&copy->backend, &old->backend);
	copy->built = old->built;
	copy->is_cell = old->is_cell;
	copy->dtype = old->dtype;
	copy->timesteps = old->timesteps;
	copy->features = old->features;
	copy->rng = old->rng;
	copy->dropout_rng = old->dropout_rng;
	for (i = 0; i < PARAM_COUNT; i++) {
		if (!Z_ISUNDEF(old->params[i]) && copy_to_ndarray(&old->params[i], param_names[i], &copy->params[i]) == FAILURE) {
			break;
		}
		if (!Z_ISUNDEF(old->grads[i]) && copy_to_ndarray(&old->grads[i], param_names[i], &copy->grads[i]) == FAILURE) {
			break;
		}
	}
	if (!Z_ISUNDEF(old->carried_state)) {
		copy_to_ndarray(&old->carried_state, "state", &copy->carried_state);
	}
	return new_object;
}

/* ---- weights ------------------------------------------------------------ */

/* Fills a new Rindow\GRU\NDArray with a named initializer. */
static zend_result init_param_by_name(php_gru_layer *layer, zend_string *name, const zend_long *shape,
		uint32_t ndim, zval *result)
{
	int initializer = gru_initializer_from_name(ZSTR_VAL(name), ZSTR_LEN(name));
	size_t rows = ndim == 2 ? (size_t) shape[0] : 1;
	size_t cols = ndim == 2 ? (size_t) shape[1] : (size_t) shape[0];
	size_t workspace_bytes = 0;
	void *block = NULL, *workspace = NULL;
	gru_status status;
	void *data;

	gru_status_clear(&status);
	if (gru_initialize_workspace_bytes((gru_initializer) initializer, (gru_dtype) layer->dtype, rows, cols,
			&workspace_bytes, &status) != GRU_OK) {
		php_gru_throw_status(&status);
		return FAILURE;
	}
	if (workspace_bytes > 0) {
		block = alloc_aligned(workspace_bytes, "GRU weight initializer", &workspace);
		if (block == NULL) {
			return FAILURE;
		}
	}
	data = php_gru_ndarray_new(result, shape, ndim, layer->dtype);
	if (data == NULL) {
		if (block) {
			efree(block);
		}
		return FAILURE;
	}
	if (gru_initialize((gru_initializer) initializer, (gru_dtype) layer->dtype, data, rows, cols, &layer->rng,
			workspace, &status) != GRU_OK) {
		if (block) {
			efree(block);
		}
		zval_ptr_dtor(result);
		ZVAL_UNDEF(result);
		php_gru_throw_status(&status);
		return FAILURE;
	}
	if (block) {
		efree(block);
	}
	return SUCCESS;
}

/* Rindow calls a callable initializer as fn($shape, $nodeNum) and uses the NDArray it returns. */
static zend_result init_param_by_callable(php_gru_layer *layer, int param, zval *callable, const zend_long *shape,
		uint32_t ndim, zval *result)
{
	zval args[2], shape_array;
	php_gru_array_view view = {0};
	uint32_t i;
	zend_result ok;

	array_init_size(&shape_array, ndim);
	for (i = 0; i < ndim; i++) {
		add_next_index_long(&shape_array, shape[i]);
	}
	ZVAL_COPY_VALUE(&args[0], &shape_array);
	ZVAL_COPY(&args[1], &shape_array);
	ZVAL_UNDEF(result);
	ok = call_user_function(NULL, NULL, callable, result, 2, args);
	zval_ptr_dtor(&args[0]);
	zval_ptr_dtor(&args[1]);
	if (ok == FAILURE || EG(exception) || Z_ISUNDEF_P(result)) {
		zval_ptr_dtor(result);
		ZVAL_UNDEF(result);
		if (!EG(exception)) {
			php_gru_throw_runtime("the %s initializer of %s could not be called", param_names[param], layer_name(layer));
		}
		return FAILURE;
	}
	if (Z_TYPE_P(result) != IS_OBJECT) {
		php_gru_throw_invalid("the %s initializer of %s must return an NDArray, %s given", param_names[param],
			layer_name(layer), zend_zval_type_name(result));
		goto fail;
	}
	ZVAL_UNDEF(&view.buffer);
	if (php_gru_array_open(result, param_names[param], &view) == FAILURE) {
		goto fail;
	}
	if (!shapes_equal(view.shape, view.ndim, shape, ndim)) {
		throw_shape_mismatch(layer, param_names[param], shape, ndim, view.shape, view.ndim);
		php_gru_array_release(&view);
		goto fail;
	}
	if (check_layer_dtype(layer, &view, param_names[param]) == FAILURE) {
		php_gru_array_release(&view);
		goto fail;
	}
	php_gru_array_release(&view);
	return SUCCESS;
fail:
	zval_ptr_dtor(result);
	ZVAL_UNDEF(result);
	return FAILURE;
}

static zend_result init_params(php_gru_layer *layer)
{
	zval *initializers[PARAM_COUNT] = {
		&layer->config.kernel_initializer,
		&layer->config.recurrent_initializer,
		&layer->config.bias_initializer,
	};
	int i;

	for (i = 0; i < param_count(layer); i++) {
		zend_long shape[2];
		uint32_t ndim = param_shape(layer, i, shape);
		zend_result ok = Z_TYPE_P(initializers[i]) == IS_STRING
			? init_param_by_name(layer, Z_STR_P(initializers[i]), shape, ndim, &layer->params[i])
			: init_param_by_callable(layer, i, initializers[i], shape, ndim, &layer->params[i]);
		if (ok == FAILURE) {
			return FAILURE;
		}
	}
	return SUCCESS;
}

/* Takes [kernel, recurrentKernel(, bias)] as the weights, after checking count, shapes and dtypes. */
static zend_result set_sample_weights(php_gru_layer *layer, HashTable *weights)
{
	uint32_t expected = (uint32_t) param_count(layer);
	zval *weight;
	int i = 0;
	zend_long dtype = 0;

	if (zend_hash_num_elements(weights) != expected) {
		php_gru_throw_invalid("sampleWeights must hold %u NDArrays (kernel, recurrent_kernel%s) for %s, %u given",
			expected, layer->config.use_bias ? ", bias" : "", layer_name(layer), zend_hash_num_elements(weights));
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL(weights, weight) {
		php_gru_array_view view = {0};
		zend_long shape[2];
		uint32_t ndim = param_shape(layer, i, shape);
		char what[64];

		snprintf(what, sizeof(what), "sampleWeights[%d] (%s)", i, param_names[i]);
		ZVAL_DEREF(weight);
		if (Z_TYPE_P(weight) != IS_OBJECT) {
			php_gru_throw_invalid("%s must be an NDArray, %s given", what, zend_zval_type_name(weight));
			return FAILURE;
		}
		ZVAL_UNDEF(&view.buffer);
		if (php_gru_array_open(weight, what, &view) == FAILURE) {
			return FAILURE;
		}
		if (!shapes_equal(view.shape, view.ndim, shape, ndim)) {
			throw_shape_mismatch(layer, what, shape, ndim, view.shape, view.ndim);
			php_gru_array_release(&view);
			return FAILURE;
		}
		if (check_float_dtype(&view, what) == FAILURE) {
			php_gru_array_release(&view);
			return FAILURE;
		}
		if (i == 0) {
			dtype = view.dtype;
		} else if (view.dtype != dtype) {
			php_gru_throw_invalid("%s must be %s like sampleWeights[0], %s given", what,
				php_gru_dtype_name(dtype), php_gru_dtype_name(view.dtype));
			php_gru_array_release(&view);
			return FAILURE;
		}
		php_gru_array_release(&view);
		i++;
	} ZEND_HASH_FOREACH_END();

	layer->dtype = dtype;
	i = 0;
	ZEND_HASH_FOREACH_VAL(weights, weight) {
		ZVAL_DEREF(weight);
		ZVAL_COPY(&layer->params[i], weight);
		i++;
	} ZEND_HASH_FOREACH_END();
	return SUCCESS;
}

static zend_result make_grads(php_gru_layer *layer)
{
	int i;

	for (i = 0; i < param_count(layer); i++) {
		zend_long shape[2];
		uint32_t ndim = param_shape(layer, i, shape);
		if (php_gru_ndarray_new(&layer->grads[i], shape, ndim, layer->dtype) == NULL) {
			return FAILURE;
		}
	}
	return SUCCESS;
}

/* The core problem for this layer and these sizes (features passed: build checks before it sets them). */
static void fill_problem(const php_gru_layer *layer, gru_problem *problem, zend_long batch, zend_long steps,
		zend_long features)
{
	memset(problem, 0, sizeof(*problem));
	problem->batch = (size_t) batch;
	problem->steps = (size_t) steps;
	problem->features = (size_t) features;
	problem->units = (size_t) layer->config.units;
	problem->dtype = (gru_dtype) layer->dtype;
	problem->activation = layer->config.activation;
	problem->recurrent_activation = layer->config.recurrent_activation;
	problem->reset_after = layer->config.reset_after;
	problem->use_bias = layer->config.use_bias;
	problem->go_backwards = layer->config.go_backwards;
	problem->return_sequences = layer->config.return_sequences;
}

/* Checks that every size the core will compute from these dimensions fits. */
static zend_result check_dimensions(const php_gru_layer *layer, zend_long batch, zend_long timesteps,
		zend_long features)
{
	gru_problem problem;
	gru_status status;

	/* gru_problem_check computes every workspace and trace size, so it catches any overflow. */
	fill_problem(layer, &problem, batch, timesteps, features);
	if (gru_problem_check(&problem, &status) != GRU_OK) {
		php_gru_throw_status(&status);
		return FAILURE;
	}
	return SUCCESS;
}

/* The weights and their gradients must fit under memory_limit before any is allocated. */
static zend_result check_weight_memory(const php_gru_layer *layer, zend_long features)
{
	gru_problem problem;
	gru_status status;
	size_t kernel, recurrent, bias, total, bytes;

	fill_problem(layer, &problem, 1, 1, features);
	if (gru_weight_sizes(&problem, &kernel, &recurrent, &bias, &status) != GRU_OK) {
		php_gru_throw_status(&status);
		return FAILURE;
	}
	/* Params and grads: twice the elements. */
	if (!gru_size_add(kernel, recurrent, &total) || !gru_size_add(total, bias, &total)
		|| !gru_size_mul(total, 2 * php_gru_dtype_size(layer->dtype), &bytes)) {
		php_gru_throw_invalid("the weights of %s overflow the address space", layer_name(layer));
		return FAILURE;
	}
	return php_gru_check_memory(bytes, "GRU weights");
}

static zend_result check_input_shape(const php_gru_layer *layer, zend_long timesteps, zend_long features)
{
	zend_long defined[2], given[2] = {timesteps, features};
	char defined_buf[96], given_buf[96];
	bool has_defined = false;

	if (layer->built) {
		defined[0] = layer->timesteps;
		defined[1] = layer->features;
		has_defined = true;
	} else if (layer->config.has_input_shape) {
		defined[0] = layer->config.input_timesteps;
		defined[1] = layer->config.input_features;
		has_defined = true;
	}
	if (has_defined && (defined[1] != features || (defined[0] != -1 && defined[0] != timesteps))) {
		/* Rindow's message, so that code matching on it keeps working. */
		php_gru_shape_to_string(defined, 2, defined_buf, sizeof(defined_buf));
		if (defined[0] == -1) {
			snprintf(defined_buf, sizeof(defined_buf), "(null," ZEND_LONG_FMT ")", defined[1]);
		}
		php_gru_throw_invalid("Input shape is inconsistent: defined as %s but %s given in GRU",
			defined_buf, php_gru_shape_to_string(given, 2, given_buf, sizeof(given_buf)));
		return FAILURE;
	}
	return SUCCESS;
}

/* Creates the weights for inputs [*, timesteps, features] of dtype, unless already built. */
zend_result php_gru_layer_build(php_gru_layer *layer, zend_long timesteps, zend_long features, zend_long dtype,
		HashTable *sample_weights)
{
	if (check_input_shape(layer, timesteps, features) == FAILURE) {
		return FAILURE;
	}
	if (features <= 0) {
		php_gru_throw_invalid("GRU needs a positive number of features, " ZEND_LONG_FMT " given", features);
		return FAILURE;
	}
	if (check_dimensions(layer, 1, timesteps > 0 ? timesteps : 1, features) == FAILURE) {
		return FAILURE;
	}
	release_params(layer);
	layer->features = features;
	layer->timesteps = layer->config.has_input_shape && layer->config.input_timesteps == -1 ? -1 : timesteps;
	layer->dtype = dtype;
	if (check_weight_memory(layer, features) == FAILURE) {
		return FAILURE;
	}
	if (sample_weights != NULL && zend_hash_num_elements(sample_weights) > 0) {
		if (set_sample_weights(layer, sample_weights) == FAILURE) {
			release_params(layer);
			return FAILURE;
		}
	} else if (init_params(layer) == FAILURE) {
		release_params(layer);
		return FAILURE;
	}
	if (make_grads(layer) == FAILURE) {
		release_params(layer);
		return FAILURE;
	}
	layer->built = true;
	return SUCCESS;
}

/* Opens the weights for the core; checks their shapes again, since PHP code can hand in any array. */
static zend_result open_params(php_gru_layer *layer, php_gru_array_view views[PARAM_COUNT], gru_weights *weights)
{
	int i;

	memset(weights, 0, sizeof(*weights));
	for (i = 0; i < PARAM_COUNT; i++) {
		memset(&views[i], 0, sizeof(views[i]));
		ZVAL_UNDEF(&views[i].buffer);
	}
	for (i = 0; i < param_count(layer); i++) {
		zend_long shape[2];
		uint32_t ndim = param_shape(layer, i, shape);
		if (php_gru_array_open(&layer->params[i], param_names[i], &views[i]) == FAILURE) {
			return FAILURE;
		}
		if (!shapes_equal(views[i].shape, views[i].ndim, shape, ndim)) {
			return throw_shape_mismatch(layer, param_names[i], shape, ndim, views[i].shape, views[i].ndim);
		}
		if (check_layer_dtype(layer, &views[i], param_names[i]) == FAILURE) {
			return FAILURE;
		}
	}
	weights->kernel = views[PARAM_KERNEL].data;
	weights->recurrent_kernel = views[PARAM_RECURRENT_KERNEL].data;
	weights->bias = layer->config.use_bias ? views[PARAM_BIAS].data : NULL;
	return SUCCESS;
}

static void release_views(php_gru_array_view *views, int count)
{
	int i;

	for (i = 0; i < count; i++) {
		php_gru_array_release(&views[i]);
	}
}

/*
 * time_major: dst[j][i] = src[i][j] over the two leading axes of
 * [d0, d1, row]. A core that took strides would avoid this copy; it costs
 * one pass over the inputs (and outputs) next to the GEMMs.
 */
static void transpose_leading(const void *src, void *dst, size_t d0, size_t d1, size_t row_bytes)
{
	size_t i, j;

	for (i = 0; i < d0; i++) {
		for (j = 0; j < d1; j++) {
			memcpy((char *) dst + (j * d0 + i) * row_bytes, (const char *) src + (i * d1 + j) * row_bytes, row_bytes);
		}
	}
}

/* ---- forward ------------------------------------------------------------ */

/* Everything one forward() call opens, so that one function can release it on every path. */
typedef struct {
	php_gru_array_view inputs;
	php_gru_array_view state_in;
	php_gru_array_view mask;
	php_gru_array_view outputs;
	php_gru_array_view state_out;
	php_gru_array_view params[PARAM_COUNT];
	uint8_t *mask_bytes;      /* converted mask, when the mask is not a byte array */
	php_gru_layer *workspace_layer; /* whose workspace the call holds (layer_workspace), or NULL */
	void *workspace_own;
	void *trace_block;
	size_t trace_block_bytes;
	void *dropout_block;      /* the dropout masks, until the training record takes them */
} forward_call;

static void forward_call_init(forward_call *call)
{
	int i;

	memset(call, 0, sizeof(*call));
	ZVAL_UNDEF(&call->inputs.buffer);
	ZVAL_UNDEF(&call->state_in.buffer);
	ZVAL_UNDEF(&call->mask.buffer);
	ZVAL_UNDEF(&call->outputs.buffer);
	ZVAL_UNDEF(&call->state_out.buffer);
	for (i = 0; i < PARAM_COUNT; i++) {
		ZVAL_UNDEF(&call->params[i].buffer);
	}
}

static void forward_call_release(forward_call *call)
{
	php_gru_array_release(&call->inputs);
	php_gru_array_release(&call->state_in);
	php_gru_array_release(&call->mask);
	php_gru_array_release(&call->outputs);
	php_gru_array_release(&call->state_out);
	release_views(call->params, PARAM_COUNT);
	if (call->mask_bytes) {
		efree(call->mask_bytes);
	}
	if (call->workspace_layer) {
		layer_workspace_done(call->workspace_layer, call->workspace_own);
	}
	if (call->trace_block) {
		efree(call->trace_block);
	}
	if (call->dropout_block) {
		efree(call->dropout_block);
	}
}

bool php_gru_layer_training_flag(zval *training)
{
	if (training == NULL) {
		return false;
	}
	ZVAL_DEREF(training);
	if (Z_TYPE_P(training) == IS_OBJECT) {
		/* Rindow passes a Variable holding the flag; read its value. */
		zval value;
		bool flag = true;
		if (zend_hash_str_exists(&Z_OBJCE_P(training)->function_table, "value", sizeof("value") - 1)) {
			zend_call_method_with_0_params(Z_OBJ_P(training), Z_OBJCE_P(training), NULL, "value", &value);
			if (!EG(exception)) {
				flag = zend_is_true(&value);
			}
			zval_ptr_dtor(&value);
		}
		return flag;
	}
	return zend_is_true(training);
}

/* Reads a [batch, steps] mask of any dtype as bytes (nonzero = the step is real). */
static zend_result open_mask(const php_gru_layer *layer, zval *mask, zend_long batch, zend_long steps,
		forward_call *call, const uint8_t **bytes)
{
	zend_long expected[2] = {batch, steps};
	size_t i;

	if (php_gru_array_open(mask, "mask", &call->mask) == FAILURE) {
		return FAILURE;
	}
	if (!shapes_equal(call->mask.shape, call->mask.ndim, expected, 2)) {
		return throw_shape_mismatch(layer, "mask", expected, 2, call->mask.shape, call->mask.ndim);
	}
	switch (call->mask.dtype) {
		case PHP_GRU_DTYPE_BOOL:
		case PHP_GRU_DTYPE_INT8:
		case PHP_GRU_DTYPE_UINT8:
			*bytes = call->mask.data;
			return SUCCESS;
		case PHP_GRU_DTYPE_INT32:
		case PHP_GRU_DTYPE_FLOAT32:
		case PHP_GRU_DTYPE_FLOAT64:
			call->mask_bytes = safe_emalloc(call->mask.size, 1, 0);
			for (i = 0; i < call->mask.size; i++) {
				if (call->mask.dtype == PHP_GRU_DTYPE_INT32) {
					call->mask_bytes[i] = ((const int32_t *) call->mask.data)[i] != 0;
				} else if (call->mask.dtype == PHP_GRU_DTYPE_FLOAT32) {
					call->mask_bytes[i] = ((const float *) call->mask.data)[i] != 0.0f;
				} else {
					call->mask_bytes[i] = ((const double *) call->mask.data)[i] != 0.0;
				}
			}
			*bytes = call->mask_bytes;
			return SUCCESS;
		default:
			php_gru_throw_invalid("mask must be bool, int8, uint8, int32, float32 or float64, %s given",
				php_gru_dtype_name(call->mask.dtype));
			return FAILURE;
	}
}

/* Opens the one initial state ([batch, units]) if given; *state stays NULL for zeros. */
static zend_result open_initial_state(php_gru_layer *layer, HashTable *states, zend_long batch, forward_call *call,
		const void **state, bool *given)
{
	zend_long expected[2] = {batch, layer->config.units};
	zval *value = NULL;

	*state = NULL;
	*given = false;
	if (states != NULL) {
		if (zend_hash_num_elements(states) != 1) {
			php_gru_throw_invalid("initialStates must hold 1 state [batch, units] for %s, %u given",
				layer_name(layer), zend_hash_num_elements(states));
			return FAILURE;
		}
		*given = true;
		value = zend_hash_get_current_data(states);
		ZVAL_DEREF(value);
		if (Z_TYPE_P(value) == IS_NULL) {
			return SUCCESS;
		}
		if (Z_TYPE_P(value) != IS_OBJECT) {
			php_gru_throw_invalid("initialStates[0] must be an NDArray or null, %s given", zend_zval_type_name(value));
			return FAILURE;
		}
	} else if (layer->config.stateful && !Z_ISUNDEF(layer->carried_state)) {
		value = &layer->carried_state;
	} else {
		return SUCCESS;
	}
	if (php_gru_array_open(value, "initialStates[0]", &call->state_in) == FAILURE) {
		return FAILURE;
	}
	if (!shapes_equal(call->state_in.shape, call->state_in.ndim, expected, 2)) {
		if (value == &layer->carried_state) {
			php_gru_throw_invalid("%s is stateful and carries a state of batch " ZEND_LONG_FMT
				", but the inputs have batch " ZEND_LONG_FMT "; call resetStates() first",
				layer_name(layer), call->state_in.shape[0], batch);
			return FAILURE;
		}
		return throw_shape_mismatch(layer, "initialStates[0]", expected, 2, call->state_in.shape, call->state_in.ndim);
	}
	if (check_layer_dtype(layer, &call->state_in, "initialStates[0]") == FAILURE) {
		return FAILURE;
	}
	*state = call->state_in.data;
	return SUCCESS;
}

/* Fills count mask values: 0 with probability rate, else 1 / (1 - rate) (inverted dropout). */
static void fill_dropout_mask(gru_rng *rng, double rate, zend_long dtype, void *mask, size_t count)
{
	const double keep = 1.0 / (1.0 - rate);
	size_t i;

	for (i = 0; i < count; i++) {
		double value = gru_rng_uniform(rng) < rate ? 0.0 : keep;

		if (dtype == PHP_GRU_DTYPE_FLOAT64) {
			((double *) mask)[i] = value;
		} else {
			((float *) mask)[i] = (float) value;
		}
	}
}

/*
 * Draws this training forward's masks, one per sequence (the core reuses
 * them at every step): the input mask [batch, features] first, then the
 * recurrent one [batch, units], from the layer's dropout generator.
 */
static zend_result draw_dropout_masks(php_gru_layer *layer, const gru_problem *problem, void **block,
		const void **input_mask, const void **recurrent_mask)
{
	const size_t es = php_gru_dtype_size(layer->dtype);
	size_t n_in = 0, n_rec = 0, in_bytes, rec_bytes, in_padded, total;
	void *aligned;
	char *base;

	if ((problem->input_dropout && !gru_size_mul(problem->batch, problem->features, &n_in))
		|| (problem->recurrent_dropout && !gru_size_mul(problem->batch, problem->units, &n_rec))
		|| !gru_size_mul(n_in, es, &in_bytes) || !gru_size_mul(n_rec, es, &rec_bytes)
		|| !gru_size_add(in_bytes, GRU_ALIGNMENT - 1, &in_padded)) {
		php_gru_throw_invalid("the dropout masks of %s overflow the address space", layer_name(layer));
		return FAILURE;
	}
	in_padded -= in_padded % GRU_ALIGNMENT;
	if (!gru_size_add(in_padded, rec_bytes, &total)) {
		php_gru_throw_invalid("the dropout masks of %s overflow the address space", layer_name(layer));
		return FAILURE;
	}
	*block = alloc_aligned(total, "GRU dropout masks", &aligned);
	if (*block == NULL) {
		return FAILURE;
	}
	base = aligned;
	if (problem->input_dropout) {
		fill_dropout_mask(&layer->dropout_rng, layer->config.dropout, layer->dtype, base, n_in);
		*input_mask = base;
	}
	if (problem->recurrent_dropout) {
		fill_dropout_mask(&layer->dropout_rng, layer->config.recurrent_dropout, layer->dtype,
			base + in_padded, n_rec);
		*recurrent_mask = base + in_padded;
	}
	return SUCCESS;
}

void php_gru_layer_forward(php_gru_layer *layer, zval *inputs, zval *training, HashTable *initial_states,
		zval *mask, zval *return_value)
{
	php_gru_layer_forward_projected(layer, inputs, training, initial_states, mask, NULL, return_value);
}

void php_gru_layer_forward_projected(php_gru_layer *layer, zval *inputs, zval *training, HashTable *initial_states,
		zval *mask, const php_gru_input_projection *projection, zval *return_value)
{
	forward_call call;
	gru_problem problem;
	gru_weights weights;
	gru_forward_args args;
	gru_status status;
	zval outputs, state;
	zend_long batch, steps, features, out_shape[3];
	size_t workspace_bytes = 0, trace_bytes = 0;
	bool is_training, has_initial_state = false;
	const uint8_t *mask_bytes = NULL;
	void *opencl = NULL;
	bool time_major = layer->config.time_major && !layer->is_cell;
	zval tm_inputs, tm_outputs;      /* time_major: [batch, steps, *] copies for the core */
	void *tm_inputs_data = NULL, *tm_outputs_data = NULL;

	forward_call_init(&call);
	ZVAL_UNDEF(&outputs);
	ZVAL_UNDEF(&state);
	ZVAL_UNDEF(&tm_inputs);
	ZVAL_UNDEF(&tm_outputs);
	is_training = php_gru_layer_training_flag(training);
	if (EG(exception)) {
		RETURN_THROWS();
	}

	if (php_gru_array_open(inputs, "inputs", &call.inputs) == FAILURE) {
		goto fail;
	}
	if (layer->is_cell && call.inputs.ndim == 2) {
		/* one step: [batch, features] is the same memory as [batch, 1, features] */
		call.inputs.shape[2] = call.inputs.shape[1];
		call.inputs.shape[1] = 1;
		call.inputs.ndim = 3;
	} else if (layer->is_cell) {
		char buf[128];
		php_gru_throw_invalid("inputs must be a 2-D NDArray [batch, features], %s given in %s",
			php_gru_shape_to_string(call.inputs.shape, call.inputs.ndim, buf, sizeof(buf)), layer_name(layer));
		goto fail;
	}
	if (call.inputs.ndim != 3) {
		char buf[128];
		php_gru_throw_invalid("inputs must be a 3-D NDArray [batch, timesteps, features], %s given in %s",
			php_gru_shape_to_string(call.inputs.shape, call.inputs.ndim, buf, sizeof(buf)), layer_name(layer));
		goto fail;
	}
	if (check_float_dtype(&call.inputs, "inputs") == FAILURE) {
		goto fail;
	}
	batch = call.inputs.shape[time_major ? 1 : 0];
	steps = call.inputs.shape[time_major ? 0 : 1];
	features = call.inputs.shape[2];
	if (batch <= 0 || steps <= 0) {
		php_gru_throw_invalid("inputs must have a positive batch size and number of timesteps, (" ZEND_LONG_FMT
			"," ZEND_LONG_FMT "," ZEND_LONG_FMT ") given in %s", batch, steps, features, layer_name(layer));
		goto fail;
	}
	if (!layer->built) {
		if (php_gru_layer_build(layer, steps, features, call.inputs.dtype, NULL) == FAILURE) {
			goto fail;
		}
	} else if (check_input_shape(layer, steps, features) == FAILURE) {
		goto fail;
	}
	if (check_layer_dtype(layer, &call.inputs, "inputs") == FAILURE
		|| check_dimensions(layer, batch, steps, features) == FAILURE) {
		goto fail;
	}

	if (time_major) {
		zend_long shape[3] = {batch, steps, features};
		tm_inputs_data = php_gru_ndarray_new(&tm_inputs, shape, 3, layer->dtype);
		if (tm_inputs_data == NULL) {
			goto fail;
		}
		transpose_leading(call.inputs.data, tm_inputs_data, (size_t) steps, (size_t) batch,
			(size_t) features * call.inputs.value_size);
	}

	fill_problem(layer, &problem, batch, steps, layer->features);
	memset(&args, 0, sizeof(args));
	args.inputs = time_major ? tm_inputs_data : call.inputs.data;
	if (open_initial_state(layer, initial_states, batch, &call, &args.initial_state, &has_initial_state) == FAILURE) {
		goto fail;
	}
	if (mask != NULL && open_mask(layer, mask, batch, steps, &call, &mask_bytes) == FAILURE) {
		goto fail;
	}
	args.mask = mask_bytes;
	if (open_params(layer, call.params, &weights) == FAILURE) {
		goto fail;
	}

	/* Keras: dropout only when training and 0 < rate < 1 (rates are checked to be < 1). */
	if (is_training) {
		problem.input_dropout = layer->config.dropout > 0.0;
		problem.recurrent_dropout = layer->config.recurrent_dropout > 0.0;
	}
	gru_status_clear(&status);
	if (gru_forward_workspace_bytes(&problem, &workspace_bytes, &status) != GRU_OK
		|| (is_training && gru_trace_bytes(&problem, &trace_bytes, &status) != GRU_OK)) {
		php_gru_throw_status(&status);
		goto fail;
	}
	if (php_gru_device_resolve(layer->config.device, &opencl) == FAILURE) {
		goto fail;
	}
	/* the OpenCL backend keeps its workspace on the device */
	if (opencl == NULL) {
		args.workspace = layer_workspace(layer, workspace_bytes, "GRU forward workspace", &call.workspace_own);
		if (args.workspace == NULL) {
			goto fail;
		}
		call.workspace_layer = layer;
	}
	if (is_training) {
		call.trace_block = layer_trace_block(layer, trace_bytes, &args.trace, &call.trace_block_bytes);
		if (call.trace_block == NULL) {
			goto fail;
		}
	}

	out_shape[0] = batch;
	if (layer->config.return_sequences) {
		out_shape[1] = steps;
		out_shape[2] = layer->config.units;
		if (time_major) {
			tm_outputs_data = php_gru_ndarray_new(&tm_outputs, out_shape, 3, layer->dtype);
			if (tm_outputs_data == NULL) {
				goto fail;
			}
			out_shape[0] = steps;
			out_shape[1] = batch;
		}
	} else {
		out_shape[1] = layer->config.units;
	}
	if (php_gru_array_create(inputs, &layer->backend, out_shape, layer->config.return_sequences ? 3 : 2,
			layer->dtype, &outputs, &call.outputs) == FAILURE) {
		goto fail;
	}
	/* a cell's output is its state: no second array */
	if (!layer->is_cell) {
		out_shape[0] = batch;
		out_shape[1] = layer->config.units;
		if (php_gru_array_create(inputs, &layer->backend, out_shape, 2, layer->dtype, &state, &call.state_out)
				== FAILURE) {
			goto fail;
		}
	}
	args.outputs = tm_outputs_data ? tm_outputs_data : call.outputs.data;
	args.final_state = layer->is_cell ? NULL : call.state_out.data;
	if ((problem.input_dropout || problem.recurrent_dropout)
			&& draw_dropout_masks(layer, &problem, &call.dropout_block, &args.input_dropout,
				&args.recurrent_dropout) == FAILURE) {
		goto fail;
	}

	/* the core rejects a projection with input dropout; OpenCL projects on the device */
	if (projection != NULL && opencl == NULL && !time_major && !problem.input_dropout) {
		args.input_projection = projection->data;
		args.input_projection_ld = projection->ld;
	}
	if (php_gru_device_forward(opencl, &problem, &weights, &args, &status) != GRU_OK) {
		php_gru_throw_status(&status);
		goto fail;
	}
	if (tm_outputs_data) {
		transpose_leading(tm_outputs_data, call.outputs.data, (size_t) batch, (size_t) steps,
			(size_t) layer->config.units * call.outputs.value_size);
	}
	if (php_gru_array_commit(&call.outputs) == FAILURE
			|| (!layer->is_cell && php_gru_array_commit(&call.state_out) == FAILURE)) {
		goto fail;
	}

	if (is_training) {
		release_training_record(layer);
		layer->record.allocation = call.trace_block;
		layer->record.allocation_bytes = call.trace_block_bytes;
		layer->record.trace = args.trace;
		layer->record.problem = problem;
		layer->record.has_initial_state = has_initial_state;
		ZVAL_COPY(&layer->record.inputs, time_major ? &tm_inputs : inputs);
		if (time_major) {
			ZVAL_COPY(&layer->record.family, inputs);
			layer->record.time_major = true;
		}
		if (mask != NULL) {
			ZVAL_COPY(&layer->record.mask, mask);
		}
		layer->record.dropout_block = call.dropout_block;
		layer->record.input_dropout = args.input_dropout;
		layer->record.recurrent_dropout = args.recurrent_dropout;
		call.trace_block = NULL;
		call.dropout_block = NULL;
	}
	/* after the record is in place, which takes the activity copy for backward() */
	if (!layer->is_cell && php_gru_layer_activity_forward(layer, &call.outputs,
			layer->config.return_state ? &call.state_out : NULL, (size_t) batch, is_training) == FAILURE) {
		if (is_training) {
			release_training_record(layer);
		}
		goto fail;
	}
	if (layer->config.stateful) {
		zval_ptr_dtor(&layer->carried_state);
		ZVAL_COPY(&layer->carried_state, &state);
	}
	forward_call_release(&call);
	zval_ptr_dtor(&tm_inputs);
	zval_ptr_dtor(&tm_outputs);

	if (layer->is_cell) {
		/* Rindow's cells return the next states, [next_h] */
		array_init_size(return_value, 1);
		add_next_index_zval(return_value, &outputs);
	} else if (layer->config.return_state) {
		zval states;
		array_init_size(return_value, 2);
		add_next_index_zval(return_value, &outputs);
		array_init_size(&states, 1);
		add_next_index_zval(&states, &state);
		add_next_index_zval(return_value, &states);
	} else {
		zval_ptr_dtor(&state);
		RETURN_COPY_VALUE(&outputs);
	}
	return;

fail:
	forward_call_release(&call);
	zval_ptr_dtor(&outputs);
	zval_ptr_dtor(&state);
	zval_ptr_dtor(&tm_inputs);
	zval_ptr_dtor(&tm_outputs);
	RETURN_THROWS();
}

/* ---- backward ----------------------------------------------------------- */

static zend_result open_gradient(const php_gru_layer *layer, zval *value, const char *what,
		const zend_long *expected, uint32_t ndim, php_gru_array_view *view)
{
	ZVAL_DEREF(value);
	if (Z_TYPE_P(value) != IS_OBJECT) {
		php_gru_throw_invalid("%s must be an NDArray, %s given", what, zend_zval_type_name(value));
		return FAILURE;
	}
	if (php_gru_array_open(value, what, view) == FAILURE) {
		return FAILURE;
	}
	if (!shapes_equal(view->shape, view->ndim, expected, ndim)) {
		return throw_shape_mismatch(layer, what, expected, ndim, view->shape, view->ndim);
	}
	return check_layer_dtype(layer, view, what);
}

void php_gru_layer_backward(php_gru_layer *layer, HashTable *d_outputs_list, zval *return_value)
{
	php_gru_training_record spent;   /* the layer's record, taken out for the call */
	php_gru_training_record *record = &spent;
	php_gru_array_view d_outputs, d_state, inputs, mask, d_inputs, d_initial, params[PARAM_COUNT], grads[PARAM_COUNT];
	gru_weights weights;
	gru_backward_args args;
	gru_status status;
	zval d_inputs_zv, d_initial_zv, *value;
	zend_long out_shape[3], state_shape[2], in_shape[3];
	uint32_t count, i;
	size_t workspace_bytes;
	void *opencl = NULL;
	forward_call scratch;     /* what the call holds and releases, as a forward's (mask, params, workspace) */
	zval tm_d_outputs, tm_d_inputs;  /* time_major: [batch, steps, *] copies for the core */
	void *tm_d_outputs_data = NULL, *tm_d_inputs_data = NULL;
	zval *family;
	const void *d_outputs_data = NULL, *d_state_data = NULL;
	void *activity_block = NULL;     /* dOutputs (and dState) plus the activity penalty's gradient */

	ZVAL_UNDEF(&tm_d_outputs);
	ZVAL_UNDEF(&tm_d_inputs);
	if (layer->record.trace == NULL) {
		php_gru_throw_runtime("%s: backward() needs a forward() with training true before it", layer_name(layer));
		RETURN_THROWS();
	}
	count = zend_hash_num_elements(d_outputs_list);
	if (layer->is_cell && count != 1) {
		php_gru_throw_invalid("dStates must be [dNext_h] for %s, %u NDArrays given", layer_name(layer), count);
		RETURN_THROWS();
	}
	if (count < 1 || count > 2) {
		php_gru_throw_invalid("dOutputs must be [dOutputs] or [dOutputs, dState] for %s, %u NDArrays given",
			layer_name(layer), count);
		RETURN_THROWS();
	}

	/*
	 * The record leaves the layer for the call: backward() runs user code
	 * (a foreign array's methods, a backend's zeros()), which may run this
	 * layer again, and a training forward there would replace the layer's
	 * record and free the trace this call reads. A nested backward finds
	 * no record and throws, as after any backward.
	 */
	spent = layer->record;
	record_init(&layer->record);
	family = record->time_major ? &record->family : &record->inputs;

	forward_call_init(&scratch);
	memset(&d_outputs, 0, sizeof(d_outputs));
	d_state = inputs = mask = d_inputs = d_initial = d_outputs;
	ZVAL_UNDEF(&d_outputs.buffer);
	ZVAL_UNDEF(&d_state.buffer);
	ZVAL_UNDEF(&inputs.buffer);
	ZVAL_UNDEF(&mask.buffer);
	ZVAL_UNDEF(&d_inputs.buffer);
	ZVAL_UNDEF(&d_initial.buffer);
	for (i = 0; i < PARAM_COUNT; i++) {
		memset(&grads[i], 0, sizeof(grads[i]));
		ZVAL_UNDEF(&grads[i].buffer);
	}
	ZVAL_UNDEF(&d_inputs_zv);
	ZVAL_UNDEF(&d_initial_zv);
	memset(&args, 0, sizeof(args));

	out_shape[0] = (zend_long) record->problem.batch;
	if (record->problem.return_sequences) {
		out_shape[1] = (zend_long) record->problem.steps;
		out_shape[2] = (zend_long) record->problem.units;
	} else {
		out_shape[1] = (zend_long) record->problem.units;
	}
	if (record->time_major && record->problem.return_sequences) {
		out_shape[0] = (zend_long) record->problem.steps;
		out_shape[1] = (zend_long) record->problem.batch;
	}
	state_shape[0] = (zend_long) record->problem.batch;
	state_shape[1] = (zend_long) record->problem.units;
	in_shape[0] = (zend_long) record->problem.batch;
	in_shape[1] = (zend_long) record->problem.steps;
	in_shape[2] = (zend_long) record->problem.features;

	i = 0;
	ZEND_HASH_FOREACH_VAL(d_outputs_list, value) {
		if (i == 0) {
			if (open_gradient(layer, value, "dOutputs[0]", out_shape, record->problem.return_sequences ? 3 : 2,
					&d_outputs) == FAILURE) {
				goto fail;
			}
		} else if (open_gradient(layer, value, "dOutputs[1] (dState)", state_shape, 2, &d_state) == FAILURE) {
			goto fail;
		}
		i++;
	} ZEND_HASH_FOREACH_END();
	d_outputs_data = d_outputs.data;
	d_state_data = d_state.data;
	if (php_gru_layer_activity_backward(layer, record, &d_outputs_data, d_outputs.size, &d_state_data,
			&activity_block)
			== FAILURE) {
		goto fail;
	}

	if (record->time_major && record->problem.return_sequences) {
		zend_long shape[3] = {out_shape[1], out_shape[0], out_shape[2]};
		tm_d_outputs_data = php_gru_ndarray_new(&tm_d_outputs, shape, 3, layer->dtype);
		if (tm_d_outputs_data == NULL) {
			goto fail;
		}
		transpose_leading(d_outputs_data, tm_d_outputs_data, record->problem.steps, record->problem.batch,
			record->problem.units * d_outputs.value_size);
	}
	if (php_gru_array_open(&record->inputs, "inputs", &inputs) == FAILURE) {
		goto fail;
	}
	if (!Z_ISUNDEF(record->mask)) {
		const uint8_t *bytes;
		if (open_mask(layer, &record->mask, in_shape[0], in_shape[1], &scratch, &bytes) == FAILURE) {
			goto fail;
		}
		args.mask = bytes;
	}
	if (open_params(layer, params, &weights) == FAILURE) {
		release_views(params, PARAM_COUNT);
		goto fail;
	}
	memcpy(scratch.params, params, sizeof(params));

	gru_status_clear(&status);
	if (gru_backward_workspace_bytes(&record->problem, &workspace_bytes, &status) != GRU_OK) {
		php_gru_throw_status(&status);
		goto fail;
	}
	if (php_gru_device_resolve(layer->config.device, &opencl) == FAILURE) {
		goto fail;
	}
	if (opencl == NULL) {
		args.workspace = layer_workspace(layer, workspace_bytes, "GRU backward workspace", &scratch.workspace_own);
		if (args.workspace == NULL) {
			goto fail;
		}
		scratch.workspace_layer = layer;
	}
	if (layer->is_cell) {
		in_shape[1] = in_shape[2];
	}
	if (record->time_major) {
		tm_d_inputs_data = php_gru_ndarray_new(&tm_d_inputs, in_shape, 3, layer->dtype);
		if (tm_d_inputs_data == NULL) {
			goto fail;
		}
		in_shape[0] = (zend_long) record->problem.steps;
		in_shape[1] = (zend_long) record->problem.batch;
	}
	if (php_gru_array_create(family, &layer->backend, in_shape, layer->is_cell ? 2 : 3, layer->dtype,
			&d_inputs_zv, &d_inputs) == FAILURE) {
		goto fail;
	}
	if (record->has_initial_state && php_gru_array_create(family, &layer->backend, state_shape, 2,
			layer->dtype, &d_initial_zv, &d_initial) == FAILURE) {
		goto fail;
	}
	for (i = 0; i < (uint32_t) param_count(layer); i++) {
		if (php_gru_array_open(&layer->grads[i], param_names[i], &grads[i]) == FAILURE) {
			goto fail;
		}
	}

	args.inputs = inputs.data;
	args.input_dropout = record->input_dropout;
	args.recurrent_dropout = record->recurrent_dropout;
	args.trace = record->trace;
	args.d_outputs = tm_d_outputs_data ? tm_d_outputs_data : d_outputs_data;
	args.d_state = d_state_data;
	args.d_inputs = tm_d_inputs_data ? tm_d_inputs_data : d_inputs.data;
	args.d_initial_state = record->has_initial_state ? d_initial.data : NULL;
	args.d_kernel = grads[PARAM_KERNEL].data;
	args.d_recurrent_kernel = grads[PARAM_RECURRENT_KERNEL].data;
	args.d_bias = layer->config.use_bias ? grads[PARAM_BIAS].data : NULL;
	if (php_gru_device_backward(opencl, &record->problem, &weights, &args, &status) != GRU_OK) {
		php_gru_throw_status(&status);
		goto fail;
	}
	/* the core wrote the grads; the weight penalties' gradients go on top (Keras adds them to the loss) */
	php_gru_layer_add_penalty_grads(layer, params, grads);
	if (tm_d_inputs_data) {
		transpose_leading(tm_d_inputs_data, d_inputs.data, record->problem.batch, record->problem.steps,
			record->problem.features * d_inputs.value_size);
	}
	if (php_gru_array_commit(&d_inputs) == FAILURE
		|| (record->has_initial_state && php_gru_array_commit(&d_initial) == FAILURE)) {
		goto fail;
	}
	for (i = 0; i < (uint32_t) param_count(layer); i++) {
		if (php_gru_array_commit(&grads[i]) == FAILURE) {
			goto fail;
		}
	}

	array_init_size(return_value, 2);
	add_next_index_zval(return_value, &d_inputs_zv);
	if (layer->is_cell) {
		/* Rindow's cells: [dInputs, [dPrev_h]] */
		zval d_states;
		array_init_size(&d_states, 1);
		add_next_index_zval(&d_states, &d_initial_zv);
		add_next_index_zval(return_value, &d_states);
	} else if (record->has_initial_state) {
		add_next_index_zval(return_value, &d_initial_zv);
	}
	ZVAL_UNDEF(&d_inputs_zv);
	ZVAL_UNDEF(&d_initial_zv);
	/* As Rindow, the record is spent: a second backward needs a new training forward. */
	record_release(layer, record);
	goto cleanup;

fail:
	zval_ptr_dtor(&d_inputs_zv);
	zval_ptr_dtor(&d_initial_zv);
	/* a failed backward leaves the record for another try, unless a nested forward made a newer one */
	if (layer->record.trace == NULL) {
		release_training_record(layer);
		layer->record = spent;
	} else {
		record_release(layer, record);
	}
cleanup:
	php_gru_array_release(&d_outputs);
	php_gru_array_release(&d_state);
	php_gru_array_release(&inputs);
	php_gru_array_release(&d_inputs);
	php_gru_array_release(&d_initial);
	release_views(grads, PARAM_COUNT);
	forward_call_release(&scratch);
	zval_ptr_dtor(&tm_d_outputs);
	zval_ptr_dtor(&tm_d_inputs);
	if (activity_block) {
		efree(activity_block);
	}
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRU, backward)
{
	HashTable *d_outputs_list;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY_HT(d_outputs_list)
	ZEND_PARSE_PARAMETERS_END();
	if (php_gru_check_list(d_outputs_list, "dOutputs") == FAILURE) {
		RETURN_THROWS();
	}
	php_gru_layer_backward(Z_GRU_LAYER_P(ZEND_THIS), d_outputs_list, return_value);
}

/* ---- a cell's steps kept in Rindow's calcState -------------------------- */

#define RECORD_PROPERTY "rindow_gru_step"
#define RECORD_INPUTS_PROPERTY "rindow_gru_step_inputs"

typedef struct {
	gru_problem problem;
	bool has_initial_state;
	size_t trace_bytes;
	size_t input_dropout_bytes;
	size_t recurrent_dropout_bytes;
} saved_record_header;

/*
 * Moves the training record of the last forward into `holder` (Rindow's
 * calcState object) as a string property, so that the steps of a sequence
 * can be taken back in any order by backward(..., $calcState).
 */
zend_result php_gru_layer_record_save(php_gru_layer *layer, zval *holder)
{
	php_gru_training_record *record = &layer->record;
	saved_record_header header = {0};
	const size_t es = php_gru_dtype_size(layer->dtype);
	gru_status status;
	zend_string *bytes;
	char *p;

	if (record->trace == NULL) {
		return SUCCESS;
	}
	gru_status_clear(&status);
	if (gru_trace_bytes(&record->problem, &header.trace_bytes, &status) != GRU_OK) {
		php_gru_throw_status(&status);
		return FAILURE;
	}
	header.problem = record->problem;
	header.has_initial_state = record->has_initial_state;
	/* sizes were checked when the masks were drawn */
	header.input_dropout_bytes = record->input_dropout ? record->problem.batch * record->problem.features * es : 0;
	header.recurrent_dropout_bytes = record->recurrent_dropout ? record->problem.batch * record->problem.units * es : 0;
	bytes = zend_string_alloc(sizeof(header) + header.trace_bytes + header.input_dropout_bytes
		+ header.recurrent_dropout_bytes, 0);
	p = ZSTR_VAL(bytes);
	memcpy(p, &header, sizeof(header));
	p += sizeof(header);
	memcpy(p, record->trace, header.trace_bytes);
	p += header.trace_bytes;
	if (header.input_dropout_bytes) {
		memcpy(p, record->input_dropout, header.input_dropout_bytes);
		p += header.input_dropout_bytes;
	}
	if (header.recurrent_dropout_bytes) {
		memcpy(p, record->recurrent_dropout, header.recurrent_dropout_bytes);
		p += header.recurrent_dropout_bytes;
	}
	*p = '\0';
	zend_update_property_str(Z_OBJCE_P(holder), Z_OBJ_P(holder), RECORD_PROPERTY, sizeof(RECORD_PROPERTY) - 1, bytes);
	zend_string_release(bytes);
	zend_update_property(Z_OBJCE_P(holder), Z_OBJ_P(holder), RECORD_INPUTS_PROPERTY,
		sizeof(RECORD_INPUTS_PROPERTY) - 1, &record->inputs);
	release_training_record(layer);
	return EG(exception) ? FAILURE : SUCCESS;
}

/* Takes a record saved by php_gru_layer_record_save() back as the layer's training record. */
zend_result php_gru_layer_record_restore(php_gru_layer *layer, zval *holder)
{
	php_gru_training_record *record = &layer->record;
	saved_record_header header;
	zval *saved, *inputs, rv1, rv2;
	const char *p;
	void *aligned;

	saved = zend_read_property(Z_OBJCE_P(holder), Z_OBJ_P(holder), RECORD_PROPERTY, sizeof(RECORD_PROPERTY) - 1,
		true, &rv1);
	inputs = zend_read_property(Z_OBJCE_P(holder), Z_OBJ_P(holder), RECORD_INPUTS_PROPERTY,
		sizeof(RECORD_INPUTS_PROPERTY) - 1, true, &rv2);
	ZVAL_DEREF(saved);
	ZVAL_DEREF(inputs);
	if (Z_TYPE_P(saved) != IS_STRING || Z_STRLEN_P(saved) < sizeof(header) || Z_TYPE_P(inputs) != IS_OBJECT) {
		php_gru_throw_runtime("%s: backward() needs the calcState of a forward() with training true",
			layer_name(layer));
		return FAILURE;
	}
	memcpy(&header, Z_STRVAL_P(saved), sizeof(header));
	if (Z_STRLEN_P(saved) != sizeof(header) + header.trace_bytes + header.input_dropout_bytes
			+ header.recurrent_dropout_bytes
		|| header.problem.features != (size_t) layer->features || header.problem.units != (size_t) layer->config.units
		|| header.problem.dtype != (gru_dtype) layer->dtype) {
		php_gru_throw_runtime("%s: this calcState holds a step of another layer or weights", layer_name(layer));
		return FAILURE;
	}
	release_training_record(layer);
	p = Z_STRVAL_P(saved) + sizeof(header);
	record->allocation = alloc_aligned(header.trace_bytes, "GRU training record", &aligned);
	record->allocation_bytes = header.trace_bytes;
	if (record->allocation == NULL) {
		return FAILURE;
	}
	memcpy(aligned, p, header.trace_bytes);
	record->trace = aligned;
	p += header.trace_bytes;
	if (header.input_dropout_bytes + header.recurrent_dropout_bytes > 0) {
		size_t in_padded = (header.input_dropout_bytes + GRU_ALIGNMENT - 1) / GRU_ALIGNMENT * GRU_ALIGNMENT;
		char *base;

		record->dropout_block = alloc_aligned(in_padded + header.recurrent_dropout_bytes, "GRU dropout masks",
			&aligned);
		if (record->dropout_block == NULL) {
			release_training_record(layer);
			return FAILURE;
		}
		base = aligned;
		if (header.input_dropout_bytes) {
			memcpy(base, p, header.input_dropout_bytes);
			record->input_dropout = base;
			p += header.input_dropout_bytes;
		}
		if (header.recurrent_dropout_bytes) {
			memcpy(base + in_padded, p, header.recurrent_dropout_bytes);
			record->recurrent_dropout = base + in_padded;
		}
	}
	record->problem = header.problem;
	record->has_initial_state = header.has_initial_state;
	ZVAL_COPY(&record->inputs, inputs);
	return SUCCESS;
}

/* ---- methods ------------------------------------------------------------ */

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRU, __construct)
{
	zval *first = NULL, *positional = NULL;
	uint32_t positional_count = 0;
	HashTable *named = NULL;
	php_gru_layer *layer = Z_GRU_LAYER_P(ZEND_THIS);
	php_gru_layer_config config;
	zval backend;

	ZEND_PARSE_PARAMETERS_START(0, -1)
		Z_PARAM_OPTIONAL
		Z_PARAM_ZVAL(first)
		Z_PARAM_VARIADIC_WITH_NAMED(positional, positional_count, named)
	ZEND_PARSE_PARAMETERS_END();
	/*
	 * new GRU(units: 3) skips the optional first parameter, and the parsing
	 * macros stop at the first missing optional one before they reach the
	 * named arguments; take those from the call frame.
	 */
	if (named == NULL && (ZEND_CALL_INFO(execute_data) & ZEND_CALL_HAS_EXTRA_NAMED_PARAMS)) {
		named = execute_data->extra_named_params;
	}

	if (php_gru_layer_config_parse(&config, &backend, first, positional, positional_count, named) == FAILURE) {
		php_gru_layer_config_destroy(&config);
		zval_ptr_dtor(&backend);
		RETURN_THROWS();
	}
	php_gru_layer_configure(layer, &config, &backend);
}

void php_gru_layer_configure(php_gru_layer *layer, php_gru_layer_config *config_in, zval *backend_in)
{
	php_gru_layer_config config = *config_in;
	uint64_t seed;

	/* A second __construct() call replaces the configuration and forgets the weights. */
	php_gru_layer_config_destroy(&layer->config);
	zval_ptr_dtor(&layer->backend);
	release_params(layer);
	release_training_record(layer);
	zval_ptr_dtor(&layer->carried_state);
	ZVAL_UNDEF(&layer->carried_state);
	layer->config = config;
	ZVAL_COPY_VALUE(&layer->backend, backend_in);
	layer->built = false;
	layer->activity_loss_count = 0;
	layer->dtype = PHP_GRU_DTYPE_FLOAT32;
	layer->timesteps = config.has_input_shape ? config.input_timesteps : -1;
	layer->features = config.has_input_shape ? config.input_features : 0;
	/* Seeded from mt_rand() so that mt_srand() makes initial weights reproducible. */
	seed = ((uint64_t) php_mt_rand() << 32) | php_mt_rand();
	gru_rng_seed(&layer->rng, seed);
	/*
	 * The dropout masks have their own stream: from the seed option, or else
	 * from the same mt_rand() draw (another splitmix64 start), so that a null
	 * seed consumes no more of mt_rand() than before and mt_srand() still
	 * makes everything reproducible.
	 */
	gru_rng_seed(&layer->dropout_rng, config.has_seed ? (uint64_t) config.seed : seed ^ UINT64_C(0xd1b54a32d192ed03));
}

void php_gru_layer_unbuild(php_gru_layer *layer)
{
	uint64_t seed = ((uint64_t) php_mt_rand() << 32) | php_mt_rand();

	release_params(layer);
	release_training_record(layer);
	zval_ptr_dtor(&layer->carried_state);
	ZVAL_UNDEF(&layer->carried_state);
	layer->built = false;
	layer->timesteps = layer->config.has_input_shape ? layer->config.input_timesteps : -1;
	layer->features = layer->config.has_input_shape ? layer->config.input_features : 0;
	gru_rng_seed(&layer->rng, seed);
	gru_rng_seed(&layer->dropout_rng, layer->config.has_seed ? (uint64_t) layer->config.seed
		: seed ^ UINT64_C(0xd1b54a32d192ed03));
}

/* Reads build()'s first argument into [timesteps, features] and a dtype. */
static zend_result build_input_shape(const php_gru_layer *layer, zval *inputs, zend_long *timesteps,
		zend_long *features, zend_long *dtype)
{
	php_gru_array_view view = {0};

	*dtype = PHP_GRU_DTYPE_FLOAT32;
	if (inputs == NULL || Z_TYPE_P(inputs) == IS_NULL) {
		if (!layer->config.has_input_shape) {
			php_gru_throw_invalid("%s: build() needs inputs or the input_shape option", layer_name(layer));
			return FAILURE;
		}
		*timesteps = layer->config.input_timesteps;
		*features = layer->config.input_features;
		return SUCCESS;
	}
	if (Z_TYPE_P(inputs) == IS_ARRAY) {
		zval *first = zend_hash_index_find(Z_ARRVAL_P(inputs), 0);
		if (first && Z_TYPE_P(first) == IS_OBJECT) {
			inputs = first;
		} else {
			zval *t = zend_hash_index_find(Z_ARRVAL_P(inputs), 0), *f = zend_hash_index_find(Z_ARRVAL_P(inputs), 1);
			if (zend_hash_num_elements(Z_ARRVAL_P(inputs)) != 2 || !t || !f || Z_TYPE_P(f) != IS_LONG
				|| (Z_TYPE_P(t) != IS_LONG && Z_TYPE_P(t) != IS_NULL)) {
				php_gru_throw_invalid("%s: build() takes an NDArray [batch, timesteps, features], a list holding one, "
					"or a shape [timesteps, features]", layer_name(layer));
				return FAILURE;
			}
			*timesteps = Z_TYPE_P(t) == IS_NULL ? -1 : Z_LVAL_P(t);
			*features = Z_LVAL_P(f);
			return SUCCESS;
		}
	}
	if (Z_TYPE_P(inputs) != IS_OBJECT) {
		php_gru_throw_invalid("%s: build() takes an NDArray, a list holding one, a shape or null, %s given",
			layer_name(layer), zend_zval_type_name(inputs));
		return FAILURE;
	}
	ZVAL_UNDEF(&view.buffer);
	if (php_gru_array_open(inputs, "inputs", &view) == FAILURE) {
		return FAILURE;
	}
	if (view.ndim != 3) {
		char buf[128];
		php_gru_throw_invalid("inputs must be a 3-D NDArray [batch, timesteps, features], %s given in %s",
			php_gru_shape_to_string(view.shape, view.ndim, buf, sizeof(buf)), layer_name(layer));
		php_gru_array_release(&view);
		return FAILURE;
	}
	if (check_float_dtype(&view, "inputs") == FAILURE) {
		php_gru_array_release(&view);
		return FAILURE;
	}
	*timesteps = view.shape[layer->config.time_major ? 0 : 1];
	*features = view.shape[2];
	*dtype = view.dtype;
	php_gru_array_release(&view);
	return SUCCESS;
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRU, build)
{
	zval *inputs = NULL;
	HashTable *sample_weights = NULL;
	php_gru_layer *layer = Z_GRU_LAYER_P(ZEND_THIS);
	zend_long timesteps, features, dtype;

	ZEND_PARSE_PARAMETERS_START(0, 2)
		Z_PARAM_OPTIONAL
		Z_PARAM_ZVAL(inputs)
		Z_PARAM_ARRAY_HT_OR_NULL(sample_weights)
	ZEND_PARSE_PARAMETERS_END();
	if (sample_weights != NULL && php_gru_check_list(sample_weights, "sampleWeights") == FAILURE) {
		RETURN_THROWS();
	}

	if (build_input_shape(layer, inputs, &timesteps, &features, &dtype) == FAILURE) {
		RETURN_THROWS();
	}
	if (timesteps == 0 || timesteps < -1) {
		php_gru_throw_invalid("%s: timesteps must be positive, " ZEND_LONG_FMT " given", layer_name(layer), timesteps);
		RETURN_THROWS();
	}
	layer->built = false;
	release_training_record(layer);
	if (php_gru_layer_build(layer, timesteps, features, dtype, sample_weights) == FAILURE) {
		RETURN_THROWS();
	}
}

static void layer_forward(INTERNAL_FUNCTION_PARAMETERS)
{
	zval *inputs, *training = NULL, *mask = NULL;
	HashTable *initial_states = NULL;

	ZEND_PARSE_PARAMETERS_START(1, 4)
		Z_PARAM_OBJECT(inputs)
		Z_PARAM_OPTIONAL
		Z_PARAM_ZVAL(training)
		Z_PARAM_ARRAY_HT_OR_NULL(initial_states)
		Z_PARAM_OBJECT_OR_NULL(mask)
	ZEND_PARSE_PARAMETERS_END();
	if (initial_states != NULL && php_gru_check_list(initial_states, "initialStates") == FAILURE) {
		RETURN_THROWS();
	}
	php_gru_layer_forward(Z_GRU_LAYER_P(ZEND_THIS), inputs, training, initial_states, mask, return_value);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRU, forward)
{
	layer_forward(INTERNAL_FUNCTION_PARAM_PASSTHRU);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRU, __invoke)
{
	layer_forward(INTERNAL_FUNCTION_PARAM_PASSTHRU);
}

void php_gru_layer_param_list(php_gru_layer *layer, bool grads, zval *return_value)
{
	zval *list = grads ? layer->grads : layer->params;
	int i;

	array_init_size(return_value, PARAM_COUNT);
	if (!layer->built) {
		return;
	}
	for (i = 0; i < param_count(layer); i++) {
		Z_TRY_ADDREF(list[i]);
		add_next_index_zval(return_value, &list[i]);
	}
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRU, getParams)
{
	ZEND_PARSE_PARAMETERS_NONE();
	php_gru_layer_param_list(Z_GRU_LAYER_P(ZEND_THIS), false, return_value);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRU, getGrads)
{
	ZEND_PARSE_PARAMETERS_NONE();
	php_gru_layer_param_list(Z_GRU_LAYER_P(ZEND_THIS), true, return_value);
}

static void add_timesteps(zval *array, zend_long timesteps)
{
	if (timesteps < 0) {
		add_next_index_null(array);
	} else {
		add_next_index_long(array, timesteps);
	}
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRU, outputShape)
{
	php_gru_layer *layer = Z_GRU_LAYER_P(ZEND_THIS);

	ZEND_PARSE_PARAMETERS_NONE();
	if (!layer->built && !layer->config.has_input_shape) {
		php_gru_throw_runtime("%s is not built yet: call build() or forward() first", layer_name(layer));
		RETURN_THROWS();
	}
	array_init(return_value);
	if (layer->config.return_sequences) {
		add_timesteps(return_value, layer->timesteps);
	}
	add_next_index_long(return_value, layer->config.units);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRU, inputShape)
{
	php_gru_layer *layer = Z_GRU_LAYER_P(ZEND_THIS);

	ZEND_PARSE_PARAMETERS_NONE();
	if (!layer->built && !layer->config.has_input_shape) {
		RETURN_NULL();
	}
	array_init(return_value);
	add_timesteps(return_value, layer->timesteps);
	add_next_index_long(return_value, layer->features);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRU, statesShapes)
{
	zval shape;

	ZEND_PARSE_PARAMETERS_NONE();
	array_init_size(return_value, 1);
	array_init_size(&shape, 1);
	add_next_index_long(&shape, Z_GRU_LAYER_P(ZEND_THIS)->config.units);
	add_next_index_zval(return_value, &shape);
}

/* Rindow's getConfig() names an initializer given as an object by its class. */
static void add_initializer_name(zval *options, const char *key, zval *initializer)
{
	if (Z_TYPE_P(initializer) == IS_STRING) {
		add_assoc_str(options, key, zend_string_copy(Z_STR_P(initializer)));
	} else if (Z_TYPE_P(initializer) == IS_OBJECT) {
		add_assoc_str(options, key, zend_string_copy(Z_OBJCE_P(initializer)->name));
	} else {
		add_assoc_string(options, key, "callable");
	}
}

void php_gru_layer_add_common_config(const php_gru_layer_config *config, zval *options)
{
	add_assoc_bool(options, "use_bias", config->use_bias);
	if (config->activation_name) {
		add_assoc_str(options, "activation", zend_string_copy(config->activation_name));
	} else {
		add_assoc_null(options, "activation");
	}
	if (config->recurrent_activation_name) {
		add_assoc_str(options, "recurrent_activation", zend_string_copy(config->recurrent_activation_name));
	} else {
		add_assoc_null(options, "recurrent_activation");
	}
	add_initializer_name(options, "kernel_initializer", (zval *) &config->kernel_initializer);
	add_initializer_name(options, "recurrent_initializer", (zval *) &config->recurrent_initializer);
	add_initializer_name(options, "bias_initializer", (zval *) &config->bias_initializer);
}

void php_gru_layer_add_keras_config(const php_gru_layer_config *config, zval *options)
{
	/* Keras's options only when set, so that by default the config is Rindow's */
	if (config->dropout != 0.0) {
		add_assoc_double(options, "dropout", config->dropout);
	}
	if (config->recurrent_dropout != 0.0) {
		add_assoc_double(options, "recurrent_dropout", config->recurrent_dropout);
	}
	if (config->has_seed) {
		add_assoc_long(options, "seed", config->seed);
	}
	if (config->device != PHP_GRU_DEVICE_AUTO) {
		add_assoc_string(options, "device", php_gru_device_name(config->device));
	}
	php_gru_layer_add_regularization_config(config, options);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRU, getConfig)
{
	php_gru_layer *layer = Z_GRU_LAYER_P(ZEND_THIS);
	php_gru_layer_config *config = &layer->config;
	zval options, input_shape;

	ZEND_PARSE_PARAMETERS_NONE();
	array_init(&options);
	if (config->has_input_shape) {
		array_init_size(&input_shape, 2);
		add_timesteps(&input_shape, config->input_timesteps);
		add_next_index_long(&input_shape, config->input_features);
		add_assoc_zval(&options, "input_shape", &input_shape);
	} else {
		add_assoc_null(&options, "input_shape");
	}
	php_gru_layer_add_common_config(config, &options);
	add_assoc_bool(&options, "return_sequences", config->return_sequences);
	add_assoc_bool(&options, "return_state", config->return_state);
	add_assoc_bool(&options, "go_backwards", config->go_backwards);
	add_assoc_bool(&options, "stateful", config->stateful);
	add_assoc_bool(&options, "reset_after", config->reset_after);
	php_gru_layer_add_keras_config(config, &options);
	if (config->time_major) {
		add_assoc_bool(&options, "time_major", true);
	}

	array_init_size(return_value, 2);
	add_assoc_long(return_value, "units", config->units);
	add_assoc_zval(return_value, "options", &options);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRU, getLosses)
{
	ZEND_PARSE_PARAMETERS_NONE();
	if (php_gru_layer_losses(Z_GRU_LAYER_P(ZEND_THIS), return_value) == FAILURE) {
		RETURN_THROWS();
	}
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRU, getRegularizationLoss)
{
	double total;

	ZEND_PARSE_PARAMETERS_NONE();
	if (php_gru_layer_regularization_loss(Z_GRU_LAYER_P(ZEND_THIS), &total) == FAILURE) {
		RETURN_THROWS();
	}
	RETURN_DOUBLE(total);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRU, applyConstraints)
{
	ZEND_PARSE_PARAMETERS_NONE();
	if (php_gru_layer_apply_constraints(Z_GRU_LAYER_P(ZEND_THIS)) == FAILURE) {
		RETURN_THROWS();
	}
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRU, name)
{
	ZEND_PARSE_PARAMETERS_NONE();
	RETURN_STRING(layer_name(Z_GRU_LAYER_P(ZEND_THIS)));
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRU, setName)
{
	zend_string *name;
	php_gru_layer *layer = Z_GRU_LAYER_P(ZEND_THIS);

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(name)
	ZEND_PARSE_PARAMETERS_END();
	if (layer->config.name) {
		zend_string_release(layer->config.name);
	}
	layer->config.name = zend_string_copy(name);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRU, isBuilt)
{
	ZEND_PARSE_PARAMETERS_NONE();
	RETURN_BOOL(Z_GRU_LAYER_P(ZEND_THIS)->built);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRU, resetStates)
{
	php_gru_layer *layer = Z_GRU_LAYER_P(ZEND_THIS);

	ZEND_PARSE_PARAMETERS_NONE();
	zval_ptr_dtor(&layer->carried_state);
	ZVAL_UNDEF(&layer->carried_state);
}

void php_gru_register_layer_classes(void)
{
	php_gru_layer_ce = register_class_Rindow_NeuralNetworks_Layer_GRU();
	php_gru_layer_ce->create_object = php_gru_layer_create;

	memcpy(&php_gru_layer_handlers, zend_get_std_object_handlers(), sizeof(zend_object_handlers));
	php_gru_layer_handlers.offset = XtOffsetOf(php_gru_layer, std);
	php_gru_layer_handlers.free_obj = php_gru_layer_free;
	php_gru_layer_handlers.clone_obj = php_gru_layer_clone;
	php_gru_layer_handlers.get_gc = php_gru_layer_get_gc;
}
