/*
 * Rindow\NeuralNetworks\Layer\Bidirectional: two GRU objects, one with
 * go_backwards flipped, run through the GRU's own entry points; this file
 * projects the inputs of both directions in one GEMM (project_inputs()),
 * splits the arguments and merges the results. Our GRU with
 * go_backwards already returns outputs aligned with input time, which is
 * what Keras's Bidirectional produces after reversing its backward
 * sequence, so nothing is reversed here.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_interfaces.h"

#include "gru_array.h"
#include "gru_device.h"
#include "gru_exceptions.h"
#include "gru_memory.h"
#include "gru_layer.h"
#include "gru_layer_internal.h"
#include "gru_bidirectional.h"
#include "bidirectional_arginfo.h"

typedef enum {
	MERGE_CONCAT = 0,
	MERGE_SUM,
	MERGE_MUL,
	MERGE_AVE,
	MERGE_NONE
} merge_mode;

static const char *const merge_names[] = {"concat", "sum", "mul", "ave", NULL};

typedef struct {
	zval forward_layer;       /* GRU objects */
	zval backward_layer;
	merge_mode merge;
	zval forward_outputs;     /* the last training forward's, for mul's gradients; or UNDEF */
	zval backward_outputs;
	zend_object std;
} php_gru_bidirectional;

zend_class_entry *php_gru_bidirectional_ce;
static zend_object_handlers php_gru_bidirectional_handlers;

static inline php_gru_bidirectional *php_gru_bidirectional_from_obj(zend_object *obj)
{
	return (php_gru_bidirectional *) ((char *) obj - XtOffsetOf(php_gru_bidirectional, std));
}

#define Z_GRU_BIDIRECTIONAL_P(zv) php_gru_bidirectional_from_obj(Z_OBJ_P(zv))

#define FORWARD_LAYER(bi) Z_GRU_LAYER_P(&(bi)->forward_layer)
#define BACKWARD_LAYER(bi) Z_GRU_LAYER_P(&(bi)->backward_layer)

/* ---- object handlers -------------------------------------------------- */

static zend_object *bidirectional_create(zend_class_entry *ce)
{
	php_gru_bidirectional *bi = zend_object_alloc(sizeof(php_gru_bidirectional), ce);

	ZVAL_UNDEF(&bi->forward_layer);
	ZVAL_UNDEF(&bi->backward_layer);
	ZVAL_UNDEF(&bi->forward_outputs);
	ZVAL_UNDEF(&bi->backward_outputs);
	bi->merge = MERGE_CONCAT;
	zend_object_std_init(&bi->std, ce);
	object_properties_init(&bi->std, ce);
	bi->std.handlers = &php_gru_bidirectional_handlers;
	return &bi->std;
}

static void forget_outputs(php_gru_bidirectional *bi)
{
	zval_ptr_dtor(&bi->forward_outputs);
	ZVAL_UNDEF(&bi->forward_outputs);
	zval_ptr_dtor(&bi->backward_outputs);
	ZVAL_UNDEF(&bi->backward_outputs);
}

static void bidirectional_free(zend_object *object)
{
	php_gru_bidirectional *bi = php_gru_bidirectional_from_obj(object);

	forget_outputs(bi);
	zval_ptr_dtor(&bi->forward_layer);
	zval_ptr_dtor(&bi->backward_layer);
	zend_object_std_dtor(object);
}

static HashTable *bidirectional_get_gc(zend_object *object, zval **table, int *n)
{
	php_gru_bidirectional *bi = php_gru_bidirectional_from_obj(object);
	zend_get_gc_buffer *buffer = zend_get_gc_buffer_create();

	zend_get_gc_buffer_add_zval(buffer, &bi->forward_layer);
	zend_get_gc_buffer_add_zval(buffer, &bi->backward_layer);
	zend_get_gc_buffer_add_zval(buffer, &bi->forward_outputs);
	zend_get_gc_buffer_add_zval(buffer, &bi->backward_outputs);
	zend_get_gc_buffer_use(buffer, table, n);
	return zend_std_get_properties(object);
}

/* A clone owns clones of both directions (which deep-copy their weights). */
static zend_object *bidirectional_clone(zend_object *old_object)
{
	php_gru_bidirectional *old = php_gru_bidirectional_from_obj(old_object);
	zend_object *new_object = bidirectional_create(old_object->ce);
	php_gru_bidirectional *copy = php_gru_bidirectional_from_obj(new_object);

	zend_objects_clone_members(new_object, old_object);
	copy->merge = old->merge;
	if (!Z_ISUNDEF(old->forward_layer)) {
		ZVAL_OBJ(&copy->forward_layer, Z_OBJ_HT(old->forward_layer)->clone_obj(Z_OBJ(old->forward_layer)));
	}
	if (!Z_ISUNDEF(old->backward_layer)) {
		ZVAL_OBJ(&copy->backward_layer, Z_OBJ_HT(old->backward_layer)->clone_obj(Z_OBJ(old->backward_layer)));
	}
	return new_object;
}

static zend_result check_constructed(php_gru_bidirectional *bi)
{
	if (Z_ISUNDEF(bi->forward_layer)) {
		php_gru_throw_runtime("Bidirectional is not constructed");
		return FAILURE;
	}
	return SUCCESS;
}

/* ---- construction ------------------------------------------------------- */

static bool is_gru(const zval *value)
{
	return value != NULL && Z_TYPE_P(value) == IS_OBJECT && instanceof_function(Z_OBJCE_P(value), php_gru_layer_ce)
		&& Z_OBJ_HT_P(value) == &php_gru_layer_handlers;
}

