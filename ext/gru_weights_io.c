/*
 * Weights in other frameworks' layouts, for GRU, GRUCell and Bidirectional:
 *
 *  - Keras: getWeights()/setWeights(), Keras's GRU weights as Keras lists
 *    them ([kernel, recurrent_kernel(, bias)]), for both reset_after
 *    variants.
 *  - PyTorch (and OneFlow, which copies its layout): getPyTorchWeights(),
 *    getPyTorchGrads() and setPyTorchWeights(), nn.GRU's state dict entries
 *    weight_ih<suffix>, weight_hh<suffix>, bias_ih<suffix>, bias_hh<suffix>.
 *
 * One index map per layout says where each element of Rindow's weights
 * lives in the other layout; import gathers through it and export scatters
 * through it, so the two directions cannot disagree. The params themselves
 * keep Rindow's layout (getParams() is unchanged).
 *
 * Import is staged: every given array is checked and converted (to double,
 * in Rindow's layout) before any weight changes, so a bad argument leaves
 * the layer (both directions of a Bidirectional) as it was. A built layer's
 * params are overwritten in place, as Keras assigns its variables, so that
 * whoever holds them (an optimizer) sees the new values; an unbuilt layer is
 * built from the weights' shapes.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_interfaces.h"

#include "gru.h"
#include "gru_array.h"
#include "gru_ndarray.h"
#include "gru_exceptions.h"
#include "gru_memory.h"
#include "gru_layer.h"
#include "gru_bidirectional.h"
#include "gru_layer_internal.h"

typedef enum {
	LAYOUT_KERAS,
	LAYOUT_TORCH
} weight_layout;

/* The other layout's arrays: Keras's three, or PyTorch's four. */
#define MAX_TENSORS 4
enum {
	TORCH_WEIGHT_IH = 0,
	TORCH_WEIGHT_HH,
	TORCH_BIAS_IH,
	TORCH_BIAS_HH
};

static const char *const keras_names[PARAM_COUNT] = {"kernel", "recurrent_kernel", "bias"};
static const char *const torch_names[MAX_TENSORS] = {"weight_ih", "weight_hh", "bias_ih", "bias_hh"};

/*
 * PyTorch's gate blocks are r, z, n; Rindow's (and Keras's) z, r, h, with
 * PyTorch's n computed as reset_after's h. torch_gate[g] is the block of
 * PyTorch's that holds Rindow's gate g.
 */
static const size_t torch_gate[3] = {1, 0, 2};

/* ---- shapes and the index maps ------------------------------------------ */

static int param_count(const php_gru_layer *layer)
{
	return layer->config.use_bias ? PARAM_COUNT : PARAM_BIAS;
}

static int tensor_count(const php_gru_layer *layer, weight_layout layout)
{
	if (layout == LAYOUT_KERAS) {
		return param_count(layer);
	}
	return layer->config.use_bias ? MAX_TENSORS : TORCH_BIAS_IH;
}

