/*
 * Keras's regularizers and constraints on the GRU's weights and outputs.
 * Everything here runs on the host, on params and grads that the layer
 * keeps in host memory whatever the device, so the OpenCL backend needs
 * nothing of its own: its backward() has copied the gradients back before
 * the penalty gradients are added.
 *
 * Formulas (Keras 3, keras/src/regularizers and keras/src/constraints):
 *   l1 * sum(|w|) + l2 * sum(w^2)                    (no 1/2 on l2)
 *   max_norm:     w * clip(n, 0, max) / (eps + n)
 *   unit_norm:    w / (eps + n)
 *   min_max_norm: w * (rate * clip(n, min, max) + (1 - rate) * n) / (eps + n)
 *   non_neg:      max(w, 0)
 * with n the L2 norms over `axis` and eps = 1e-7 (backend.epsilon()).
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include <math.h>

#include "php.h"
#include "zend_smart_str.h"

#include "gru_array.h"
#include "gru_exceptions.h"
#include "gru_memory.h"
#include "gru_regularizers.h"
#include "gru_layer_internal.h"

/* Keras's factor for a regularizer named by a string. */
#define DEFAULT_FACTOR 0.01

static const struct {
	const char *name;
	bool l1;
	bool l2;
} regularizer_names[] = {
	{"l1", true, false}, {"L1", true, false},
	{"l2", false, true}, {"L2", false, true},
	/*
	 * Keras documents 0.01 for both factors of 'l1_l2' (and Keras 2 did so);
	 * Keras 3's get() instantiates L1L2() whose defaults are 0, which the
	 * docs call a backward-compatibility quirk. We take the documented 0.01.
	 */
	{"l1_l2", true, true}, {"L1L2", true, true},
};

static const struct {
	const char *name;
	php_gru_constraint_kind kind;
} constraint_names[] = {
	{"max_norm", PHP_GRU_CONSTRAINT_MAX_NORM}, {"MaxNorm", PHP_GRU_CONSTRAINT_MAX_NORM},
	{"non_neg", PHP_GRU_CONSTRAINT_NON_NEG}, {"NonNeg", PHP_GRU_CONSTRAINT_NON_NEG},
	{"unit_norm", PHP_GRU_CONSTRAINT_UNIT_NORM}, {"UnitNorm", PHP_GRU_CONSTRAINT_UNIT_NORM},
	{"min_max_norm", PHP_GRU_CONSTRAINT_MIN_MAX_NORM}, {"MinMaxNorm", PHP_GRU_CONSTRAINT_MIN_MAX_NORM},
};

/* The canonical (snake_case) names, by kind, for getConfig() and messages. */
static const char *const constraint_kind_names[] = {"none", "max_norm", "non_neg", "unit_norm", "min_max_norm"};

#define REGULARIZER_FORMS "'l1', 'l2', 'l1_l2', an array ['l1' => float, 'l2' => float] or null"
#define CONSTRAINT_FORMS "'max_norm', 'non_neg', 'unit_norm', 'min_max_norm', an array [name, parameter => value, ...] or null"

/* Appends a value as PHP code would show it: 1.5, 3, 'x', array. */
static void append_value(smart_str *buf, const zval *value)
{
	switch (Z_TYPE_P(value)) {
		case IS_DOUBLE:
			smart_str_append_double(buf, Z_DVAL_P(value), (int) EG(precision), true);
			break;
		case IS_LONG:
			smart_str_append_long(buf, Z_LVAL_P(value));
			break;
		case IS_STRING:
			smart_str_appendc(buf, '\'');
			smart_str_append(buf, Z_STR_P(value));
			smart_str_appendc(buf, '\'');
			break;
		default:
			smart_str_appends(buf, zend_zval_type_name(value));
			break;
	}
}

/* Throws "GRU option <option>[: <what>] must be <expected>, <value> given". */
static void throw_bad_value(const char *option, const char *what, const char *expected, const zval *value)
{
	smart_str buf = {0};

	append_value(&buf, value);
	smart_str_0(&buf);
	php_gru_throw_invalid("GRU option %s%s%s must be %s, %s given", option, what ? ": " : "", what ? what : "",
		expected, ZSTR_VAL(buf.s));
	smart_str_free(&buf);
}