static zend_result read_merge_mode(const zval *value, merge_mode *merge)
{
	int i;

	if (value == NULL || Z_ISUNDEF_P(value)) {
		*merge = MERGE_CONCAT;
		return SUCCESS;
	}
	if (Z_TYPE_P(value) == IS_NULL) {
		*merge = MERGE_NONE;
		return SUCCESS;
	}
	if (Z_TYPE_P(value) == IS_STRING) {
		for (i = 0; i < MERGE_NONE; i++) {
			if (zend_string_equals_cstr(Z_STR_P(value), merge_names[i], strlen(merge_names[i]))) {
				*merge = (merge_mode) i;
				return SUCCESS;
			}
		}
	}
	php_gru_throw_invalid("Bidirectional merge_mode must be 'concat', 'sum', 'mul', 'ave' or null");
	return FAILURE;
}

/* The options after the layer: merge_mode, backward_layer; positional or named. */
static zend_result collect_options(zval values[3], zval *positional, uint32_t positional_count, uint32_t first_index,
		HashTable *named)
{
	static const char *const names[3] = {"layer", "merge_mode", "backward_layer"};
	zend_string *key;
	zval *value;
	uint32_t i;

	if (first_index + positional_count > 3) {
		php_gru_throw_invalid("Bidirectional takes a layer, merge_mode and backward_layer, %u arguments given",
			first_index + positional_count);
		return FAILURE;
	}
	for (i = 0; i < positional_count; i++) {
		ZVAL_COPY_VALUE(&values[first_index + i], &positional[i]);
	}
	if (named == NULL) {
		return SUCCESS;
	}
	ZEND_HASH_FOREACH_STR_KEY_VAL(named, key, value) {
		int index = -1;
		for (i = 0; i < 3; i++) {
			if (zend_string_equals_cstr(key, names[i], strlen(names[i]))) {
				index = (int) i;
			}
		}
		if (index < 0) {
			php_gru_throw_invalid("Unknown option '%s' in Bidirectional: expected layer, merge_mode or backward_layer",
				ZSTR_VAL(key));
			return FAILURE;
		}
		if (!Z_ISUNDEF(values[index])) {
			php_gru_throw_invalid("Bidirectional option %s is given twice", names[index]);
			return FAILURE;
		}
		ZVAL_COPY_VALUE(&values[index], value);
	} ZEND_HASH_FOREACH_END();
	return SUCCESS;
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, __construct)
{
	zval *first, *positional = NULL, values[3];
	uint32_t positional_count = 0;
	HashTable *named = NULL;
	php_gru_bidirectional *bi = Z_GRU_BIDIRECTIONAL_P(ZEND_THIS);
	php_gru_layer *layer, *backward;
	merge_mode merge;
	zval backward_zv;

	ZEND_PARSE_PARAMETERS_START(1, -1)
		Z_PARAM_OBJECT(first)
		Z_PARAM_VARIADIC_WITH_NAMED(positional, positional_count, named)
	ZEND_PARSE_PARAMETERS_END();

	ZVAL_UNDEF(&values[0]);
	ZVAL_UNDEF(&values[1]);
	ZVAL_UNDEF(&values[2]);
	/* new Bidirectional($layer, ...) or, from Rindow's builder, new Bidirectional($backend, $layer, ...) */
	if (is_gru(first)) {
		ZVAL_COPY_VALUE(&values[0], first);
		if (collect_options(values, positional, positional_count, 1, named) == FAILURE) {
			RETURN_THROWS();
		}
	} else if (collect_options(values, positional, positional_count, 0, named) == FAILURE) {
		RETURN_THROWS();
	}
	if (!is_gru(&values[0])) {
		zend_type_error("Bidirectional::__construct(): the layer must be a %s, %s given",
			ZSTR_VAL(php_gru_layer_ce->name), Z_ISUNDEF(values[0]) ? "none" : zend_zval_type_name(&values[0]));
		RETURN_THROWS();
	}
	if (read_merge_mode(&values[1], &merge) == FAILURE) {
		RETURN_THROWS();
	}
	layer = Z_GRU_LAYER_P(&values[0]);
	if (!Z_ISUNDEF(values[2]) && Z_TYPE(values[2]) != IS_NULL) {
		if (!is_gru(&values[2])) {
			zend_type_error("Bidirectional::__construct(): backward_layer must be a %s or null, %s given",
				ZSTR_VAL(php_gru_layer_ce->name), zend_zval_type_name(&values[2]));
			RETURN_THROWS();
		}
		backward = Z_GRU_LAYER_P(&values[2]);
		if (backward == layer) {
			php_gru_throw_invalid("Bidirectional: backward_layer must be another object than the layer");
			RETURN_THROWS();
		}
		/* Keras's checks */
		if (backward->config.go_backwards == layer->config.go_backwards
			|| backward->config.return_sequences != layer->config.return_sequences
			|| backward->config.return_state != layer->config.return_state) {
			php_gru_throw_invalid("Bidirectional: backward_layer must have go_backwards opposite to the layer's, "
				"and the same return_sequences and return_state");
			RETURN_THROWS();
		}
		ZVAL_COPY(&backward_zv, &values[2]);
	} else {
		/* a fresh layer of the same configuration, the other way, with its own weights */
		ZVAL_OBJ(&backward_zv, Z_OBJ_HT(values[0])->clone_obj(Z_OBJ(values[0])));
		if (EG(exception)) {
			zval_ptr_dtor(&backward_zv);
			RETURN_THROWS();
		}
		backward = Z_GRU_LAYER_P(&backward_zv);
		backward->config.go_backwards = !layer->config.go_backwards;
		php_gru_layer_unbuild(backward);
	}
	forget_outputs(bi);
	zval_ptr_dtor(&bi->forward_layer);
	zval_ptr_dtor(&bi->backward_layer);
	ZVAL_COPY(&bi->forward_layer, &values[0]);
	ZVAL_COPY_VALUE(&bi->backward_layer, &backward_zv);
	bi->merge = merge;
}

