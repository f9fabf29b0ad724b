/*
 * Keras's weight regularizers (l1, l2, l1_l2) and weight constraints
 * (max_norm, non_neg, unit_norm, min_max_norm): their options, and the
 * host-side arithmetic on params and grads. Knows nothing of layers; the
 * layer glue (getLosses(), applyConstraints(), the penalty gradients in
 * backward()) is declared in gru_layer_internal.h.
 */
#ifndef PHP_GRU_REGULARIZERS_H
#define PHP_GRU_REGULARIZERS_H

#include "php.h"

/* Keras's backend.epsilon(), which its constraints add to the norms. */
#define PHP_GRU_CONSTRAINT_EPSILON 1e-7

/* l1 * sum(|w|) + l2 * sum(w^2), as Keras's L1, L2 and L1L2. */
typedef struct {
	bool active;        /* false: no regularizer (null) */
	bool has_l1;        /* which factors were given, so that getConfig() gives them back */
	bool has_l2;
	double l1;
	double l2;
} php_gru_regularizer;

typedef enum {
	PHP_GRU_CONSTRAINT_NONE = 0,
	PHP_GRU_CONSTRAINT_MAX_NORM,
	PHP_GRU_CONSTRAINT_NON_NEG,
	PHP_GRU_CONSTRAINT_UNIT_NORM,
	PHP_GRU_CONSTRAINT_MIN_MAX_NORM
} php_gru_constraint_kind;

typedef struct {
	php_gru_constraint_kind kind;
	double min_value;
	double max_value;
	double rate;
	bool axis_list;      /* the axis was given as a list (getConfig() gives a list back) */
	uint32_t axis_count; /* 1 or 2 */
	zend_long axes[2];   /* as given; may be negative */
} php_gru_constraint;

/*
 * Reads a regularizer option: null; 'l1', 'l2', 'l1_l2' (or Keras's class
 * names 'L1', 'L2', 'L1L2') with Keras's factors 0.01; or an array of
 * factors ['l1' => float, 'l2' => float] (either or both). FAILURE with an
 * InvalidArgumentException naming `option` otherwise.
 */
zend_result php_gru_regularizer_parse(const zval *value, const char *option, php_gru_regularizer *out);

/*
 * Reads a constraint option: null; a name ('max_norm', 'non_neg',
 * 'unit_norm', 'min_max_norm', or the class names) with Keras's defaults;
 * or [name, parameter => value, ...]. FAILURE with an
 * InvalidArgumentException naming `option` otherwise.
 */
zend_result php_gru_constraint_parse(const zval *value, const char *option, php_gru_constraint *out);

/* Checks the constraint's axes against the weight's number of dimensions (1 or 2). */
zend_result php_gru_constraint_check_ndim(const php_gru_constraint *constraint, const char *option, uint32_t ndim);

/* getConfig()'s value of an active regularizer / constraint, as the constructor reads it back. */
void php_gru_regularizer_to_zval(const php_gru_regularizer *regularizer, zval *out);
void php_gru_constraint_to_zval(const php_gru_constraint *constraint, zval *out);

/* The penalty of n values of dtype (float32 or float64), summed in double. */
double php_gru_regularizer_penalty(const php_gru_regularizer *regularizer, zend_long dtype, const void *values,
		size_t n);

/* grad += scale * (l1 * sign(w) + 2 * l2 * w), the penalty's gradient, scaled. */
void php_gru_regularizer_add_gradient(const php_gru_regularizer *regularizer, double scale, zend_long dtype,
		const void *values, void *grad, size_t n);

/*
 * Applies the constraint in place to a weight of shape [rows, cols]
 * (ndim 2) or [rows] (ndim 1, cols 1).
 */
void php_gru_constraint_apply(const php_gru_constraint *constraint, zend_long dtype, void *values, size_t rows,
		size_t cols, uint32_t ndim);

#endif /* PHP_GRU_REGULARIZERS_H */
