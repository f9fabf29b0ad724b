/*
 * NDArray interop: how the extension reads and writes the arrays PHP code
 * hands it, whatever their family (see "Interop with NDArrays" in the
 * design notes).
 *
 *  - Rindow\GRU\NDArray (ours) and any NDArray whose buffer object has the
 *    polite-math LinearBuffer C layout are read and written in place.
 *  - Other NDArray-like objects (shape(), dtype(), offset(), buffer()) whose
 *    buffer has dump()/load(), such as Rindow's FFI buffers, are copied once
 *    in (dump) and, for outputs, once out (load).
 *
 * Views never outlive the call that opened them. Every function that fails
 * has already thrown a PHP exception naming `arg_name`.
 */
#ifndef PHP_GRU_ARRAY_H
#define PHP_GRU_ARRAY_H

#include "php.h"

#define PHP_GRU_MAX_NDIM 8

/* NDArray dtype codes (Interop\Polite\Math\Matrix\NDArray). */
#define PHP_GRU_DTYPE_BOOL    1
#define PHP_GRU_DTYPE_INT8    2
#define PHP_GRU_DTYPE_INT32   4
#define PHP_GRU_DTYPE_UINT8   6
#define PHP_GRU_DTYPE_FLOAT32 12
#define PHP_GRU_DTYPE_FLOAT64 13

typedef struct {
	zend_long dtype;
	uint32_t ndim;
	zend_long shape[PHP_GRU_MAX_NDIM];
	size_t size;             /* product of shape; checked for overflow */
	size_t value_size;       /* bytes per element */
	void *data;              /* first element, offset applied */
	/* Private to gru_array.c: */
	void *copy;              /* emalloc'd copy for dump()/load() buffers, else NULL */
	zval buffer;             /* the buffer object, for load() on commit; UNDEF otherwise */
} php_gru_array_view;

/* Size in bytes of one element of dtype, 0 for dtypes we do not handle. */
size_t php_gru_dtype_size(zend_long dtype);
/* "float32", "bool", ...; "unknown" otherwise. */
const char *php_gru_dtype_name(zend_long dtype);

/* Formats a shape as Rindow does, "(5,3)", into buf. */
const char *php_gru_shape_to_string(const zend_long *shape, uint32_t ndim, char *buf, size_t buf_size);

/*
 * Opens a read view of `array` (an object with shape/dtype/offset/buffer, or
 * a Rindow Variable, read by its value). Checks that offset + size fits in
 * the buffer. Returns FAILURE with an exception thrown.
 */
zend_result php_gru_array_open(zval *array, const char *arg_name, php_gru_array_view *view);

/*
 * Creates a new zero-filled array of the same family as `like` (NULL: a
 * Rindow\GRU\NDArray) into `result`, and opens a writable view of it.
 * `backend` (may be NULL or UNDEF) is the Rindow backend the layer was built
 * with; foreign families are made through its zeros() method, and without
 * one the result is a Rindow\GRU\NDArray.
 */
zend_result php_gru_array_create(const zval *like, zval *backend, const zend_long *shape, uint32_t ndim,
		zend_long dtype, zval *result, php_gru_array_view *view);

/* Writes a copied view back into its buffer (load()); no-op for in-place views. */
zend_result php_gru_array_commit(php_gru_array_view *view);

/* Frees what the view holds. Safe on a zeroed or already released view. */
void php_gru_array_release(php_gru_array_view *view);

/*
 * Checks that a list-shaped argument (dOutputs, initialStates, ...) is a
 * list: keys 0, 1, ... in order. The layers read such arguments by
 * position, so a string key or a gap would otherwise be ignored or
 * misread. Returns FAILURE with an InvalidArgumentException naming the
 * method, `what` and the first offending key.
 */
zend_result php_gru_check_list(const HashTable *array, const char *what);

#endif /* PHP_GRU_ARRAY_H */