/* ---- element-wise helpers ------------------------------------------------ */

typedef enum {
	OP_ADD,       /* out = a + b */
	OP_MUL,       /* out = a * b */
	OP_AVE,       /* out = (a + b) / 2 */
	OP_HALF       /* out = a / 2 (b unused) */
} elementwise_op;

#define ELEMENTWISE_LOOP(type) do { \
		const type *x = a, *y = b; \
		type *z = out; \
		switch (op) { \
			case OP_ADD: for (i = 0; i < n; i++) z[i] = x[i] + y[i]; break; \
			case OP_MUL: for (i = 0; i < n; i++) z[i] = x[i] * y[i]; break; \
			case OP_AVE: for (i = 0; i < n; i++) z[i] = (x[i] + y[i]) * (type) 0.5; break; \
			case OP_HALF: for (i = 0; i < n; i++) z[i] = x[i] * (type) 0.5; break; \
		} \
	} while (0)

static void elementwise(elementwise_op op, zend_long dtype, const void *a, const void *b, void *out, size_t n)
{
	size_t i;

	if (dtype == PHP_GRU_DTYPE_FLOAT64) {
		ELEMENTWISE_LOOP(double);
	} else {
		ELEMENTWISE_LOOP(float);
	}
}

/*
 * Interleaves rows: out row r = [a row r (width), b row r (width)] when
 * joining, or splits out's rows back into a and b otherwise.
 */
static void concat_rows(bool join, size_t value_size, char *a, char *b, char *out, size_t rows, size_t width)
{
	size_t r, bytes = width * value_size;

	for (r = 0; r < rows; r++) {
		char *row = out + 2 * r * bytes;
		if (join) {
			memcpy(row, a + r * bytes, bytes);
			memcpy(row + bytes, b + r * bytes, bytes);
		} else {
			memcpy(a + r * bytes, row, bytes);
			memcpy(b + r * bytes, row + bytes, bytes);
		}
	}
}

/* Opens an NDArray given by PHP code with its shape checked against `expected`. */
static zend_result open_checked(zval *value, const char *what, const php_gru_array_view *expected,
		php_gru_array_view *view)
{
	char expected_buf[128], given_buf[128];

	ZVAL_DEREF(value);
	if (Z_TYPE_P(value) != IS_OBJECT) {
		php_gru_throw_invalid("%s must be an NDArray, %s given", what, zend_zval_type_name(value));
		return FAILURE;
	}
	if (php_gru_array_open(value, what, view) == FAILURE) {
		return FAILURE;
	}
	if (view->ndim != expected->ndim || memcmp(view->shape, expected->shape, view->ndim * sizeof(zend_long)) != 0
		|| view->dtype != expected->dtype) {
		php_gru_throw_invalid("%s must be %s %s, %s %s given in Bidirectional", what,
			php_gru_shape_to_string(expected->shape, expected->ndim, expected_buf, sizeof(expected_buf)),
			php_gru_dtype_name(expected->dtype),
			php_gru_shape_to_string(view->shape, view->ndim, given_buf, sizeof(given_buf)),
			php_gru_dtype_name(view->dtype));
		return FAILURE;
	}
	return SUCCESS;
}

static void view_init(php_gru_array_view *view)
{
	memset(view, 0, sizeof(*view));
	ZVAL_UNDEF(&view->buffer);
}

/* The merged outputs of the two directions, a new array of their family. */
static zend_result merge_outputs(php_gru_bidirectional *bi, zval *fo, zval *bo, zval *merged)
{
	php_gru_array_view f, b, m;
	zend_long shape[PHP_GRU_MAX_NDIM];
	zend_result result = FAILURE;

	view_init(&f);
	view_init(&b);
	view_init(&m);
	ZVAL_UNDEF(merged);
	if (php_gru_array_open(fo, "forward outputs", &f) == FAILURE
		|| open_checked(bo, "backward outputs", &f, &b) == FAILURE) {
		goto done;
	}
	memcpy(shape, f.shape, sizeof(shape));
	if (bi->merge == MERGE_CONCAT) {
		shape[f.ndim - 1] *= 2;
	}
	if (php_gru_array_create(fo, &FORWARD_LAYER(bi)->backend, shape, f.ndim, f.dtype, merged, &m) == FAILURE) {
		goto done;
	}
	switch (bi->merge) {
		case MERGE_CONCAT:
			concat_rows(true, f.value_size, f.data, b.data, m.data, f.size / (size_t) f.shape[f.ndim - 1],
				(size_t) f.shape[f.ndim - 1]);
			break;
		case MERGE_SUM:
			elementwise(OP_ADD, f.dtype, f.data, b.data, m.data, f.size);
			break;
		case MERGE_MUL:
			elementwise(OP_MUL, f.dtype, f.data, b.data, m.data, f.size);
			break;
		default:
			elementwise(OP_AVE, f.dtype, f.data, b.data, m.data, f.size);
			break;
	}
	result = php_gru_array_commit(&m);
done:
	php_gru_array_release(&f);
	php_gru_array_release(&b);
	php_gru_array_release(&m);
	if (result == FAILURE) {
		zval_ptr_dtor(merged);
		ZVAL_UNDEF(merged);
	}
	return result;
}

/* ---- forward -------------------------------------------------------------- */

