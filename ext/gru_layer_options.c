#include "php.h"
#include "zend_exceptions.h"
#include "zend_smart_str.h"

#include "gru_layer_options.h"
#include "gru_exceptions.h"
#include "gru_init.h"

/* Rindow's positional order after the backend. */
typedef enum {
	OPT_UNITS = 0,
	OPT_INPUT_SHAPE,
	OPT_ACTIVATION,
	OPT_RECURRENT_ACTIVATION,
	OPT_USE_BIAS,
	OPT_KERNEL_INITIALIZER,
	OPT_RECURRENT_INITIALIZER,
	OPT_BIAS_INITIALIZER,
	OPT_RETURN_SEQUENCES,
	OPT_RETURN_STATE,
	OPT_GO_BACKWARDS,
	OPT_STATEFUL,
	OPT_RESET_AFTER,
	OPT_NAME,
	/* Keras's, after Rindow's 14 */
	OPT_DROPOUT,
	OPT_RECURRENT_DROPOUT,
	OPT_SEED,
	/* this extension's, after Keras's */
	OPT_DEVICE,
	OPT_TIME_MAJOR,
	/* Keras's remaining ones, after ours */
	OPT_KERNEL_REGULARIZER,
	OPT_RECURRENT_REGULARIZER,
	OPT_BIAS_REGULARIZER,
	OPT_ACTIVITY_REGULARIZER,
	OPT_KERNEL_CONSTRAINT,
	OPT_RECURRENT_CONSTRAINT,
	OPT_BIAS_CONSTRAINT,
	OPT_UNROLL,
	OPT_COUNT
} option_index;

static const char *const option_names[OPT_COUNT] = {
	"units", "input_shape", "activation", "recurrent_activation", "use_bias",
	"kernel_initializer", "recurrent_initializer", "bias_initializer",
	"return_sequences", "return_state", "go_backwards", "stateful", "reset_after", "name",
	"dropout", "recurrent_dropout", "seed", "device", "time_major",
	"kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer",
	"kernel_constraint", "recurrent_constraint", "bias_constraint", "unroll"
};

/* Which options a class takes, in its positional order after the backend. */
typedef struct {
	const char *class_name;
	const option_index *order;
	uint32_t count;
} option_set;

static const option_index gru_order[] = {
	OPT_UNITS, OPT_INPUT_SHAPE, OPT_ACTIVATION, OPT_RECURRENT_ACTIVATION, OPT_USE_BIAS,
	OPT_KERNEL_INITIALIZER, OPT_RECURRENT_INITIALIZER, OPT_BIAS_INITIALIZER,
	OPT_RETURN_SEQUENCES, OPT_RETURN_STATE, OPT_GO_BACKWARDS, OPT_STATEFUL, OPT_RESET_AFTER, OPT_NAME,
	OPT_DROPOUT, OPT_RECURRENT_DROPOUT, OPT_SEED, OPT_DEVICE, OPT_TIME_MAJOR,
	OPT_KERNEL_REGULARIZER, OPT_RECURRENT_REGULARIZER, OPT_BIAS_REGULARIZER, OPT_ACTIVITY_REGULARIZER,
	OPT_KERNEL_CONSTRAINT, OPT_RECURRENT_CONSTRAINT, OPT_BIAS_CONSTRAINT, OPT_UNROLL
};

/*
 * Rindow's GRUCell($backend, $units, $input_shape, ...); Keras's dropout
 * options and ours after, then the regularizers and constraints that
 * Keras's GRUCell takes (not activity_regularizer or unroll, which are
 * the RNN layer's).
 */
static const option_index cell_order[] = {
	OPT_UNITS, OPT_INPUT_SHAPE, OPT_ACTIVATION, OPT_RECURRENT_ACTIVATION, OPT_USE_BIAS,
	OPT_KERNEL_INITIALIZER, OPT_RECURRENT_INITIALIZER, OPT_BIAS_INITIALIZER, OPT_RESET_AFTER,
	OPT_DROPOUT, OPT_RECURRENT_DROPOUT, OPT_SEED, OPT_NAME, OPT_DEVICE,
	OPT_KERNEL_REGULARIZER, OPT_RECURRENT_REGULARIZER, OPT_BIAS_REGULARIZER,
	OPT_KERNEL_CONSTRAINT, OPT_RECURRENT_CONSTRAINT, OPT_BIAS_CONSTRAINT
};

