/*
 * Rindow\GRU\Buffer and Rindow\GRU\NDArray: the extension's own arrays.
 * The Buffer has polite-math's LinearBuffer C layout (see
 * gru_ndarray_private.h); the NDArray is a shape, a dtype and an offset
 * over a Buffer, with views sharing it.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "zend_interfaces.h"
#include "ext/spl/spl_array.h"
#include "ext/spl/spl_exceptions.h"

#include "gru_array.h"
#include "gru_exceptions.h"
#include "gru_memory.h"
#include "gru_ndarray.h"
#include "gru_ndarray_private.h"
#include "ndarray_arginfo.h"

zend_class_entry *php_gru_buffer_ce;
zend_class_entry *php_gru_ndarray_ce;

static zend_object_handlers buffer_handlers;
static zend_object_handlers ndarray_handlers;

/* {{{ Elements */

/* Element i of data as a PHP value: bool, int or float by dtype. */
static void element_get(const void *data, zend_long dtype, size_t i, zval *out)
{
	switch (dtype) {
		case PHP_GRU_DTYPE_BOOL:
			ZVAL_BOOL(out, ((const uint8_t *) data)[i] != 0);
			break;
		case PHP_GRU_DTYPE_INT8:
			ZVAL_LONG(out, ((const int8_t *) data)[i]);
			break;
		case PHP_GRU_DTYPE_UINT8:
			ZVAL_LONG(out, ((const uint8_t *) data)[i]);
			break;
		case PHP_GRU_DTYPE_INT32:
			ZVAL_LONG(out, ((const int32_t *) data)[i]);
			break;
		case PHP_GRU_DTYPE_FLOAT32:
			ZVAL_DOUBLE(out, (double) ((const float *) data)[i]);
			break;
		case PHP_GRU_DTYPE_FLOAT64:
			ZVAL_DOUBLE(out, ((const double *) data)[i]);
			break;
		default:
			ZVAL_NULL(out);
			break;
	}
}

/*
 * Stores a number or bool (dereferenced) as element i of data, converted
 * to dtype as a C cast does; false, with nothing written, for other values.
 */
static bool element_set(void *data, zend_long dtype, size_t i, const zval *value)
{
	zend_long l = 0;
	double d = 0.0;
	bool is_double = false;

	switch (Z_TYPE_P(value)) {
		case IS_LONG:
			l = Z_LVAL_P(value);
			break;
		case IS_DOUBLE:
			d = Z_DVAL_P(value);
			is_double = true;
			break;
		case IS_TRUE:
			l = 1;
			break;
		case IS_FALSE:
			break;
		default:
			return false;
	}
	switch (dtype) {
		case PHP_GRU_DTYPE_BOOL:
			((uint8_t *) data)[i] = is_double ? d != 0.0 : l != 0;
			break;
		case PHP_GRU_DTYPE_INT8:
			((int8_t *) data)[i] = (int8_t) (is_double ? zend_dval_to_lval(d) : l);
			break;
		case PHP_GRU_DTYPE_UINT8:
			((uint8_t *) data)[i] = (uint8_t) (is_double ? zend_dval_to_lval(d) : l);
			break;
		case PHP_GRU_DTYPE_INT32:
			((int32_t *) data)[i] = (int32_t) (is_double ? zend_dval_to_lval(d) : l);
			break;
		case PHP_GRU_DTYPE_FLOAT32:
			((float *) data)[i] = (float) (is_double ? d : (double) l);
			break;
		case PHP_GRU_DTYPE_FLOAT64:
			((double *) data)[i] = is_double ? d : (double) l;
			break;
		default:
			return false;
	}
	return true;
}

/* Sets count elements of data to one. */
static void fill_ones(void *data, zend_long dtype, size_t count)
{
	size_t i;

	switch (dtype) {
		case PHP_GRU_DTYPE_BOOL:
		case PHP_GRU_DTYPE_INT8:
		case PHP_GRU_DTYPE_UINT8:
			memset(data, 1, count);
			break;
		case PHP_GRU_DTYPE_INT32:
			for (i = 0; i < count; i++) {
				((int32_t *) data)[i] = 1;
			}
			break;
		case PHP_GRU_DTYPE_FLOAT32:
			for (i = 0; i < count; i++) {
				((float *) data)[i] = 1.0f;
			}
			break;
		case PHP_GRU_DTYPE_FLOAT64:
			for (i = 0; i < count; i++) {
				((double *) data)[i] = 1.0;
			}
			break;
	}
}

static void throw_unsupported_dtype(zend_long dtype)
{
	const char *name = php_gru_dtype_name(dtype);

	if (strcmp(name, "unknown") == 0) {
		php_gru_throw_invalid("Unsupported dtype " ZEND_LONG_FMT ": Rindow\\GRU arrays hold bool, int8, int32, uint8, "
			"float32 or float64", dtype);
	} else {
		php_gru_throw_invalid("Unsupported dtype %s (" ZEND_LONG_FMT "): Rindow\\GRU arrays hold bool, int8, int32, uint8, "
			"float32 or float64", name, dtype);
	}
}

