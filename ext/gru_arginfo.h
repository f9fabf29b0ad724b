/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: f09cb2fceb9b584d6906842a55012c84f9b81455 */

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRU___construct, 0, 0, 0)
	ZEND_ARG_TYPE_MASK(0, backend, MAY_BE_OBJECT|MAY_BE_LONG|MAY_BE_NULL, "null")
	ZEND_ARG_VARIADIC_TYPE_INFO(0, options, IS_MIXED, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRU_build, 0, 0, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, inputs, IS_MIXED, 0, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, sampleWeights, IS_ARRAY, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRU_forward, 0, 1, MAY_BE_OBJECT|MAY_BE_ARRAY)
	ZEND_ARG_TYPE_INFO(0, inputs, IS_OBJECT, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, training, IS_MIXED, 0, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, initialStates, IS_ARRAY, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, mask, IS_OBJECT, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRU_backward, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, dOutputs, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Rindow_NeuralNetworks_Layer_GRU___invoke arginfo_class_Rindow_NeuralNetworks_Layer_GRU_forward

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getParams, 0, 0, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getGrads arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getParams

#define arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getWeights arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getParams

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRU_setWeights, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, weights, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getPyTorchWeights, 0, 0, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, suffix, IS_STRING, 0, "\'_l0\'")
ZEND_END_ARG_INFO()

#define arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getPyTorchGrads arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getPyTorchWeights

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRU_setPyTorchWeights, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, stateDict, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, suffix, IS_STRING, 0, "\'_l0\'")
ZEND_END_ARG_INFO()

#define arginfo_class_Rindow_NeuralNetworks_Layer_GRU_outputShape arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getParams

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRU_inputShape, 0, 0, IS_ARRAY, 1)
ZEND_END_ARG_INFO()

#define arginfo_class_Rindow_NeuralNetworks_Layer_GRU_statesShapes arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getParams

#define arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getConfig arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getParams

#define arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getLosses arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getParams

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getRegularizationLoss, 0, 0, IS_DOUBLE, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRU_applyConstraints, 0, 0, IS_VOID, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRU_name, 0, 0, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRU_setName, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, name, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Rindow_NeuralNetworks_Layer_GRU_isBuilt, 0, 0, _IS_BOOL, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Rindow_NeuralNetworks_Layer_GRU_resetStates arginfo_class_Rindow_NeuralNetworks_Layer_GRU_applyConstraints


ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, __construct);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, build);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, forward);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, backward);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, __invoke);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, getParams);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, getGrads);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, getWeights);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, setWeights);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, getPyTorchWeights);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, getPyTorchGrads);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, setPyTorchWeights);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, outputShape);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, inputShape);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, statesShapes);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, getConfig);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, getLosses);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, getRegularizationLoss);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, applyConstraints);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, name);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, setName);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, isBuilt);
ZEND_METHOD(Rindow_NeuralNetworks_Layer_GRU, resetStates);


static const zend_function_entry class_Rindow_NeuralNetworks_Layer_GRU_methods[] = {
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, __construct, arginfo_class_Rindow_NeuralNetworks_Layer_GRU___construct, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, build, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_build, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, forward, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_forward, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, backward, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_backward, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, __invoke, arginfo_class_Rindow_NeuralNetworks_Layer_GRU___invoke, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, getParams, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getParams, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, getGrads, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getGrads, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, getWeights, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getWeights, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, setWeights, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_setWeights, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, getPyTorchWeights, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getPyTorchWeights, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, getPyTorchGrads, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getPyTorchGrads, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, setPyTorchWeights, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_setPyTorchWeights, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, outputShape, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_outputShape, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, inputShape, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_inputShape, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, statesShapes, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_statesShapes, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, getConfig, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getConfig, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, getLosses, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getLosses, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, getRegularizationLoss, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_getRegularizationLoss, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, applyConstraints, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_applyConstraints, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, name, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_name, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, setName, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_setName, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, isBuilt, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_isBuilt, ZEND_ACC_PUBLIC)
	ZEND_ME(Rindow_NeuralNetworks_Layer_GRU, resetStates, arginfo_class_Rindow_NeuralNetworks_Layer_GRU_resetStates, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};

static zend_class_entry *register_class_Rindow_NeuralNetworks_Layer_GRU(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Rindow\\NeuralNetworks\\Layer", "GRU", class_Rindow_NeuralNetworks_Layer_GRU_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_NOT_SERIALIZABLE;

	return class_entry;
}