static const option_set option_sets[] = {
	{"GRU", gru_order, sizeof(gru_order) / sizeof(gru_order[0])},
	{"GRUCell", cell_order, sizeof(cell_order) / sizeof(cell_order[0])},
};

static const struct {
	const char *name;
	gru_activation activation;
} activation_names[] = {
	{"tanh", GRU_ACT_TANH},
	{"sigmoid", GRU_ACT_SIGMOID},
	{"hard_sigmoid", GRU_ACT_HARD_SIGMOID},
	{"relu", GRU_ACT_RELU},
	{"linear", GRU_ACT_LINEAR},
};

zend_result php_gru_activation_from_name(zend_string *name, const char *option, gru_activation *activation)
{
	size_t i;

	for (i = 0; i < sizeof(activation_names) / sizeof(activation_names[0]); i++) {
		if (zend_string_equals_cstr(name, activation_names[i].name, strlen(activation_names[i].name))) {
			*activation = activation_names[i].activation;
			return SUCCESS;
		}
	}
	php_gru_throw_invalid("Unknown %s '%s' in GRU: expected tanh, sigmoid, hard_sigmoid, relu, linear or null",
		option, ZSTR_VAL(name));
	return FAILURE;
}

static void throw_type(const char *option, const char *expected, const zval *value)
{
	zend_type_error("GRU option %s must be %s, %s given", option, expected, zend_zval_type_name(value));
}

/* Reads a ?bool option; null or absent keeps the default. */
static zend_result read_bool(const zval *value, option_index index, bool *out)
{
	if (Z_ISUNDEF_P(value) || Z_TYPE_P(value) == IS_NULL) {
		return SUCCESS;
	}
	if (Z_TYPE_P(value) != IS_TRUE && Z_TYPE_P(value) != IS_FALSE) {
		throw_type(option_names[index], "of type ?bool", value);
		return FAILURE;
	}
	*out = Z_TYPE_P(value) == IS_TRUE;
	return SUCCESS;
}

static zend_result read_activation(const zval *value, option_index index, gru_activation *activation,
		zend_string **name)
{
	if (Z_ISUNDEF_P(value)) {
		return SUCCESS;
	}
	if (Z_TYPE_P(value) == IS_NULL) {
		/* Rindow: a null activation means none, i.e. linear. */
		*activation = GRU_ACT_LINEAR;
		if (*name) {
			zend_string_release(*name);
			*name = NULL;
		}
		return SUCCESS;
	}
	if (Z_TYPE_P(value) == IS_OBJECT) {
		php_gru_throw_domain("GRU option %s: activation objects (%s) are not supported natively; give the activation's name",
			option_names[index], ZSTR_VAL(Z_OBJCE_P(value)->name));
		return FAILURE;
	}
	if (Z_TYPE_P(value) != IS_STRING) {
		throw_type(option_names[index], "of type ?string", value);
		return FAILURE;
	}
	if (php_gru_activation_from_name(Z_STR_P(value), option_names[index], activation) == FAILURE) {
		return FAILURE;
	}
	if (*name) {
		zend_string_release(*name);
	}
	*name = zend_string_copy(Z_STR_P(value));
	return SUCCESS;
}

static zend_result read_initializer(zval *value, option_index index, zval *out)
{
	if (Z_ISUNDEF_P(value) || Z_TYPE_P(value) == IS_NULL) {
		return SUCCESS;
	}
	if (Z_TYPE_P(value) == IS_STRING) {
		if (gru_initializer_from_name(Z_STRVAL_P(value), Z_STRLEN_P(value)) < 0) {
			php_gru_throw_invalid("Unknown %s '%s' in GRU: expected zeros, ones, glorot_uniform, glorot_normal, "
				"he_uniform, he_normal, lecun_uniform, lecun_normal, orthogonal, random_uniform, random_normal "
				"or a callable", option_names[index], Z_STRVAL_P(value));
			return FAILURE;
		}
	} else if (!zend_is_callable(value, 0, NULL)) {
		throw_type(option_names[index], "an initializer name or a callable", value);
		return FAILURE;
	}
	zval_ptr_dtor(out);
	ZVAL_COPY(out, value);
	return SUCCESS;
}

