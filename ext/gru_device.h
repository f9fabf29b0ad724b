/*
 * Where a GRU layer computes: the `device` option ('auto', 'cpu',
 * 'opencl'), the per-process OpenCL context (in the module globals, created
 * at the first forward that needs it, freed at GSHUTDOWN), the ini settings
 * rindow_gru.opencl_platform / rindow_gru.opencl_device, and the dispatch
 * of forward/backward to the CPU or the OpenCL backend.
 */
#ifndef PHP_GRU_DEVICE_H
#define PHP_GRU_DEVICE_H

#include "php.h"
#include "php_rindow_gru.h"
#include "gru.h"

typedef enum {
	PHP_GRU_DEVICE_AUTO = 0,   /* an OpenCL GPU when there is one, else the CPU */
	PHP_GRU_DEVICE_CPU,
	PHP_GRU_DEVICE_OPENCL      /* the OpenCL device the ini settings name (a GPU first) */
} php_gru_device;

/* Whether this build has the OpenCL backend (configure --with-clblast). */
bool php_gru_opencl_built(void);

/* Reads a device name; FAILURE with an exception for unknown ones or 'opencl' in a CPU-only build. */
zend_result php_gru_device_from_name(zend_string *name, php_gru_device *device);
const char *php_gru_device_name(php_gru_device device);

/*
 * The backend a layer with this device runs on now: *opencl is the OpenCL
 * context, or NULL for the CPU. 'auto' never fails (no OpenCL means the
 * CPU); 'opencl' throws (RuntimeException naming the OpenCL error and the
 * ini settings) when no device can be opened.
 */
zend_result php_gru_device_resolve(php_gru_device device, void **opencl);

/* gru_forward()/gru_backward() on the CPU (opencl NULL) or the OpenCL backend. */
gru_status_code php_gru_device_forward(void *opencl, const gru_problem *problem, const gru_weights *weights,
		const gru_forward_args *args, gru_status *status);
gru_status_code php_gru_device_backward(void *opencl, const gru_problem *problem, const gru_weights *weights,
		const gru_backward_args *args, gru_status *status);

void php_gru_device_globals_ctor(zend_rindow_gru_globals *globals);
void php_gru_device_globals_dtor(zend_rindow_gru_globals *globals);

/* phpinfo() rows: the OpenCL devices, or why there are none. */
void php_gru_device_minfo(void);

#endif /* PHP_GRU_DEVICE_H */