/* Splits a GRU result into outputs and state (UNDEF without return_state); takes references. */
static void split_result(const php_gru_layer *layer, zval *result, zval *outputs, zval *state)
{
	ZVAL_UNDEF(state);
	if (layer->config.return_state) {
		zval *states = zend_hash_index_find(Z_ARRVAL_P(result), 1);
		ZVAL_COPY(outputs, zend_hash_index_find(Z_ARRVAL_P(result), 0));
		ZVAL_COPY(state, zend_hash_index_find(Z_ARRVAL_P(states), 0));
	} else {
		ZVAL_COPY(outputs, result);
	}
}

/*
 * Both directions' input projections in one GEMM, [B*T, I] x [I, 6H]
 * (gru_input_projection(); the kernels side by side), each direction then
 * reading its 3H columns: the input GEMM is the biggest one of a GRU, and
 * one wide GEMM runs faster than two narrow ones. Builds unbuilt layers
 * first, as their forward() would. Leaves *block NULL (each direction
 * projects for itself, to the same numbers) where the shared projection
 * does not apply: inputs a forward() will refuse, layers of different
 * units, features or dtype, OpenCL (the projection stays on the device),
 * time_major (the rows would be in time order), and training with input
 * dropout (each direction draws its own mask, so the inputs differ).
 */
static zend_result project_inputs(php_gru_layer *layers[2], zval *inputs, zval *training, void **block,
		php_gru_input_projection projections[2])
{
	php_gru_array_view x, kernels[2];
	gru_problem problem;
	gru_status status;
	const void *kernel_data[2];
	size_t packed_bytes, projection_bytes, total;
	bool is_training;
	zend_result result = SUCCESS;
	char *base;
	int d;

	*block = NULL;
	view_init(&x);
	view_init(&kernels[0]);
	view_init(&kernels[1]);
	is_training = php_gru_layer_training_flag(training);
	if (EG(exception)) {
		return FAILURE;
	}
	for (d = 0; d < 2; d++) {
		const php_gru_layer *layer = layers[d];
		void *opencl = NULL;

		if (layer->config.time_major || layer->config.device == PHP_GRU_DEVICE_OPENCL
			|| (is_training && layer->config.dropout > 0.0)
			|| layer->config.units != layers[0]->config.units) {
			return SUCCESS;
		}
		/* 'auto' never fails; it may pick an OpenCL GPU */
		if (layer->config.device == PHP_GRU_DEVICE_AUTO
			&& (php_gru_device_resolve(layer->config.device, &opencl) == FAILURE || opencl != NULL)) {
			return EG(exception) ? FAILURE : SUCCESS;
		}
	}
	/* the exception forward() would throw, from the same call */
	if (php_gru_array_open(inputs, "inputs", &x) == FAILURE) {
		return FAILURE;
	}
	if (x.ndim != 3 || (x.dtype != PHP_GRU_DTYPE_FLOAT32 && x.dtype != PHP_GRU_DTYPE_FLOAT64)
		|| x.shape[0] <= 0 || x.shape[1] <= 0 || x.shape[2] <= 0) {
		goto done;
	}
	for (d = 0; d < 2; d++) {
		if (!layers[d]->built
			&& php_gru_layer_build(layers[d], x.shape[1], x.shape[2], x.dtype, NULL) == FAILURE) {
			result = FAILURE;
			goto done;
		}
		if (layers[d]->features != x.shape[2] || layers[d]->dtype != x.dtype) {
			goto done;
		}
		if (php_gru_array_open(&layers[d]->params[PARAM_KERNEL], "kernel", &kernels[d]) == FAILURE) {
			result = FAILURE;
			goto done;
		}
		/* PHP code can hand in any array as a weight; forward() names a wrong one */
		if (kernels[d].dtype != x.dtype || kernels[d].size != (size_t) x.shape[2] * 3 * layers[d]->config.units) {
			goto done;
		}
		kernel_data[d] = kernels[d].data;
	}
	memset(&problem, 0, sizeof(problem));
	problem.batch = (size_t) x.shape[0];
	problem.steps = (size_t) x.shape[1];
	problem.features = (size_t) x.shape[2];
	problem.units = (size_t) layers[0]->config.units;
	problem.dtype = (gru_dtype) x.dtype;
	problem.activation = GRU_ACT_TANH;
	problem.recurrent_activation = GRU_ACT_SIGMOID;
	if (gru_input_projection_bytes(&problem, 2, &packed_bytes, &projection_bytes, &status) != GRU_OK
		|| !gru_size_add(packed_bytes, projection_bytes, &total)) {
		/* sizes forward() will refuse with its own message */
		goto done;
	}
	if (php_gru_check_memory(total, "Bidirectional input projection") == FAILURE) {
		result = FAILURE;
		goto done;
	}
	*block = php_gru_emalloc_big(total);
	base = *block;
	if (gru_input_projection(&problem, x.data, kernel_data, 2, base + projection_bytes, base, &status) != GRU_OK) {
		php_gru_throw_status(&status);
		efree(*block);
		*block = NULL;
		result = FAILURE;
		goto done;
	}
	for (d = 0; d < 2; d++) {
		projections[d].data = base + (size_t) d * 3 * problem.units * x.value_size;
		projections[d].ld = 6 * problem.units;
	}
done:
	php_gru_array_release(&x);
	php_gru_array_release(&kernels[0]);
	php_gru_array_release(&kernels[1]);
	return result;
}