static zend_result read_input_shape(const zval *value, php_gru_layer_config *config, bool cell)
{
	zval *dim;
	zend_long dims[2];
	uint32_t n = 0;

	if (Z_ISUNDEF_P(value) || Z_TYPE_P(value) == IS_NULL) {
		return SUCCESS;
	}
	if (Z_TYPE_P(value) != IS_ARRAY) {
		throw_type("input_shape", "of type ?array", value);
		return FAILURE;
	}
	if (cell) {
		/* a cell's input is [batch, features]; it runs one step */
		dim = zend_hash_index_find(Z_ARRVAL_P(value), 0);
		if (zend_hash_num_elements(Z_ARRVAL_P(value)) != 1 || dim == NULL || Z_TYPE_P(dim) != IS_LONG
			|| Z_LVAL_P(dim) <= 0) {
			php_gru_throw_invalid("GRUCell option input_shape must be [features], a positive integer");
			return FAILURE;
		}
		config->has_input_shape = true;
		config->input_timesteps = 1;
		config->input_features = Z_LVAL_P(dim);
		return SUCCESS;
	}
	if (zend_hash_num_elements(Z_ARRVAL_P(value)) != 2) {
		php_gru_throw_invalid("GRU option input_shape must be [timesteps, features], %u dimensions given",
			zend_hash_num_elements(Z_ARRVAL_P(value)));
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(value), dim) {
		if (n == 0 && Z_TYPE_P(dim) == IS_NULL) {
			dims[n++] = -1;
			continue;
		}
		if (Z_TYPE_P(dim) != IS_LONG || Z_LVAL_P(dim) <= 0) {
			php_gru_throw_invalid("GRU option input_shape must hold positive integers (timesteps may be null)");
			return FAILURE;
		}
		dims[n++] = Z_LVAL_P(dim);
	} ZEND_HASH_FOREACH_END();
	config->has_input_shape = true;
	config->input_timesteps = dims[0];
	config->input_features = dims[1];
	return SUCCESS;
}

/* Throws "GRU option <name> must be <what>, <value> given" with the value as PHP prints it. */
static void throw_invalid_value(option_index index, const char *what, const zval *value)
{
	smart_str buf = {0};

	if (Z_TYPE_P(value) == IS_DOUBLE) {
		smart_str_append_double(&buf, Z_DVAL_P(value), (int) EG(precision), true);
	} else if (Z_TYPE_P(value) == IS_LONG) {
		smart_str_append_long(&buf, Z_LVAL_P(value));
	} else if (Z_TYPE_P(value) == IS_STRING) {
		smart_str_appendc(&buf, '\'');
		smart_str_append(&buf, Z_STR_P(value));
		smart_str_appendc(&buf, '\'');
	} else {
		smart_str_appends(&buf, zend_zval_type_name(value));
	}
	smart_str_0(&buf);
	php_gru_throw_invalid("GRU option %s must be %s, %s given", option_names[index], what, ZSTR_VAL(buf.s));
	smart_str_free(&buf);
}

/* A dropout rate: int or float in [0, 1); null or absent keeps 0. */
static zend_result read_rate(const zval *value, option_index index, double *out)
{
	double rate;

	if (Z_ISUNDEF_P(value) || Z_TYPE_P(value) == IS_NULL) {
		return SUCCESS;
	}
	if (Z_TYPE_P(value) == IS_LONG) {
		rate = (double) Z_LVAL_P(value);
	} else if (Z_TYPE_P(value) == IS_DOUBLE) {
		rate = Z_DVAL_P(value);
	} else {
		throw_invalid_value(index, "a float in [0, 1)", value);
		return FAILURE;
	}
	if (!(rate >= 0.0 && rate < 1.0)) {
		throw_invalid_value(index, "a float in [0, 1)", value);
		return FAILURE;
	}
	*out = rate;
	return SUCCESS;
}

/* The dropout seed: ?int; null or absent leaves has_seed false. */
static zend_result read_seed(const zval *value, php_gru_layer_config *config)
{
	if (Z_ISUNDEF_P(value) || Z_TYPE_P(value) == IS_NULL) {
		return SUCCESS;
	}
	if (Z_TYPE_P(value) != IS_LONG) {
		throw_invalid_value(OPT_SEED, "an int or null", value);
		return FAILURE;
	}
	config->has_seed = true;
	config->seed = Z_LVAL_P(value);
	return SUCCESS;
}

