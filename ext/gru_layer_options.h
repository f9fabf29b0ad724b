/*
 * The GRU constructor's options: Rindow's names, order and defaults, read
 * from positional and named arguments alike, with unknown or doubled
 * options reported by name.
 */
#ifndef PHP_GRU_LAYER_OPTIONS_H
#define PHP_GRU_LAYER_OPTIONS_H

#include "php.h"
#include "gru.h"
#include "gru_device.h"
#include "gru_regularizers.h"

typedef struct {
	zend_long units;
	bool has_input_shape;
	zend_long input_timesteps;        /* -1: any number of timesteps */
	zend_long input_features;
	gru_activation activation;
	gru_activation recurrent_activation;
	zend_string *activation_name;      /* NULL when the option was null (linear) */
	zend_string *recurrent_activation_name;
	bool use_bias;
	bool return_sequences;
	bool return_state;
	bool go_backwards;
	bool stateful;
	bool reset_after;
	zval kernel_initializer;           /* a string name or a callable */
	zval recurrent_initializer;
	zval bias_initializer;
	zend_string *name;
	/* Keras's dropout options (after Rindow's, so its positional order holds) */
	double dropout;                    /* input dropout rate, [0, 1) */
	double recurrent_dropout;          /* recurrent dropout rate, [0, 1) */
	bool has_seed;                     /* false: the seed was null */
	zend_long seed;
	/* where it computes (after Keras's options) */
	php_gru_device device;             /* auto (the default), cpu or opencl */
	bool time_major;                   /* inputs [timesteps, batch, features] (GRU only) */
	/* Keras's remaining options (after ours, so that every positional order above holds) */
	php_gru_regularizer kernel_regularizer;
	php_gru_regularizer recurrent_regularizer;
	php_gru_regularizer bias_regularizer;
	php_gru_regularizer activity_regularizer;   /* GRU only */
	php_gru_constraint kernel_constraint;
	php_gru_constraint recurrent_constraint;
	php_gru_constraint bias_constraint;
	bool unroll;                       /* accepted, no effect (GRU only) */
} php_gru_layer_config;

/*
 * Reads the constructor's arguments. `first` is the first parameter (the
 * backend object, or the units); `positional`/`positional_count` the rest in
 * order; `named` the named arguments (may be NULL). On success `backend` holds
 * the backend object or UNDEF. On failure an exception is thrown.
 */
zend_result php_gru_layer_config_parse(php_gru_layer_config *config, zval *backend, zval *first,
		zval *positional, uint32_t positional_count, HashTable *named);

/* Which constructor's options: GRU's, or GRUCell's (a subset, in Rindow's GRUCell order). */
typedef enum {
	PHP_GRU_OPTIONS_GRU = 0,
	PHP_GRU_OPTIONS_CELL
} php_gru_option_kind;

/* php_gru_layer_config_parse() for the options of `kind`; any other option is unknown. */
zend_result php_gru_layer_config_parse_ex(php_gru_option_kind kind, php_gru_layer_config *config, zval *backend,
		zval *first, zval *positional, uint32_t positional_count, HashTable *named);

void php_gru_layer_config_destroy(php_gru_layer_config *config);

/* Looks up an activation name; FAILURE with an exception for unknown ones. */
zend_result php_gru_activation_from_name(zend_string *name, const char *option, gru_activation *activation);

#endif /* PHP_GRU_LAYER_OPTIONS_H */