static void bidirectional_forward(INTERNAL_FUNCTION_PARAMETERS)
{
	zval *inputs, *training = NULL, *mask = NULL, *value;
	HashTable *initial_states = NULL;
	php_gru_bidirectional *bi = Z_GRU_BIDIRECTIONAL_P(ZEND_THIS);
	zval states[2], results[2], outputs[2], finals[2], merged;
	php_gru_layer *layers[2];
	int d;
	bool training_flag;
	void *projection_block = NULL;
	php_gru_input_projection projections[2];

	ZEND_PARSE_PARAMETERS_START(1, 4)
		Z_PARAM_OBJECT(inputs)
		Z_PARAM_OPTIONAL
		Z_PARAM_ZVAL(training)
		Z_PARAM_ARRAY_HT_OR_NULL(initial_states)
		Z_PARAM_OBJECT_OR_NULL(mask)
	ZEND_PARSE_PARAMETERS_END();
	if (check_constructed(bi) == FAILURE) {
		RETURN_THROWS();
	}
	if (initial_states != NULL && php_gru_check_list(initial_states, "initialStates") == FAILURE) {
		RETURN_THROWS();
	}
	if (initial_states != NULL && zend_hash_num_elements(initial_states) != 2) {
		php_gru_throw_invalid("initialStates must hold 2 states [forward, backward] for Bidirectional, %u given",
			zend_hash_num_elements(initial_states));
		RETURN_THROWS();
	}
	layers[0] = FORWARD_LAYER(bi);
	layers[1] = BACKWARD_LAYER(bi);
	for (d = 0; d < 2; d++) {
		ZVAL_UNDEF(&states[d]);
		ZVAL_UNDEF(&results[d]);
		ZVAL_UNDEF(&outputs[d]);
		ZVAL_UNDEF(&finals[d]);
	}
	ZVAL_UNDEF(&merged);
	d = 0;
	if (initial_states != NULL) {
		ZEND_HASH_FOREACH_VAL(initial_states, value) {
			array_init_size(&states[d], 1);
			Z_TRY_ADDREF_P(value);
			add_next_index_zval(&states[d], value);
			d++;
		} ZEND_HASH_FOREACH_END();
	}
	if (project_inputs(layers, inputs, training, &projection_block, projections) == FAILURE) {
		goto fail;
	}
	for (d = 0; d < 2; d++) {
		php_gru_layer_forward_projected(layers[d], inputs, training, initial_states ? Z_ARRVAL(states[d]) : NULL,
			mask, projection_block ? &projections[d] : NULL, &results[d]);
		if (EG(exception)) {
			goto fail;
		}
		split_result(layers[d], &results[d], &outputs[d], &finals[d]);
	}
	if (bi->merge == MERGE_NONE) {
		array_init_size(&merged, 2);
		Z_ADDREF(outputs[0]);
		add_next_index_zval(&merged, &outputs[0]);
		Z_ADDREF(outputs[1]);
		add_next_index_zval(&merged, &outputs[1]);
	} else if (merge_outputs(bi, &outputs[0], &outputs[1], &merged) == FAILURE) {
		goto fail;
	}
	/* backward() of mul needs the outputs of both directions */
	training_flag = layers[0]->record.trace != NULL;
	forget_outputs(bi);
	if (training_flag && bi->merge == MERGE_MUL) {
		ZVAL_COPY(&bi->forward_outputs, &outputs[0]);
		ZVAL_COPY(&bi->backward_outputs, &outputs[1]);
	}
	if (layers[0]->config.return_state) {
		zval finals_list;
		array_init_size(return_value, 2);
		add_next_index_zval(return_value, &merged);
		array_init_size(&finals_list, 2);
		add_next_index_zval(&finals_list, &finals[0]);
		add_next_index_zval(&finals_list, &finals[1]);
		add_next_index_zval(return_value, &finals_list);
		ZVAL_UNDEF(&finals[0]);
		ZVAL_UNDEF(&finals[1]);
	} else {
		ZVAL_COPY_VALUE(return_value, &merged);
	}
	ZVAL_UNDEF(&merged);
fail:
	if (projection_block != NULL) {
		efree(projection_block);
	}
	for (d = 0; d < 2; d++) {
		zval_ptr_dtor(&states[d]);
		zval_ptr_dtor(&results[d]);
		zval_ptr_dtor(&outputs[d]);
		zval_ptr_dtor(&finals[d]);
	}
	zval_ptr_dtor(&merged);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, forward)
{
	bidirectional_forward(INTERNAL_FUNCTION_PARAM_PASSTHRU);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, __invoke)
{
	bidirectional_forward(INTERNAL_FUNCTION_PARAM_PASSTHRU);
}

/* ---- backward ------------------------------------------------------------- */

/*
 * The upstream gradient of each direction's outputs from that of the merged
 * outputs; into d_parts[0] (forward) and d_parts[1] (backward).
 */
