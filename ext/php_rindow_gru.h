/* rindow_gru: Rindow's GRU layer as a native PHP extension. */
#ifndef PHP_RINDOW_GRU_H
#define PHP_RINDOW_GRU_H

extern zend_module_entry rindow_gru_module_entry;
#define phpext_rindow_gru_ptr &rindow_gru_module_entry

#define PHP_RINDOW_GRU_VERSION "0.1.0"

/* Per thread under ZTS, else per process. */
ZEND_BEGIN_MODULE_GLOBALS(rindow_gru)
	/* the OpenCL device (gru_device.c) */
	zend_long opencl_platform;   /* ini rindow_gru.opencl_platform, -1: any */
	zend_long opencl_device;     /* ini rindow_gru.opencl_device, -1: any */
	void *opencl;                /* gru_opencl_context *, or NULL */
	zend_long opencl_platform_opened;   /* the ini values it was opened with */
	zend_long opencl_device_opened;
	int auto_choice;             /* 0: not probed yet, 1: cpu, 2: opencl */
	zend_long auto_platform_probed;     /* the ini values of that probe */
	zend_long auto_device_probed;
	bool huge_pages;             /* ini rindow_gru.huge_pages (gru_memory.c) */
ZEND_END_MODULE_GLOBALS(rindow_gru)

ZEND_EXTERN_MODULE_GLOBALS(rindow_gru)
#define RINDOW_GRU_G(v) ZEND_MODULE_GLOBALS_ACCESSOR(rindow_gru, v)

#if defined(ZTS) && defined(COMPILE_DL_RINDOW_GRU)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

#endif /* PHP_RINDOW_GRU_H */