/* Rindow's shape of param for `features` inputs (as gru_layer.c's). */
static uint32_t rindow_shape(const php_gru_layer *layer, zend_long features, int param, zend_long shape[2])
{
	zend_long units = layer->config.units;

	switch (param) {
		case PARAM_KERNEL:
			shape[0] = features;
			shape[1] = 3 * units;
			return 2;
		case PARAM_RECURRENT_KERNEL:
			shape[0] = layer->config.reset_after ? units : 3 * units;
			shape[1] = layer->config.reset_after ? 3 * units : units;
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

/* The other layout's shape of its tensor number `tensor`. */
static uint32_t layout_shape(const php_gru_layer *layer, weight_layout layout, zend_long features, int tensor,
		zend_long shape[2])
{
	zend_long units = layer->config.units;

	if (layout == LAYOUT_KERAS) {
		/* Keras's recurrent_kernel is [units, 3*units] in both variants. */
		if (tensor == PARAM_RECURRENT_KERNEL) {
			shape[0] = units;
			shape[1] = 3 * units;
			return 2;
		}
		return rindow_shape(layer, features, tensor, shape);
	}
	switch (tensor) {
		case TORCH_WEIGHT_IH:
			shape[0] = 3 * units;
			shape[1] = features;
			return 2;
		case TORCH_WEIGHT_HH:
			shape[0] = 3 * units;
			shape[1] = units;
			return 2;
		default:
			shape[0] = 3 * units;
			return 1;
	}
}

static size_t shape_size(const zend_long *shape, uint32_t ndim)
{
	size_t size = 1;
	uint32_t i;

	for (i = 0; i < ndim; i++) {
		size *= (size_t) shape[i];
	}
	return size;
}

/*
 * Where element r (flat, row-major) of Rindow's param lives in the other
 * layout: which tensor, and its flat index there. A bijection between all
 * the params and all the tensors.
 */
static void map_index(weight_layout layout, bool reset_after, size_t units, size_t features, int param, size_t r,
		int *tensor, size_t *index)
{
	size_t gates = 3 * units;

	if (layout == LAYOUT_KERAS) {
		*tensor = param;
		*index = r;
		if (param == PARAM_RECURRENT_KERNEL && !reset_after) {
			/*
			 * Rindow's [3*units, units] holds U_g as the row block g and
			 * computes h.U_g; Keras's [units, 3*units] holds the same U_g as
			 * the column block g (h @ recurrent_kernel[:, g*units:(g+1)*units]).
			 * So Rindow's (g*units + i, j) is Keras's (i, g*units + j).
			 */
			size_t row = r / units, j = r % units;
			size_t g = row / units, i = row % units;

			*index = i * gates + g * units + j;
		}
		return;
	}
	if (param == PARAM_BIAS) {
		/* Rindow's [2, 3*units]: row 0 is PyTorch's bias_ih, row 1 bias_hh. */
		size_t row = r / gates, col = r % gates;

		*tensor = row == 0 ? TORCH_BIAS_IH : TORCH_BIAS_HH;
		*index = torch_gate[col / units] * units + col % units;
	} else {
		/*
		 * Rindow's [rows, 3*units] is x.W (or h.U): PyTorch's [3*units, rows]
		 * is W^T (it computes W_ih.x), with the gate blocks reordered.
		 */
		size_t rows = param == PARAM_KERNEL ? features : units;
		size_t i = r / gates, col = r % gates;

		*tensor = param == PARAM_KERNEL ? TORCH_WEIGHT_IH : TORCH_WEIGHT_HH;
		*index = (torch_gate[col / units] * units + col % units) * rows + i;
	}
}

/* ---- reading the given arrays ------------------------------------------- */

/* One given array: an NDArray-like object (read through a view) or nested PHP arrays of numbers. */
typedef struct {
	zval *value;
	const char *what;
	uint32_t ndim;
	zend_long shape[PHP_GRU_MAX_NDIM];
	zend_long dtype;          /* the NDArray's, 0 for PHP arrays */
	bool is_view;
	php_gru_array_view view;
} given_array;

static void given_release(given_array *given)
{
	if (given->is_view) {
		php_gru_array_release(&given->view);
		given->is_view = false;
	}
}

/* The shape of nested PHP arrays, following the first element at each level. */
static zend_result php_array_shape(zval *value, given_array *given)
{
	given->ndim = 0;
	while (Z_TYPE_P(value) == IS_ARRAY) {
		HashTable *ht = Z_ARRVAL_P(value);
		zval *first = NULL;

		if (given->ndim == PHP_GRU_MAX_NDIM) {
			php_gru_throw_invalid("%s is nested more than %d deep", given->what, PHP_GRU_MAX_NDIM);
			return FAILURE;
		}
		given->shape[given->ndim++] = zend_hash_num_elements(ht);
		ZEND_HASH_FOREACH_VAL(ht, first) {
			break;
		} ZEND_HASH_FOREACH_END();
		if (first == NULL) {
			break;
		}
		value = first;
		ZVAL_DEREF(value);
	}
	return SUCCESS;
}

static zend_result given_open(zval *value, const char *what, given_array *given)
{
	memset(given, 0, sizeof(*given));
	ZVAL_UNDEF(&given->view.buffer);
	ZVAL_DEREF(value);
	given->value = value;
	given->what = what;
	if (Z_TYPE_P(value) == IS_ARRAY) {
		return php_array_shape(value, given);
	}
	if (Z_TYPE_P(value) != IS_OBJECT) {
		php_gru_throw_invalid("%s must be an NDArray or an array of numbers, %s given", what,
			zend_zval_type_name(value));
		return FAILURE;
	}
	if (php_gru_array_open(value, what, &given->view) == FAILURE) {
		return FAILURE;
	}
	given->is_view = true;
	if (given->view.dtype != PHP_GRU_DTYPE_FLOAT32 && given->view.dtype != PHP_GRU_DTYPE_FLOAT64) {
		php_gru_throw_invalid("%s must be float32 or float64, %s given", what, php_gru_dtype_name(given->view.dtype));
		given_release(given);
		return FAILURE;
	}
	given->dtype = given->view.dtype;
	given->ndim = given->view.ndim;
	memcpy(given->shape, given->view.shape, sizeof(given->shape));
	return SUCCESS;
}

/* Copies nested PHP arrays of the checked shape into out, row-major; FAILURE if ragged or not numbers. */
static zend_result fill_from_php(const given_array *given, zval *value, uint32_t depth, double **out)
{
	zval *item;

	ZVAL_DEREF(value);
	if (depth == given->ndim) {
		if (Z_TYPE_P(value) == IS_LONG) {
			*(*out)++ = (double) Z_LVAL_P(value);
		} else if (Z_TYPE_P(value) == IS_DOUBLE) {
			*(*out)++ = Z_DVAL_P(value);
		} else {
			php_gru_throw_invalid("%s must hold numbers (int or float), %s found", given->what,
				zend_zval_type_name(value));
			return FAILURE;
		}
		return SUCCESS;
	}
	if (Z_TYPE_P(value) != IS_ARRAY || zend_hash_num_elements(Z_ARRVAL_P(value)) != (uint32_t) given->shape[depth]) {
		char buf[128];

		php_gru_throw_invalid("%s is not a rectangular array of shape %s: a row at depth %u has %s", given->what,
			php_gru_shape_to_string(given->shape, given->ndim, buf, sizeof(buf)), depth,
			Z_TYPE_P(value) == IS_ARRAY ? "another length" : zend_zval_type_name(value));
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(value), item) {
		if (fill_from_php(given, item, depth + 1, out) == FAILURE) {
			return FAILURE;
		}
	} ZEND_HASH_FOREACH_END();
	return SUCCESS;
}

/* The values of a checked given array as doubles (emalloc'd, size elements); NULL with an exception. */
static double *given_values(given_array *given, size_t size)
{
	size_t i;
	double *values, *cursor;

	if (php_gru_check_memory(size * sizeof(double), "GRU weight import") == FAILURE) {
		return NULL;
	}
	values = safe_emalloc(size ? size : 1, sizeof(double), 0);
	if (given->is_view) {
		if (given->view.dtype == PHP_GRU_DTYPE_FLOAT64) {
			memcpy(values, given->view.data, size * sizeof(double));
		} else {
			const float *data = given->view.data;

			for (i = 0; i < size; i++) {
				values[i] = data[i];
			}
		}
		return values;
	}
	cursor = values;
	if (fill_from_php(given, given->value, 0, &cursor) == FAILURE) {
		efree(values);
		return NULL;
	}
	return values;
}

/* ---- staging: checks and conversion, before anything changes ------------ */

typedef struct {
	zend_long features;
	zend_long dtype;
	double *params[PARAM_COUNT];   /* Rindow's layout, emalloc'd */
} staged_weights;

static void staged_release(staged_weights *staged)
{
	int i;

	for (i = 0; i < PARAM_COUNT; i++) {
		if (staged->params[i]) {
			efree(staged->params[i]);
			staged->params[i] = NULL;
		}
	}
}

static bool shapes_equal(const zend_long *a, uint32_t a_ndim, const zend_long *b, uint32_t b_ndim)
{
	return a_ndim == b_ndim && memcmp(a, b, a_ndim * sizeof(zend_long)) == 0;
}

/*
 * Checks the tensors (values[i], named names[i]) of the other layout for
 * this layer and converts them into Rindow's layout in staged. The layer is
 * not changed.
 */
static zend_result stage(php_gru_layer *layer, weight_layout layout, zval **values, char names[][96],
		staged_weights *staged)
{
	int count = tensor_count(layer, layout), i, param;
	given_array given[MAX_TENSORS];
	double *tensors[MAX_TENSORS] = {NULL};
	zend_result result = FAILURE;
	size_t units = (size_t) layer->config.units;

	memset(staged, 0, sizeof(*staged));
	for (i = 0; i < count; i++) {
		ZVAL_UNDEF(&given[i].view.buffer);
		given[i].is_view = false;
	}
	for (i = 0; i < count; i++) {
		zend_long shape[2];
		uint32_t ndim;
		char expected[128], actual[128];

		if (given_open(values[i], names[i], &given[i]) == FAILURE) {
			goto done;
		}
		if (i == 0) {
			/* The kernel (weight_ih) gives the input size; a built layer already has one. */
			staged->features = layer->built ? layer->features : 0;
			if (!layer->built && given[0].ndim == 2) {
				staged->features = given[0].shape[layout == LAYOUT_KERAS ? 0 : 1];
			}
			if (staged->features <= 0) {
				php_gru_throw_invalid("%s must be %s for %s, %s given", names[0],
					layout == LAYOUT_KERAS ? "[input_dim, 3*units] with input_dim > 0"
						: "[3*hidden_size, input_size] with input_size > 0",
					php_gru_layer_name(layer),
					php_gru_shape_to_string(given[0].shape, given[0].ndim, actual, sizeof(actual)));
				goto done;
			}
		}
		ndim = layout_shape(layer, layout, staged->features, i, shape);
		if (!shapes_equal(given[i].shape, given[i].ndim, shape, ndim)) {
			php_gru_throw_invalid("%s must be %s, %s given in %s", names[i],
				php_gru_shape_to_string(shape, ndim, expected, sizeof(expected)),
				php_gru_shape_to_string(given[i].shape, given[i].ndim, actual, sizeof(actual)),
				php_gru_layer_name(layer));
			goto done;
		}
	}

	/* A built layer keeps its dtype; an unbuilt one takes the first NDArray's (float32 for PHP arrays, as build()). */
	staged->dtype = layer->built ? layer->dtype : PHP_GRU_DTYPE_FLOAT32;
	for (i = 0; !layer->built && i < count; i++) {
		if (given[i].dtype != 0) {
			staged->dtype = given[i].dtype;
			break;
		}
	}

	for (i = 0; i < count; i++) {
		zend_long shape[2];
		uint32_t ndim = layout_shape(layer, layout, staged->features, i, shape);

		tensors[i] = given_values(&given[i], shape_size(shape, ndim));
		if (tensors[i] == NULL) {
			goto done;
		}
	}
	for (param = 0; param < param_count(layer); param++) {
		zend_long shape[2];
		size_t size = shape_size(shape, rindow_shape(layer, staged->features, param, shape)), r;
		double *out = safe_emalloc(size, sizeof(double), 0);

		staged->params[param] = out;
		for (r = 0; r < size; r++) {
			int tensor;
			size_t index;

			map_index(layout, layer->config.reset_after, units, (size_t) staged->features, param, r, &tensor, &index);
			out[r] = tensors[tensor][index];
		}
	}
	result = SUCCESS;

done:
	for (i = 0; i < count; i++) {
		given_release(&given[i]);
		if (tensors[i]) {
			efree(tensors[i]);
		}
	}
	if (result == FAILURE) {
		staged_release(staged);
	}
	return result;
}

static void store_values(void *data, zend_long dtype, const double *values, size_t size)
{
	size_t i;

	if (dtype == PHP_GRU_DTYPE_FLOAT64) {
		memcpy(data, values, size * sizeof(double));
	} else {
		float *out = data;

		for (i = 0; i < size; i++) {
			out[i] = (float) values[i];
		}
	}
}

/* Makes staged the layer's weights: overwrites a built layer's params in place, or builds it with them. */
static zend_result apply(php_gru_layer *layer, staged_weights *staged)
{
	int param;

	if (!layer->built) {
		zval list, array;
		zend_long timesteps = layer->config.has_input_shape ? layer->config.input_timesteps
			: (layer->is_cell ? 1 : -1);
		zend_result result;

		array_init_size(&list, PARAM_COUNT);
		for (param = 0; param < param_count(layer); param++) {
			zend_long shape[2];
			uint32_t ndim = rindow_shape(layer, staged->features, param, shape);
			void *data = php_gru_ndarray_new(&array, shape, ndim, staged->dtype);

			if (data == NULL) {
				zval_ptr_dtor(&list);
				return FAILURE;
			}
			store_values(data, staged->dtype, staged->params[param], shape_size(shape, ndim));
			add_next_index_zval(&list, &array);
		}
		php_gru_layer_forget_record(layer);
		result = php_gru_layer_build(layer, timesteps, staged->features, staged->dtype, Z_ARRVAL(list));
		zval_ptr_dtor(&list);
		return result;
	}
	for (param = 0; param < param_count(layer); param++) {
		php_gru_array_view view;
		zend_long shape[2];
		uint32_t ndim = rindow_shape(layer, layer->features, param, shape);
		zend_result result;

		if (php_gru_array_open(&layer->params[param], keras_names[param], &view) == FAILURE) {
			return FAILURE;
		}
		if (!shapes_equal(view.shape, view.ndim, shape, ndim) || view.dtype != layer->dtype) {
			php_gru_throw_runtime("the %s of %s is no longer of its shape or dtype", keras_names[param],
				php_gru_layer_name(layer));
			php_gru_array_release(&view);
			return FAILURE;
		}
		store_values(view.data, view.dtype, staged->params[param], view.size);
		result = php_gru_array_commit(&view);
		php_gru_array_release(&view);
		if (result == FAILURE) {
			return FAILURE;
		}
	}
	return SUCCESS;
}

/* ---- export -------------------------------------------------------------- */

static void load_values(double *values, const void *data, zend_long dtype, size_t size)
{
	size_t i;

	if (dtype == PHP_GRU_DTYPE_FLOAT64) {
		memcpy(values, data, size * sizeof(double));
	} else {
		const float *in = data;

		for (i = 0; i < size; i++) {
			values[i] = in[i];
		}
	}
}

/*
 * The layer's weights (grads: their gradients) in the other layout, as new
 * arrays of the params' family, into out[0..count-1]. FAILURE with an
 * exception and nothing in out.
 */
static zend_result export_tensors(php_gru_layer *layer, weight_layout layout, bool grads, zval out[MAX_TENSORS])
{
	int count = tensor_count(layer, layout), i, param;
	php_gru_array_view views[MAX_TENSORS];
	zval *sources = grads ? layer->grads : layer->params;
	size_t units = (size_t) layer->config.units;
	zend_result result = FAILURE;
	double *values = NULL;

	for (i = 0; i < MAX_TENSORS; i++) {
		memset(&views[i], 0, sizeof(views[i]));
		ZVAL_UNDEF(&views[i].buffer);
		ZVAL_UNDEF(&out[i]);
	}
	for (i = 0; i < count; i++) {
		zend_long shape[2];
		uint32_t ndim = layout_shape(layer, layout, layer->features, i, shape);

		if (php_gru_array_create(&layer->params[0], &layer->backend, shape, ndim, layer->dtype, &out[i],
				&views[i]) == FAILURE) {
			goto done;
		}
	}
	for (param = 0; param < param_count(layer); param++) {
		php_gru_array_view source;
		zend_long shape[2];
		uint32_t ndim = rindow_shape(layer, layer->features, param, shape);
		size_t r, size = shape_size(shape, ndim);

		if (php_gru_array_open(&sources[param], keras_names[param], &source) == FAILURE) {
			goto done;
		}
		if (!shapes_equal(source.shape, source.ndim, shape, ndim) || source.dtype != layer->dtype) {
			php_gru_throw_runtime("the %s of %s is no longer of its shape or dtype", keras_names[param],
				php_gru_layer_name(layer));
			php_gru_array_release(&source);
			goto done;
		}
		values = safe_emalloc(size, sizeof(double), 0);
		load_values(values, source.data, source.dtype, size);
		php_gru_array_release(&source);
		for (r = 0; r < size; r++) {
			int tensor;
			size_t index;

			map_index(layout, layer->config.reset_after, units, (size_t) layer->features, param, r, &tensor, &index);
			if (layer->dtype == PHP_GRU_DTYPE_FLOAT64) {
				((double *) views[tensor].data)[index] = values[r];
			} else {
				((float *) views[tensor].data)[index] = (float) values[r];
			}
		}
		efree(values);
		values = NULL;
	}
	for (i = 0; i < count; i++) {
		if (php_gru_array_commit(&views[i]) == FAILURE) {
			goto done;
		}
	}
	result = SUCCESS;

done:
	for (i = 0; i < MAX_TENSORS; i++) {
		php_gru_array_release(&views[i]);
		if (result == FAILURE) {
			zval_ptr_dtor(&out[i]);
			ZVAL_UNDEF(&out[i]);
		}
	}
	return result;
}

/* Adds the layer's PyTorch entries, keys with suffix, to an initialized array. */
static zend_result add_torch_entries(php_gru_layer *layer, bool grads, zend_string *suffix, zval *dict)
{
	zval tensors[MAX_TENSORS];
	int i, count = tensor_count(layer, LAYOUT_TORCH);

	if (!layer->config.reset_after) {
		php_gru_throw_domain("%s has reset_after false, which PyTorch's GRU cannot express (its n gate applies r "
			"after the recurrent product, as reset_after true)", php_gru_layer_name(layer));
		return FAILURE;
	}
	if (!layer->built) {
		php_gru_throw_runtime("%s is not built yet: call build() or forward() first", php_gru_layer_name(layer));
		return FAILURE;
	}
	if (export_tensors(layer, LAYOUT_TORCH, grads, tensors) == FAILURE) {
		return FAILURE;
	}
	for (i = 0; i < count; i++) {
		zend_string *key = zend_strpprintf(0, "%s%s", torch_names[i], ZSTR_VAL(suffix));

		zend_symtable_update(Z_ARRVAL_P(dict), key, &tensors[i]);
		zend_string_release(key);
	}
	return SUCCESS;
}

/* ---- import arguments ---------------------------------------------------- */

/* A few of the keys given, for messages: "a, b, c, ...". */
static void given_keys(HashTable *dict, char *buf, size_t size)
{
	zend_string *key;
	zend_ulong index;
	size_t used = 0;
	int shown = 0;

	buf[0] = '\0';
	ZEND_HASH_FOREACH_KEY(dict, index, key) {
		int n;

		if (shown == 8) {
			snprintf(buf + used, size - used, ", ...");
			return;
		}
		n = key ? snprintf(buf + used, size - used, "%s%s", shown ? ", " : "", ZSTR_VAL(key))
			: snprintf(buf + used, size - used, "%s" ZEND_ULONG_FMT, shown ? ", " : "", index);
		if (n < 0 || (size_t) n >= size - used) {
			return;
		}
		used += (size_t) n;
		shown++;
	} ZEND_HASH_FOREACH_END();
	if (shown == 0) {
		snprintf(buf, size, "none");
	}
}

/*
 * Finds the layer's entries in a PyTorch state dict (keys with suffix; other
 * keys are left for other layers) and stages them.
 */
static zend_result stage_torch(php_gru_layer *layer, HashTable *dict, zend_string *suffix, staged_weights *staged)
{
	char names[MAX_TENSORS][96];
	zval *values[MAX_TENSORS];
	int i, count = tensor_count(layer, LAYOUT_TORCH);
	char keys[512];

	if (!layer->config.reset_after) {
		php_gru_throw_domain("%s has reset_after false, which PyTorch's GRU cannot express (its n gate applies r "
			"after the recurrent product, as reset_after true)", php_gru_layer_name(layer));
		return FAILURE;
	}
	for (i = 0; i < MAX_TENSORS; i++) {
		snprintf(names[i], sizeof(names[i]), "%s%s", torch_names[i], ZSTR_VAL(suffix));
	}
	for (i = 0; i < MAX_TENSORS; i++) {
		zval *value = zend_symtable_str_find(dict, names[i], strlen(names[i]));

		if (i < count && value == NULL) {
			char needed[4 * 96];
			int k;

			needed[0] = '\0';
			for (k = 0; k < count; k++) {
				strlcat(needed, k ? ", " : "", sizeof(needed));
				strlcat(needed, names[k], sizeof(needed));
			}
			given_keys(dict, keys, sizeof(keys));
			php_gru_throw_invalid("the state dict has no %s for %s, which needs %s (PyTorch's bias=False is "
				"use_bias false); keys given: %s", names[i], php_gru_layer_name(layer), needed, keys);
			return FAILURE;
		}
		if (i >= count && value != NULL) {
			php_gru_throw_invalid("the state dict has %s, but %s has use_bias false (PyTorch's bias=False): "
				"it would be ignored", names[i], php_gru_layer_name(layer));
			return FAILURE;
		}
		if (i < count) {
			values[i] = value;
		}
	}
	return stage(layer, LAYOUT_TORCH, values, names, staged);
}

/* Stages Keras's list for one layer: count arrays from the list's position first. */
static zend_result stage_keras(php_gru_layer *layer, zval **list, uint32_t first, staged_weights *staged)
{
	char names[MAX_TENSORS][96];
	int i;

	for (i = 0; i < param_count(layer); i++) {
		snprintf(names[i], sizeof(names[i]), "weights[%u] (%s)", first + (uint32_t) i, keras_names[i]);
	}
	return stage(layer, LAYOUT_KERAS, list + first, names, staged);
}

/* The values of a PHP list in order, into an emalloc'd array. */
static zval **list_values(HashTable *list)
{
	zval **values = safe_emalloc(zend_hash_num_elements(list) + 1, sizeof(zval *), 0);
	zval *value;
	uint32_t i = 0;

	ZEND_HASH_FOREACH_VAL(list, value) {
		values[i++] = value;
	} ZEND_HASH_FOREACH_END();
	return values;
}

/* ---- GRU and GRUCell ----------------------------------------------------- */

static void layer_get_weights(php_gru_layer *layer, zval *return_value)
{
	zval tensors[MAX_TENSORS];
	int i;

	array_init(return_value);
	if (!layer->built) {
		return;
	}
	if (export_tensors(layer, LAYOUT_KERAS, false, tensors) == FAILURE) {
		zval_ptr_dtor(return_value);
		ZVAL_UNDEF(return_value);
		return;
	}
	for (i = 0; i < param_count(layer); i++) {
		add_next_index_zval(return_value, &tensors[i]);
	}
}

static void layer_set_weights(php_gru_layer *layer, HashTable *weights)
{
	uint32_t expected = (uint32_t) param_count(layer);
	staged_weights staged;
	zval **values;

	if (zend_hash_num_elements(weights) != expected) {
		php_gru_throw_invalid("weights must hold %u arrays (kernel, recurrent_kernel%s) for %s, %u given",
			expected, layer->config.use_bias ? ", bias" : "", php_gru_layer_name(layer),
			zend_hash_num_elements(weights));
		return;
	}
	values = list_values(weights);
	if (stage_keras(layer, values, 0, &staged) == SUCCESS) {
		apply(layer, &staged);
		staged_release(&staged);
	}
	efree(values);
}

static void layer_get_torch(php_gru_layer *layer, bool grads, zend_string *suffix, zval *return_value)
{
	array_init(return_value);
	if (add_torch_entries(layer, grads, suffix, return_value) == FAILURE) {
		zval_ptr_dtor(return_value);
		ZVAL_UNDEF(return_value);
	}
}

static void layer_set_torch(php_gru_layer *layer, HashTable *dict, zend_string *suffix)
{
	staged_weights staged;

	if (stage_torch(layer, dict, suffix, &staged) == SUCCESS) {
		apply(layer, &staged);
		staged_release(&staged);
	}
}

/* The optional $suffix argument, or the class's default: a string to release. */
static zend_string *suffix_or_default(zend_string *suffix, const char *default_suffix)
{
	if (suffix == NULL) {
		return zend_string_init(default_suffix, strlen(default_suffix), 0);
	}
	return zend_string_copy(suffix);
}

/* getPyTorchWeights([$suffix]) and getPyTorchGrads([$suffix]) of GRU and GRUCell. */
static void torch_get_method(INTERNAL_FUNCTION_PARAMETERS, bool grads, const char *default_suffix)
{
	zend_string *suffix = NULL;

	ZEND_PARSE_PARAMETERS_START(0, 1)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR(suffix)
	ZEND_PARSE_PARAMETERS_END();
	suffix = suffix_or_default(suffix, default_suffix);
	layer_get_torch(Z_GRU_LAYER_P(ZEND_THIS), grads, suffix, return_value);
	zend_string_release(suffix);
}

/* setPyTorchWeights($stateDict, [$suffix]) of GRU and GRUCell. */
static void torch_set_method(INTERNAL_FUNCTION_PARAMETERS, const char *default_suffix)
{
	HashTable *dict;
	zend_string *suffix = NULL;

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_ARRAY_HT(dict)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR(suffix)
	ZEND_PARSE_PARAMETERS_END();
	suffix = suffix_or_default(suffix, default_suffix);
	layer_set_torch(Z_GRU_LAYER_P(ZEND_THIS), dict, suffix);
	zend_string_release(suffix);
}

#define DEFINE_LAYER_METHODS(class_name, default_suffix) \
	PHP_METHOD(class_name, getWeights) \
	{ \
		ZEND_PARSE_PARAMETERS_NONE(); \
		layer_get_weights(Z_GRU_LAYER_P(ZEND_THIS), return_value); \
	} \
	PHP_METHOD(class_name, setWeights) \
	{ \
		HashTable *weights; \
		ZEND_PARSE_PARAMETERS_START(1, 1) \
			Z_PARAM_ARRAY_HT(weights) \
		ZEND_PARSE_PARAMETERS_END(); \
		layer_set_weights(Z_GRU_LAYER_P(ZEND_THIS), weights); \
	} \
	PHP_METHOD(class_name, getPyTorchWeights) \
	{ \
		torch_get_method(INTERNAL_FUNCTION_PARAM_PASSTHRU, false, default_suffix); \
	} \
	PHP_METHOD(class_name, getPyTorchGrads) \
	{ \
		torch_get_method(INTERNAL_FUNCTION_PARAM_PASSTHRU, true, default_suffix); \
	} \
	PHP_METHOD(class_name, setPyTorchWeights) \
	{ \
		torch_set_method(INTERNAL_FUNCTION_PARAM_PASSTHRU, default_suffix); \
	}

/* nn.GRU's first layer is "_l0"; nn.GRUCell's keys have no suffix. */
DEFINE_LAYER_METHODS(Rindow_NeuralNetworks_Layer_GRU, "_l0")
DEFINE_LAYER_METHODS(Rindow_NeuralNetworks_Layer_GRUCell, "")

/* ---- Bidirectional ------------------------------------------------------- */

/* The forward and backward GRUs (borrowed from the Bidirectional); FAILURE with an exception. */
static zend_result bidirectional_layers(zval *self, zval layers[2])
{
	static const char *const getters[2] = {"getforwardlayer", "getbackwardlayer"};
	int d;

	ZVAL_UNDEF(&layers[0]);
	ZVAL_UNDEF(&layers[1]);
	for (d = 0; d < 2; d++) {
		zend_call_method(Z_OBJ_P(self), php_gru_bidirectional_ce, NULL, getters[d], strlen(getters[d]), &layers[d],
			0, NULL, NULL);
		if (EG(exception) || Z_TYPE(layers[d]) != IS_OBJECT || !instanceof_function(Z_OBJCE(layers[d]), php_gru_layer_ce)) {
			zval_ptr_dtor(&layers[0]);
			zval_ptr_dtor(&layers[1]);
			if (!EG(exception)) {
				php_gru_throw_runtime("this Bidirectional has no GRU layers");
			}
			return FAILURE;
		}
	}
	return SUCCESS;
}

static void release_layers(zval layers[2])
{
	zval_ptr_dtor(&layers[0]);
	zval_ptr_dtor(&layers[1]);
}

/* "_l0" -> "_l0_reverse", PyTorch's name for the backward direction. */
static zend_string *reverse_suffix(zend_string *suffix)
{
	return zend_strpprintf(0, "%s_reverse", ZSTR_VAL(suffix));
}

/*
 * Applies both staged directions; staging both first keeps a failure from
 * changing either. Both must read the same input size, and an unbuilt
 * backward layer takes the forward one's dtype, so that the two can run on
 * the same inputs.
 */
static void apply_both(zval layers[2], staged_weights staged[2])
{
	int d;

	if (staged[0].features != staged[1].features) {
		php_gru_throw_invalid("the forward layer's weights are for " ZEND_LONG_FMT " input features but the "
			"backward layer's for " ZEND_LONG_FMT, staged[0].features, staged[1].features);
	}
	if (!Z_GRU_LAYER_P(&layers[1])->built) {
		staged[1].dtype = staged[0].dtype;
	}
	for (d = 0; d < 2; d++) {
		if (!EG(exception)) {
			apply(Z_GRU_LAYER_P(&layers[d]), &staged[d]);
		}
		staged_release(&staged[d]);
	}
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, getWeights)
{
	zval layers[2], part, *value;
	int d;

	ZEND_PARSE_PARAMETERS_NONE();
	if (bidirectional_layers(ZEND_THIS, layers) == FAILURE) {
		RETURN_THROWS();
	}
	array_init(return_value);
	for (d = 0; d < 2; d++) {
		layer_get_weights(Z_GRU_LAYER_P(&layers[d]), &part);
		if (Z_ISUNDEF(part)) {
			break;
		}
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL(part), value) {
			Z_TRY_ADDREF_P(value);
			add_next_index_zval(return_value, value);
		} ZEND_HASH_FOREACH_END();
		zval_ptr_dtor(&part);
	}
	release_layers(layers);
	if (EG(exception)) {
		zval_ptr_dtor(return_value);
		RETURN_THROWS();
	}
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, setWeights)
{
	HashTable *weights;
	zval layers[2], **values;
	staged_weights staged[2];
	uint32_t counts[2];

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY_HT(weights)
	ZEND_PARSE_PARAMETERS_END();
	if (bidirectional_layers(ZEND_THIS, layers) == FAILURE) {
		RETURN_THROWS();
	}
	counts[0] = (uint32_t) param_count(Z_GRU_LAYER_P(&layers[0]));
	counts[1] = (uint32_t) param_count(Z_GRU_LAYER_P(&layers[1]));
	if (zend_hash_num_elements(weights) != counts[0] + counts[1]) {
		php_gru_throw_invalid("weights must hold the forward layer's %u arrays, then the backward layer's %u, "
			"%u given", counts[0], counts[1], zend_hash_num_elements(weights));
		release_layers(layers);
		RETURN_THROWS();
	}
	values = list_values(weights);
	if (stage_keras(Z_GRU_LAYER_P(&layers[0]), values, 0, &staged[0]) == SUCCESS) {
		if (stage_keras(Z_GRU_LAYER_P(&layers[1]), values, counts[0], &staged[1]) == SUCCESS) {
			apply_both(layers, staged);
		} else {
			staged_release(&staged[0]);
		}
	}
	efree(values);
	release_layers(layers);
}

static void bidirectional_get_torch(INTERNAL_FUNCTION_PARAMETERS, bool grads)
{
	zend_string *suffix = NULL, *suffixes[2];
	zval layers[2];
	int d;

	ZEND_PARSE_PARAMETERS_START(0, 1)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR(suffix)
	ZEND_PARSE_PARAMETERS_END();
	if (bidirectional_layers(ZEND_THIS, layers) == FAILURE) {
		RETURN_THROWS();
	}
	suffixes[0] = suffix ? zend_string_copy(suffix) : zend_string_init("_l0", 3, 0);
	suffixes[1] = reverse_suffix(suffixes[0]);
	array_init(return_value);
	for (d = 0; d < 2; d++) {
		if (add_torch_entries(Z_GRU_LAYER_P(&layers[d]), grads, suffixes[d], return_value) == FAILURE) {
			break;
		}
	}
	zend_string_release(suffixes[0]);
	zend_string_release(suffixes[1]);
	release_layers(layers);
	if (EG(exception)) {
		zval_ptr_dtor(return_value);
		RETURN_THROWS();
	}
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, getPyTorchWeights)
{
	bidirectional_get_torch(INTERNAL_FUNCTION_PARAM_PASSTHRU, false);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, getPyTorchGrads)
{
	bidirectional_get_torch(INTERNAL_FUNCTION_PARAM_PASSTHRU, true);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_Bidirectional, setPyTorchWeights)
{
	HashTable *dict;
	zend_string *suffix = NULL, *suffixes[2];
	zval layers[2];
	staged_weights staged[2];

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_ARRAY_HT(dict)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR(suffix)
	ZEND_PARSE_PARAMETERS_END();
	if (bidirectional_layers(ZEND_THIS, layers) == FAILURE) {
		RETURN_THROWS();
	}
	suffixes[0] = suffix ? zend_string_copy(suffix) : zend_string_init("_l0", 3, 0);
	suffixes[1] = reverse_suffix(suffixes[0]);
	if (stage_torch(Z_GRU_LAYER_P(&layers[0]), dict, suffixes[0], &staged[0]) == SUCCESS) {
		if (stage_torch(Z_GRU_LAYER_P(&layers[1]), dict, suffixes[1], &staged[1]) == SUCCESS) {
			apply_both(layers, staged);
		} else {
			staged_release(&staged[0]);
		}
	}
	zend_string_release(suffixes[0]);
	zend_string_release(suffixes[1]);
	release_layers(layers);
}