static zend_result split_gradient(php_gru_bidirectional *bi, zval *d_merged, zval d_parts[2])
{
	php_gru_layer *layer = FORWARD_LAYER(bi);
	php_gru_array_view dm, parts[2], fo, bo, expected;
	zend_result result = FAILURE;
	uint32_t ndim;
	int d;

	view_init(&dm);
	view_init(&parts[0]);
	view_init(&parts[1]);
	view_init(&fo);
	view_init(&bo);
	view_init(&expected);
	if (layer->record.trace == NULL) {
		php_gru_throw_runtime("Bidirectional: backward() needs a forward() with training true before it");
		return FAILURE;
	}
	/* the merged outputs' shape */
	ndim = layer->record.problem.return_sequences ? 3 : 2;
	expected.ndim = ndim;
	expected.dtype = layer->dtype;
	expected.shape[0] = (zend_long) layer->record.problem.batch;
	if (ndim == 3) {
		expected.shape[1] = (zend_long) layer->record.problem.steps;
	}
	if (ndim == 3 && layer->record.time_major) {
		expected.shape[0] = (zend_long) layer->record.problem.steps;
		expected.shape[1] = (zend_long) layer->record.problem.batch;
	}
	expected.shape[ndim - 1] = (zend_long) layer->config.units * (bi->merge == MERGE_CONCAT ? 2 : 1);
	if (open_checked(d_merged, "dOutputs[0]", &expected, &dm) == FAILURE) {
		goto done;
	}
	if (bi->merge == MERGE_SUM) {
		/* both directions read the same gradient; backward() does not write it */
		ZVAL_COPY(&d_parts[0], d_merged);
		ZVAL_COPY(&d_parts[1], d_merged);
		result = SUCCESS;
		goto done;
	}
	expected.shape[ndim - 1] = (zend_long) layer->config.units;
	for (d = 0; d < (bi->merge == MERGE_AVE ? 1 : 2); d++) {
		if (php_gru_array_create(d_merged, &layer->backend, expected.shape, ndim, layer->dtype, &d_parts[d],
				&parts[d]) == FAILURE) {
			goto done;
		}
	}
	switch (bi->merge) {
		case MERGE_CONCAT:
			concat_rows(false, dm.value_size, parts[0].data, parts[1].data, dm.data,
				dm.size / (size_t) (2 * layer->config.units), (size_t) layer->config.units);
			break;
		case MERGE_AVE:
			elementwise(OP_HALF, layer->dtype, dm.data, NULL, parts[0].data, dm.size);
			break;
		default: /* MERGE_MUL: d(f*b)/df = b, d(f*b)/db = f */
			if (php_gru_array_open(&bi->forward_outputs, "forward outputs", &fo) == FAILURE
				|| php_gru_array_open(&bi->backward_outputs, "backward outputs", &bo) == FAILURE) {
				goto done;
			}
			elementwise(OP_MUL, layer->dtype, dm.data, bo.data, parts[0].data, dm.size);
			elementwise(OP_MUL, layer->dtype, dm.data, fo.data, parts[1].data, dm.size);
			break;
	}
	if (php_gru_array_commit(&parts[0]) == FAILURE
		|| (bi->merge != MERGE_AVE && php_gru_array_commit(&parts[1]) == FAILURE)) {
		goto done;
	}
	if (bi->merge == MERGE_AVE) {
		ZVAL_COPY(&d_parts[1], &d_parts[0]);
	}
	result = SUCCESS;
done:
	php_gru_array_release(&dm);
	php_gru_array_release(&parts[0]);
	php_gru_array_release(&parts[1]);
	php_gru_array_release(&fo);
	php_gru_array_release(&bo);
	return result;
}

/* dInputs of the two directions summed, into a new array of their family. */
static zend_result sum_inputs_gradient(php_gru_bidirectional *bi, zval *a, zval *b, zval *sum)
{
	php_gru_array_view va, vb, vs;
	zend_result result = FAILURE;

	view_init(&va);
	view_init(&vb);
	view_init(&vs);
	ZVAL_UNDEF(sum);
	if (php_gru_array_open(a, "dInputs", &va) == FAILURE || open_checked(b, "dInputs", &va, &vb) == FAILURE
		|| php_gru_array_create(a, &FORWARD_LAYER(bi)->backend, va.shape, va.ndim, va.dtype, sum, &vs) == FAILURE) {
		goto done;
	}
	elementwise(OP_ADD, va.dtype, va.data, vb.data, vs.data, va.size);
	result = php_gru_array_commit(&vs);
done:
	php_gru_array_release(&va);
	php_gru_array_release(&vb);
	php_gru_array_release(&vs);
	return result;
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, backward)
{
	HashTable *d_list;
	php_gru_bidirectional *bi = Z_GRU_BIDIRECTIONAL_P(ZEND_THIS);
	zval d_parts[2], args[2], results[2], d_inputs, *d_merged, *value;
	php_gru_layer *layers[2];
	uint32_t count;
	int d;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY_HT(d_list)
	ZEND_PARSE_PARAMETERS_END();
	if (check_constructed(bi) == FAILURE) {
		RETURN_THROWS();
	}
	if (php_gru_check_list(d_list, "dOutputs") == FAILURE) {
		RETURN_THROWS();
	}
	count = zend_hash_num_elements(d_list);
	d_merged = zend_hash_index_find(d_list, 0);
	if ((count != 1 && count != 3) || d_merged == NULL) {
		php_gru_throw_invalid("dOutputs must be [dOutputs] or [dOutputs, dForwardState, dBackwardState] for "
			"Bidirectional, %u given", count);
		RETURN_THROWS();
	}
	ZVAL_DEREF(d_merged);
	layers[0] = FORWARD_LAYER(bi);
	layers[1] = BACKWARD_LAYER(bi);
	for (d = 0; d < 2; d++) {
		ZVAL_UNDEF(&d_parts[d]);
		ZVAL_UNDEF(&args[d]);
		ZVAL_UNDEF(&results[d]);
	}
	ZVAL_UNDEF(&d_inputs);
	if (bi->merge == MERGE_NONE) {
		if (Z_TYPE_P(d_merged) != IS_ARRAY || zend_hash_num_elements(Z_ARRVAL_P(d_merged)) != 2) {
			php_gru_throw_invalid("dOutputs[0] must be a list [dForward, dBackward] for Bidirectional without "
				"merge_mode");
			goto done;
		}
		if (php_gru_check_list(Z_ARRVAL_P(d_merged), "dOutputs[0]") == FAILURE) {
			goto done;
		}
		d = 0;
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(d_merged), value) {
			ZVAL_COPY_DEREF(&d_parts[d], value);
			d++;
		} ZEND_HASH_FOREACH_END();
	} else if (split_gradient(bi, d_merged, d_parts) == FAILURE) {
		goto done;
	}
	for (d = 0; d < 2; d++) {
		array_init_size(&args[d], 2);
		Z_TRY_ADDREF(d_parts[d]);
		add_next_index_zval(&args[d], &d_parts[d]);
		if (count == 3) {
			value = zend_hash_index_find(d_list, (zend_ulong) d + 1);
			if (value == NULL) {
				php_gru_throw_invalid("dOutputs must be a list [dOutputs, dForwardState, dBackwardState]");
				goto done;
			}
			Z_TRY_ADDREF_P(value);
			add_next_index_zval(&args[d], value);
		}
		php_gru_layer_backward(layers[d], Z_ARRVAL(args[d]), &results[d]);
		if (EG(exception)) {
			goto done;
		}
	}
	if (sum_inputs_gradient(bi, zend_hash_index_find(Z_ARRVAL(results[0]), 0),
			zend_hash_index_find(Z_ARRVAL(results[1]), 0), &d_inputs) == FAILURE) {
		goto done;
	}
	array_init_size(return_value, 3);
	add_next_index_zval(return_value, &d_inputs);
	ZVAL_UNDEF(&d_inputs);
	for (d = 0; d < 2; d++) {
		value = zend_hash_index_find(Z_ARRVAL(results[d]), 1);
		if (value != NULL) {
			Z_TRY_ADDREF_P(value);
			add_next_index_zval(return_value, value);
		}
	}
	forget_outputs(bi);
