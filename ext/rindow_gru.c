/* rindow_gru: module entry, start-up and phpinfo(). */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "php_ini.h"
#include "ext/standard/info.h"

#include "php_rindow_gru.h"
#include "gru_ndarray.h"
#include "gru_layer.h"
#include "gru_cell.h"
#include "gru_bidirectional.h"
#include "gru_runtime.h"
#include "gru_runtime_class.h"
#include "gru_device.h"
#include "gru_memory.h"

ZEND_DECLARE_MODULE_GLOBALS(rindow_gru)

/*
 * Which OpenCL device the 'opencl' device option (and 'auto', when it finds
 * a GPU) opens: indices as clinfo -l lists them, -1 = any (a GPU first).
 * Changeable at run time; the per-process context is reopened when they change.
 */
PHP_INI_BEGIN()
	STD_PHP_INI_ENTRY("rindow_gru.opencl_platform", "-1", PHP_INI_ALL, OnUpdateLong, opencl_platform,
		zend_rindow_gru_globals, rindow_gru_globals)
	STD_PHP_INI_ENTRY("rindow_gru.opencl_device", "-1", PHP_INI_ALL, OnUpdateLong, opencl_device,
		zend_rindow_gru_globals, rindow_gru_globals)
	/* Transparent huge pages for big blocks (gru_memory.h): off to leave the choice to the system. */
	STD_PHP_INI_BOOLEAN("rindow_gru.huge_pages", "1", PHP_INI_ALL, OnUpdateBool, huge_pages,
		zend_rindow_gru_globals, rindow_gru_globals)
PHP_INI_END()

static PHP_GINIT_FUNCTION(rindow_gru)
{
#if defined(COMPILE_DL_RINDOW_GRU) && defined(ZTS)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	php_gru_device_globals_ctor(rindow_gru_globals);
}

/* Frees this thread's (or process's) OpenCL context. */
static PHP_GSHUTDOWN_FUNCTION(rindow_gru)
{
	php_gru_device_globals_dtor(rindow_gru_globals);
}

static PHP_MINIT_FUNCTION(rindow_gru)
{
	REGISTER_INI_ENTRIES();
	php_gru_register_ndarray_classes();
	php_gru_register_layer_classes();
	php_gru_register_cell_class();
	php_gru_register_bidirectional_class();
	php_gru_register_runtime_class();
	return SUCCESS;
}

static PHP_MSHUTDOWN_FUNCTION(rindow_gru)
{
	UNREGISTER_INI_ENTRIES();
	return SUCCESS;
}

static PHP_MINFO_FUNCTION(rindow_gru)
{
	char buf[64], backends[128];

	php_info_print_table_start();
	php_info_print_table_row(2, "rindow_gru support", "enabled");
	php_info_print_table_row(2, "Version", PHP_RINDOW_GRU_VERSION);
	snprintf(backends, sizeof(backends), "%s%s", gru_runtime_backends(),
		php_gru_opencl_built() ? ", opencl (CLBlast)" : "; opencl not built (configure --with-clblast)");
	php_info_print_table_row(2, "Compute backends", backends);
	php_info_print_table_row(2, "OpenBLAS", gru_runtime_blas_config());
	php_info_print_table_row(2, "OpenBLAS core", gru_runtime_blas_core());
	snprintf(buf, sizeof(buf), "%d", gru_runtime_blas_threads());
	php_info_print_table_row(2, "OpenBLAS threads", buf);
	php_info_print_table_row(2, "CPU features", gru_runtime_cpu_features());
	if (gru_runtime_blas_core_warning()) {
		php_info_print_table_row(2, "Warning", gru_runtime_blas_core_warning());
	}
	php_info_print_table_row(2, "Huge pages", php_gru_huge_pages_state());
	php_gru_device_minfo();
	php_info_print_table_end();
	DISPLAY_INI_ENTRIES();
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
	PHP_MSHUTDOWN(rindow_gru),
	NULL,
	NULL,
	PHP_MINFO(rindow_gru),
	PHP_RINDOW_GRU_VERSION,
	PHP_MODULE_GLOBALS(rindow_gru),
	PHP_GINIT(rindow_gru),
	PHP_GSHUTDOWN(rindow_gru),
	NULL,
	STANDARD_MODULE_PROPERTIES_EX
};

#ifdef COMPILE_DL_RINDOW_GRU
# ifdef ZTS
ZEND_TSRMLS_CACHE_DEFINE()
# endif
ZEND_GET_MODULE(rindow_gru)
#endif
