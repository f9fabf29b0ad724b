/*
 * Rindow\NeuralNetworks\Layer\GRUCell: one step of a GRU. The object is the
 * GRU's (php_gru_layer with is_cell set) and every method runs the GRU's
 * code with one timestep; [batch, features] inputs are viewed as
 * [batch, 1, features], the same memory.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"

#include "gru_array.h"
#include "gru_exceptions.h"
#include "gru_layer_internal.h"
#include "gru_cell.h"
#include "gru_cell_arginfo.h"

zend_class_entry *php_gru_cell_ce;

#define Z_GRU_CELL_P(zv) Z_GRU_LAYER_P(zv)

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, __construct)
{
	zval *first = NULL, *positional = NULL;
	uint32_t positional_count = 0;
	HashTable *named = NULL;
	php_gru_layer_config config;
	zval backend;

	ZEND_PARSE_PARAMETERS_START(0, -1)
		Z_PARAM_OPTIONAL
		Z_PARAM_ZVAL(first)
		Z_PARAM_VARIADIC_WITH_NAMED(positional, positional_count, named)
	ZEND_PARSE_PARAMETERS_END();
	/* new GRUCell(units: 3): the named arguments are in the call frame (see GRU::__construct) */
	if (named == NULL && (ZEND_CALL_INFO(execute_data) & ZEND_CALL_HAS_EXTRA_NAMED_PARAMS)) {
		named = execute_data->extra_named_params;
	}
	if (php_gru_layer_config_parse_ex(PHP_GRU_OPTIONS_CELL, &config, &backend, first, positional, positional_count,
			named) == FAILURE) {
		php_gru_layer_config_destroy(&config);
		zval_ptr_dtor(&backend);
		RETURN_THROWS();
	}
	php_gru_layer_configure(Z_GRU_CELL_P(ZEND_THIS), &config, &backend);
}