/* An int offset of ArrayAccess; TypeError for anything else. */
static bool index_of(const zval *offset, const char *class_name, zend_long *index)
{
	ZVAL_DEREF(offset);
	if (Z_TYPE_P(offset) != IS_LONG) {
		zend_type_error("Cannot access offset of type %s on %s", zend_zval_type_name(offset), class_name);
		return false;
	}
	*index = Z_LVAL_P(offset);
	return true;
}
/* }}} */

/* {{{ Buffer */

static zend_object *buffer_create_object(zend_class_entry *ce)
{
	php_gru_buffer *buffer = zend_object_alloc(sizeof(php_gru_buffer), ce);

	memset(buffer, 0, XtOffsetOf(php_gru_buffer, std));
	buffer->signature = PHP_GRU_LINEAR_BUFFER_SIGNATURE;
	zend_object_std_init(&buffer->std, ce);
	object_properties_init(&buffer->std, ce);
	buffer->std.handlers = &buffer_handlers;
	return &buffer->std;
}

/* A copy of `bytes` bytes of array data (at least one byte allocated, so that data is never NULL). */
static void *data_dup(const void *data, size_t bytes)
{
	void *copy = php_gru_emalloc_big(bytes > 0 ? bytes : 1);

	memcpy(copy, data, bytes);
	return copy;
}

static void buffer_free(zend_object *obj)
{
	php_gru_buffer *buffer = php_gru_buffer_from_obj(obj);

	if (buffer->data != NULL) {
		efree(buffer->data);
		buffer->data = NULL;
	}
	zend_object_std_dtor(obj);
}

static zend_object *buffer_clone(zend_object *old_obj)
{
	php_gru_buffer *old = php_gru_buffer_from_obj(old_obj);
	zend_object *new_obj = buffer_create_object(old_obj->ce);
	php_gru_buffer *copy = php_gru_buffer_from_obj(new_obj);

	if (old->data != NULL) {
		/* size * value_size was checked when the original was made. */
		copy->data = data_dup(old->data, (size_t) old->size * (size_t) old->value_size);
		copy->size = old->size;
		copy->dtype = old->dtype;
		copy->value_size = old->value_size;
	}
	zend_objects_clone_members(new_obj, old_obj);
	return new_obj;
}

/* Allocates size zero elements of dtype into an unconstructed buffer. */
static zend_result buffer_alloc(php_gru_buffer *buffer, zend_long size, zend_long dtype)
{
	size_t value_size = php_gru_dtype_size(dtype);
	size_t bytes;

	if (value_size == 0) {
		throw_unsupported_dtype(dtype);
		return FAILURE;
	}
	if (size < 0) {
		php_gru_throw_invalid("Buffer size must not be negative, " ZEND_LONG_FMT " given", size);
		return FAILURE;
	}
	if (!gru_size_mul((size_t) size, value_size, &bytes) || bytes > (size_t) ZEND_LONG_MAX) {
		php_gru_throw_invalid("Buffer of " ZEND_LONG_FMT " %s values is too large", size, php_gru_dtype_name(dtype));
		return FAILURE;
	}
	if (php_gru_check_memory(bytes, "Rindow\\GRU\\Buffer") == FAILURE) {
		return FAILURE;
	}
	/* At least one byte, so that data is never NULL. */
	buffer->data = php_gru_emalloc_big(bytes > 0 ? bytes : 1);
	memset(buffer->data, 0, bytes);
	buffer->size = size;
	buffer->dtype = dtype;
	buffer->value_size = (zend_long) value_size;
	return SUCCESS;
}

ZEND_METHOD(Rindow_GRU_Buffer, __construct)
{
	zend_long size, dtype;
	php_gru_buffer *buffer = Z_GRU_BUFFER_P(ZEND_THIS);

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_LONG(size)
		Z_PARAM_LONG(dtype)
	ZEND_PARSE_PARAMETERS_END();

	if (buffer->data != NULL) {
		zend_throw_error(NULL, "Cannot call the constructor of Rindow\\GRU\\Buffer twice");
		RETURN_THROWS();
	}
	buffer_alloc(buffer, size, dtype);
}

ZEND_METHOD(Rindow_GRU_Buffer, count)
{
	ZEND_PARSE_PARAMETERS_NONE();
	RETURN_LONG(Z_GRU_BUFFER_P(ZEND_THIS)->size);
}

ZEND_METHOD(Rindow_GRU_Buffer, offsetExists)
{
	zval *offset;
	php_gru_buffer *buffer = Z_GRU_BUFFER_P(ZEND_THIS);

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ZVAL(offset)
	ZEND_PARSE_PARAMETERS_END();

	ZVAL_DEREF(offset);
	RETURN_BOOL(Z_TYPE_P(offset) == IS_LONG && Z_LVAL_P(offset) >= 0 && Z_LVAL_P(offset) < buffer->size);
}

/* The checked index of offset in buffer, or -1 with an exception thrown. */
static zend_long buffer_index(php_gru_buffer *buffer, const zval *offset)
{
	zend_long index;

	if (!index_of(offset, "Rindow\\GRU\\Buffer", &index)) {
		return -1;
	}
	if (index < 0 || index >= buffer->size) {
		zend_throw_exception_ex(spl_ce_OutOfRangeException, 0,
			"Index " ZEND_LONG_FMT " is out of range for a Rindow\\GRU\\Buffer of size " ZEND_LONG_FMT, index, buffer->size);
		return -1;
	}
	return index;
}