done:
	for (d = 0; d < 2; d++) {
		zval_ptr_dtor(&d_parts[d]);
		zval_ptr_dtor(&args[d]);
		zval_ptr_dtor(&results[d]);
	}
	zval_ptr_dtor(&d_inputs);
}

/* ---- the rest --------------------------------------------------------------- */

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, build)
{
	zval *inputs = NULL, weights[2], *value, null_zv;
	HashTable *sample_weights = NULL;
	php_gru_bidirectional *bi = Z_GRU_BIDIRECTIONAL_P(ZEND_THIS);
	uint32_t count, half = 0, i = 0;
	zval *layers[2];
	int d;

	ZEND_PARSE_PARAMETERS_START(0, 2)
		Z_PARAM_OPTIONAL
		Z_PARAM_ZVAL(inputs)
		Z_PARAM_ARRAY_HT_OR_NULL(sample_weights)
	ZEND_PARSE_PARAMETERS_END();
	if (check_constructed(bi) == FAILURE) {
		RETURN_THROWS();
	}
	if (sample_weights != NULL && php_gru_check_list(sample_weights, "sampleWeights") == FAILURE) {
		RETURN_THROWS();
	}
	layers[0] = &bi->forward_layer;
	layers[1] = &bi->backward_layer;
	ZVAL_NULL(&null_zv);
	ZVAL_UNDEF(&weights[0]);
	ZVAL_UNDEF(&weights[1]);
	count = sample_weights ? zend_hash_num_elements(sample_weights) : 0;
	if (count > 0) {
		if (count % 2 != 0) {
			php_gru_throw_invalid("sampleWeights must hold the forward layer's weights, then the backward layer's; "
				"%u NDArrays given", count);
			RETURN_THROWS();
		}
		half = count / 2;
		array_init_size(&weights[0], half);
		array_init_size(&weights[1], half);
		ZEND_HASH_FOREACH_VAL(sample_weights, value) {
			Z_TRY_ADDREF_P(value);
			add_next_index_zval(&weights[i < half ? 0 : 1], value);
			i++;
		} ZEND_HASH_FOREACH_END();
	}
	forget_outputs(bi);
	for (d = 0; d < 2; d++) {
		zend_call_method_with_2_params(Z_OBJ_P(layers[d]), php_gru_layer_ce, NULL, "build", NULL,
			inputs ? inputs : &null_zv, count > 0 ? &weights[d] : &null_zv);
		if (EG(exception)) {
			break;
		}
	}
	zval_ptr_dtor(&weights[0]);
	zval_ptr_dtor(&weights[1]);
}