/* Reads build()'s first argument into features and a dtype. */
static zend_result cell_build_input(php_gru_layer *cell, zval *inputs, zend_long *features, zend_long *dtype)
{
	php_gru_array_view view = {0};

	*dtype = PHP_GRU_DTYPE_FLOAT32;
	if (inputs == NULL || Z_TYPE_P(inputs) == IS_NULL) {
		if (!cell->config.has_input_shape) {
			php_gru_throw_invalid("%s: build() needs inputs or the input_shape option", php_gru_layer_name(cell));
			return FAILURE;
		}
		*features = cell->config.input_features;
		return SUCCESS;
	}
	if (Z_TYPE_P(inputs) == IS_ARRAY) {
		zval *first = zend_hash_index_find(Z_ARRVAL_P(inputs), 0);
		if (first == NULL || zend_hash_num_elements(Z_ARRVAL_P(inputs)) != 1
			|| (Z_TYPE_P(first) != IS_OBJECT && Z_TYPE_P(first) != IS_LONG)) {
			php_gru_throw_invalid("%s: build() takes an NDArray [batch, features], a list holding one, "
				"or a shape [features]", php_gru_layer_name(cell));
			return FAILURE;
		}
		if (Z_TYPE_P(first) == IS_LONG) {
			*features = Z_LVAL_P(first);
			return SUCCESS;
		}
		inputs = first;
	}
	if (Z_TYPE_P(inputs) != IS_OBJECT) {
		php_gru_throw_invalid("%s: build() takes an NDArray, a list holding one, a shape or null, %s given",
			php_gru_layer_name(cell), zend_zval_type_name(inputs));
		return FAILURE;
	}
	ZVAL_UNDEF(&view.buffer);
	if (php_gru_array_open(inputs, "inputs", &view) == FAILURE) {
		return FAILURE;
	}
	if (view.ndim != 2 || (view.dtype != PHP_GRU_DTYPE_FLOAT32 && view.dtype != PHP_GRU_DTYPE_FLOAT64)) {
		char buf[128];
		php_gru_throw_invalid("inputs must be a 2-D float32 or float64 NDArray [batch, features], %s %s given in %s",
			php_gru_shape_to_string(view.shape, view.ndim, buf, sizeof(buf)), php_gru_dtype_name(view.dtype),
			php_gru_layer_name(cell));
		php_gru_array_release(&view);
		return FAILURE;
	}
	*features = view.shape[1];
	*dtype = view.dtype;
	php_gru_array_release(&view);
	return SUCCESS;
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, build)
{
	zval *inputs = NULL;
	HashTable *sample_weights = NULL;
	php_gru_layer *cell = Z_GRU_CELL_P(ZEND_THIS);
	zend_long features, dtype;

	ZEND_PARSE_PARAMETERS_START(0, 2)
		Z_PARAM_OPTIONAL
		Z_PARAM_ZVAL(inputs)
		Z_PARAM_ARRAY_HT_OR_NULL(sample_weights)
	ZEND_PARSE_PARAMETERS_END();
	if (sample_weights != NULL && php_gru_check_list(sample_weights, "sampleWeights") == FAILURE) {
		RETURN_THROWS();
	}

	if (cell_build_input(cell, inputs, &features, &dtype) == FAILURE) {
		RETURN_THROWS();
	}
	cell->built = false;
	php_gru_layer_forget_record(cell);
	if (php_gru_layer_build(cell, 1, features, dtype, sample_weights) == FAILURE) {
		RETURN_THROWS();
	}
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, forward)
{
	zval *inputs, *training = NULL, *calc_state = NULL;
	HashTable *states;

	ZEND_PARSE_PARAMETERS_START(2, 4)
		Z_PARAM_OBJECT(inputs)
		Z_PARAM_ARRAY_HT(states)
		Z_PARAM_OPTIONAL
		Z_PARAM_ZVAL(training)
		Z_PARAM_OBJECT_OR_NULL(calc_state)
	ZEND_PARSE_PARAMETERS_END();
	if (php_gru_check_list(states, "states") == FAILURE) {
		RETURN_THROWS();
	}
	php_gru_layer_forward(Z_GRU_CELL_P(ZEND_THIS), inputs, training, states, NULL, return_value);
	if (calc_state != NULL && !EG(exception)
		&& php_gru_layer_record_save(Z_GRU_CELL_P(ZEND_THIS), calc_state) == FAILURE) {
		zval_ptr_dtor(return_value);
		ZVAL_UNDEF(return_value);
		RETURN_THROWS();
	}
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, backward)
{
	HashTable *d_states;
	zval *calc_state = NULL;

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_ARRAY_HT(d_states)
		Z_PARAM_OPTIONAL
		Z_PARAM_OBJECT_OR_NULL(calc_state)
	ZEND_PARSE_PARAMETERS_END();
	if (php_gru_check_list(d_states, "dStates") == FAILURE) {
		RETURN_THROWS();
	}
	if (calc_state != NULL && php_gru_layer_record_restore(Z_GRU_CELL_P(ZEND_THIS), calc_state) == FAILURE) {
		RETURN_THROWS();
	}
	php_gru_layer_backward(Z_GRU_CELL_P(ZEND_THIS), d_states, return_value);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, getParams)
{
	ZEND_PARSE_PARAMETERS_NONE();
	php_gru_layer_param_list(Z_GRU_CELL_P(ZEND_THIS), false, return_value);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, getGrads)
{
	ZEND_PARSE_PARAMETERS_NONE();
	php_gru_layer_param_list(Z_GRU_CELL_P(ZEND_THIS), true, return_value);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, outputShape)
{
	ZEND_PARSE_PARAMETERS_NONE();
	array_init_size(return_value, 1);
	add_next_index_long(return_value, Z_GRU_CELL_P(ZEND_THIS)->config.units);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, inputShape)
{
	php_gru_layer *cell = Z_GRU_CELL_P(ZEND_THIS);

	ZEND_PARSE_PARAMETERS_NONE();
	if (!cell->built && !cell->config.has_input_shape) {
		RETURN_NULL();
	}
	array_init_size(return_value, 1);
	add_next_index_long(return_value, cell->features);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, getConfig)
{
	php_gru_layer *cell = Z_GRU_CELL_P(ZEND_THIS);
	zval options, input_shape;

	ZEND_PARSE_PARAMETERS_NONE();
	array_init(&options);
	if (cell->config.has_input_shape) {
		array_init_size(&input_shape, 1);
		add_next_index_long(&input_shape, cell->config.input_features);
		add_assoc_zval(&options, "input_shape", &input_shape);
	} else {
		add_assoc_null(&options, "input_shape");
	}
	php_gru_layer_add_common_config(&cell->config, &options);
	add_assoc_bool(&options, "reset_after", cell->config.reset_after);
	php_gru_layer_add_keras_config(&cell->config, &options);

	array_init_size(return_value, 2);
	add_assoc_long(return_value, "units", cell->config.units);
	add_assoc_zval(return_value, "options", &options);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, getLosses)
{
	ZEND_PARSE_PARAMETERS_NONE();
	if (php_gru_layer_losses(Z_GRU_CELL_P(ZEND_THIS), return_value) == FAILURE) {
		RETURN_THROWS();
	}
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, getRegularizationLoss)
{
	double total;

	ZEND_PARSE_PARAMETERS_NONE();
	if (php_gru_layer_regularization_loss(Z_GRU_CELL_P(ZEND_THIS), &total) == FAILURE) {
		RETURN_THROWS();
	}
	RETURN_DOUBLE(total);
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, applyConstraints)
{
	ZEND_PARSE_PARAMETERS_NONE();
	if (php_gru_layer_apply_constraints(Z_GRU_CELL_P(ZEND_THIS)) == FAILURE) {
		RETURN_THROWS();
	}
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, name)
{
	ZEND_PARSE_PARAMETERS_NONE();
	RETURN_STRING(php_gru_layer_name(Z_GRU_CELL_P(ZEND_THIS)));
}

PHP_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, isBuilt)
{
	ZEND_PARSE_PARAMETERS_NONE();
	RETURN_BOOL(Z_GRU_CELL_P(ZEND_THIS)->built);
}

static zend_object *php_gru_cell_create(zend_class_entry *ce)
{
	zend_object *object = php_gru_layer_create(ce);

	php_gru_layer_from_obj(object)->is_cell = true;
	return object;
}

void php_gru_register_cell_class(void)
{
	php_gru_cell_ce = register_class_Rindow_NeuralNetworks_Layer_GRUCell();
	php_gru_cell_ce->create_object = php_gru_cell_create;
}
