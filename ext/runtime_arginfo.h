/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: 9bfb4bccd2c4dc4e966cd6ecbf59f72b3e9a23da */

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_GRU_Runtime_info, 0, 0, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_GRU_Runtime_gemmGflops, 0, 3, IS_DOUBLE, 0)
	ZEND_ARG_TYPE_INFO(0, m, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, n, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, k, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, repeats, IS_LONG, 0, "5")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, dtype, IS_LONG, 0, "Rindow\\GRU\\NDArray::float32")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_GRU_Runtime_setBlasThreads, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, threads, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_Rindow_GRU_Runtime___construct, 0, 0, 0)
ZEND_END_ARG_INFO()


ZEND_METHOD(Rindow_GRU_Runtime, info);
ZEND_METHOD(Rindow_GRU_Runtime, gemmGflops);
ZEND_METHOD(Rindow_GRU_Runtime, setBlasThreads);
ZEND_METHOD(Rindow_GRU_Runtime, __construct);


static const zend_function_entry class_Rindow_GRU_Runtime_methods[] = {
	ZEND_ME(Rindow_GRU_Runtime, info, arginfo_class_Rindow_GRU_Runtime_info, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Rindow_GRU_Runtime, gemmGflops, arginfo_class_Rindow_GRU_Runtime_gemmGflops, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Rindow_GRU_Runtime, setBlasThreads, arginfo_class_Rindow_GRU_Runtime_setBlasThreads, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Rindow_GRU_Runtime, __construct, arginfo_class_Rindow_GRU_Runtime___construct, ZEND_ACC_PRIVATE)
	ZEND_FE_END
};

static zend_class_entry *register_class_Rindow_GRU_Runtime(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Rindow\\GRU", "Runtime", class_Rindow_GRU_Runtime_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NOT_SERIALIZABLE;

	return class_entry;
}
