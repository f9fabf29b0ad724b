/*
 * NDArray interop: views of whatever arrays PHP code hands the extension.
 * See gru_array.h and "Interop with NDArrays" in the design notes.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "zend_interfaces.h"

#include "gru_array.h"
#include "gru_exceptions.h"
#include "gru_memory.h"
#include "gru_ndarray.h"
#include "gru_ndarray_private.h"

/*
 * What a view of a dump()/load() buffer holds in view->copy: the bytes of
 * the array (view->data points into them), and where they sit in the
 * buffer, for commit().
 */
typedef struct {
	zend_string *bytes;
	size_t offset_bytes;
	size_t buffer_bytes;
} php_gru_array_copy;

static const char *const dtype_names[] = {
	"unknown", "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
	"float8", "float16", "float32", "float64"
};

size_t php_gru_dtype_size(zend_long dtype)
{
	switch (dtype) {
		case PHP_GRU_DTYPE_BOOL:
		case PHP_GRU_DTYPE_INT8:
		case PHP_GRU_DTYPE_UINT8:
			return 1;
		case PHP_GRU_DTYPE_INT32:
		case PHP_GRU_DTYPE_FLOAT32:
			return 4;
		case PHP_GRU_DTYPE_FLOAT64:
			return 8;
		default:
			return 0;
	}
}

const char *php_gru_dtype_name(zend_long dtype)
{
	if (dtype < 1 || dtype >= (zend_long) (sizeof(dtype_names) / sizeof(dtype_names[0]))) {
		return "unknown";
	}
	return dtype_names[dtype];
}

const char *php_gru_shape_to_string(const zend_long *shape, uint32_t ndim, char *buf, size_t buf_size)
{
	size_t used = 0;
	uint32_t i;

	if (buf_size < 6) {
		if (buf_size > 0) {
			buf[0] = '\0';
		}
		return buf;
	}
	buf[used++] = '(';
	for (i = 0; i < ndim; i++) {
		int n = snprintf(buf + used, buf_size - used, i == 0 ? ZEND_LONG_FMT : "," ZEND_LONG_FMT, shape[i]);

		/* Keep room for "...)" and the terminator. */
		if (n < 0 || used + (size_t) n + 5 > buf_size) {
			memcpy(buf + used, "...", 3);
			used += 3;
			break;
		}
		used += (size_t) n;
	}
	buf[used++] = ')';
	buf[used] = '\0';
	return buf;
}

bool php_gru_shape_size(const zend_long *shape, uint32_t ndim, size_t *size)
{
	size_t product = 1;
	uint32_t i;

	for (i = 0; i < ndim; i++) {
		if (shape[i] < 0 || !gru_size_mul(product, (size_t) shape[i], &product)) {
			return false;
		}
	}
	*size = product;
	return true;
}