/* An int or a finite float, as a double. */
static bool read_number(const zval *value, double *out)
{
	if (Z_TYPE_P(value) == IS_LONG) {
		*out = (double) Z_LVAL_P(value);
		return true;
	}
	if (Z_TYPE_P(value) == IS_DOUBLE && zend_finite(Z_DVAL_P(value))) {
		*out = Z_DVAL_P(value);
		return true;
	}
	return false;
}

/* A non-negative finite factor or parameter. */
static zend_result read_non_negative(const zval *value, const char *option, const char *what, double *out)
{
	ZVAL_DEREF(value);
	if (!read_number(value, out) || *out < 0.0) {
		throw_bad_value(option, what, "a non-negative float", value);
		return FAILURE;
	}
	return SUCCESS;
}

/* ---- regularizers --------------------------------------------------------- */

zend_result php_gru_regularizer_parse(const zval *value, const char *option, php_gru_regularizer *out)
{
	zend_string *key;
	zend_ulong index;
	zval *entry;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (Z_ISUNDEF_P(value) || Z_TYPE_P(value) == IS_NULL) {
		return SUCCESS;
	}
	if (Z_TYPE_P(value) == IS_STRING) {
		for (i = 0; i < sizeof(regularizer_names) / sizeof(regularizer_names[0]); i++) {
			if (zend_string_equals_cstr(Z_STR_P(value), regularizer_names[i].name, strlen(regularizer_names[i].name))) {
				out->active = true;
				out->has_l1 = regularizer_names[i].l1;
				out->has_l2 = regularizer_names[i].l2;
				out->l1 = out->has_l1 ? DEFAULT_FACTOR : 0.0;
				out->l2 = out->has_l2 ? DEFAULT_FACTOR : 0.0;
				return SUCCESS;
			}
		}
		throw_bad_value(option, NULL, REGULARIZER_FORMS, value);
		return FAILURE;
	}
	if (Z_TYPE_P(value) != IS_ARRAY || zend_hash_num_elements(Z_ARRVAL_P(value)) == 0) {
		throw_bad_value(option, NULL, REGULARIZER_FORMS, value);
		return FAILURE;
	}
	ZEND_HASH_FOREACH_KEY_VAL(Z_ARRVAL_P(value), index, key, entry) {
		if (key != NULL && zend_string_equals_literal(key, "l1")) {
			if (read_non_negative(entry, option, "l1", &out->l1) == FAILURE) {
				return FAILURE;
			}
			out->has_l1 = true;
		} else if (key != NULL && zend_string_equals_literal(key, "l2")) {
			if (read_non_negative(entry, option, "l2", &out->l2) == FAILURE) {
				return FAILURE;
			}
			out->has_l2 = true;
		} else if (key != NULL) {
			php_gru_throw_invalid("GRU option %s: unknown key '%s', expected 'l1' and/or 'l2'", option, ZSTR_VAL(key));
			return FAILURE;
		} else {
			php_gru_throw_invalid("GRU option %s: unknown key " ZEND_ULONG_FMT ", expected 'l1' and/or 'l2'", option,
				index);
			return FAILURE;
		}
	} ZEND_HASH_FOREACH_END();
	out->active = true;
	return SUCCESS;
}

void php_gru_regularizer_to_zval(const php_gru_regularizer *regularizer, zval *out)
{
	array_init_size(out, 2);
	if (regularizer->has_l1) {
		add_assoc_double(out, "l1", regularizer->l1);
	}
	if (regularizer->has_l2) {
		add_assoc_double(out, "l2", regularizer->l2);
	}
}

#define PENALTY_LOOP(type) do { \
		const type *w = values; \
		for (i = 0; i < n; i++) { \
			double v = (double) w[i]; \
			sum_abs += fabs(v); \
			sum_sq += v * v; \
		} \
	} while (0)