static void both_param_lists(php_gru_bidirectional *bi, bool grads, zval *return_value)
{
	zval lists[2], *value;
	int d;

	array_init(return_value);
	if (Z_ISUNDEF(bi->forward_layer)) {
		return;
	}
	php_gru_layer_param_list(FORWARD_LAYER(bi), grads, &lists[0]);
	php_gru_layer_param_list(BACKWARD_LAYER(bi), grads, &lists[1]);
	for (d = 0; d < 2; d++) {
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL(lists[d]), value) {
			Z_TRY_ADDREF_P(value);
			add_next_index_zval(return_value, value);
		} ZEND_HASH_FOREACH_END();
		zval_ptr_dtor(&lists[d]);
	}
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, getParams)
{
	ZEND_PARSE_PARAMETERS_NONE();
	both_param_lists(Z_GRU_BIDIRECTIONAL_P(ZEND_THIS), false, return_value);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, getGrads)
{
	ZEND_PARSE_PARAMETERS_NONE();
	both_param_lists(Z_GRU_BIDIRECTIONAL_P(ZEND_THIS), true, return_value);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, outputShape)
{
	php_gru_bidirectional *bi = Z_GRU_BIDIRECTIONAL_P(ZEND_THIS);
	zval *last;

	ZEND_PARSE_PARAMETERS_NONE();
	if (check_constructed(bi) == FAILURE) {
		RETURN_THROWS();
	}
	zend_call_method_with_0_params(Z_OBJ(bi->forward_layer), php_gru_layer_ce, NULL, "outputShape", return_value);
	if (EG(exception) || Z_TYPE_P(return_value) != IS_ARRAY) {
		RETURN_THROWS();
	}
	if (bi->merge == MERGE_CONCAT) {
		SEPARATE_ARRAY(return_value);
		last = zend_hash_index_find(Z_ARRVAL_P(return_value), zend_hash_num_elements(Z_ARRVAL_P(return_value)) - 1);
		if (last != NULL && Z_TYPE_P(last) == IS_LONG) {
			ZVAL_LONG(last, Z_LVAL_P(last) * 2);
		}
	}
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, getConfig)
{
	php_gru_bidirectional *bi = Z_GRU_BIDIRECTIONAL_P(ZEND_THIS);
	zval config;

	ZEND_PARSE_PARAMETERS_NONE();
	if (check_constructed(bi) == FAILURE) {
		RETURN_THROWS();
	}
	array_init_size(return_value, 3);
	if (bi->merge == MERGE_NONE) {
		add_assoc_null(return_value, "merge_mode");
	} else {
		add_assoc_string(return_value, "merge_mode", merge_names[bi->merge]);
	}
	zend_call_method_with_0_params(Z_OBJ(bi->forward_layer), php_gru_layer_ce, NULL, "getConfig", &config);
	add_assoc_zval(return_value, "layer", &config);
	zend_call_method_with_0_params(Z_OBJ(bi->backward_layer), php_gru_layer_ce, NULL, "getConfig", &config);
	add_assoc_zval(return_value, "backward_layer", &config);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, getLosses)
{
	php_gru_bidirectional *bi = Z_GRU_BIDIRECTIONAL_P(ZEND_THIS);
	zval lists[2], *value;
	int d;

	ZEND_PARSE_PARAMETERS_NONE();
	if (check_constructed(bi) == FAILURE) {
		RETURN_THROWS();
	}
	if (php_gru_layer_losses(FORWARD_LAYER(bi), &lists[0]) == FAILURE) {
		RETURN_THROWS();
	}
	if (php_gru_layer_losses(BACKWARD_LAYER(bi), &lists[1]) == FAILURE) {
		zval_ptr_dtor(&lists[0]);
		RETURN_THROWS();
	}
	array_init(return_value);
	for (d = 0; d < 2; d++) {
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL(lists[d]), value) {
			add_next_index_double(return_value, Z_DVAL_P(value));
		} ZEND_HASH_FOREACH_END();
		zval_ptr_dtor(&lists[d]);
	}
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, getRegularizationLoss)
{
	php_gru_bidirectional *bi = Z_GRU_BIDIRECTIONAL_P(ZEND_THIS);
	double forward, backward;

	ZEND_PARSE_PARAMETERS_NONE();
	if (check_constructed(bi) == FAILURE
		|| php_gru_layer_regularization_loss(FORWARD_LAYER(bi), &forward) == FAILURE
		|| php_gru_layer_regularization_loss(BACKWARD_LAYER(bi), &backward) == FAILURE) {
		RETURN_THROWS();
	}
	RETURN_DOUBLE(forward + backward);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, applyConstraints)
{
	php_gru_bidirectional *bi = Z_GRU_BIDIRECTIONAL_P(ZEND_THIS);

	ZEND_PARSE_PARAMETERS_NONE();
	if (check_constructed(bi) == FAILURE || php_gru_layer_apply_constraints(FORWARD_LAYER(bi)) == FAILURE
		|| php_gru_layer_apply_constraints(BACKWARD_LAYER(bi)) == FAILURE) {
		RETURN_THROWS();
	}
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, getForwardLayer)
{
	php_gru_bidirectional *bi = Z_GRU_BIDIRECTIONAL_P(ZEND_THIS);

	ZEND_PARSE_PARAMETERS_NONE();
	if (check_constructed(bi) == FAILURE) {
		RETURN_THROWS();
	}
	RETURN_COPY(&bi->forward_layer);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, getBackwardLayer)
{
	php_gru_bidirectional *bi = Z_GRU_BIDIRECTIONAL_P(ZEND_THIS);

	ZEND_PARSE_PARAMETERS_NONE();
	if (check_constructed(bi) == FAILURE) {
		RETURN_THROWS();
	}
	RETURN_COPY(&bi->backward_layer);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, name)
{
	php_gru_bidirectional *bi = Z_GRU_BIDIRECTIONAL_P(ZEND_THIS);

	ZEND_PARSE_PARAMETERS_NONE();
	if (Z_ISUNDEF(bi->forward_layer)) {
		RETURN_STRING("bidirectional");
	}
	RETURN_STR(zend_strpprintf(0, "bidirectional_%s", php_gru_layer_name(FORWARD_LAYER(bi))));
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, isBuilt)
{
	php_gru_bidirectional *bi = Z_GRU_BIDIRECTIONAL_P(ZEND_THIS);

	ZEND_PARSE_PARAMETERS_NONE();
	RETURN_BOOL(!Z_ISUNDEF(bi->forward_layer) && FORWARD_LAYER(bi)->built && BACKWARD_LAYER(bi)->built);
}

void php_gru_register_bidirectional_class(void)
{
	php_gru_bidirectional_ce = register_class_Rindow_NeuralNetworks_Layer_Bidirectional();
	php_gru_bidirectional_ce->create_object = bidirectional_create;

	memcpy(&php_gru_bidirectional_handlers, zend_get_std_object_handlers(), sizeof(zend_object_handlers));
	php_gru_bidirectional_handlers.offset = XtOffsetOf(php_gru_bidirectional, std);
	php_gru_bidirectional_handlers.free_obj = bidirectional_free;
	php_gru_bidirectional_handlers.clone_obj = bidirectional_clone;
	php_gru_bidirectional_handlers.get_gc = bidirectional_get_gc;
}