zend_result php_gru_shape_from_array(const HashTable *array, const char *what, zend_long *shape, uint32_t *ndim,
		size_t *size)
{
	uint32_t count = zend_hash_num_elements(array);
	uint32_t i = 0;
	zval *dim;
	size_t product;
	char buf[PHP_GRU_SHAPE_STRING_SIZE];

	if (count > PHP_GRU_MAX_NDIM) {
		php_gru_throw_invalid("%s has %u dimensions; at most %d are supported", what, count, PHP_GRU_MAX_NDIM);
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL((HashTable *) array, dim) {
		ZVAL_DEREF(dim);
		if (Z_TYPE_P(dim) != IS_LONG) {
			php_gru_throw_invalid("%s must be an array of integers, %s given at position %u",
				what, zend_zval_type_name(dim), i);
			return FAILURE;
		}
		shape[i++] = Z_LVAL_P(dim);
	} ZEND_HASH_FOREACH_END();
	*ndim = count;
	for (i = 0; i < count; i++) {
		if (shape[i] < 0) {
			php_gru_throw_invalid("%s must not have negative dimensions, %s given", what,
				php_gru_shape_to_string(shape, count, buf, sizeof(buf)));
			return FAILURE;
		}
	}
	if (!php_gru_shape_size(shape, count, &product)) {
		php_gru_throw_invalid("%s %s has too many elements", what, php_gru_shape_to_string(shape, count, buf, sizeof(buf)));
		return FAILURE;
	}
	if (size != NULL) {
		*size = product;
	}
	return SUCCESS;
}

/* A public, non-static, non-abstract method of ce by its lowercase name, or NULL. */
static zend_function *find_method(zend_class_entry *ce, const char *name, size_t len)
{
	zend_function *fn = zend_hash_str_find_ptr(&ce->function_table, name, len);

	if (fn == NULL || !(fn->common.fn_flags & ZEND_ACC_PUBLIC)
			|| (fn->common.fn_flags & (ZEND_ACC_STATIC | ZEND_ACC_ABSTRACT))) {
		return NULL;
	}
	return fn;
}

#define FIND_METHOD(ce, name) find_method((ce), (name), sizeof(name) - 1)

static zend_result call_method(zend_object *obj, zend_function *fn, zval *retval, uint32_t argc, zval *argv)
{
	ZVAL_UNDEF(retval);
	zend_call_known_instance_method(fn, obj, retval, argc, argv);
	if (EG(exception)) {
		zval_ptr_dtor(retval);
		ZVAL_UNDEF(retval);
		return FAILURE;
	}
	return SUCCESS;
}

static void view_init(php_gru_array_view *view)
{
	memset(view, 0, sizeof(*view));
	ZVAL_UNDEF(&view->buffer);
}

/* Fills the view's shape and sizes; FAILURE on an unsupported dtype or a size overflow. */
static zend_result view_set_shape(php_gru_array_view *view, const char *arg_name, zend_long dtype,
		const zend_long *shape, uint32_t ndim)
{
	size_t value_size = php_gru_dtype_size(dtype);
	size_t size, bytes;
	char buf[PHP_GRU_SHAPE_STRING_SIZE];

	if (value_size == 0) {
		php_gru_throw_invalid("%s must have dtype bool, int8, int32, uint8, float32 or float64, %s (" ZEND_LONG_FMT ") given",
			arg_name, php_gru_dtype_name(dtype), dtype);
		return FAILURE;
	}
	if (!php_gru_shape_size(shape, ndim, &size) || !gru_size_mul(size, value_size, &bytes)) {
		php_gru_throw_invalid("%s of shape %s has too many elements", arg_name,
			php_gru_shape_to_string(shape, ndim, buf, sizeof(buf)));
		return FAILURE;
	}
	view->dtype = dtype;
	view->ndim = ndim;
	memcpy(view->shape, shape, ndim * sizeof(zend_long));
	view->size = size;
	view->value_size = value_size;
	return SUCCESS;
}

/* Rindow\GRU\NDArray: in place, no method call. */
static zend_result open_own(zend_object *obj, const char *arg_name, php_gru_array_view *view)
{
	php_gru_ndarray *array = php_gru_ndarray_from_obj(obj);
	php_gru_buffer *buffer;

	if (array->buffer == NULL) {
		zend_throw_error(NULL, "%s is an uninitialized %s", arg_name, ZSTR_VAL(obj->ce->name));
		return FAILURE;
	}
	buffer = php_gru_buffer_from_obj(array->buffer);
	view->dtype = array->dtype;
	view->ndim = array->ndim;
	memcpy(view->shape, array->shape, array->ndim * sizeof(zend_long));
	view->size = array->size;
	view->value_size = (size_t) buffer->value_size;
	view->data = (char *) buffer->data + (size_t) array->offset * view->value_size;
	/* Hold the buffer: the array may be a temporary (a Variable's value()). */
	GC_ADDREF(array->buffer);
	ZVAL_OBJ(&view->buffer, array->buffer);
	return SUCCESS;
}

/* Whether obj is a buffer whose C layout we may read: ours or polite-math's. */
static php_gru_buffer *trusted_buffer(zend_object *obj)
{
	php_gru_buffer *buffer;

	if (obj->ce == php_gru_buffer_ce) {
		return php_gru_buffer_from_obj(obj);
	}
	/*
	 * Only an internal class can have a C struct around its zend_object;
	 * with std at the same offset as ours, the signature field lies inside
	 * the object's allocation and is safe to read.
	 */
	if (obj->ce->type != ZEND_INTERNAL_CLASS || obj->handlers->offset != XtOffsetOf(php_gru_buffer, std)) {
		return NULL;
	}
	buffer = php_gru_buffer_from_obj(obj);
	if (buffer->signature != PHP_GRU_LINEAR_BUFFER_SIGNATURE) {
		return NULL;
	}
	return buffer;
}

/* count() of a buffer object, or -1 when it has none or it fails. */
static zend_long buffer_count(zend_object *obj)
{
	zend_function *count_fn = FIND_METHOD(obj->ce, "count");
	zval count;
	zend_long n = -1;

	if (count_fn == NULL || call_method(obj, count_fn, &count, 0, NULL) == FAILURE) {
		if (EG(exception)) {
			zend_clear_exception();
		}
		return -1;
	}
	if (Z_TYPE(count) == IS_LONG) {
		n = Z_LVAL(count);
	}
	zval_ptr_dtor(&count);
	return n;
}

/*
 * Opens a buffer object in place or by dump(); view's shape is already set.
 * With `overwrite`, the caller will write every element before commit(), so
 * a dump()/load() buffer that the array covers exactly is not dumped: its
 * copy starts zero-filled (one copy saved per output array).
 */
static zend_result open_buffer(zval *buffer_zv, zend_long offset, const char *arg_name, zend_class_entry *array_ce,
		php_gru_array_view *view, bool overwrite)
{
	zend_object *obj;
	php_gru_buffer *buffer;
	zend_function *fn;
	size_t needed, bytes = view->size * view->value_size, offset_bytes;
	zval dumped;

	if (offset < 0) {
		php_gru_throw_invalid("%s has a negative offset (" ZEND_LONG_FMT ")", arg_name, offset);
		return FAILURE;
	}
	if (!gru_size_add(view->size, (size_t) offset, &needed)
			|| !gru_size_mul((size_t) offset, view->value_size, &offset_bytes)) {
		php_gru_throw_invalid("%s has an offset too large (" ZEND_LONG_FMT ")", arg_name, offset);
		return FAILURE;
	}
	if (Z_TYPE_P(buffer_zv) != IS_OBJECT) {
		php_gru_throw_invalid("%s must be an NDArray with a readable buffer, %s given (its buffer() returned %s)",
			arg_name, ZSTR_VAL(array_ce->name), zend_zval_type_name(buffer_zv));
		return FAILURE;
	}
	obj = Z_OBJ_P(buffer_zv);

	buffer = trusted_buffer(obj);
	if (buffer != NULL) {
		if (buffer->dtype != view->dtype || buffer->value_size != (zend_long) view->value_size) {
			php_gru_throw_invalid("%s has dtype %s but its buffer holds %s (" ZEND_LONG_FMT " bytes per value)",
				arg_name, php_gru_dtype_name(view->dtype), php_gru_dtype_name(buffer->dtype), buffer->value_size);
			return FAILURE;
		}
		if (buffer->size < 0 || needed > (size_t) buffer->size) {
			php_gru_throw_invalid("%s does not fit in its buffer: offset " ZEND_LONG_FMT " + size %zu > buffer size " ZEND_LONG_FMT,
				arg_name, offset, view->size, buffer->size);
			return FAILURE;
		}
		if (buffer->data == NULL && needed > 0) {
			php_gru_throw_invalid("%s has a buffer with no data", arg_name);
			return FAILURE;
		}
		view->data = buffer->data ? (char *) buffer->data + offset_bytes : NULL;
		ZVAL_COPY(&view->buffer, buffer_zv);
		return SUCCESS;
	}

	fn = FIND_METHOD(obj->ce, "dump");
	if (fn == NULL) {
		php_gru_throw_invalid("%s must be an NDArray with a readable buffer, %s given (its buffer, %s, has neither "
			"the polite-math LinearBuffer layout nor dump())", arg_name, ZSTR_VAL(array_ce->name), ZSTR_VAL(obj->ce->name));
		return FAILURE;
	}

	/* A buffer that tells its dtype must agree with the array's. */
	{
		zend_function *dtype_fn = FIND_METHOD(obj->ce, "dtype");
		zval dtype;

		if (dtype_fn != NULL) {
			if (call_method(obj, dtype_fn, &dtype, 0, NULL) == FAILURE) {
				return FAILURE;
			}
			if (Z_TYPE(dtype) == IS_LONG && Z_LVAL(dtype) != view->dtype) {
				php_gru_throw_invalid("%s has dtype %s but its buffer holds %s", arg_name,
					php_gru_dtype_name(view->dtype), php_gru_dtype_name(Z_LVAL(dtype)));
				zval_ptr_dtor(&dtype);
				return FAILURE;
			}
			zval_ptr_dtor(&dtype);
		}
	}

	if (overwrite && offset == 0 && buffer_count(obj) == (zend_long) view->size) {
		php_gru_array_copy *copy;

		if (php_gru_check_memory(bytes, arg_name) == FAILURE) {
			return FAILURE;
		}
		copy = emalloc(sizeof(*copy));
		copy->bytes = zend_string_alloc(bytes, 0);
		memset(ZSTR_VAL(copy->bytes), 0, bytes);
		ZSTR_VAL(copy->bytes)[bytes] = '\0';
		copy->offset_bytes = 0;
		copy->buffer_bytes = bytes;
		view->copy = copy;
		view->data = ZSTR_VAL(copy->bytes);
		ZVAL_COPY(&view->buffer, buffer_zv);
		return SUCCESS;
	}

	if (call_method(obj, fn, &dumped, 0, NULL) == FAILURE) {
		return FAILURE;
	}
	if (Z_TYPE(dumped) != IS_STRING) {
		php_gru_throw_invalid("%s: %s::dump() must return a string, %s given", arg_name, ZSTR_VAL(obj->ce->name),
			zend_zval_type_name(&dumped));
		zval_ptr_dtor(&dumped);
		return FAILURE;
	}
	if (Z_STRLEN(dumped) < offset_bytes || Z_STRLEN(dumped) - offset_bytes < bytes) {
		php_gru_throw_invalid("%s does not fit in its buffer: offset " ZEND_LONG_FMT " + size %zu values of %zu bytes, "
			"but %s::dump() gave %zu bytes", arg_name, offset, view->size, view->value_size, ZSTR_VAL(obj->ce->name),
			Z_STRLEN(dumped));
		zval_ptr_dtor(&dumped);
		return FAILURE;
	}

	{
		php_gru_array_copy *copy;
		zend_string *bytes_str;
		size_t buffer_bytes = Z_STRLEN(dumped);

		if (offset_bytes == 0 && buffer_bytes == bytes && !ZSTR_IS_INTERNED(Z_STR(dumped))
				&& GC_REFCOUNT(Z_STR(dumped)) == 1) {
			/* Nobody else sees this string: it becomes our copy. */
			bytes_str = Z_STR(dumped);
		} else {
			if (php_gru_check_memory(bytes, arg_name) == FAILURE) {
				zval_ptr_dtor(&dumped);
				return FAILURE;
			}
			bytes_str = zend_string_init(Z_STRVAL(dumped) + offset_bytes, bytes, 0);
			zval_ptr_dtor(&dumped);
		}
		copy = emalloc(sizeof(*copy));
		copy->bytes = bytes_str;
		copy->offset_bytes = offset_bytes;
		copy->buffer_bytes = buffer_bytes;
		view->copy = copy;
		view->data = ZSTR_VAL(bytes_str);
	}
	ZVAL_COPY(&view->buffer, buffer_zv);
	return SUCCESS;
}

static zend_result open_object(zval *array, const char *arg_name, php_gru_array_view *view, bool by_value,
		bool overwrite)
{
	zend_object *obj = Z_OBJ_P(array);
	zend_class_entry *ce = obj->ce;
	zend_function *buffer_fn, *shape_fn, *dtype_fn, *offset_fn;
	zval shape_zv, dtype_zv, offset_zv, buffer_zv;
	zend_long shape[PHP_GRU_MAX_NDIM];
	uint32_t ndim;
	zend_long offset = 0;
	zend_result result;
	char what[128];

	if (ce == php_gru_ndarray_ce) {
		return open_own(obj, arg_name, view);
	}

	buffer_fn = FIND_METHOD(ce, "buffer");
	if (buffer_fn == NULL) {
		zend_function *value_fn = by_value ? FIND_METHOD(ce, "value") : NULL;
		zval value;

		if (value_fn == NULL) {
			php_gru_throw_invalid("%s must be an NDArray, %s given", arg_name, ZSTR_VAL(ce->name));
			return FAILURE;
		}
		/* A Rindow Variable: read its value, once. */
		if (call_method(obj, value_fn, &value, 0, NULL) == FAILURE) {
			return FAILURE;
		}
		if (Z_TYPE(value) != IS_OBJECT) {
			php_gru_throw_invalid("%s must be an NDArray, %s given whose value() is %s", arg_name, ZSTR_VAL(ce->name),
				zend_zval_type_name(&value));
			zval_ptr_dtor(&value);
			return FAILURE;
		}
		result = open_object(&value, arg_name, view, false, overwrite);
		zval_ptr_dtor(&value);
		return result;
	}

	shape_fn = FIND_METHOD(ce, "shape");
	dtype_fn = FIND_METHOD(ce, "dtype");
	offset_fn = FIND_METHOD(ce, "offset");
	if (shape_fn == NULL || dtype_fn == NULL) {
		php_gru_throw_invalid("%s must be an NDArray (with shape(), dtype(), offset() and buffer()), %s given",
			arg_name, ZSTR_VAL(ce->name));
		return FAILURE;
	}

	if (call_method(obj, shape_fn, &shape_zv, 0, NULL) == FAILURE) {
		return FAILURE;
	}
	if (Z_TYPE(shape_zv) != IS_ARRAY) {
		php_gru_throw_invalid("%s: %s::shape() must return an array, %s given", arg_name, ZSTR_VAL(ce->name),
			zend_zval_type_name(&shape_zv));
		zval_ptr_dtor(&shape_zv);
		return FAILURE;
	}
	snprintf(what, sizeof(what), "%s->shape()", arg_name);
	result = php_gru_shape_from_array(Z_ARRVAL(shape_zv), what, shape, &ndim, NULL);
	zval_ptr_dtor(&shape_zv);
	if (result == FAILURE) {
		return FAILURE;
	}

	if (call_method(obj, dtype_fn, &dtype_zv, 0, NULL) == FAILURE) {
		return FAILURE;
	}
	if (Z_TYPE(dtype_zv) != IS_LONG) {
		php_gru_throw_invalid("%s: %s::dtype() must return an int, %s given", arg_name, ZSTR_VAL(ce->name),
			zend_zval_type_name(&dtype_zv));
		zval_ptr_dtor(&dtype_zv);
		return FAILURE;
	}
	if (view_set_shape(view, arg_name, Z_LVAL(dtype_zv), shape, ndim) == FAILURE) {
		return FAILURE;
	}

	if (offset_fn != NULL) {
		if (call_method(obj, offset_fn, &offset_zv, 0, NULL) == FAILURE) {
			return FAILURE;
		}
		if (Z_TYPE(offset_zv) != IS_LONG) {
			php_gru_throw_invalid("%s: %s::offset() must return an int, %s given", arg_name, ZSTR_VAL(ce->name),
				zend_zval_type_name(&offset_zv));
			zval_ptr_dtor(&offset_zv);
			return FAILURE;
		}
		offset = Z_LVAL(offset_zv);
	}

	if (call_method(obj, buffer_fn, &buffer_zv, 0, NULL) == FAILURE) {
		return FAILURE;
	}
	result = open_buffer(&buffer_zv, offset, arg_name, ce, view, overwrite);
	zval_ptr_dtor(&buffer_zv);
	return result;
}

zend_result php_gru_array_open(zval *array, const char *arg_name, php_gru_array_view *view)
{
	view_init(view);
	ZVAL_DEREF(array);
	if (Z_TYPE_P(array) != IS_OBJECT) {
		php_gru_throw_invalid("%s must be an NDArray, %s given", arg_name, zend_zval_type_name(array));
		return FAILURE;
	}
	if (open_object(array, arg_name, view, true, false) == FAILURE) {
		php_gru_array_release(view);
		return FAILURE;
	}
	return SUCCESS;
}

static zend_result create_own(const zend_long *shape, uint32_t ndim, zend_long dtype, zval *result,
		php_gru_array_view *view)
{
	if (php_gru_ndarray_new(result, shape, ndim, dtype) == NULL) {
		ZVAL_UNDEF(result);
		return FAILURE;
	}
	return open_own(Z_OBJ_P(result), "result", view);
}

zend_result php_gru_array_create(const zval *like, zval *backend, const zend_long *shape, uint32_t ndim,
		zend_long dtype, zval *result, php_gru_array_view *view)
{
	zend_function *zeros_fn;
	zval args[2];
	uint32_t i;
	char given[PHP_GRU_SHAPE_STRING_SIZE], wanted[PHP_GRU_SHAPE_STRING_SIZE];

	view_init(view);
	ZVAL_UNDEF(result);
	if (like != NULL) {
		ZVAL_DEREF(like);
	}
	if (backend != NULL) {
		ZVAL_DEREF(backend);
	}
	if (like == NULL || Z_TYPE_P(like) != IS_OBJECT || Z_OBJCE_P(like) == php_gru_ndarray_ce
			|| backend == NULL || Z_TYPE_P(backend) != IS_OBJECT
			|| (zeros_fn = FIND_METHOD(Z_OBJCE_P(backend), "zeros")) == NULL) {
		return create_own(shape, ndim, dtype, result, view);
	}

	/* Rindow's family: $backend->zeros($shape, $dtype). */
	array_init_size(&args[0], ndim);
	for (i = 0; i < ndim; i++) {
		add_next_index_long(&args[0], shape[i]);
	}
	ZVAL_LONG(&args[1], dtype);
	if (call_method(Z_OBJ_P(backend), zeros_fn, result, 2, args) == FAILURE) {
		zval_ptr_dtor(&args[0]);
		return FAILURE;
	}
	zval_ptr_dtor(&args[0]);
	if (Z_TYPE_P(result) != IS_OBJECT) {
		php_gru_throw_invalid("%s::zeros() must return an NDArray, %s given", ZSTR_VAL(Z_OBJCE_P(backend)->name),
			zend_zval_type_name(result));
		goto fail;
	}
	/* Every element gets written before commit(): no need to read the zeros back. */
	if (open_object(result, "result", view, false, true) == FAILURE) {
		php_gru_array_release(view);
		goto fail;
	}
	if (view->dtype != dtype || view->ndim != ndim || memcmp(view->shape, shape, ndim * sizeof(zend_long)) != 0) {
		php_gru_throw_runtime("%s::zeros(%s, %s) returned an array of shape %s and dtype %s",
			ZSTR_VAL(Z_OBJCE_P(backend)->name), php_gru_shape_to_string(shape, ndim, wanted, sizeof(wanted)),
			php_gru_dtype_name(dtype), php_gru_shape_to_string(view->shape, view->ndim, given, sizeof(given)),
			php_gru_dtype_name(view->dtype));
		php_gru_array_release(view);
		goto fail;
	}
	return SUCCESS;

fail:
	zval_ptr_dtor(result);
	ZVAL_UNDEF(result);
	return FAILURE;
}

/* load($bytes) on the view's buffer. */
static zend_result load_bytes(php_gru_array_view *view, zend_function *load_fn, zend_string *bytes)
{
	zval arg, retval;
	zend_result result;

	ZVAL_STR_COPY(&arg, bytes);
	result = call_method(Z_OBJ(view->buffer), load_fn, &retval, 1, &arg);
	zval_ptr_dtor(&arg);
	zval_ptr_dtor(&retval);
	return result;
}

zend_result php_gru_array_commit(php_gru_array_view *view)
{
	php_gru_array_copy *copy = view->copy;
	zend_object *obj;
	zend_function *load_fn, *dump_fn;
	size_t bytes;
	zval dumped;
	zend_string *whole;
	zend_result result;

	if (copy == NULL) {
		return SUCCESS;
	}
	ZEND_ASSERT(Z_TYPE(view->buffer) == IS_OBJECT);
	obj = Z_OBJ(view->buffer);
	load_fn = FIND_METHOD(obj->ce, "load");
	if (load_fn == NULL) {
		php_gru_throw_invalid("Cannot write into a buffer of class %s: it has dump() but no load()", ZSTR_VAL(obj->ce->name));
		return FAILURE;
	}
	bytes = view->size * view->value_size;
	zend_string_forget_hash_val(copy->bytes);

	if (copy->offset_bytes == 0 && copy->buffer_bytes == bytes) {
		result = load_bytes(view, load_fn, copy->bytes);
		if (GC_REFCOUNT(copy->bytes) > 1) {
			/* load() kept the string: later writes must not reach it. */
			zend_string *own = zend_string_init(ZSTR_VAL(copy->bytes), bytes, 0);

			zend_string_release(copy->bytes);
			copy->bytes = own;
			view->data = ZSTR_VAL(own);
		}
		return result;
	}

	/* The array is part of the buffer: dump it whole, patch the region, load it back. */
	dump_fn = FIND_METHOD(obj->ce, "dump");
	if (dump_fn == NULL || call_method(obj, dump_fn, &dumped, 0, NULL) == FAILURE) {
		if (!EG(exception)) {
			php_gru_throw_runtime("Cannot write into a buffer of class %s: its dump() went away", ZSTR_VAL(obj->ce->name));
		}
		return FAILURE;
	}
	if (Z_TYPE(dumped) != IS_STRING || Z_STRLEN(dumped) != copy->buffer_bytes) {
		php_gru_throw_runtime("Cannot write into a buffer of class %s: it changed size (%zu bytes, now %zu)",
			ZSTR_VAL(obj->ce->name), copy->buffer_bytes, Z_TYPE(dumped) == IS_STRING ? Z_STRLEN(dumped) : 0);
		zval_ptr_dtor(&dumped);
		return FAILURE;
	}
	if (!ZSTR_IS_INTERNED(Z_STR(dumped)) && GC_REFCOUNT(Z_STR(dumped)) == 1) {
		whole = Z_STR(dumped);
		zend_string_forget_hash_val(whole);
	} else {
		whole = zend_string_init(Z_STRVAL(dumped), Z_STRLEN(dumped), 0);
		zval_ptr_dtor(&dumped);
	}
	memcpy(ZSTR_VAL(whole) + copy->offset_bytes, ZSTR_VAL(copy->bytes), bytes);
	result = load_bytes(view, load_fn, whole);
	zend_string_release(whole);
	return result;
}

void php_gru_array_release(php_gru_array_view *view)
{
	php_gru_array_copy *copy = view->copy;

	if (copy != NULL) {
		zend_string_release(copy->bytes);
		efree(copy);
		view->copy = NULL;
	}
	zval_ptr_dtor(&view->buffer);
	ZVAL_UNDEF(&view->buffer);
	view->data = NULL;
}

zend_result php_gru_check_list(const HashTable *array, const char *what)
{
	zend_string *method, *key;
	zend_ulong index, expected = 0;

	if (zend_array_is_list((HashTable *) array)) {
		return SUCCESS;
	}
	method = get_active_function_or_method_name();
	ZEND_HASH_FOREACH_KEY((HashTable *) array, index, key) {
		if (key != NULL) {
			php_gru_throw_invalid("%s(): %s must be a list (keys 0, 1, ... in order), string key '%s' given",
				ZSTR_VAL(method), what, ZSTR_VAL(key));
			break;
		}
		if (index != expected) {
			php_gru_throw_invalid("%s(): %s must be a list (keys 0, 1, ... in order), key " ZEND_ULONG_FMT
				" given at position " ZEND_ULONG_FMT, ZSTR_VAL(method), what, index, expected);
			break;
		}
		expected++;
	} ZEND_HASH_FOREACH_END();
	zend_string_release(method);
	return FAILURE;
}