double php_gru_regularizer_penalty(const php_gru_regularizer *regularizer, zend_long dtype, const void *values,
		size_t n)
{
	double sum_abs = 0.0, sum_sq = 0.0;
	size_t i;

	if (!regularizer->active) {
		return 0.0;
	}
	if (dtype == PHP_GRU_DTYPE_FLOAT64) {
		PENALTY_LOOP(double);
	} else {
		PENALTY_LOOP(float);
	}
	/* as Keras's L1L2, a zero factor contributes nothing (not even NaN from inf weights) */
	return (regularizer->l1 != 0.0 ? regularizer->l1 * sum_abs : 0.0)
		+ (regularizer->l2 != 0.0 ? regularizer->l2 * sum_sq : 0.0);
}

/* d/dw of l1 * |w| is l1 * sign(w), 0 at 0 as automatic differentiation gives it. */
#define GRADIENT_LOOP(type) do { \
		const type *w = values; \
		type *g = grad; \
		for (i = 0; i < n; i++) { \
			double v = (double) w[i]; \
			double sign = v > 0.0 ? 1.0 : (v < 0.0 ? -1.0 : 0.0); \
			g[i] = (type) ((double) g[i] + a * sign + b * v); \
		} \
	} while (0)

void php_gru_regularizer_add_gradient(const php_gru_regularizer *regularizer, double scale, zend_long dtype,
		const void *values, void *grad, size_t n)
{
	const double a = scale * regularizer->l1, b = scale * 2.0 * regularizer->l2;
	size_t i;

	if (!regularizer->active) {
		return;
	}
	if (dtype == PHP_GRU_DTYPE_FLOAT64) {
		GRADIENT_LOOP(double);
	} else {
		GRADIENT_LOOP(float);
	}
}

/* ---- constraints ---------------------------------------------------------- */

static zend_result read_axis(const zval *value, const char *option, php_gru_constraint *out)
{
	zval *entry;
	uint32_t count = 0;

	ZVAL_DEREF(value);
	if (Z_TYPE_P(value) == IS_LONG) {
		if (Z_LVAL_P(value) < -2 || Z_LVAL_P(value) > 1) {
			throw_bad_value(option, "axis", "0, 1, -1 or -2 (the weights are at most 2-D)", value);
			return FAILURE;
		}
		out->axis_list = false;
		out->axis_count = 1;
		out->axes[0] = Z_LVAL_P(value);
		return SUCCESS;
	}
	if (Z_TYPE_P(value) != IS_ARRAY || zend_hash_num_elements(Z_ARRVAL_P(value)) < 1
		|| zend_hash_num_elements(Z_ARRVAL_P(value)) > 2) {
		throw_bad_value(option, "axis", "an int or a list of one or two ints", value);
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(value), entry) {
		ZVAL_DEREF(entry);
		if (Z_TYPE_P(entry) != IS_LONG || Z_LVAL_P(entry) < -2 || Z_LVAL_P(entry) > 1) {
			throw_bad_value(option, "axis", "a list of 0, 1, -1 or -2 (the weights are at most 2-D)", entry);
			return FAILURE;
		}
		out->axes[count++] = Z_LVAL_P(entry);
	} ZEND_HASH_FOREACH_END();
	out->axis_list = true;
	out->axis_count = count;
	return SUCCESS;
}

/* Keras's defaults: max_value 2 and axis 0 for max_norm; min_max_norm 0, 1, rate 1, axis 0. */
static void constraint_defaults(php_gru_constraint *out, php_gru_constraint_kind kind)
{
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->axis_count = 1;
	out->axes[0] = 0;
	out->rate = 1.0;
	out->min_value = 0.0;
	out->max_value = kind == PHP_GRU_CONSTRAINT_MAX_NORM ? 2.0 : 1.0;
}

static bool constraint_from_name(const zend_string *name, php_gru_constraint_kind *kind)
{
	size_t i;

	for (i = 0; i < sizeof(constraint_names) / sizeof(constraint_names[0]); i++) {
		if (zend_string_equals_cstr(name, constraint_names[i].name, strlen(constraint_names[i].name))) {
			*kind = constraint_names[i].kind;
			return true;
		}
	}
	return false;
}

