/*
 * Private to gru_ndarray.c and gru_array.c: the C structs behind
 * Rindow\GRU\Buffer and Rindow\GRU\NDArray, and the shape helpers both use.
 * The rest of the extension goes through gru_array.h.
 */
#ifndef PHP_GRU_NDARRAY_PRIVATE_H
#define PHP_GRU_NDARRAY_PRIVATE_H

#include "php.h"
#include "gru_array.h"
#include "gru_ndarray.h"

/* "IropLnBf" read as a little-endian 64-bit integer. */
#define PHP_GRU_LINEAR_BUFFER_SIGNATURE 0x66426e4c706f7249LL

/* Enough for "(" + 8 dimensions of 20 digits and commas + ")". */
#define PHP_GRU_SHAPE_STRING_SIZE 192

/*
 * Rindow\GRU\Buffer. The fields before std are, in order and type,
 * polite-math's php_interop_polite_math_matrix_linear_buffer_t
 * (include/Interop/Polite/Math/Matrix.h), so that any extension that
 * knows that layout reads our buffers in place, and we read theirs.
 */
typedef struct {
	zend_long signature;
	zend_long size;          /* elements */
	zend_long dtype;
	zend_long value_size;    /* bytes per element */
	void *data;              /* never NULL once constructed (at least 1 byte) */
	zend_object std;
} php_gru_buffer;

static inline php_gru_buffer *php_gru_buffer_from_obj(zend_object *obj)
{
	return (php_gru_buffer *) ((char *) obj - XtOffsetOf(php_gru_buffer, std));
}

#define Z_GRU_BUFFER_P(zv) php_gru_buffer_from_obj(Z_OBJ_P(zv))

/* Rindow\GRU\NDArray: a shape over a Buffer it holds a reference to. */
typedef struct {
	zend_object *buffer;     /* NULL until constructed */
	zend_long dtype;
	zend_long offset;        /* elements */
	size_t size;             /* product of shape */
	uint32_t ndim;
	zend_long shape[PHP_GRU_MAX_NDIM];
	zend_object std;
} php_gru_ndarray;

static inline php_gru_ndarray *php_gru_ndarray_from_obj(zend_object *obj)
{
	return (php_gru_ndarray *) ((char *) obj - XtOffsetOf(php_gru_ndarray, std));
}

#define Z_GRU_NDARRAY_P(zv) php_gru_ndarray_from_obj(Z_OBJ_P(zv))

/*
 * Reads a PHP array of non-negative integers (at most PHP_GRU_MAX_NDIM)
 * into shape/ndim, and its checked product into size (may be NULL).
 * `what` names the value in messages ("shape", "input->shape()").
 * FAILURE with an InvalidArgumentException thrown.
 */
zend_result php_gru_shape_from_array(const HashTable *array, const char *what, zend_long *shape, uint32_t *ndim,
		size_t *size);

/* The product of shape into size; false on overflow. */
bool php_gru_shape_size(const zend_long *shape, uint32_t ndim, size_t *size);

#endif /* PHP_GRU_NDARRAY_PRIVATE_H */