ZEND_METHOD(Rindow_GRU_Buffer, offsetGet)
{
	zval *offset;
	zend_long index;
	php_gru_buffer *buffer = Z_GRU_BUFFER_P(ZEND_THIS);

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ZVAL(offset)
	ZEND_PARSE_PARAMETERS_END();

	index = buffer_index(buffer, offset);
	if (index < 0) {
		RETURN_THROWS();
	}
	element_get(buffer->data, buffer->dtype, (size_t) index, return_value);
}

ZEND_METHOD(Rindow_GRU_Buffer, offsetSet)
{
	zval *offset, *value;
	zend_long index;
	php_gru_buffer *buffer = Z_GRU_BUFFER_P(ZEND_THIS);

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_ZVAL(offset)
		Z_PARAM_ZVAL(value)
	ZEND_PARSE_PARAMETERS_END();

	index = buffer_index(buffer, offset);
	if (index < 0) {
		RETURN_THROWS();
	}
	ZVAL_DEREF(value);
	if (!element_set(buffer->data, buffer->dtype, (size_t) index, value)) {
		php_gru_throw_invalid("A Rindow\\GRU\\Buffer element must be a number or bool, %s given", zend_zval_type_name(value));
		RETURN_THROWS();
	}
}

ZEND_METHOD(Rindow_GRU_Buffer, offsetUnset)
{
	zval *offset;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ZVAL(offset)
	ZEND_PARSE_PARAMETERS_END();

	(void) offset;
	zend_throw_exception(spl_ce_LogicException, "Cannot unset an element of Rindow\\GRU\\Buffer", 0);
}

ZEND_METHOD(Rindow_GRU_Buffer, dtype)
{
	ZEND_PARSE_PARAMETERS_NONE();
	RETURN_LONG(Z_GRU_BUFFER_P(ZEND_THIS)->dtype);
}

ZEND_METHOD(Rindow_GRU_Buffer, value_size)
{
	ZEND_PARSE_PARAMETERS_NONE();
	RETURN_LONG(Z_GRU_BUFFER_P(ZEND_THIS)->value_size);
}

ZEND_METHOD(Rindow_GRU_Buffer, dump)
{
	php_gru_buffer *buffer = Z_GRU_BUFFER_P(ZEND_THIS);
	size_t bytes = (size_t) buffer->size * (size_t) buffer->value_size;

	ZEND_PARSE_PARAMETERS_NONE();

	if (bytes == 0) {
		RETURN_EMPTY_STRING();
	}
	RETURN_STRINGL((const char *) buffer->data, bytes);
}

ZEND_METHOD(Rindow_GRU_Buffer, load)
{
	zend_string *data;
	php_gru_buffer *buffer = Z_GRU_BUFFER_P(ZEND_THIS);
	size_t bytes = (size_t) buffer->size * (size_t) buffer->value_size;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(data)
	ZEND_PARSE_PARAMETERS_END();

	if (ZSTR_LEN(data) != bytes) {
		php_gru_throw_invalid("Rindow\\GRU\\Buffer::load() needs exactly %zu bytes (" ZEND_LONG_FMT " %s values), %zu given",
			bytes, buffer->size, php_gru_dtype_name(buffer->dtype), ZSTR_LEN(data));
		RETURN_THROWS();
	}
	if (bytes > 0) {
		memcpy(buffer->data, ZSTR_VAL(data), bytes);
	}
}
/* }}} */

/* {{{ NDArray object */

static zend_object *ndarray_create_object(zend_class_entry *ce)
{
	php_gru_ndarray *array = zend_object_alloc(sizeof(php_gru_ndarray), ce);

	memset(array, 0, XtOffsetOf(php_gru_ndarray, std));
	zend_object_std_init(&array->std, ce);
	object_properties_init(&array->std, ce);
	array->std.handlers = &ndarray_handlers;
	return &array->std;
}

static void ndarray_free(zend_object *obj)
{
	php_gru_ndarray *array = php_gru_ndarray_from_obj(obj);

	if (array->buffer != NULL) {
		OBJ_RELEASE(array->buffer);
		array->buffer = NULL;
	}
	zend_object_std_dtor(obj);
}

static inline php_gru_buffer *ndarray_buffer(const php_gru_ndarray *array)
{
	return php_gru_buffer_from_obj(array->buffer);
}

/* The first element of the array. */
static inline char *ndarray_data(const php_gru_ndarray *array)
{
	php_gru_buffer *buffer = ndarray_buffer(array);

	return (char *) buffer->data + (size_t) array->offset * (size_t) buffer->value_size;
}

/* Points array (unconstructed) at buffer, taking a reference to it. */
static void ndarray_set(php_gru_ndarray *array, zend_object *buffer, zend_long dtype, const zend_long *shape,
		uint32_t ndim, zend_long offset, size_t size)
{
	GC_ADDREF(buffer);
	array->buffer = buffer;
	array->dtype = dtype;
	array->offset = offset;
	array->size = size;
	array->ndim = ndim;
	memcpy(array->shape, shape, ndim * sizeof(zend_long));
}