/* Reads one `parameter => value` of an array constraint. */
static zend_result read_constraint_parameter(zend_string *key, zval *value, const char *option,
		php_gru_constraint *out)
{
	const php_gru_constraint_kind kind = out->kind;
	const bool norm_bounds = kind == PHP_GRU_CONSTRAINT_MAX_NORM || kind == PHP_GRU_CONSTRAINT_MIN_MAX_NORM;

	if (zend_string_equals_literal(key, "axis") && kind != PHP_GRU_CONSTRAINT_NON_NEG) {
		return read_axis(value, option, out);
	}
	if (zend_string_equals_literal(key, "max_value") && norm_bounds) {
		return read_non_negative(value, option, "max_value", &out->max_value);
	}
	if (zend_string_equals_literal(key, "min_value") && kind == PHP_GRU_CONSTRAINT_MIN_MAX_NORM) {
		return read_non_negative(value, option, "min_value", &out->min_value);
	}
	if (zend_string_equals_literal(key, "rate") && kind == PHP_GRU_CONSTRAINT_MIN_MAX_NORM) {
		ZVAL_DEREF(value);
		if (!read_number(value, &out->rate) || out->rate < 0.0 || out->rate > 1.0) {
			throw_bad_value(option, "rate", "a float in [0, 1]", value);
			return FAILURE;
		}
		return SUCCESS;
	}
	php_gru_throw_invalid("GRU option %s: %s takes %s, '%s' given", option, constraint_kind_names[kind],
		kind == PHP_GRU_CONSTRAINT_MAX_NORM ? "max_value and axis"
			: kind == PHP_GRU_CONSTRAINT_UNIT_NORM ? "axis"
			: kind == PHP_GRU_CONSTRAINT_MIN_MAX_NORM ? "min_value, max_value, rate and axis"
			: "no parameters",
		ZSTR_VAL(key));
	return FAILURE;
}

zend_result php_gru_constraint_parse(const zval *value, const char *option, php_gru_constraint *out)
{
	php_gru_constraint_kind kind;
	zval *name, *entry;
	zend_string *key;
	zend_ulong index;

	memset(out, 0, sizeof(*out));
	if (Z_ISUNDEF_P(value) || Z_TYPE_P(value) == IS_NULL) {
		return SUCCESS;
	}
	if (Z_TYPE_P(value) == IS_STRING) {
		if (!constraint_from_name(Z_STR_P(value), &kind)) {
			throw_bad_value(option, NULL, CONSTRAINT_FORMS, value);
			return FAILURE;
		}
		constraint_defaults(out, kind);
		return SUCCESS;
	}
	if (Z_TYPE_P(value) != IS_ARRAY) {
		throw_bad_value(option, NULL, CONSTRAINT_FORMS, value);
		return FAILURE;
	}
	name = zend_hash_index_find(Z_ARRVAL_P(value), 0);
	if (name != NULL) {
		ZVAL_DEREF(name);
	}
	if (name == NULL || Z_TYPE_P(name) != IS_STRING) {
		php_gru_throw_invalid("GRU option %s must be [name, parameter => value, ...] with the name first "
			"('max_norm', 'non_neg', 'unit_norm' or 'min_max_norm')", option);
		return FAILURE;
	}
	if (!constraint_from_name(Z_STR_P(name), &kind)) {
		throw_bad_value(option, "name", "'max_norm', 'non_neg', 'unit_norm' or 'min_max_norm'", name);
		return FAILURE;
	}
	constraint_defaults(out, kind);
	ZEND_HASH_FOREACH_KEY_VAL(Z_ARRVAL_P(value), index, key, entry) {
		if (key == NULL) {
			if (index == 0) {
				continue;
			}
			php_gru_throw_invalid("GRU option %s: unexpected value at index " ZEND_ULONG_FMT
				"; parameters go by name (e.g. 'axis' => 0)", option, index);
			memset(out, 0, sizeof(*out));
			return FAILURE;
		}
		if (read_constraint_parameter(key, entry, option, out) == FAILURE) {
			memset(out, 0, sizeof(*out));
			return FAILURE;
		}
	} ZEND_HASH_FOREACH_END();
	if (kind == PHP_GRU_CONSTRAINT_MIN_MAX_NORM && out->min_value > out->max_value) {
		php_gru_throw_invalid("GRU option %s: min_value (%.17g) must not exceed max_value (%.17g)", option,
			out->min_value, out->max_value);
		memset(out, 0, sizeof(*out));
		return FAILURE;
	}
	return SUCCESS;
}

