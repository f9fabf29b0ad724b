/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: fc675adff8ab9b1cd6f7e28c026e905c7f46df8b */

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell___construct, 0, 0, 0)
	ZEND_ARG_TYPE_MASK(0, backend, MAY_BE_OBJECT|MAY_BE_LONG|MAY_BE_NULL, "null")
	ZEND_ARG_VARIADIC_TYPE_INFO(0, options, IS_MIXED, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_build, 0, 0, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, inputs, IS_MIXED, 0, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, sampleWeights, IS_ARRAY, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_forward, 0, 2, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, inputs, IS_OBJECT, 0)
	ZEND_ARG_TYPE_INFO(0, states, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, training, IS_MIXED, 0, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, calcState, IS_OBJECT, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_backward, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, dStates, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, calcState, IS_OBJECT, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getParams, 0, 0, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getGrads arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getParams

#define arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getWeights arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getParams

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_setWeights, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, weights, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getPyTorchWeights, 0, 0, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, suffix, IS_STRING, 0, "\'\'")
ZEND_END_ARG_INFO()

#define arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getPyTorchGrads arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getPyTorchWeights

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_setPyTorchWeights, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, stateDict, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, suffix, IS_STRING, 0, "\'\'")
ZEND_END_ARG_INFO()

#define arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_outputShape arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getParams

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_inputShape, 0, 0, IS_ARRAY, 1)
ZEND_END_ARG_INFO()

#define arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getConfig arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getParams

#define arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getLosses arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getParams

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getRegularizationLoss, 0, 0, IS_DOUBLE, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_applyConstraints, 0, 0, IS_VOID, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_name, 0, 0, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_isBuilt, 0, 0, _IS_BOOL, 0)
ZEND_END_ARG_INFO()


ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, __construct);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, build);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, forward);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, backward);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, getParams);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, getGrads);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, getWeights);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, setWeights);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, getPyTorchWeights);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, getPyTorchGrads);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, setPyTorchWeights);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, outputShape);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, inputShape);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, getConfig);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, getLosses);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, getRegularizationLoss);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, applyConstraints);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, name);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRUCell, isBuilt);


static const zend_function_entry class_Rindow_NeuralNetworks_Layer_GRUCell_methods[] = {
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, __construct, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell___construct, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, build, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_build, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, forward, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_forward, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, backward, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_backward, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, getParams, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getParams, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, getGrads, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getGrads, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, getWeights, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getWeights, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, setWeights, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_setWeights, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, getPyTorchWeights, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getPyTorchWeights, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, getPyTorchGrads, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getPyTorchGrads, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, setPyTorchWeights, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_setPyTorchWeights, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, outputShape, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_outputShape, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, inputShape, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_inputShape, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, getConfig, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getConfig, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, getLosses, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getLosses, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, getRegularizationLoss, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_getRegularizationLoss, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, applyConstraints, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_applyConstraints, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, name, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_name, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRUCell, isBuilt, arginfo_class_Rindow_NeuralNetworks_Layer_GRUCell_isBuilt, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};

static zend_class_entry *register_class_Rindow_NeuralNetworks_Layer_GRUCell(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Rindow\\NeuralNetworks\\Layer", "GRUCell", class_Rindow_NeuralNetworks_Layer_GRUCell_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_NOT_SERIALIZABLE;

	return class_entry;
}
