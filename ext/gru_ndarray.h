/*
 * The extension's own arrays: Rindow\GRU\Buffer, a LinearBuffer with the
 * polite-math C layout, and Rindow\GRU\NDArray on top of it, so that the
 * layer works with no Composer package at all.
 */
#ifndef PHP_GRU_NDARRAY_H
#define PHP_GRU_NDARRAY_H

#include "php.h"

extern zend_class_entry *php_gru_buffer_ce;
extern zend_class_entry *php_gru_ndarray_ce;

/* Registers the classes; called from MINIT. */
void php_gru_register_ndarray_classes(void);

/*
 * Creates a Rindow\GRU\NDArray of the given shape and dtype, zero-filled,
 * into result; returns its data pointer, or NULL with an exception thrown.
 */
void *php_gru_ndarray_new(zval *result, const zend_long *shape, uint32_t ndim, zend_long dtype);

#endif /* PHP_GRU_NDARRAY_H */