zend_result php_gru_constraint_check_ndim(const php_gru_constraint *constraint, const char *option, uint32_t ndim)
{
	zend_long normalized[2];
	uint32_t i;

	if (constraint->kind == PHP_GRU_CONSTRAINT_NONE || constraint->kind == PHP_GRU_CONSTRAINT_NON_NEG) {
		return SUCCESS;
	}
	for (i = 0; i < constraint->axis_count; i++) {
		zend_long axis = constraint->axes[i];
		if (axis < -(zend_long) ndim || axis >= (zend_long) ndim) {
			php_gru_throw_invalid("GRU option %s: axis " ZEND_LONG_FMT " is out of range for its %u-D weight "
				"(axes %d to %u)", option, axis, ndim, -(int) ndim, ndim - 1);
			return FAILURE;
		}
		normalized[i] = axis < 0 ? axis + (zend_long) ndim : axis;
	}
	if (constraint->axis_count == 2 && normalized[0] == normalized[1]) {
		php_gru_throw_invalid("GRU option %s: axis names the same axis twice", option);
		return FAILURE;
	}
	return SUCCESS;
}

void php_gru_constraint_to_zval(const php_gru_constraint *constraint, zval *out)
{
	zval axis;
	uint32_t i;

	array_init_size(out, 5);
	add_next_index_string(out, constraint_kind_names[constraint->kind]);
	switch (constraint->kind) {
		case PHP_GRU_CONSTRAINT_MIN_MAX_NORM:
			add_assoc_double(out, "min_value", constraint->min_value);
			add_assoc_double(out, "max_value", constraint->max_value);
			add_assoc_double(out, "rate", constraint->rate);
			break;
		case PHP_GRU_CONSTRAINT_MAX_NORM:
			add_assoc_double(out, "max_value", constraint->max_value);
			break;
		default:
			break;
	}
	if (constraint->kind == PHP_GRU_CONSTRAINT_NON_NEG || constraint->kind == PHP_GRU_CONSTRAINT_NONE) {
		return;
	}
	if (constraint->axis_list) {
		array_init_size(&axis, constraint->axis_count);
		for (i = 0; i < constraint->axis_count; i++) {
			add_next_index_long(&axis, constraint->axes[i]);
		}
		add_assoc_zval(out, "axis", &axis);
	} else {
		add_assoc_long(out, "axis", constraint->axes[0]);
	}
}

/* The norm's scale for one group, by Keras's formula for the kind. */
static double norm_factor(const php_gru_constraint *constraint, double norm)
{
	const double eps = PHP_GRU_CONSTRAINT_EPSILON;
	double desired;

	switch (constraint->kind) {
		case PHP_GRU_CONSTRAINT_MAX_NORM:
			desired = norm > constraint->max_value ? constraint->max_value : norm;
			return desired / (eps + norm);
		case PHP_GRU_CONSTRAINT_UNIT_NORM:
			return 1.0 / (eps + norm);
		default: /* MIN_MAX_NORM */
			desired = norm < constraint->min_value ? constraint->min_value
				: (norm > constraint->max_value ? constraint->max_value : norm);
			desired = constraint->rate * desired + (1.0 - constraint->rate) * norm;
			return desired / (eps + norm);
	}
}

/*
 * The norms over the constraint's axes of [rows, cols]: one per column
 * (axis 0), per row (axis 1) or one in all (both). `group` maps an element
 * to its norm: row i, column j -> (reduce_rows ? 0 : i) * group_cols + (reduce_cols ? 0 : j).
 */
