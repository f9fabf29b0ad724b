/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: 2d87c7fcbd7b444dc94fb6c4e2d099ee2432cc73 */

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_Rindow_GRU_Buffer___construct, 0, 0, 2)
	ZEND_ARG_TYPE_INFO(0, size, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, dtype, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_GRU_Buffer_count, 0, 0, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_GRU_Buffer_offsetExists, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, offset, IS_MIXED, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_class_Rindow_GRU_Buffer_offsetGet, 0, 1, MAY_BE_LONG|MAY_BE_DOUBLE|MAY_BE_BOOL)
	ZEND_ARG_TYPE_INFO(0, offset, IS_MIXED, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_GRU_Buffer_offsetSet, 0, 2, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, offset, IS_MIXED, 0)
	ZEND_ARG_TYPE_INFO(0, value, IS_MIXED, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_GRU_Buffer_offsetUnset, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, offset, IS_MIXED, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Rindow_GRU_Buffer_dtype arginfo_class_Rindow_GRU_Buffer_count

#define arginfo_class_Rindow_GRU_Buffer_value_size arginfo_class_Rindow_GRU_Buffer_count

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_GRU_Buffer_dump, 0, 0, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_GRU_Buffer_load, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, data, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_Rindow_GRU_NDArray___construct, 0, 0, 3)
	ZEND_ARG_OBJ_INFO(0, buffer, Rindow\\GRU\\Buffer, 0)
	ZEND_ARG_TYPE_INFO(0, dtype, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, shape, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, offset, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Rindow_GRU_NDArray_fromArray, 0, 1, Rindow\\GRU\\\116DArray, 0)
	ZEND_ARG_TYPE_INFO(0, array, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, dtype, IS_LONG, 0, "Rindow\\GRU\\NDArray::float32")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Rindow_GRU_NDArray_zeros, 0, 1, Rindow\\GRU\\\116DArray, 0)
	ZEND_ARG_TYPE_INFO(0, shape, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, dtype, IS_LONG, 0, "Rindow\\GRU\\NDArray::float32")
ZEND_END_ARG_INFO()

#define arginfo_class_Rindow_GRU_NDArray_ones arginfo_class_Rindow_GRU_NDArray_zeros

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Rindow_GRU_NDArray_from, 0, 1, Rindow\\GRU\\\116DArray, 0)
	ZEND_ARG_TYPE_INFO(0, array, IS_OBJECT, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_GRU_NDArray_shape, 0, 0, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Rindow_GRU_NDArray_ndim arginfo_class_Rindow_GRU_Buffer_count

#define arginfo_class_Rindow_GRU_NDArray_dtype arginfo_class_Rindow_GRU_Buffer_count

#define arginfo_class_Rindow_GRU_NDArray_size arginfo_class_Rindow_GRU_Buffer_count

#define arginfo_class_Rindow_GRU_NDArray_offset arginfo_class_Rindow_GRU_Buffer_count

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Rindow_GRU_NDArray_buffer, 0, 0, Rindow\\GRU\\Buffer, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Rindow_GRU_NDArray_reshape, 0, 1, Rindow\\GRU\\\116DArray, 0)
	ZEND_ARG_TYPE_INFO(0, shape, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_class_Rindow_GRU_NDArray_toArray, 0, 0, MAY_BE_ARRAY|MAY_BE_LONG|MAY_BE_DOUBLE|MAY_BE_BOOL)
ZEND_END_ARG_INFO()

#define arginfo_class_Rindow_GRU_NDArray_count arginfo_class_Rindow_GRU_Buffer_count

#define arginfo_class_Rindow_GRU_NDArray_offsetExists arginfo_class_Rindow_GRU_Buffer_offsetExists

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_GRU_NDArray_offsetGet, 0, 1, IS_MIXED, 0)
	ZEND_ARG_TYPE_INFO(0, offset, IS_MIXED, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Rindow_GRU_NDArray_offsetSet arginfo_class_Rindow_GRU_Buffer_offsetSet

#define arginfo_class_Rindow_GRU_NDArray_offsetUnset arginfo_class_Rindow_GRU_Buffer_offsetUnset

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Rindow_GRU_NDArray_getIterator, 0, 0, Iterator, 0)
ZEND_END_ARG_INFO()