/* A new NDArray into result over buffer (borrowed). */
static php_gru_ndarray *ndarray_make(zval *result, zend_object *buffer, zend_long dtype, const zend_long *shape,
		uint32_t ndim, zend_long offset, size_t size)
{
	php_gru_ndarray *array;

	object_init_ex(result, php_gru_ndarray_ce);
	array = Z_GRU_NDARRAY_P(result);
	ndarray_set(array, buffer, dtype, shape, ndim, offset, size);
	return array;
}

/* A clone owns a compact copy of the elements, at offset 0. */
static zend_object *ndarray_clone(zend_object *old_obj)
{
	php_gru_ndarray *old = php_gru_ndarray_from_obj(old_obj);
	zend_object *new_obj = ndarray_create_object(old_obj->ce);

	if (old->buffer != NULL) {
		php_gru_buffer *old_buffer = ndarray_buffer(old);
		zend_object *buffer_obj = buffer_create_object(php_gru_buffer_ce);
		php_gru_buffer *buffer = php_gru_buffer_from_obj(buffer_obj);
		/* size * value_size was checked when the original's buffer was made */
		buffer->data = data_dup(ndarray_data(old), old->size * (size_t) old_buffer->value_size);
		buffer->size = (zend_long) old->size;
		buffer->dtype = old_buffer->dtype;
		buffer->value_size = old_buffer->value_size;
		ndarray_set(php_gru_ndarray_from_obj(new_obj), buffer_obj, old->dtype, old->shape, old->ndim, 0, old->size);
		OBJ_RELEASE(buffer_obj);
	}
	zend_objects_clone_members(new_obj, old_obj);
	return new_obj;
}

void *php_gru_ndarray_new(zval *result, const zend_long *shape, uint32_t ndim, zend_long dtype)
{
	size_t size;
	zval buffer_zv;
	php_gru_buffer *buffer;
	char buf[PHP_GRU_SHAPE_STRING_SIZE];

	ZVAL_UNDEF(result);
	if (ndim > PHP_GRU_MAX_NDIM) {
		php_gru_throw_invalid("An NDArray has at most %d dimensions, %u given", PHP_GRU_MAX_NDIM, ndim);
		return NULL;
	}
	if (!php_gru_shape_size(shape, ndim, &size) || size > (size_t) ZEND_LONG_MAX) {
		php_gru_throw_invalid("Invalid shape %s: dimensions must be non-negative and their product must fit in an int",
			php_gru_shape_to_string(shape, ndim, buf, sizeof(buf)));
		return NULL;
	}
	object_init_ex(&buffer_zv, php_gru_buffer_ce);
	buffer = Z_GRU_BUFFER_P(&buffer_zv);
	if (buffer_alloc(buffer, (zend_long) size, dtype) == FAILURE) {
		zval_ptr_dtor(&buffer_zv);
		return NULL;
	}
	ndarray_make(result, Z_OBJ(buffer_zv), dtype, shape, ndim, 0, size);
	zval_ptr_dtor(&buffer_zv);
	return buffer->data;
}

/* This NDArray, or NULL with an Error thrown when it was never constructed. */
static php_gru_ndarray *ndarray_this(zval *this_zv)
{
	php_gru_ndarray *array = Z_GRU_NDARRAY_P(this_zv);

	if (UNEXPECTED(array->buffer == NULL)) {
		zend_throw_error(NULL, "Rindow\\GRU\\NDArray object is not initialized");
		return NULL;
	}
	return array;
}

#define NDARRAY_THIS(array) do { \
		(array) = ndarray_this(ZEND_THIS); \
		if ((array) == NULL) { \
			RETURN_THROWS(); \
		} \
	} while (0)

static const char *ndarray_shape_string(const php_gru_ndarray *array, char *buf, size_t buf_size)
{
	return php_gru_shape_to_string(array->shape, array->ndim, buf, buf_size);
}
/* }}} */

/* {{{ Nested PHP arrays */

typedef struct {
	const char *name;          /* "array", "value": for messages */
	char *data;
	zend_long dtype;
	size_t position;           /* next element to write */
	const zend_long *shape;
	uint32_t ndim;
	uint32_t path[PHP_GRU_MAX_NDIM];
} nested_fill;

/* "array[1][0]" for the first depth entries of fill->path. */
static const char *nested_path(const nested_fill *fill, uint32_t depth, char *buf, size_t buf_size)
{
	size_t used = (size_t) snprintf(buf, buf_size, "%s", fill->name);
	uint32_t i;

	for (i = 0; i < depth && used < buf_size; i++) {
		used += (size_t) snprintf(buf + used, buf_size - used, "[%u]", fill->path[i]);
	}
	return buf;
}