#define NORM_LOOP(type) do { \
		type *w = values; \
		for (i = 0; i < rows; i++) { \
			for (j = 0; j < cols; j++) { \
				double v = (double) w[i * cols + j]; \
				sums[(reduce_rows ? 0 : i) * group_cols + (reduce_cols ? 0 : j)] += v * v; \
			} \
		} \
		for (g = 0; g < groups; g++) { \
			sums[g] = norm_factor(constraint, sqrt(sums[g])); \
		} \
		for (i = 0; i < rows; i++) { \
			for (j = 0; j < cols; j++) { \
				w[i * cols + j] = (type) ((double) w[i * cols + j] \
					* sums[(reduce_rows ? 0 : i) * group_cols + (reduce_cols ? 0 : j)]); \
			} \
		} \
	} while (0)

#define NON_NEG_LOOP(type) do { \
		type *w = values; \
		for (i = 0; i < rows * cols; i++) { \
			if (w[i] < 0) { \
				w[i] = 0; \
			} \
		} \
	} while (0)

void php_gru_constraint_apply(const php_gru_constraint *constraint, zend_long dtype, void *values, size_t rows,
		size_t cols, uint32_t ndim)
{
	bool reduce_rows = false, reduce_cols = false;
	size_t i, j, g, groups, group_cols;
	double *sums;
	uint32_t k;

	if (constraint->kind == PHP_GRU_CONSTRAINT_NONE || rows == 0 || cols == 0) {
		return;
	}
	if (constraint->kind == PHP_GRU_CONSTRAINT_NON_NEG) {
		if (dtype == PHP_GRU_DTYPE_FLOAT64) {
			NON_NEG_LOOP(double);
		} else {
			NON_NEG_LOOP(float);
		}
		return;
	}
	if (ndim == 1) {
		/* [rows] is [rows, 1]: its one axis is axis 0 */
		cols = 1;
	}
	for (k = 0; k < constraint->axis_count; k++) {
		zend_long axis = constraint->axes[k] < 0 ? constraint->axes[k] + (zend_long) ndim : constraint->axes[k];
		if (axis == 0) {
			reduce_rows = true;
		} else {
			reduce_cols = true;
		}
	}
	group_cols = reduce_cols ? 1 : cols;
	groups = (reduce_rows ? 1 : rows) * group_cols;
	sums = ecalloc(groups, sizeof(double));
	if (dtype == PHP_GRU_DTYPE_FLOAT64) {
		NORM_LOOP(double);
	} else {
		NORM_LOOP(float);
	}
	efree(sums);
}

/* ---- the layer's glue ------------------------------------------------------ */

static const char *const param_option_names[PARAM_COUNT][2] = {
	{"kernel_regularizer", "kernel_constraint"},
	{"recurrent_regularizer", "recurrent_constraint"},
	{"bias_regularizer", "bias_constraint"},
};

static const php_gru_regularizer *param_regularizer(const php_gru_layer *layer, int param)
{
	switch (param) {
		case PARAM_KERNEL:
			return &layer->config.kernel_regularizer;
		case PARAM_RECURRENT_KERNEL:
			return &layer->config.recurrent_regularizer;
		default:
			return &layer->config.bias_regularizer;
	}
}

static const php_gru_constraint *param_constraint(const php_gru_layer *layer, int param)
{
	switch (param) {
		case PARAM_KERNEL:
			return &layer->config.kernel_constraint;
		case PARAM_RECURRENT_KERNEL:
			return &layer->config.recurrent_constraint;
		default:
			return &layer->config.bias_constraint;
	}
}

static int layer_param_count(const php_gru_layer *layer)
{
	return layer->config.use_bias ? PARAM_COUNT : PARAM_BIAS;
}

/* The weight's number of dimensions in the layer's layout: the bias is 1-D without reset_after. */
static uint32_t param_ndim(const php_gru_layer *layer, int param)
{
	return param == PARAM_BIAS && !layer->config.reset_after ? 1 : 2;
}

/* Opens a param for the host-side arithmetic: float32/float64 of the layer's dtype and layout. */
static zend_result open_param(php_gru_layer *layer, int param, php_gru_array_view *view)
{
	static const char *const names[PARAM_COUNT] = {"kernel", "recurrent_kernel", "bias"};

	memset(view, 0, sizeof(*view));
	ZVAL_UNDEF(&view->buffer);
	if (php_gru_array_open(&layer->params[param], names[param], view) == FAILURE) {
		return FAILURE;
	}
	if (view->dtype != layer->dtype || view->ndim != param_ndim(layer, param)) {
		php_gru_throw_invalid("%s of %s must be a %u-D %s NDArray, a %u-D %s one is set", names[param],
			php_gru_layer_name(layer), param_ndim(layer, param), php_gru_dtype_name(layer->dtype), view->ndim,
			php_gru_dtype_name(view->dtype));
		php_gru_array_release(view);
		return FAILURE;
	}
	return SUCCESS;
}