ZEND_METHOD(Rindow_GRU_Buffer, __construct);
ZEND_METHOD(Rindow_GRU_Buffer, count);
ZEND_METHOD(Rindow_GRU_Buffer, offsetExists);
ZEND_METHOD(Rindow_GRU_Buffer, offsetGet);
ZEND_METHOD(Rindow_GRU_Buffer, offsetSet);
ZEND_METHOD(Rindow_GRU_Buffer, offsetUnset);
ZEND_METHOD(Rindow_GRU_Buffer, dtype);
ZEND_METHOD(Rindow_GRU_Buffer, value_size);
ZEND_METHOD(Rindow_GRU_Buffer, dump);
ZEND_METHOD(Rindow_GRU_Buffer, load);
ZEND_METHOD(Rindow_GRU_NDArray, __construct);
ZEND_METHOD(Rindow_GRU_NDArray, fromArray);
ZEND_METHOD(Rindow_GRU_NDArray, zeros);
ZEND_METHOD(Rindow_GRU_NDArray, ones);
ZEND_METHOD(Rindow_GRU_NDArray, from);
ZEND_METHOD(Rindow_GRU_NDArray, shape);
ZEND_METHOD(Rindow_GRU_NDArray, ndim);
ZEND_METHOD(Rindow_GRU_NDArray, dtype);
ZEND_METHOD(Rindow_GRU_NDArray, size);
ZEND_METHOD(Rindow_GRU_NDArray, offset);
ZEND_METHOD(Rindow_GRU_NDArray, buffer);
ZEND_METHOD(Rindow_GRU_NDArray, reshape);
ZEND_METHOD(Rindow_GRU_NDArray, toArray);
ZEND_METHOD(Rindow_GRU_NDArray, count);
ZEND_METHOD(Rindow_GRU_NDArray, offsetExists);
ZEND_METHOD(Rindow_GRU_NDArray, offsetGet);
ZEND_METHOD(Rindow_GRU_NDArray, offsetSet);
ZEND_METHOD(Rindow_GRU_NDArray, offsetUnset);
ZEND_METHOD(Rindow_GRU_NDArray, getIterator);