/* Writes value (a nested array of fill->shape from depth on) into fill->data. */
static zend_result nested_fill_from(nested_fill *fill, zval *value, uint32_t depth)
{
	char path[64 + 12 * PHP_GRU_MAX_NDIM];
	zval *item;
	uint32_t i = 0;

	ZVAL_DEREF(value);
	if (depth == fill->ndim) {
		if (!element_set(fill->data, fill->dtype, fill->position, value)) {
			if (Z_TYPE_P(value) == IS_ARRAY) {
				php_gru_throw_invalid("Ragged array: %s is an array where a number is expected",
					nested_path(fill, depth, path, sizeof(path)));
			} else {
				php_gru_throw_invalid("%s must be a number or bool, %s given",
					nested_path(fill, depth, path, sizeof(path)), zend_zval_type_name(value));
			}
			return FAILURE;
		}
		fill->position++;
		return SUCCESS;
	}
	if (Z_TYPE_P(value) != IS_ARRAY) {
		php_gru_throw_invalid("Ragged array: %s must be an array of " ZEND_LONG_FMT " elements, %s given",
			nested_path(fill, depth, path, sizeof(path)), fill->shape[depth], zend_zval_type_name(value));
		return FAILURE;
	}
	if ((zend_long) zend_hash_num_elements(Z_ARRVAL_P(value)) != fill->shape[depth]) {
		uint32_t count = zend_hash_num_elements(Z_ARRVAL_P(value));

		php_gru_throw_invalid("Ragged array: %s has %u element%s, " ZEND_LONG_FMT " expected",
			nested_path(fill, depth, path, sizeof(path)), count, count == 1 ? "" : "s", fill->shape[depth]);
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(value), item) {
		fill->path[depth] = i++;
		if (nested_fill_from(fill, item, depth + 1) == FAILURE) {
			return FAILURE;
		}
	} ZEND_HASH_FOREACH_END();
	return SUCCESS;
}

/* The shape of a nested array, read along its first elements. */
static zend_result nested_shape(zval *value, zend_long *shape, uint32_t *ndim)
{
	uint32_t n = 0;

	ZVAL_DEREF(value);
	while (Z_TYPE_P(value) == IS_ARRAY) {
		uint32_t count = zend_hash_num_elements(Z_ARRVAL_P(value));

		if (n == PHP_GRU_MAX_NDIM) {
			php_gru_throw_invalid("array is nested more than %d deep; an NDArray has at most %d dimensions",
				PHP_GRU_MAX_NDIM, PHP_GRU_MAX_NDIM);
			return FAILURE;
		}
		shape[n++] = count;
		if (count == 0) {
			break;
		}
		/* Follow the first element in iteration order. */
		{
			zval *first = NULL;

			ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(value), first) {
				break;
			} ZEND_HASH_FOREACH_END();
			value = first;
		}
		ZVAL_DEREF(value);
	}
	*ndim = n;
	return SUCCESS;
}

/* The elements at data, of the given shape, as nested PHP arrays (a scalar for 0 dimensions). */
static void nested_to_array(const char *data, zend_long dtype, size_t value_size, const zend_long *shape,
		uint32_t ndim, zval *out)
{
	size_t stride = 1, i;
	uint32_t d;

	if (ndim == 0) {
		element_get(data, dtype, 0, out);
		return;
	}
	array_init_size(out, (uint32_t) shape[0]);
	if (ndim == 1) {
		zend_hash_real_init_packed(Z_ARRVAL_P(out));
		ZEND_HASH_FILL_PACKED(Z_ARRVAL_P(out)) {
			for (i = 0; i < (size_t) shape[0]; i++) {
				zval item;

				element_get(data, dtype, i, &item);
				ZEND_HASH_FILL_ADD(&item);
			}
		} ZEND_HASH_FILL_END();
		return;
	}
	for (d = 1; d < ndim; d++) {
		stride *= (size_t) shape[d];
	}
	for (i = 0; i < (size_t) shape[0]; i++) {
		zval row;

		nested_to_array(data + i * stride * value_size, dtype, value_size, shape + 1, ndim - 1, &row);
		add_next_index_zval(out, &row);
	}
}
/* }}} */

/* {{{ NDArray methods */

ZEND_METHOD(Rindow_GRU_NDArray, __construct)
{
	zval *buffer_zv;
	zend_long dtype, offset = 0;
	HashTable *shape_ht;
	zend_long shape[PHP_GRU_MAX_NDIM];
	uint32_t ndim;
	size_t size, end;
	php_gru_buffer *buffer;
	php_gru_ndarray *array = Z_GRU_NDARRAY_P(ZEND_THIS);
	char buf[PHP_GRU_SHAPE_STRING_SIZE];

	ZEND_PARSE_PARAMETERS_START(3, 4)
		Z_PARAM_OBJECT_OF_CLASS(buffer_zv, php_gru_buffer_ce)
		Z_PARAM_LONG(dtype)
		Z_PARAM_ARRAY_HT(shape_ht)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(offset)
	ZEND_PARSE_PARAMETERS_END();

	if (array->buffer != NULL) {
		zend_throw_error(NULL, "Cannot call the constructor of Rindow\\GRU\\NDArray twice");
		RETURN_THROWS();
	}
	buffer = Z_GRU_BUFFER_P(buffer_zv);
	if (php_gru_dtype_size(dtype) == 0) {
		throw_unsupported_dtype(dtype);
		RETURN_THROWS();
	}
	if (buffer->dtype != dtype) {
		php_gru_throw_invalid("dtype %s does not match the buffer's dtype %s", php_gru_dtype_name(dtype),
			php_gru_dtype_name(buffer->dtype));
		RETURN_THROWS();
	}
	if (php_gru_shape_from_array(shape_ht, "shape", shape, &ndim, &size) == FAILURE) {
		RETURN_THROWS();
	}
	if (offset < 0) {
		php_gru_throw_invalid("offset must not be negative, " ZEND_LONG_FMT " given", offset);
		RETURN_THROWS();
	}
	if (!gru_size_add(size, (size_t) offset, &end) || end > (size_t) buffer->size) {
		php_gru_throw_invalid("An array of shape %s at offset " ZEND_LONG_FMT " does not fit in a buffer of size " ZEND_LONG_FMT,
			php_gru_shape_to_string(shape, ndim, buf, sizeof(buf)), offset, buffer->size);
		RETURN_THROWS();
	}
	ndarray_set(array, Z_OBJ_P(buffer_zv), dtype, shape, ndim, offset, size);
}