void php_gru_layer_add_regularization_config(const php_gru_layer_config *config, zval *options)
{
	const php_gru_regularizer *regularizers[4] = {
		&config->kernel_regularizer, &config->recurrent_regularizer, &config->bias_regularizer,
		&config->activity_regularizer,
	};
	static const char *const regularizer_keys[4] = {
		"kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer",
	};
	const php_gru_constraint *constraints[3] = {
		&config->kernel_constraint, &config->recurrent_constraint, &config->bias_constraint,
	};
	zval value;
	int i;

	for (i = 0; i < 4; i++) {
		if (regularizers[i]->active) {
			php_gru_regularizer_to_zval(regularizers[i], &value);
			add_assoc_zval(options, regularizer_keys[i], &value);
		}
	}
	for (i = 0; i < 3; i++) {
		if (constraints[i]->kind != PHP_GRU_CONSTRAINT_NONE) {
			php_gru_constraint_to_zval(constraints[i], &value);
			add_assoc_zval(options, param_option_names[i][1], &value);
		}
	}
	if (config->unroll) {
		add_assoc_bool(options, "unroll", true);
	}
}

zend_result php_gru_layer_losses(php_gru_layer *layer, zval *return_value)
{
	php_gru_array_view view;
	uint32_t i;
	int param;

	array_init(return_value);
	for (i = 0; i < layer->activity_loss_count; i++) {
		add_next_index_double(return_value, layer->activity_losses[i]);
	}
	if (!layer->built) {
		return SUCCESS;
	}
	for (param = 0; param < layer_param_count(layer); param++) {
		const php_gru_regularizer *regularizer = param_regularizer(layer, param);
		if (!regularizer->active) {
			continue;
		}
		if (open_param(layer, param, &view) == FAILURE) {
			zval_ptr_dtor(return_value);
			ZVAL_UNDEF(return_value);
			return FAILURE;
		}
		add_next_index_double(return_value, php_gru_regularizer_penalty(regularizer, view.dtype, view.data, view.size));
		php_gru_array_release(&view);
	}
	return SUCCESS;
}

zend_result php_gru_layer_regularization_loss(php_gru_layer *layer, double *total)
{
	zval losses, *loss;

	*total = 0.0;
	if (php_gru_layer_losses(layer, &losses) == FAILURE) {
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL(losses), loss) {
		*total += Z_DVAL_P(loss);
	} ZEND_HASH_FOREACH_END();
	zval_ptr_dtor(&losses);
	return SUCCESS;
}

zend_result php_gru_layer_apply_constraints(php_gru_layer *layer)
{
	php_gru_array_view view;
	zend_result result;
	int param;

	if (!layer->built) {
		return SUCCESS;
	}
	for (param = 0; param < layer_param_count(layer); param++) {
		const php_gru_constraint *constraint = param_constraint(layer, param);
		if (constraint->kind == PHP_GRU_CONSTRAINT_NONE) {
			continue;
		}
		if (open_param(layer, param, &view) == FAILURE) {
			return FAILURE;
		}
		php_gru_constraint_apply(constraint, view.dtype, view.data, (size_t) view.shape[0],
			view.ndim == 2 ? (size_t) view.shape[1] : 1, view.ndim);
		result = php_gru_array_commit(&view);
		php_gru_array_release(&view);
		if (result == FAILURE) {
			return FAILURE;
		}
	}
	return SUCCESS;
}

