/* rindow_gru: module entry, start-up and phpinfo(). */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "ext/standard/info.h"

#include "php_rindow_gru.h"
#include "gru_ndarray.h"
#include "gru_layer.h"
#include "gru_runtime.h"
#include "gru_runtime_class.h"

static PHP_MINIT_FUNCTION(rindow_gru)
{
	php_gru_register_ndarray_classes();
	php_gru_register_layer_classes();
	php_gru_register_runtime_class();
	return SUCCESS;
}

static PHP_MINFO_FUNCTION(rindow_gru)
{
	char buf[64];

	php_info_print_table_start();
	php_info_print_table_row(2, "rindow_gru support", "enabled");
	php_info_print_table_row(2, "Version", PHP_RINDOW_GRU_VERSION);
	php_info_print_table_row(2, "Compute backends", gru_runtime_backends());
	php_info_print_table_row(2, "OpenBLAS", gru_runtime_blas_config());
	php_info_print_table_row(2, "OpenBLAS core", gru_runtime_blas_core());
	snprintf(buf, sizeof(buf), "%d", gru_runtime_blas_threads());
	php_info_print_table_row(2, "OpenBLAS threads", buf);
	php_info_print_table_row(2, "CPU features", gru_runtime_cpu_features());
	if (gru_runtime_blas_core_warning()) {
		php_info_print_table_row(2, "Warning", gru_runtime_blas_core_warning());
	}
	php_info_print_table_end();
}

static const zend_module_dep rindow_gru_deps[] = {
	ZEND_MOD_REQUIRED("spl")
	ZEND_MOD_END
};

zend_module_entry rindow_gru_module_entry = {
	STANDARD_MODULE_HEADER_EX,
	NULL,
	rindow_gru_deps,
	"rindow_gru",
	NULL,
	PHP_MINIT(rindow_gru),
	NULL,
	NULL,
	NULL,
	PHP_MINFO(rindow_gru),
	PHP_RINDOW_GRU_VERSION,
	STANDARD_MODULE_PROPERTIES
};

#ifdef COMPILE_DL_RINDOW_GRU
# ifdef ZTS
ZEND_TSRMLS_CACHE_DEFINE()
# endif
ZEND_GET_MODULE(rindow_gru)
#endif