ZEND_METHOD(Rindow_GRU_NDArray, fromArray)
{
	zval *nested;
	zend_long dtype = PHP_GRU_DTYPE_FLOAT32;
	zend_long shape[PHP_GRU_MAX_NDIM];
	uint32_t ndim;
	nested_fill fill;

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_ARRAY(nested)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(dtype)
	ZEND_PARSE_PARAMETERS_END();

	if (nested_shape(nested, shape, &ndim) == FAILURE) {
		RETURN_THROWS();
	}
	fill.data = php_gru_ndarray_new(return_value, shape, ndim, dtype);
	if (fill.data == NULL) {
		RETURN_THROWS();
	}
	fill.name = "array";
	fill.dtype = dtype;
	fill.position = 0;
	fill.shape = shape;
	fill.ndim = ndim;
	if (nested_fill_from(&fill, nested, 0) == FAILURE) {
		zval_ptr_dtor(return_value);
		ZVAL_UNDEF(return_value);
		RETURN_THROWS();
	}
}

static void ndarray_filled(INTERNAL_FUNCTION_PARAMETERS, bool ones)
{
	HashTable *shape_ht;
	zend_long dtype = PHP_GRU_DTYPE_FLOAT32;
	zend_long shape[PHP_GRU_MAX_NDIM];
	uint32_t ndim;
	size_t size;
	void *data;

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_ARRAY_HT(shape_ht)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(dtype)
	ZEND_PARSE_PARAMETERS_END();

	if (php_gru_shape_from_array(shape_ht, "shape", shape, &ndim, &size) == FAILURE) {
		RETURN_THROWS();
	}
	data = php_gru_ndarray_new(return_value, shape, ndim, dtype);
	if (data == NULL) {
		RETURN_THROWS();
	}
	if (ones) {
		fill_ones(data, dtype, size);
	}
}

ZEND_METHOD(Rindow_GRU_NDArray, zeros)
{
	ndarray_filled(INTERNAL_FUNCTION_PARAM_PASSTHRU, false);
}

ZEND_METHOD(Rindow_GRU_NDArray, ones)
{
	ndarray_filled(INTERNAL_FUNCTION_PARAM_PASSTHRU, true);
}

ZEND_METHOD(Rindow_GRU_NDArray, from)
{
	zval *source;
	php_gru_array_view view;
	void *data;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_OBJECT(source)
	ZEND_PARSE_PARAMETERS_END();

	if (php_gru_array_open(source, "array", &view) == FAILURE) {
		RETURN_THROWS();
	}
	data = php_gru_ndarray_new(return_value, view.shape, view.ndim, view.dtype);
	if (data == NULL) {
		php_gru_array_release(&view);
		RETURN_THROWS();
	}
	if (view.size > 0) {
		memcpy(data, view.data, view.size * view.value_size);
	}
	php_gru_array_release(&view);
}

ZEND_METHOD(Rindow_GRU_NDArray, shape)
{
	php_gru_ndarray *array;
	uint32_t i;

	ZEND_PARSE_PARAMETERS_NONE();
	NDARRAY_THIS(array);

	array_init_size(return_value, array->ndim);
	for (i = 0; i < array->ndim; i++) {
		add_next_index_long(return_value, array->shape[i]);
	}
}

ZEND_METHOD(Rindow_GRU_NDArray, ndim)
{
	php_gru_ndarray *array;

	ZEND_PARSE_PARAMETERS_NONE();
	NDARRAY_THIS(array);
	RETURN_LONG(array->ndim);
}

ZEND_METHOD(Rindow_GRU_NDArray, dtype)
{
	php_gru_ndarray *array;

	ZEND_PARSE_PARAMETERS_NONE();
	NDARRAY_THIS(array);
	RETURN_LONG(array->dtype);
}

ZEND_METHOD(Rindow_GRU_NDArray, size)
{
	php_gru_ndarray *array;

	ZEND_PARSE_PARAMETERS_NONE();
	NDARRAY_THIS(array);
	RETURN_LONG((zend_long) array->size);
}

ZEND_METHOD(Rindow_GRU_NDArray, offset)
{
	php_gru_ndarray *array;

	ZEND_PARSE_PARAMETERS_NONE();
	NDARRAY_THIS(array);
	RETURN_LONG(array->offset);
}

ZEND_METHOD(Rindow_GRU_NDArray, buffer)
{
	php_gru_ndarray *array;

	ZEND_PARSE_PARAMETERS_NONE();
	NDARRAY_THIS(array);
	GC_ADDREF(array->buffer);
	RETURN_OBJ(array->buffer);
}