/* The device: 'auto', 'cpu' or 'opencl'; null or absent keeps 'auto'. */
static zend_result read_device(const zval *value, php_gru_layer_config *config)
{
	if (Z_ISUNDEF_P(value) || Z_TYPE_P(value) == IS_NULL) {
		return SUCCESS;
	}
	if (Z_TYPE_P(value) != IS_STRING) {
		throw_type("device", "of type ?string ('auto', 'cpu' or 'opencl')", value);
		return FAILURE;
	}
	return php_gru_device_from_name(Z_STR_P(value), &config->device);
}

/*
 * The regularizers, the constraints (whose axes must fit their weights:
 * the bias is 1-D without reset_after, so this runs after reset_after is
 * read) and unroll.
 */
static zend_result read_regularizers_and_constraints(zval values[OPT_COUNT], php_gru_layer_config *config)
{
	if (php_gru_regularizer_parse(&values[OPT_KERNEL_REGULARIZER], option_names[OPT_KERNEL_REGULARIZER],
			&config->kernel_regularizer) == FAILURE
		|| php_gru_regularizer_parse(&values[OPT_RECURRENT_REGULARIZER], option_names[OPT_RECURRENT_REGULARIZER],
			&config->recurrent_regularizer) == FAILURE
		|| php_gru_regularizer_parse(&values[OPT_BIAS_REGULARIZER], option_names[OPT_BIAS_REGULARIZER],
			&config->bias_regularizer) == FAILURE
		|| php_gru_regularizer_parse(&values[OPT_ACTIVITY_REGULARIZER], option_names[OPT_ACTIVITY_REGULARIZER],
			&config->activity_regularizer) == FAILURE
		|| php_gru_constraint_parse(&values[OPT_KERNEL_CONSTRAINT], option_names[OPT_KERNEL_CONSTRAINT],
			&config->kernel_constraint) == FAILURE
		|| php_gru_constraint_parse(&values[OPT_RECURRENT_CONSTRAINT], option_names[OPT_RECURRENT_CONSTRAINT],
			&config->recurrent_constraint) == FAILURE
		|| php_gru_constraint_parse(&values[OPT_BIAS_CONSTRAINT], option_names[OPT_BIAS_CONSTRAINT],
			&config->bias_constraint) == FAILURE
		|| read_bool(&values[OPT_UNROLL], OPT_UNROLL, &config->unroll) == FAILURE) {
		return FAILURE;
	}
	if (php_gru_constraint_check_ndim(&config->kernel_constraint, option_names[OPT_KERNEL_CONSTRAINT], 2) == FAILURE
		|| php_gru_constraint_check_ndim(&config->recurrent_constraint, option_names[OPT_RECURRENT_CONSTRAINT], 2)
			== FAILURE) {
		return FAILURE;
	}
	/* without a bias there is nothing to constrain: Keras accepts the option and ignores it */
	if (config->use_bias && php_gru_constraint_check_ndim(&config->bias_constraint, option_names[OPT_BIAS_CONSTRAINT],
			config->reset_after ? 2 : 1) == FAILURE) {
		return FAILURE;
	}
	return SUCCESS;
}

static void set_defaults(php_gru_layer_config *config)
{
	memset(config, 0, sizeof(*config));
	config->units = 0;
	config->input_timesteps = -1;
	config->activation = GRU_ACT_TANH;
	config->recurrent_activation = GRU_ACT_SIGMOID;
	config->activation_name = zend_string_init("tanh", sizeof("tanh") - 1, 0);
	config->recurrent_activation_name = zend_string_init("sigmoid", sizeof("sigmoid") - 1, 0);
	config->use_bias = true;
	config->reset_after = true;
	ZVAL_STRING(&config->kernel_initializer, "glorot_uniform");
	ZVAL_STRING(&config->recurrent_initializer, "orthogonal");
	ZVAL_STRING(&config->bias_initializer, "zeros");
	config->name = NULL;
}