static const zend_function_entry class_Rindow_GRU_Buffer_methods[] = {
	ZEND_ME(Rindow_GRU_Buffer, __construct, arginfo_class_Rindow_GRU_Buffer___construct, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_Buffer, count, arginfo_class_Rindow_GRU_Buffer_count, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_Buffer, offsetExists, arginfo_class_Rindow_GRU_Buffer_offsetExists, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_Buffer, offsetGet, arginfo_class_Rindow_GRU_Buffer_offsetGet, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_Buffer, offsetSet, arginfo_class_Rindow_GRU_Buffer_offsetSet, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_Buffer, offsetUnset, arginfo_class_Rindow_GRU_Buffer_offsetUnset, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_Buffer, dtype, arginfo_class_Rindow_GRU_Buffer_dtype, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_Buffer, value_size, arginfo_class_Rindow_GRU_Buffer_value_size, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_Buffer, dump, arginfo_class_Rindow_GRU_Buffer_dump, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_Buffer, load, arginfo_class_Rindow_GRU_Buffer_load, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};


static const zend_function_entry class_Rindow_GRU_NDArray_methods[] = {
	ZEND_ME(Rindow_GRU_NDArray, __construct, arginfo_class_Rindow_GRU_NDArray___construct, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_NDArray, fromArray, arginfo_class_Rindow_GRU_NDArray_fromArray, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Rindow_GRU_NDArray, zeros, arginfo_class_Rindow_GRU_NDArray_zeros, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Rindow_GRU_NDArray, ones, arginfo_class_Rindow_GRU_NDArray_ones, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Rindow_GRU_NDArray, from, arginfo_class_Rindow_GRU_NDArray_from, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Rindow_GRU_NDArray, shape, arginfo_class_Rindow_GRU_NDArray_shape, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_NDArray, ndim, arginfo_class_Rindow_GRU_NDArray_ndim, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_NDArray, dtype, arginfo_class_Rindow_GRU_NDArray_dtype, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_NDArray, size, arginfo_class_Rindow_GRU_NDArray_size, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_NDArray, offset, arginfo_class_Rindow_GRU_NDArray_offset, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_NDArray, buffer, arginfo_class_Rindow_GRU_NDArray_buffer, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_NDArray, reshape, arginfo_class_Rindow_GRU_NDArray_reshape, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_NDArray, toArray, arginfo_class_Rindow_GRU_NDArray_toArray, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_NDArray, count, arginfo_class_Rindow_GRU_NDArray_count, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_NDArray, offsetExists, arginfo_class_Rindow_GRU_NDArray_offsetExists, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_NDArray, offsetGet, arginfo_class_Rindow_GRU_NDArray_offsetGet, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_NDArray, offsetSet, arginfo_class_Rindow_GRU_NDArray_offsetSet, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_NDArray, offsetUnset, arginfo_class_Rindow_GRU_NDArray_offsetUnset, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_GRU_NDArray, getIterator, arginfo_class_Rindow_GRU_NDArray_getIterator, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};

static zend_class_entry *register_class_Rindow_GRU_Buffer(zend_class_entry *class_entry_Countable, zend_class_entry *class_entry_ArrayAccess)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Rindow\\GRU", "Buffer", class_Rindow_GRU_Buffer_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NO_DYNAMIC_PROPERTIES|ZEND_ACC_NOT_SERIALIZABLE;
	zend_class_implements(class_entry, 2, class_entry_Countable, class_entry_ArrayAccess);

	return class_entry;
}

static zend_class_entry *register_class_Rindow_GRU_NDArray(zend_class_entry *class_entry_Countable, zend_class_entry *class_entry_ArrayAccess, zend_class_entry *class_entry_IteratorAggregate)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Rindow\\GRU", "NDArray", class_Rindow_GRU_NDArray_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NO_DYNAMIC_PROPERTIES|ZEND_ACC_NOT_SERIALIZABLE;
	zend_class_implements(class_entry, 3, class_entry_Countable, class_entry_ArrayAccess, class_entry_IteratorAggregate);

	zval const_bool_value;
	ZVAL_LONG(&const_bool_value, 1);
	zend_string *const_bool_name = zend_string_init_interned("bool", sizeof("bool") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_bool_name, &const_bool_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_bool_name);

	zval const_int8_value;
	ZVAL_LONG(&const_int8_value, 2);
	zend_string *const_int8_name = zend_string_init_interned("int8", sizeof("int8") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_int8_name, &const_int8_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_int8_name);

	zval const_int16_value;
	ZVAL_LONG(&const_int16_value, 3);
	zend_string *const_int16_name = zend_string_init_interned("int16", sizeof("int16") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_int16_name, &const_int16_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_int16_name);

	zval const_int32_value;
	ZVAL_LONG(&const_int32_value, 4);
	zend_string *const_int32_name = zend_string_init_interned("int32", sizeof("int32") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_int32_name, &const_int32_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_int32_name);

	zval const_int64_value;
	ZVAL_LONG(&const_int64_value, 5);
	zend_string *const_int64_name = zend_string_init_interned("int64", sizeof("int64") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_int64_name, &const_int64_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_int64_name);

	zval const_uint8_value;
	ZVAL_LONG(&const_uint8_value, 6);
	zend_string *const_uint8_name = zend_string_init_interned("uint8", sizeof("uint8") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_uint8_name, &const_uint8_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_uint8_name);

	zval const_uint16_value;
	ZVAL_LONG(&const_uint16_value, 7);
	zend_string *const_uint16_name = zend_string_init_interned("uint16", sizeof("uint16") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_uint16_name, &const_uint16_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_uint16_name);

	zval const_uint32_value;
	ZVAL_LONG(&const_uint32_value, 8);
	zend_string *const_uint32_name = zend_string_init_interned("uint32", sizeof("uint32") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_uint32_name, &const_uint32_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_uint32_name);

	zval const_uint64_value;
	ZVAL_LONG(&const_uint64_value, 9);
	zend_string *const_uint64_name = zend_string_init_interned("uint64", sizeof("uint64") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_uint64_name, &const_uint64_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_uint64_name);

	zval const_float8_value;
	ZVAL_LONG(&const_float8_value, 10);
	zend_string *const_float8_name = zend_string_init_interned("float8", sizeof("float8") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_float8_name, &const_float8_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_float8_name);

	zval const_float16_value;
	ZVAL_LONG(&const_float16_value, 11);
	zend_string *const_float16_name = zend_string_init_interned("float16", sizeof("float16") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_float16_name, &const_float16_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_float16_name);

	zval const_float32_value;
	ZVAL_LONG(&const_float32_value, 12);
	zend_string *const_float32_name = zend_string_init_interned("float32", sizeof("float32") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_float32_name, &const_float32_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_float32_name);

	zval const_float64_value;
	ZVAL_LONG(&const_float64_value, 13);
	zend_string *const_float64_name = zend_string_init_interned("float64", sizeof("float64") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_float64_name, &const_float64_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_float64_name);

	return class_entry;
}