ZEND_METHOD(Rindow_GRU_NDArray, reshape)
{
	HashTable *shape_ht;
	zend_long shape[PHP_GRU_MAX_NDIM];
	uint32_t ndim;
	size_t size;
	php_gru_ndarray *array;
	char from[PHP_GRU_SHAPE_STRING_SIZE], to[PHP_GRU_SHAPE_STRING_SIZE];

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY_HT(shape_ht)
	ZEND_PARSE_PARAMETERS_END();
	NDARRAY_THIS(array);

	if (php_gru_shape_from_array(shape_ht, "shape", shape, &ndim, &size) == FAILURE) {
		RETURN_THROWS();
	}
	if (size != array->size) {
		php_gru_throw_invalid("Cannot reshape an array of shape %s (%zu elements) to %s (%zu elements)",
			ndarray_shape_string(array, from, sizeof(from)), array->size,
			php_gru_shape_to_string(shape, ndim, to, sizeof(to)), size);
		RETURN_THROWS();
	}
	ndarray_make(return_value, array->buffer, array->dtype, shape, ndim, array->offset, size);
}

ZEND_METHOD(Rindow_GRU_NDArray, toArray)
{
	php_gru_ndarray *array;

	ZEND_PARSE_PARAMETERS_NONE();
	NDARRAY_THIS(array);

	nested_to_array(ndarray_data(array), array->dtype, (size_t) ndarray_buffer(array)->value_size, array->shape,
		array->ndim, return_value);
}

ZEND_METHOD(Rindow_GRU_NDArray, count)
{
	php_gru_ndarray *array;

	ZEND_PARSE_PARAMETERS_NONE();
	NDARRAY_THIS(array);

	if (array->ndim == 0) {
		zend_throw_exception(spl_ce_LogicException, "Cannot count the elements of a 0-dimensional Rindow\\GRU\\NDArray", 0);
		RETURN_THROWS();
	}
	RETURN_LONG(array->shape[0]);
}

ZEND_METHOD(Rindow_GRU_NDArray, offsetExists)
{
	zval *offset;
	php_gru_ndarray *array;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ZVAL(offset)
	ZEND_PARSE_PARAMETERS_END();
	NDARRAY_THIS(array);

	ZVAL_DEREF(offset);
	RETURN_BOOL(array->ndim > 0 && Z_TYPE_P(offset) == IS_LONG && Z_LVAL_P(offset) >= 0
		&& Z_LVAL_P(offset) < array->shape[0]);
}

/* The checked row index, or -1 with an exception thrown; *stride: elements per row. */
static zend_long ndarray_index(const php_gru_ndarray *array, const zval *offset, size_t *stride)
{
	zend_long index;
	char buf[PHP_GRU_SHAPE_STRING_SIZE];

	if (array->ndim == 0) {
		zend_throw_exception(spl_ce_LogicException, "Cannot index a 0-dimensional Rindow\\GRU\\NDArray", 0);
		return -1;
	}
	if (!index_of(offset, "Rindow\\GRU\\NDArray", &index)) {
		return -1;
	}
	if (index < 0 || index >= array->shape[0]) {
		zend_throw_exception_ex(spl_ce_OutOfRangeException, 0,
			"Index " ZEND_LONG_FMT " is out of range for an NDArray of shape %s", index,
			ndarray_shape_string(array, buf, sizeof(buf)));
		return -1;
	}
	/* shape[0] > index >= 0, so the division is exact. */
	*stride = array->size / (size_t) array->shape[0];
	return index;
}

ZEND_METHOD(Rindow_GRU_NDArray, offsetGet)
{
	zval *offset;
	php_gru_ndarray *array;
	zend_long index;
	size_t stride;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ZVAL(offset)
	ZEND_PARSE_PARAMETERS_END();
	NDARRAY_THIS(array);

	index = ndarray_index(array, offset, &stride);
	if (index < 0) {
		RETURN_THROWS();
	}
	if (array->ndim == 1) {
		element_get(ndarray_data(array), array->dtype, (size_t) index, return_value);
		return;
	}
	ndarray_make(return_value, array->buffer, array->dtype, array->shape + 1, array->ndim - 1,
		array->offset + (zend_long) ((size_t) index * stride), stride);
}

/* Copies an NDArray-like value of shape (shape, ndim) into dst. */
static zend_result assign_from_array(char *dst, zend_long dtype, size_t value_size, const zend_long *shape,
		uint32_t ndim, zval *value)
{
	php_gru_array_view view;
	size_t i;
	char want[PHP_GRU_SHAPE_STRING_SIZE], given[PHP_GRU_SHAPE_STRING_SIZE];

	if (php_gru_array_open(value, "value", &view) == FAILURE) {
		return FAILURE;
	}
	if (view.ndim != ndim || memcmp(view.shape, shape, ndim * sizeof(zend_long)) != 0) {
		php_gru_throw_invalid("Cannot assign an array of shape %s to a row of shape %s",
			php_gru_shape_to_string(view.shape, view.ndim, given, sizeof(given)),
			php_gru_shape_to_string(shape, ndim, want, sizeof(want)));
		php_gru_array_release(&view);
		return FAILURE;
	}
	if (view.dtype == dtype) {
		/* The value may be a view of the same buffer. */
		if (view.size > 0) {
			memmove(dst, view.data, view.size * value_size);
		}
	} else {
		for (i = 0; i < view.size; i++) {
			zval item;

			element_get(view.data, view.dtype, i, &item);
			element_set(dst, dtype, i, &item);
		}
	}
	php_gru_array_release(&view);
	return SUCCESS;
}