/* Places the arguments into values[] by option, refusing unknown and doubled ones. */
/* Throws "Unknown option 'x' in <class>: expected a, b or c". */
static void throw_unknown_option(const option_set *set, zend_string *key)
{
	smart_str expected = {0};
	uint32_t i;

	for (i = 0; i < set->count; i++) {
		if (i > 0) {
			smart_str_appends(&expected, i + 1 == set->count ? " or " : ", ");
		}
		smart_str_appends(&expected, option_names[set->order[i]]);
	}
	smart_str_0(&expected);
	php_gru_throw_invalid("Unknown option '%s' in %s: expected %s", ZSTR_VAL(key), set->class_name,
		ZSTR_VAL(expected.s));
	smart_str_free(&expected);
}

static zend_result collect_options(const option_set *set, zval values[OPT_COUNT], uint32_t first_index,
		zval *positional, uint32_t positional_count, HashTable *named)
{
	uint32_t i;
	zend_string *key;
	zval *value;

	if (first_index + positional_count > set->count) {
		php_gru_throw_invalid("%s takes at most %u options, %u given", set->class_name, set->count,
			first_index + positional_count);
		return FAILURE;
	}
	for (i = 0; i < positional_count; i++) {
		ZVAL_COPY_VALUE(&values[set->order[first_index + i]], &positional[i]);
	}
	if (named == NULL) {
		return SUCCESS;
	}
	ZEND_HASH_FOREACH_STR_KEY_VAL(named, key, value) {
		int index = -1;
		for (i = 0; i < set->count; i++) {
			const char *option = option_names[set->order[i]];
			if (zend_string_equals_cstr(key, option, strlen(option))) {
				index = (int) set->order[i];
				break;
			}
		}
		if (index < 0) {
			throw_unknown_option(set, key);
			return FAILURE;
		}
		if (!Z_ISUNDEF(values[index])) {
			php_gru_throw_invalid("GRU option %s is given twice", option_names[index]);
			return FAILURE;
		}
		ZVAL_COPY_VALUE(&values[index], value);
	} ZEND_HASH_FOREACH_END();
	return SUCCESS;
}

zend_result php_gru_layer_config_parse(php_gru_layer_config *config, zval *backend, zval *first,
		zval *positional, uint32_t positional_count, HashTable *named)
{
	return php_gru_layer_config_parse_ex(PHP_GRU_OPTIONS_GRU, config, backend, first, positional, positional_count,
		named);
}