void php_gru_layer_add_penalty_grads(php_gru_layer *layer, const php_gru_array_view *params,
		php_gru_array_view *grads)
{
	int param;

	for (param = 0; param < layer_param_count(layer); param++) {
		const php_gru_regularizer *regularizer = param_regularizer(layer, param);
		if (regularizer->active && params[param].data != NULL && grads[param].data != NULL) {
			php_gru_regularizer_add_gradient(regularizer, 1.0, layer->dtype, params[param].data, grads[param].data,
				params[param].size);
		}
	}
}

zend_result php_gru_layer_activity_forward(php_gru_layer *layer, const php_gru_array_view *outputs,
		const php_gru_array_view *state, size_t batch, bool training)
{
	const php_gru_regularizer *regularizer = &layer->config.activity_regularizer;
	php_gru_training_record *record = &layer->record;
	const size_t es = php_gru_dtype_size(layer->dtype);
	size_t state_count = state != NULL ? state->size : 0, bytes;
	char *block;

	layer->activity_loss_count = 0;
	if (!regularizer->active || batch == 0) {
		return SUCCESS;
	}
	/* Keras divides each output's penalty by its batch size (Keras 2, and Keras 3 since 2026) */
	layer->activity_losses[layer->activity_loss_count++] =
		php_gru_regularizer_penalty(regularizer, layer->dtype, outputs->data, outputs->size) / (double) batch;
	if (state != NULL) {
		layer->activity_losses[layer->activity_loss_count++] =
			php_gru_regularizer_penalty(regularizer, layer->dtype, state->data, state->size) / (double) batch;
	}
	if (!training) {
		return SUCCESS;
	}
	/* backward() needs the values themselves; the caller may change the arrays it was given */
	if (!gru_size_add(outputs->size, state_count, &bytes) || !gru_size_mul(bytes, es, &bytes)) {
		php_gru_throw_invalid("the activity regularizer's copy of the outputs of %s overflows",
			php_gru_layer_name(layer));
		return FAILURE;
	}
	if (php_gru_check_memory(bytes, "GRU activity regularizer") == FAILURE) {
		return FAILURE;
	}
	block = emalloc(bytes > 0 ? bytes : 1);
	memcpy(block, outputs->data, outputs->size * es);
	if (state_count > 0) {
		memcpy(block + outputs->size * es, state->data, state_count * es);
	}
	if (record->activity_block) {
		efree(record->activity_block);
	}
	record->activity_block = block;
	record->activity_outputs_count = outputs->size;
	record->activity_state_count = state_count;
	return SUCCESS;
}

zend_result php_gru_layer_activity_backward(php_gru_layer *layer, const php_gru_training_record *record,
		const void **d_outputs, size_t d_outputs_count, const void **d_state, void **block)
{
	const php_gru_regularizer *regularizer = &layer->config.activity_regularizer;
	const size_t es = php_gru_dtype_size(layer->dtype);
	const double scale = 1.0 / (double) record->problem.batch;
	const char *saved = record->activity_block;
	size_t total = record->activity_outputs_count + record->activity_state_count;
	char *adjusted;

	*block = NULL;
	if (saved == NULL || !regularizer->active) {
		return SUCCESS;
	}
	if (d_outputs_count != record->activity_outputs_count) {
		php_gru_throw_runtime("%s: dOutputs do not match the outputs of the forward() it follows",
			php_gru_layer_name(layer));
		return FAILURE;
	}
	/* sizes were checked in forward() */
	if (php_gru_check_memory(total * es, "GRU activity regularizer") == FAILURE) {
		return FAILURE;
	}
	adjusted = emalloc(total * es > 0 ? total * es : 1);
	memcpy(adjusted, *d_outputs, d_outputs_count * es);
	php_gru_regularizer_add_gradient(regularizer, scale, layer->dtype, saved, adjusted, d_outputs_count);
	*d_outputs = adjusted;
	if (record->activity_state_count > 0) {
		char *state = adjusted + d_outputs_count * es;
		if (*d_state != NULL) {
			memcpy(state, *d_state, record->activity_state_count * es);
		} else {
			memset(state, 0, record->activity_state_count * es);
		}
		php_gru_regularizer_add_gradient(regularizer, scale, layer->dtype, saved + d_outputs_count * es, state,
			record->activity_state_count);
		*d_state = state;
	}
	*block = adjusted;
	return SUCCESS;
}