/* Copies a nested PHP array of shape (shape, ndim) into dst; nothing is written on failure. */
static zend_result assign_from_nested(char *dst, zend_long dtype, size_t value_size, const zend_long *shape,
		uint32_t ndim, size_t size, zval *value)
{
	nested_fill fill;
	zend_result result;

	fill.name = "value";
	fill.data = safe_emalloc(size > 0 ? size : 1, value_size, 0);
	fill.dtype = dtype;
	fill.position = 0;
	fill.shape = shape;
	fill.ndim = ndim;
	result = nested_fill_from(&fill, value, 0);
	if (result == SUCCESS && size > 0) {
		memcpy(dst, fill.data, size * value_size);
	}
	efree(fill.data);
	return result;
}

ZEND_METHOD(Rindow_GRU_NDArray, offsetSet)
{
	zval *offset, *value;
	php_gru_ndarray *array;
	zend_long index;
	size_t stride, value_size;
	char *row;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_ZVAL(offset)
		Z_PARAM_ZVAL(value)
	ZEND_PARSE_PARAMETERS_END();
	NDARRAY_THIS(array);

	index = ndarray_index(array, offset, &stride);
	if (index < 0) {
		RETURN_THROWS();
	}
	ZVAL_DEREF(value);
	if (array->ndim == 1) {
		if (!element_set(ndarray_data(array), array->dtype, (size_t) index, value)) {
			php_gru_throw_invalid("An element of a 1-dimensional NDArray must be a number or bool, %s given",
				zend_zval_type_name(value));
			RETURN_THROWS();
		}
		return;
	}
	value_size = (size_t) ndarray_buffer(array)->value_size;
	row = ndarray_data(array) + (size_t) index * stride * value_size;
	if (Z_TYPE_P(value) == IS_OBJECT) {
		assign_from_array(row, array->dtype, value_size, array->shape + 1, array->ndim - 1, value);
	} else if (Z_TYPE_P(value) == IS_ARRAY) {
		assign_from_nested(row, array->dtype, value_size, array->shape + 1, array->ndim - 1, stride, value);
	} else {
		char buf[PHP_GRU_SHAPE_STRING_SIZE];

		php_gru_throw_invalid("A row of shape %s must be assigned an NDArray or a nested array, %s given",
			php_gru_shape_to_string(array->shape + 1, array->ndim - 1, buf, sizeof(buf)), zend_zval_type_name(value));
	}
}

ZEND_METHOD(Rindow_GRU_NDArray, offsetUnset)
{
	zval *offset;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ZVAL(offset)
	ZEND_PARSE_PARAMETERS_END();

	(void) offset;
	zend_throw_exception(spl_ce_LogicException, "Cannot unset an element of Rindow\\GRU\\NDArray", 0);
}

ZEND_METHOD(Rindow_GRU_NDArray, getIterator)
{
	php_gru_ndarray *array;
	zval rows;
	zend_long i;

	ZEND_PARSE_PARAMETERS_NONE();
	NDARRAY_THIS(array);

	if (array->ndim == 0) {
		zend_throw_exception(spl_ce_LogicException, "Cannot iterate over a 0-dimensional Rindow\\GRU\\NDArray", 0);
		RETURN_THROWS();
	}
	array_init_size(&rows, (uint32_t) array->shape[0]);
	for (i = 0; i < array->shape[0]; i++) {
		zval row;
		size_t stride = array->size / (size_t) array->shape[0];

		if (array->ndim == 1) {
			element_get(ndarray_data(array), array->dtype, (size_t) i, &row);
		} else {
			ndarray_make(&row, array->buffer, array->dtype, array->shape + 1, array->ndim - 1,
				array->offset + (zend_long) ((size_t) i * stride), stride);
		}
		add_next_index_zval(&rows, &row);
	}
	object_init_ex(return_value, spl_ce_ArrayIterator);
	zend_call_known_instance_method_with_1_params(spl_ce_ArrayIterator->constructor, Z_OBJ_P(return_value), NULL, &rows);
	zval_ptr_dtor(&rows);
}
/* }}} */

void php_gru_register_ndarray_classes(void)
{
	php_gru_buffer_ce = register_class_Rindow_GRU_Buffer(zend_ce_countable, zend_ce_arrayaccess);
	php_gru_buffer_ce->create_object = buffer_create_object;
	memcpy(&buffer_handlers, &std_object_handlers, sizeof(zend_object_handlers));
	buffer_handlers.offset = XtOffsetOf(php_gru_buffer, std);
	buffer_handlers.free_obj = buffer_free;
	buffer_handlers.clone_obj = buffer_clone;
	buffer_handlers.compare = zend_objects_not_comparable;

	php_gru_ndarray_ce = register_class_Rindow_GRU_NDArray(zend_ce_countable, zend_ce_arrayaccess, zend_ce_aggregate);
	php_gru_ndarray_ce->create_object = ndarray_create_object;
	memcpy(&ndarray_handlers, &std_object_handlers, sizeof(zend_object_handlers));
	ndarray_handlers.offset = XtOffsetOf(php_gru_ndarray, std);
	ndarray_handlers.free_obj = ndarray_free;
	ndarray_handlers.clone_obj = ndarray_clone;
	ndarray_handlers.compare = zend_objects_not_comparable;
}