zend_result php_gru_layer_config_parse_ex(php_gru_option_kind kind, php_gru_layer_config *config, zval *backend,
		zval *first, zval *positional, uint32_t positional_count, HashTable *named)
{
	const option_set *set = &option_sets[kind];
	zval values[OPT_COUNT];
	uint32_t i, first_index = 0;

	set_defaults(config);
	ZVAL_UNDEF(backend);
	for (i = 0; i < OPT_COUNT; i++) {
		ZVAL_UNDEF(&values[i]);
	}

	/* new GRU($backend, $units, ...) as the Layer Builder calls it, or new GRU($units, ...). */
	if (first != NULL && Z_TYPE_P(first) == IS_OBJECT) {
		ZVAL_COPY(backend, first);
	} else if (first != NULL && Z_TYPE_P(first) == IS_LONG) {
		ZVAL_COPY_VALUE(&values[OPT_UNITS], first);
		first_index = 1;
	} else if (first != NULL && Z_TYPE_P(first) != IS_NULL) {
		zend_type_error("%s::__construct(): Argument #1 must be a backend object or the units (int), %s given",
			set->class_name, zend_zval_type_name(first));
		return FAILURE;
	}
	if (collect_options(set, values, first_index, positional, positional_count, named) == FAILURE) {
		return FAILURE;
	}

	if (Z_ISUNDEF(values[OPT_UNITS]) || Z_TYPE(values[OPT_UNITS]) == IS_NULL) {
		php_gru_throw_invalid("%s needs units: new %s(units) or new %s($backend, units)", set->class_name,
			set->class_name, set->class_name);
		return FAILURE;
	}
	if (Z_TYPE(values[OPT_UNITS]) != IS_LONG) {
		throw_type("units", "of type int", &values[OPT_UNITS]);
		return FAILURE;
	}
	if (Z_LVAL(values[OPT_UNITS]) <= 0) {
		php_gru_throw_invalid("GRU units must be a positive integer, " ZEND_LONG_FMT " given", Z_LVAL(values[OPT_UNITS]));
		return FAILURE;
	}
	config->units = Z_LVAL(values[OPT_UNITS]);

	if (read_input_shape(&values[OPT_INPUT_SHAPE], config, kind == PHP_GRU_OPTIONS_CELL) == FAILURE
		|| read_activation(&values[OPT_ACTIVATION], OPT_ACTIVATION, &config->activation, &config->activation_name) == FAILURE
		|| read_activation(&values[OPT_RECURRENT_ACTIVATION], OPT_RECURRENT_ACTIVATION,
			&config->recurrent_activation, &config->recurrent_activation_name) == FAILURE
		|| read_bool(&values[OPT_USE_BIAS], OPT_USE_BIAS, &config->use_bias) == FAILURE
		|| read_initializer(&values[OPT_KERNEL_INITIALIZER], OPT_KERNEL_INITIALIZER, &config->kernel_initializer) == FAILURE
		|| read_initializer(&values[OPT_RECURRENT_INITIALIZER], OPT_RECURRENT_INITIALIZER,
			&config->recurrent_initializer) == FAILURE
		|| read_initializer(&values[OPT_BIAS_INITIALIZER], OPT_BIAS_INITIALIZER, &config->bias_initializer) == FAILURE
		|| read_bool(&values[OPT_RETURN_SEQUENCES], OPT_RETURN_SEQUENCES, &config->return_sequences) == FAILURE
		|| read_bool(&values[OPT_RETURN_STATE], OPT_RETURN_STATE, &config->return_state) == FAILURE
		|| read_bool(&values[OPT_GO_BACKWARDS], OPT_GO_BACKWARDS, &config->go_backwards) == FAILURE
		|| read_bool(&values[OPT_STATEFUL], OPT_STATEFUL, &config->stateful) == FAILURE
		|| read_bool(&values[OPT_RESET_AFTER], OPT_RESET_AFTER, &config->reset_after) == FAILURE
		|| read_rate(&values[OPT_DROPOUT], OPT_DROPOUT, &config->dropout) == FAILURE
		|| read_rate(&values[OPT_RECURRENT_DROPOUT], OPT_RECURRENT_DROPOUT, &config->recurrent_dropout) == FAILURE
		|| read_seed(&values[OPT_SEED], config) == FAILURE
		|| read_device(&values[OPT_DEVICE], config) == FAILURE
		|| read_bool(&values[OPT_TIME_MAJOR], OPT_TIME_MAJOR, &config->time_major) == FAILURE
		|| read_regularizers_and_constraints(values, config) == FAILURE) {
		return FAILURE;
	}

	if (!Z_ISUNDEF(values[OPT_NAME]) && Z_TYPE(values[OPT_NAME]) != IS_NULL) {
		if (Z_TYPE(values[OPT_NAME]) != IS_STRING) {
			throw_type("name", "of type ?string", &values[OPT_NAME]);
			return FAILURE;
		}
		config->name = zend_string_copy(Z_STR(values[OPT_NAME]));
	} else if (kind == PHP_GRU_OPTIONS_CELL) {
		config->name = zend_string_init("grucell", sizeof("grucell") - 1, 0);
	} else {
		config->name = zend_string_init("gru", sizeof("gru") - 1, 0);
	}
	return SUCCESS;
}

void php_gru_layer_config_destroy(php_gru_layer_config *config)
{
	if (config->activation_name) {
		zend_string_release(config->activation_name);
		config->activation_name = NULL;
	}
	if (config->recurrent_activation_name) {
		zend_string_release(config->recurrent_activation_name);
		config->recurrent_activation_name = NULL;
	}
	if (config->name) {
		zend_string_release(config->name);
		config->name = NULL;
	}
	zval_ptr_dtor(&config->kernel_initializer);
	ZVAL_UNDEF(&config->kernel_initializer);
	zval_ptr_dtor(&config->recurrent_initializer);
	ZVAL_UNDEF(&config->recurrent_initializer);
	zval_ptr_dtor(&config->bias_initializer);
	ZVAL_UNDEF(&config->bias_initializer);
}
