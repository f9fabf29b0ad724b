/*
 * The OpenCL backend: CLBlast for the GEMMs, the kernels of
 * gru_opencl_kernels.h for the gate math. The algorithm, the order of the
 * GEMMs and the trace layout are the CPU backend's (gru_cpu_forward_tmpl.h,
 * gru_cpu_backward_tmpl.h, gru_cpu_internal.h); see gru_opencl.h for the
 * contract. Per call: every buffer is created and uploaded without
 * waiting, the whole sequence is enqueued on the in-order queue, the
 * results are read back without waiting, and the host waits once
 * (clFinish) before releasing the buffers, on every path.
 *
 * Compiled only with HAVE_RINDOW_GRU_OPENCL (configure --with-clblast);
 * otherwise this file is empty.
 */
#ifdef HAVE_RINDOW_GRU_OPENCL

#ifndef CL_TARGET_OPENCL_VERSION
# define CL_TARGET_OPENCL_VERSION 120
#endif

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CL/cl.h>
#include <clblast_c.h>

#include "gru.h"
#include "gru_cpu_internal.h"
#include "gru_opencl.h"
#include "gru_opencl_kernels.h"

enum {
	K_SCALE_ROWS = 0,
	K_ADD_SCALED,
	K_COLUMN_SUMS,
	K_FWD_AFTER,
	K_FWD_BEFORE_GATES,
	K_FWD_BEFORE_UPDATE,
	K_BWD_STEP,
	K_BWD_BEFORE,
	K_COUNT
};

static const char *const kernel_names[K_COUNT] = {
	"gru_scale_rows", "gru_add_scaled", "gru_column_sums", "gru_fwd_after", "gru_fwd_before_gates",
	"gru_fwd_before_update", "gru_bwd_step", "gru_bwd_before"
};

struct gru_opencl_context {
	cl_platform_id platform;
	cl_device_id device;
	cl_context context;
	cl_command_queue queue;
	cl_mem dummy;                     /* bound to buffer arguments a call does not use */
	cl_program programs[2];           /* float, double; built at first use */
	cl_kernel kernels[2][K_COUNT];
	gru_opencl_device_info info;
};

/* ---- error names ---------------------------------------------------------- */

const char *gru_opencl_error_name(int code)
{
	switch (code) {
		case 0: return "CL_SUCCESS";
		case -1: return "CL_DEVICE_NOT_FOUND";
		case -2: return "CL_DEVICE_NOT_AVAILABLE";
		case -3: return "CL_COMPILER_NOT_AVAILABLE";
		case -4: return "CL_MEM_OBJECT_ALLOCATION_FAILURE";
		case -5: return "CL_OUT_OF_RESOURCES";
		case -6: return "CL_OUT_OF_HOST_MEMORY";
		case -7: return "CL_PROFILING_INFO_NOT_AVAILABLE";
		case -8: return "CL_MEM_COPY_OVERLAP";
		case -9: return "CL_IMAGE_FORMAT_MISMATCH";
		case -10: return "CL_IMAGE_FORMAT_NOT_SUPPORTED";
		case -11: return "CL_BUILD_PROGRAM_FAILURE";
		case -12: return "CL_MAP_FAILURE";
		case -13: return "CL_MISALIGNED_SUB_BUFFER_OFFSET";
		case -14: return "CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST";
		case -15: return "CL_COMPILE_PROGRAM_FAILURE";
		case -16: return "CL_LINKER_NOT_AVAILABLE";
		case -17: return "CL_LINK_PROGRAM_FAILURE";
		case -18: return "CL_DEVICE_PARTITION_FAILED";
		case -19: return "CL_KERNEL_ARG_INFO_NOT_AVAILABLE";
		case -30: return "CL_INVALID_VALUE";
		case -31: return "CL_INVALID_DEVICE_TYPE";
		case -32: return "CL_INVALID_PLATFORM";
		case -33: return "CL_INVALID_DEVICE";
		case -34: return "CL_INVALID_CONTEXT";
		case -35: return "CL_INVALID_QUEUE_PROPERTIES";
		case -36: return "CL_INVALID_COMMAND_QUEUE";
		case -37: return "CL_INVALID_HOST_PTR";
		case -38: return "CL_INVALID_MEM_OBJECT";
		case -39: return "CL_INVALID_IMAGE_FORMAT_DESCRIPTOR";
		case -40: return "CL_INVALID_IMAGE_SIZE";
		case -41: return "CL_INVALID_SAMPLER";
		case -42: return "CL_INVALID_BINARY";
		case -43: return "CL_INVALID_BUILD_OPTIONS";
		case -44: return "CL_INVALID_PROGRAM";
		case -45: return "CL_INVALID_PROGRAM_EXECUTABLE";
		case -46: return "CL_INVALID_KERNEL_NAME";
		case -47: return "CL_INVALID_KERNEL_DEFINITION";
		case -48: return "CL_INVALID_KERNEL";
		case -49: return "CL_INVALID_ARG_INDEX";
		case -50: return "CL_INVALID_ARG_VALUE";
		case -51: return "CL_INVALID_ARG_SIZE";
		case -52: return "CL_INVALID_KERNEL_ARGS";
		case -53: return "CL_INVALID_WORK_DIMENSION";
		case -54: return "CL_INVALID_WORK_GROUP_SIZE";
		case -55: return "CL_INVALID_WORK_ITEM_SIZE";
		case -56: return "CL_INVALID_GLOBAL_OFFSET";
		case -57: return "CL_INVALID_EVENT_WAIT_LIST";
		case -58: return "CL_INVALID_EVENT";
		case -59: return "CL_INVALID_OPERATION";
		case -60: return "CL_INVALID_GL_OBJECT";
		case -61: return "CL_INVALID_BUFFER_SIZE";
		case -62: return "CL_INVALID_MIP_LEVEL";
		case -63: return "CL_INVALID_GLOBAL_WORK_SIZE";
		case -64: return "CL_INVALID_PROPERTY";
		case -65: return "CL_INVALID_IMAGE_DESCRIPTOR";
		case -66: return "CL_INVALID_COMPILER_OPTIONS";
		case -67: return "CL_INVALID_LINKER_OPTIONS";
		case -68: return "CL_INVALID_DEVICE_PARTITION_COUNT";
		case -1001: return "CL_PLATFORM_NOT_FOUND_KHR";
		default: return "CL_UNKNOWN_ERROR";
	}
}

const char *gru_opencl_clblast_status_name(int code)
{
	switch (code) {
		case CLBlastSuccess: return "CLBlastSuccess";
		case CLBlastNotImplemented: return "CLBlastNotImplemented";
		case CLBlastInvalidMatrixA: return "CLBlastInvalidMatrixA";
		case CLBlastInvalidMatrixB: return "CLBlastInvalidMatrixB";
		case CLBlastInvalidMatrixC: return "CLBlastInvalidMatrixC";
		case CLBlastInvalidVectorX: return "CLBlastInvalidVectorX";
		case CLBlastInvalidVectorY: return "CLBlastInvalidVectorY";
		case CLBlastInvalidDimension: return "CLBlastInvalidDimension";
		case CLBlastInvalidLeadDimA: return "CLBlastInvalidLeadDimA";
		case CLBlastInvalidLeadDimB: return "CLBlastInvalidLeadDimB";
		case CLBlastInvalidLeadDimC: return "CLBlastInvalidLeadDimC";
		case CLBlastInvalidIncrementX: return "CLBlastInvalidIncrementX";
		case CLBlastInvalidIncrementY: return "CLBlastInvalidIncrementY";
		case CLBlastInsufficientMemoryA: return "CLBlastInsufficientMemoryA";
		case CLBlastInsufficientMemoryB: return "CLBlastInsufficientMemoryB";
		case CLBlastInsufficientMemoryC: return "CLBlastInsufficientMemoryC";
		case CLBlastInsufficientMemoryX: return "CLBlastInsufficientMemoryX";
		case CLBlastInsufficientMemoryY: return "CLBlastInsufficientMemoryY";
		case CLBlastInsufficientMemoryTemp: return "CLBlastInsufficientMemoryTemp";
		case CLBlastInvalidBatchCount: return "CLBlastInvalidBatchCount";
		case CLBlastInvalidOverrideKernel: return "CLBlastInvalidOverrideKernel";
		case CLBlastMissingOverrideParameter: return "CLBlastMissingOverrideParameter";
		case CLBlastInvalidLocalMemUsage: return "CLBlastInvalidLocalMemUsage";
		case CLBlastNoHalfPrecision: return "CLBlastNoHalfPrecision";
		case CLBlastNoDoublePrecision: return "CLBlastNoDoublePrecision";
		case CLBlastInvalidVectorScalar: return "CLBlastInvalidVectorScalar";
		case CLBlastInsufficientMemoryScalar: return "CLBlastInsufficientMemoryScalar";
		case CLBlastDatabaseError: return "CLBlastDatabaseError";
		case CLBlastUnknownError: return "CLBlastUnknownError";
		case CLBlastUnexpectedError: return "CLBlastUnexpectedError";
		default: return gru_opencl_error_name(code);
	}
}

static gru_status_code cl_fail(gru_status *status, cl_int err, const char *what)
{
	return gru_status_set(status, GRU_E_DEVICE, "OpenCL error %s (%d) in %s", gru_opencl_error_name(err),
			(int)err, what);
}

/* ---- devices -------------------------------------------------------------- */

/* A string property, truncated to fit (a too small buffer would make the query fail). */
static void info_string(cl_platform_id platform, cl_device_id device, cl_uint param, char *out, size_t size)
{
	size_t needed = 0;
	char *text;
	cl_int err;

	out[0] = '\0';
	err = device != NULL ? clGetDeviceInfo(device, param, 0, NULL, &needed)
		: clGetPlatformInfo(platform, param, 0, NULL, &needed);
	if (err != CL_SUCCESS || needed == 0 || (text = malloc(needed + 1)) == NULL) {
		return;
	}
	err = device != NULL ? clGetDeviceInfo(device, param, needed, text, NULL)
		: clGetPlatformInfo(platform, param, needed, text, NULL);
	if (err == CL_SUCCESS) {
		text[needed] = '\0';
		snprintf(out, size, "%s", text);
	}
	free(text);
}

static void device_info(cl_platform_id platform, cl_device_id device, int platform_index, int device_index,
		gru_opencl_device_info *info)
{
	cl_device_type type = 0;
	cl_ulong mem = 0, alloc = 0;
	cl_uint units = 0;
	cl_device_fp_config fp64 = 0;

	memset(info, 0, sizeof(*info));
	info->platform_index = platform_index;
	info->device_index = device_index;
	info_string(platform, NULL, CL_PLATFORM_NAME, info->platform_name, sizeof(info->platform_name));
	info_string(NULL, device, CL_DEVICE_NAME, info->device_name, sizeof(info->device_name));
	info_string(NULL, device, CL_DEVICE_VERSION, info->device_version, sizeof(info->device_version));
	clGetDeviceInfo(device, CL_DEVICE_TYPE, sizeof(type), &type, NULL);
	clGetDeviceInfo(device, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof(mem), &mem, NULL);
	clGetDeviceInfo(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof(alloc), &alloc, NULL);
	clGetDeviceInfo(device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof(units), &units, NULL);
	if (clGetDeviceInfo(device, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof(fp64), &fp64, NULL) != CL_SUCCESS) {
		fp64 = 0;
	}
	info->is_gpu = (type & CL_DEVICE_TYPE_GPU) != 0;
	info->has_fp64 = fp64 != 0;
	info->global_mem_bytes = mem;
	info->max_alloc_bytes = alloc;
	info->compute_units = units;
}

/* The platforms, malloc'd into *platforms (freed by the caller). */
static gru_status_code get_platforms(cl_platform_id **platforms, cl_uint *count, gru_status *status)
{
	cl_int err;
	cl_uint n = 0;

	*platforms = NULL;
	*count = 0;
	err = clGetPlatformIDs(0, NULL, &n);
	if (err == CL_SUCCESS && n == 0) {
		err = -1001;
	}
	if (err != CL_SUCCESS) {
		return gru_status_set(status, GRU_E_DEVICE,
				"OpenCL error %s (%d) in clGetPlatformIDs: no OpenCL platform is installed (an ICD such as "
				"pocl-opencl-icd or a GPU driver's)", gru_opencl_error_name(err), (int)err);
	}
	*platforms = malloc(n * sizeof(cl_platform_id));
	if (*platforms == NULL) {
		return gru_status_set(status, GRU_E_NOMEM, "out of memory listing OpenCL platforms");
	}
	err = clGetPlatformIDs(n, *platforms, NULL);
	if (err != CL_SUCCESS) {
		free(*platforms);
		*platforms = NULL;
		return cl_fail(status, err, "clGetPlatformIDs");
	}
	*count = n;
	return GRU_OK;
}

/* The devices of a platform, malloc'd; none is not an error (*count = 0, *devices = NULL). */
static gru_status_code get_devices(cl_platform_id platform, cl_device_id **devices, cl_uint *count,
		gru_status *status)
{
	cl_int err;
	cl_uint n = 0;

	*devices = NULL;
	*count = 0;
	err = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, NULL, &n);
	if (err == CL_DEVICE_NOT_FOUND || (err == CL_SUCCESS && n == 0)) {
		return GRU_OK;
	}
	if (err != CL_SUCCESS) {
		return cl_fail(status, err, "clGetDeviceIDs");
	}
	*devices = malloc(n * sizeof(cl_device_id));
	if (*devices == NULL) {
		return gru_status_set(status, GRU_E_NOMEM, "out of memory listing OpenCL devices");
	}
	err = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, n, *devices, NULL);
	if (err != CL_SUCCESS) {
		free(*devices);
		*devices = NULL;
		return cl_fail(status, err, "clGetDeviceIDs");
	}
	*count = n;
	return GRU_OK;
}

gru_status_code gru_opencl_list_devices(gru_opencl_device_info *infos, size_t capacity, size_t *count,
		gru_status *status)
{
	cl_platform_id *platforms;
	cl_uint np, p;
	size_t total = 0;
	gru_status_code code;

	gru_status_clear(status);
	if (count == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "count must not be NULL");
	}
	*count = 0;
	if ((code = get_platforms(&platforms, &np, status)) != GRU_OK) {
		return code;
	}
	for (p = 0; p < np; p++) {
		cl_device_id *devices;
		cl_uint nd, d;

		if (get_devices(platforms[p], &devices, &nd, status) != GRU_OK) {
			gru_status_clear(status);
			continue;
		}
		for (d = 0; d < nd; d++) {
			if (infos != NULL && total < capacity) {
				device_info(platforms[p], devices[d], (int)p, (int)d, &infos[total]);
			}
			total++;
		}
		free(devices);
	}
	free(platforms);
	*count = total;
	return GRU_OK;
}

gru_status_code gru_opencl_has_gpu(int platform_index, int device_index, bool *found, gru_status *status)
{
	cl_platform_id *platforms;
	cl_uint np, p;

	gru_status_clear(status);
	*found = false;
	if (get_platforms(&platforms, &np, status) != GRU_OK) {
		gru_status_clear(status);
		return GRU_OK;
	}
	if (device_index >= 0 && platform_index < 0) {
		platform_index = 0;
	}
	for (p = 0; p < np && !*found; p++) {
		cl_uint n = 0;

		if (platform_index >= 0 && p != (cl_uint)platform_index) {
			continue;
		}
		if (device_index < 0) {
			*found = clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_GPU, 0, NULL, &n) == CL_SUCCESS && n > 0;
		} else {
			cl_device_id *devices;
			cl_device_type type = 0;

			if (get_devices(platforms[p], &devices, &n, status) != GRU_OK) {
				gru_status_clear(status);
				continue;
			}
			if ((cl_uint)device_index < n
					&& clGetDeviceInfo(devices[device_index], CL_DEVICE_TYPE, sizeof(type), &type, NULL) == CL_SUCCESS) {
				*found = (type & CL_DEVICE_TYPE_GPU) != 0;
			}
			free(devices);
		}
	}
	free(platforms);
	return GRU_OK;
}

gru_opencl_context *gru_opencl_context_create(int platform_index, int device_index, bool prefer_gpu,
		gru_status *status)
{
	cl_platform_id *platforms = NULL, chosen_platform = NULL;
	cl_device_id chosen_device = NULL, first_device = NULL, gpu_device = NULL;
	cl_platform_id first_platform = NULL, gpu_platform = NULL;
	int first_p = -1, first_d = -1, gpu_p = -1, gpu_d = -1, chosen_p, chosen_d;
	cl_uint np, p;
	cl_int err;
	gru_opencl_context *c;

	gru_status_clear(status);
	if (device_index >= 0 && platform_index < 0) {
		platform_index = 0;
	}
	if (get_platforms(&platforms, &np, status) != GRU_OK) {
		return NULL;
	}
	if (platform_index >= 0 && (cl_uint)platform_index >= np) {
		gru_status_set(status, GRU_E_DEVICE,
				"OpenCL error CL_INVALID_PLATFORM (-32): platform index %d does not exist (%u platform%s)",
				platform_index, (unsigned)np, np == 1 ? "" : "s");
		free(platforms);
		return NULL;
	}
	for (p = 0; p < np; p++) {
		cl_device_id *devices;
		cl_uint nd, d;

		if (platform_index >= 0 && p != (cl_uint)platform_index) {
			continue;
		}
		if (get_devices(platforms[p], &devices, &nd, status) != GRU_OK) {
			if (platform_index >= 0) {
				free(platforms);
				return NULL;
			}
			gru_status_clear(status);
			continue;
		}
		if (device_index >= 0 && (cl_uint)device_index >= nd) {
			gru_status_set(status, GRU_E_DEVICE,
					"OpenCL error CL_DEVICE_NOT_FOUND (-1): device index %d does not exist on platform %u (%u device%s)",
					device_index, (unsigned)p, (unsigned)nd, nd == 1 ? "" : "s");
			free(devices);
			free(platforms);
			return NULL;
		}
		for (d = 0; d < nd; d++) {
			cl_device_type type = 0;

			if (device_index >= 0 && d != (cl_uint)device_index) {
				continue;
			}
			if (first_device == NULL) {
				first_device = devices[d];
				first_platform = platforms[p];
				first_p = (int)p;
				first_d = (int)d;
			}
			clGetDeviceInfo(devices[d], CL_DEVICE_TYPE, sizeof(type), &type, NULL);
			if (gpu_device == NULL && (type & CL_DEVICE_TYPE_GPU)) {
				gpu_device = devices[d];
				gpu_platform = platforms[p];
				gpu_p = (int)p;
				gpu_d = (int)d;
			}
		}
		free(devices);
	}
	free(platforms);
	if (first_device == NULL) {
		gru_status_set(status, GRU_E_DEVICE, "OpenCL error CL_DEVICE_NOT_FOUND (-1): no OpenCL device%s",
				platform_index >= 0 ? " on that platform" : "");
		return NULL;
	}
	if (prefer_gpu && gpu_device != NULL) {
		chosen_device = gpu_device;
		chosen_platform = gpu_platform;
		chosen_p = gpu_p;
		chosen_d = gpu_d;
	} else {
		chosen_device = first_device;
		chosen_platform = first_platform;
		chosen_p = first_p;
		chosen_d = first_d;
	}

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		gru_status_set(status, GRU_E_NOMEM, "out of memory creating an OpenCL context");
		return NULL;
	}
	c->platform = chosen_platform;
	c->device = chosen_device;
	device_info(chosen_platform, chosen_device, chosen_p, chosen_d, &c->info);
	{
		cl_context_properties props[3] = {CL_CONTEXT_PLATFORM, (cl_context_properties)chosen_platform, 0};

		c->context = clCreateContext(props, 1, &chosen_device, NULL, NULL, &err);
	}
	if (c->context == NULL || err != CL_SUCCESS) {
		cl_fail(status, err, "clCreateContext");
		c->context = NULL;
		gru_opencl_context_destroy(c);
		return NULL;
	}
	c->queue = clCreateCommandQueue(c->context, chosen_device, 0, &err);
	if (c->queue == NULL || err != CL_SUCCESS) {
		cl_fail(status, err, "clCreateCommandQueue");
		c->queue = NULL;
		gru_opencl_context_destroy(c);
		return NULL;
	}
	c->dummy = clCreateBuffer(c->context, CL_MEM_READ_WRITE, 64, NULL, &err);
	if (c->dummy == NULL || err != CL_SUCCESS) {
		cl_fail(status, err, "clCreateBuffer");
		c->dummy = NULL;
		gru_opencl_context_destroy(c);
		return NULL;
	}
	return c;
}

void gru_opencl_context_destroy(gru_opencl_context *c)
{
	int s, k;

	if (c == NULL) {
		return;
	}
	if (c->queue != NULL) {
		clFinish(c->queue);
	}
	for (s = 0; s < 2; s++) {
		for (k = 0; k < K_COUNT; k++) {
			if (c->kernels[s][k] != NULL) {
				clReleaseKernel(c->kernels[s][k]);
			}
		}
		if (c->programs[s] != NULL) {
			clReleaseProgram(c->programs[s]);
		}
	}
	if (c->dummy != NULL) {
		clReleaseMemObject(c->dummy);
	}
	if (c->queue != NULL) {
		clReleaseCommandQueue(c->queue);
	}
	if (c->context != NULL) {
		clReleaseContext(c->context);
	}
	free(c);
}

void gru_opencl_context_info(const gru_opencl_context *c, gru_opencl_device_info *info)
{
	*info = c->info;
}

/* Builds the program of one element type and creates its kernels, once per context. */
static gru_status_code ensure_program(gru_opencl_context *c, gru_dtype dtype, gru_status *status)
{
	const int slot = dtype == GRU_FLOAT64;
	const char *source = gru_opencl_kernels_source;
	const size_t length = sizeof(gru_opencl_kernels_source) - 1;
	cl_program program;
	cl_int err;
	int k;

	if (c->programs[slot] != NULL) {
		return GRU_OK;
	}
	if (slot && !c->info.has_fp64) {
		return gru_status_set(status, GRU_E_UNSUPPORTED,
				"float64 needs cl_khr_fp64, which the OpenCL device %s lacks: use float32 or device 'cpu'",
				c->info.device_name);
	}
	program = clCreateProgramWithSource(c->context, 1, &source, &length, &err);
	if (program == NULL || err != CL_SUCCESS) {
		return cl_fail(status, err, "clCreateProgramWithSource");
	}
	err = clBuildProgram(program, 1, &c->device, slot ? "-DREAL=double -DGRU_FP64" : "-DREAL=float", NULL, NULL);
	if (err != CL_SUCCESS) {
		char log[160];
		size_t i;

		log[0] = '\0';
		clGetProgramBuildInfo(program, c->device, CL_PROGRAM_BUILD_LOG, sizeof(log) - 1, log, NULL);
		log[sizeof(log) - 1] = '\0';
		for (i = 0; log[i] != '\0'; i++) {
			if (log[i] == '\n' || log[i] == '\r') {
				log[i] = ' ';
			}
		}
		clReleaseProgram(program);
		return gru_status_set(status, GRU_E_DEVICE, "OpenCL error %s (%d) building the GRU kernels: %s",
				gru_opencl_error_name(err), (int)err, log);
	}
	for (k = 0; k < K_COUNT; k++) {
		c->kernels[slot][k] = clCreateKernel(program, kernel_names[k], &err);
		if (c->kernels[slot][k] == NULL || err != CL_SUCCESS) {
			int j;

			for (j = 0; j < k; j++) {
				clReleaseKernel(c->kernels[slot][j]);
				c->kernels[slot][j] = NULL;
			}
			c->kernels[slot][k] = NULL;
			clReleaseProgram(program);
			return cl_fail(status, err, kernel_names[k]);
		}
	}
	c->programs[slot] = program;
	return GRU_OK;
}

/* ---- one call: buffers, uploads, kernels, GEMMs ---------------------------- */

#define CALL_MAX_BUFFERS 24

typedef struct {
	gru_opencl_context *c;
	gru_dtype dtype;
	size_t es;                        /* bytes per element */
	cl_kernel *k;                     /* the kernels of dtype */
	cl_mem mems[CALL_MAX_BUFFERS];
	int count;
	void *host;                       /* host staging, freed after the wait */
} ocl_call;

static void call_init(ocl_call *call, gru_opencl_context *c, gru_dtype dtype)
{
	memset(call, 0, sizeof(*call));
	call->c = c;
	call->dtype = dtype;
	call->es = gru_dtype_size(dtype);
	call->k = c->kernels[dtype == GRU_FLOAT64];
}

/* Waits for everything enqueued (uploads read host memory until then), then releases. */
static gru_status_code call_finish(ocl_call *call, gru_status_code code, gru_status *status)
{
	cl_int err = clFinish(call->c->queue);
	int i;

	if (code == GRU_OK && err != CL_SUCCESS) {
		code = cl_fail(status, err, "clFinish");
	}
	for (i = 0; i < call->count; i++) {
		clReleaseMemObject(call->mems[i]);
	}
	call->count = 0;
	free(call->host);
	call->host = NULL;
	return code;
}

static gru_status_code buffer_bytes(ocl_call *call, size_t bytes, const char *what, cl_mem *mem,
		gru_status *status)
{
	cl_int err;

	*mem = NULL;
	if (bytes == 0) {
		bytes = call->es;
	}
	if (call->count >= CALL_MAX_BUFFERS) {
		return gru_status_set(status, GRU_E_DEVICE, "too many OpenCL buffers in one call (%s)", what);
	}
	if (call->c->info.max_alloc_bytes != 0 && bytes > call->c->info.max_alloc_bytes) {
		return gru_status_set(status, GRU_E_DEVICE,
				"OpenCL error CL_INVALID_BUFFER_SIZE (-61): %s needs %zu bytes, more than the %llu bytes "
				"the device %s allows in one buffer", what, bytes, call->c->info.max_alloc_bytes,
				call->c->info.device_name);
	}
	*mem = clCreateBuffer(call->c->context, CL_MEM_READ_WRITE, bytes, NULL, &err);
	if (*mem == NULL || err != CL_SUCCESS) {
		*mem = NULL;
		return gru_status_set(status, GRU_E_DEVICE, "OpenCL error %s (%d) allocating %s (%zu bytes) on %s",
				gru_opencl_error_name(err), (int)err, what, bytes, call->c->info.device_name);
	}
	call->mems[call->count++] = *mem;
	return GRU_OK;
}

/* A buffer of count elements; with host != NULL, filled from it (without waiting). */
static gru_status_code buffer(ocl_call *call, size_t count, const void *host, const char *what, cl_mem *mem,
		gru_status *status)
{
	gru_status_code code;
	cl_int err;

	/*
	 * CLBlast's kernels index matrices with 32-bit ints; a larger operand
	 * wraps them and faults on the device (seen on an NVIDIA H100, whose
	 * largest buffer holds 5.3 billion floats), so refuse it here.
	 */
	if (count > (size_t)INT_MAX) {
		*mem = NULL;
		return gru_status_set(status, GRU_E_DEVICE,
				"OpenCL: %s needs %zu elements, more than the %d that CLBlast's kernels can index "
				"(32-bit) on %s", what, count, INT_MAX, call->c->info.device_name);
	}
	if ((code = buffer_bytes(call, count * call->es, what, mem, status)) != GRU_OK) {
		return code;
	}
	if (host != NULL) {
		err = clEnqueueWriteBuffer(call->c->queue, *mem, CL_FALSE, 0, count * call->es, host, 0, NULL, NULL);
		if (err != CL_SUCCESS) {
			return cl_fail(status, err, what);
		}
	}
	return GRU_OK;
}

static gru_status_code fill_zero(ocl_call *call, cl_mem mem, size_t count, gru_status *status)
{
	const double zero = 0;
	cl_int err = clEnqueueFillBuffer(call->c->queue, mem, &zero, call->es, 0, count * call->es, 0, NULL, NULL);

	return err == CL_SUCCESS ? GRU_OK : cl_fail(status, err, "clEnqueueFillBuffer");
}

static gru_status_code download(ocl_call *call, cl_mem mem, size_t offset_bytes, size_t bytes, void *host,
		gru_status *status)
{
	cl_int err = clEnqueueReadBuffer(call->c->queue, mem, CL_FALSE, offset_bytes, bytes, host, 0, NULL, NULL);

	return err == CL_SUCCESS ? GRU_OK : cl_fail(status, err, "clEnqueueReadBuffer");
}

/* Kernel arguments in order; the first error is kept. */
typedef struct {
	ocl_call *call;
	cl_kernel kernel;
	cl_uint index;
	cl_int err;
} ocl_args;

static void args_begin(ocl_args *a, ocl_call *call, int kernel)
{
	a->call = call;
	a->kernel = call->k[kernel];
	a->index = 0;
	a->err = CL_SUCCESS;
}

static void arg_mem(ocl_args *a, cl_mem mem)
{
	if (mem == NULL) {
		mem = a->call->c->dummy;
	}
	if (a->err == CL_SUCCESS) {
		a->err = clSetKernelArg(a->kernel, a->index, sizeof(cl_mem), &mem);
	}
	a->index++;
}

static void arg_ulong(ocl_args *a, size_t value)
{
	cl_ulong v = (cl_ulong)value;

	if (a->err == CL_SUCCESS) {
		a->err = clSetKernelArg(a->kernel, a->index, sizeof(v), &v);
	}
	a->index++;
}

static void arg_int(ocl_args *a, int value)
{
	cl_int v = (cl_int)value;

	if (a->err == CL_SUCCESS) {
		a->err = clSetKernelArg(a->kernel, a->index, sizeof(v), &v);
	}
	a->index++;
}

/* Enqueues the kernel on a 1-D (dim1 == 0) or 2-D range. */
static gru_status_code launch(ocl_args *a, size_t dim0, size_t dim1, gru_status *status)
{
	size_t global[2];
	cl_int err;
	char what[64];

	if (a->err != CL_SUCCESS) {
		snprintf(what, sizeof(what), "clSetKernelArg(%u)", (unsigned)(a->index - 1));
		return cl_fail(status, a->err, what);
	}
	global[0] = dim0;
	global[1] = dim1;
	err = clEnqueueNDRangeKernel(a->call->c->queue, a->kernel, dim1 == 0 ? 1 : 2, NULL, global, NULL, 0, NULL, NULL);
	return err == CL_SUCCESS ? GRU_OK : cl_fail(status, err, "clEnqueueNDRangeKernel");
}

/* Row-major C = op(A) op(B) + beta C on the call's queue; offsets and leading dimensions in elements. */
static gru_status_code gemm(ocl_call *call, int trans_a, int trans_b, size_t m, size_t n, size_t k,
		cl_mem a, size_t a_off, size_t lda, cl_mem b, size_t b_off, size_t ldb, double beta,
		cl_mem c, size_t c_off, size_t ldc, gru_status *status)
{
	const CLBlastTranspose ta = trans_a ? CLBlastTransposeYes : CLBlastTransposeNo;
	const CLBlastTranspose tb = trans_b ? CLBlastTransposeYes : CLBlastTransposeNo;
	CLBlastStatusCode s;

	if (call->dtype == GRU_FLOAT32) {
		s = CLBlastSgemm(CLBlastLayoutRowMajor, ta, tb, m, n, k, 1.0f, a, a_off, lda, b, b_off, ldb,
				(float)beta, c, c_off, ldc, &call->c->queue, NULL);
	} else {
		s = CLBlastDgemm(CLBlastLayoutRowMajor, ta, tb, m, n, k, 1.0, a, a_off, lda, b, b_off, ldb,
				beta, c, c_off, ldc, &call->c->queue, NULL);
	}
	if (s != CLBlastSuccess) {
		return gru_status_set(status, GRU_E_DEVICE, "CLBlast error %s (%d) in %cgemm (m %zu, n %zu, k %zu)",
				gru_opencl_clblast_status_name(s), (int)s, call->dtype == GRU_FLOAT32 ? 'S' : 'D', m, n, k);
	}
	return GRU_OK;
}

/* dst[r, :] = src[src_off + r * width + i] * mask[(r / reps) * width + i], for rows rows */
static gru_status_code scale_rows(ocl_call *call, cl_mem dst, cl_mem src, size_t src_off, cl_mem mask,
		size_t reps, size_t width, size_t rows, gru_status *status)
{
	ocl_args a;

	args_begin(&a, call, K_SCALE_ROWS);
	arg_mem(&a, dst);
	arg_mem(&a, src);
	arg_ulong(&a, src_off);
	arg_mem(&a, mask);
	arg_ulong(&a, reps);
	arg_ulong(&a, width);
	return launch(&a, width, rows, status);
}

static gru_status_code add_scaled(ocl_call *call, cl_mem acc, cl_mem src, cl_mem mask, size_t n,
		gru_status *status)
{
	ocl_args a;

	args_begin(&a, call, K_ADD_SCALED);
	arg_mem(&a, acc);
	arg_mem(&a, src);
	arg_mem(&a, mask);
	arg_int(&a, mask != NULL);
	return launch(&a, n, 0, status);
}

static gru_status_code column_sums(ocl_call *call, cl_mem acc, size_t acc_off, cl_mem src, size_t src_off,
		size_t rows, size_t ld, size_t n, gru_status *status)
{
	ocl_args a;

	args_begin(&a, call, K_COLUMN_SUMS);
	arg_mem(&a, acc);
	arg_ulong(&a, acc_off);
	arg_mem(&a, src);
	arg_ulong(&a, src_off);
	arg_ulong(&a, rows);
	arg_ulong(&a, ld);
	return launch(&a, n, 0, status);
}

/* [3H, H] row blocks -> [H, 2H] = [U_z | U_r], on the device. */
static gru_status_code pack_zr(ocl_call *call, cl_mem recurrent, cl_mem packed, size_t units, gru_status *status)
{
	const size_t es = call->es;
	size_t src_origin[3] = {0, 0, 0}, dst_origin[3] = {0, 0, 0}, region[3];
	cl_int err;
	int j;

	region[0] = units * es;
	region[1] = units;
	region[2] = 1;
	for (j = 0; j < 2; j++) {
		src_origin[1] = j * units;
		dst_origin[0] = j * units * es;
		err = clEnqueueCopyBufferRect(call->c->queue, recurrent, packed, src_origin, dst_origin, region,
				units * es, 0, 2 * units * es, 0, 0, NULL, NULL);
		if (err != CL_SUCCESS) {
			return cl_fail(status, err, "clEnqueueCopyBufferRect");
		}
	}
	return GRU_OK;
}

/* Element offsets of the trace blocks (the CPU layout's byte offsets / element size). */
typedef struct {
	size_t hprev, z, r, hh, aux, count;
} trace_offsets;

static void trace_offsets_compute(const gru_problem *p, size_t es, trace_offsets *o)
{
	gru_trace_layout tl;

	gru_trace_layout_compute(p, &tl);
	o->hprev = tl.hprev / es;
	o->z = tl.z / es;
	o->r = tl.r / es;
	o->hh = tl.hh / es;
	o->aux = tl.aux / es;
	o->count = tl.bytes / es;
}

static gru_status_code check_call(gru_opencl_context *c, const gru_problem *p, const gru_weights *w,
		const void *args, const void *input_dropout, const void *recurrent_dropout, gru_status *status)
{
	gru_status_code code;

	if (c == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "OpenCL context must not be NULL");
	}
	if ((code = gru_problem_check(p, status)) != GRU_OK) {
		return code;
	}
	if (w == NULL || args == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "weights and args must not be NULL");
	}
	if (w->kernel == NULL || w->recurrent_kernel == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "kernel and recurrent_kernel must not be NULL");
	}
	if (p->use_bias && w->bias == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "bias must not be NULL when use_bias is true");
	}
	if (input_dropout != NULL && !p->input_dropout) {
		return gru_status_set(status, GRU_E_INVALID, "input_dropout given but problem.input_dropout is false");
	}
	if (recurrent_dropout != NULL && !p->recurrent_dropout) {
		return gru_status_set(status, GRU_E_INVALID,
				"recurrent_dropout given but problem.recurrent_dropout is false");
	}
	return ensure_program(c, p->dtype, status);
}

/* Folded biases as on the CPU: [G] input (+ recurrent z, r when reset_after), [H] recurrent candidate. */
#define GRU_FOLD_BIAS(REAL) do { \
		const REAL *in = (const REAL *)bias_in; \
		REAL *b = (REAL *)bias, *br = (REAL *)brec; \
		for (j = 0; j < gates; j++) { \
			REAL v = 0; \
			if (p->use_bias) { \
				v = in[j]; \
				if (p->reset_after && j < 2 * units) { \
					v += in[gates + j]; \
				} \
			} \
			b[j] = v; \
		} \
		for (j = 0; j < units; j++) { \
			br[j] = (p->use_bias && p->reset_after) ? in[gates + 2 * units + j] : (REAL)0; \
		} \
	} while (0)

static void fold_bias(const gru_problem *p, const void *bias_in, void *bias, void *brec)
{
	const size_t units = p->units, gates = 3 * units;
	size_t j;

	if (p->dtype == GRU_FLOAT32) {
		GRU_FOLD_BIAS(float);
	} else {
		GRU_FOLD_BIAS(double);
	}
}
#undef GRU_FOLD_BIAS

/* ---- forward -------------------------------------------------------------- */

gru_status_code gru_opencl_forward(gru_opencl_context *c, const gru_problem *p, const gru_weights *w,
		const gru_forward_args *a, gru_status *status)
{
	ocl_call call;
	gru_status_code code;
	size_t B, T, I, H, G, rows, es, s;
	cl_mem x = NULL, kernel = NULL, rec = NULL, packed = NULL, bias = NULL, brec = NULL, mask = NULL;
	cl_mem in_mask = NULL, xd = NULL, rec_mask = NULL, hd = NULL, xw = NULL, g = NULL, h = NULL;
	cl_mem out = NULL, rh = NULL, trace = NULL, x_gemm, h_gemm;
	trace_offsets to;
	const int training = a != NULL && a->trace != NULL;

	gru_status_clear(status);
	if ((code = check_call(c, p, w, a, a ? a->input_dropout : NULL, a ? a->recurrent_dropout : NULL,
			status)) != GRU_OK) {
		return code;
	}
	if (a->inputs == NULL || a->outputs == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "inputs and outputs must not be NULL");
	}
	/* x.W is one GEMM on the device already; a host projection would only add a transfer */
	if (a->input_projection != NULL) {
		return gru_status_set(status, GRU_E_UNSUPPORTED, "the OpenCL backend takes no input_projection");
	}
	B = p->batch;
	T = p->steps;
	I = p->features;
	H = p->units;
	G = 3 * H;
	rows = B * T;
	call_init(&call, c, p->dtype);
	es = call.es;
	memset(&to, 0, sizeof(to));
	if (training) {
		trace_offsets_compute(p, es, &to);
	}

	call.host = malloc((G + H) * es);
	if (call.host == NULL) {
		return gru_status_set(status, GRU_E_NOMEM, "out of memory folding the GRU biases");
	}
	fold_bias(p, w->bias, call.host, (char *)call.host + G * es);

#define TRY(expr) do { if ((code = (expr)) != GRU_OK) { goto done; } } while (0)
	TRY(buffer(&call, rows * I, a->inputs, "the inputs", &x, status));
	TRY(buffer(&call, I * G, w->kernel, "the kernel", &kernel, status));
	TRY(buffer(&call, H * G, w->recurrent_kernel, "the recurrent kernel", &rec, status));
	TRY(buffer(&call, G, call.host, "the bias", &bias, status));
	TRY(buffer(&call, H, (char *)call.host + G * es, "the recurrent bias", &brec, status));
	if (!p->reset_after) {
		TRY(buffer(&call, 2 * H * H, NULL, "the packed recurrent kernel", &packed, status));
		TRY(pack_zr(&call, rec, packed, H, status));
	}
	if (a->mask != NULL) {
		TRY(buffer_bytes(&call, rows, "the mask", &mask, status));
		if (clEnqueueWriteBuffer(c->queue, mask, CL_FALSE, 0, rows, a->mask, 0, NULL, NULL) != CL_SUCCESS) {
			code = gru_status_set(status, GRU_E_DEVICE, "OpenCL error uploading the mask");
			goto done;
		}
	}
	TRY(buffer(&call, rows * G, NULL, "the input projections", &xw, status));
	TRY(buffer(&call, B * G, NULL, "the gate buffer", &g, status));
	TRY(buffer(&call, B * H, a->initial_state, "the state", &h, status));
	if (a->initial_state == NULL) {
		TRY(fill_zero(&call, h, B * H, status));
	}
	if (p->return_sequences) {
		TRY(buffer(&call, rows * H, NULL, "the outputs", &out, status));
	}
	if (training) {
		TRY(buffer(&call, to.count, NULL, "the training trace", &trace, status));
	} else if (!p->reset_after) {
		TRY(buffer(&call, B * H, NULL, "r * h", &rh, status));
	}

	x_gemm = x;
	if (a->input_dropout != NULL) {
		TRY(buffer(&call, B * I, a->input_dropout, "the input dropout mask", &in_mask, status));
		TRY(buffer(&call, rows * I, NULL, "the dropped inputs", &xd, status));
		TRY(scale_rows(&call, xd, x, 0, in_mask, T, I, rows, status));
		x_gemm = xd;
	}
	h_gemm = h;
	if (a->recurrent_dropout != NULL) {
		TRY(buffer(&call, B * H, a->recurrent_dropout, "the recurrent dropout mask", &rec_mask, status));
		TRY(buffer(&call, B * H, NULL, "the dropped state", &hd, status));
		TRY(scale_rows(&call, hd, h, 0, rec_mask, 1, H, B, status));
		h_gemm = hd;
	}

	/* inputs of all steps in one GEMM: [B*T, I] x [I, 3H] */
	TRY(gemm(&call, 0, 0, rows, G, I, x_gemm, 0, I, kernel, 0, G, 0, xw, 0, G, status));

	for (s = 0; s < T; s++) {
		const size_t t = p->go_backwards ? T - 1 - s : s;
		ocl_args ka;

		if (p->reset_after) {
			TRY(gemm(&call, 0, 0, B, G, H, h_gemm, 0, H, rec, 0, G, 0, g, 0, G, status));
			args_begin(&ka, &call, K_FWD_AFTER);
			arg_mem(&ka, g);
			arg_mem(&ka, xw);
			arg_mem(&ka, bias);
			arg_mem(&ka, brec);
		} else {
			cl_mem rh_buf = training ? trace : rh;
			const size_t rh_off = training ? to.aux + t * H : 0;
			const size_t rh_ld = training ? T * H : H;

			TRY(gemm(&call, 0, 0, B, 2 * H, H, h_gemm, 0, H, packed, 0, 2 * H, 0, g, 0, G, status));
			args_begin(&ka, &call, K_FWD_BEFORE_GATES);
			arg_mem(&ka, g);
			arg_mem(&ka, xw);
			arg_mem(&ka, bias);
			arg_mem(&ka, h_gemm);
			arg_mem(&ka, rh_buf);
			arg_ulong(&ka, rh_off);
			arg_ulong(&ka, rh_ld);
			arg_ulong(&ka, t);
			arg_ulong(&ka, T);
			arg_ulong(&ka, H);
			arg_int(&ka, (int)p->recurrent_activation);
			TRY(launch(&ka, H, B, status));
			TRY(gemm(&call, 0, 0, B, H, H, rh_buf, rh_off, rh_ld, rec, 2 * H * H, H, 0, g, 2 * H, G, status));
			args_begin(&ka, &call, K_FWD_BEFORE_UPDATE);
			arg_mem(&ka, g);
			arg_mem(&ka, xw);
			arg_mem(&ka, bias);
		}
		arg_mem(&ka, h);
		arg_mem(&ka, mask);
		arg_int(&ka, mask != NULL);
		arg_mem(&ka, out);
		arg_int(&ka, p->return_sequences);
		arg_mem(&ka, trace);
		arg_int(&ka, training);
		arg_ulong(&ka, to.hprev);
		arg_ulong(&ka, to.z);
		arg_ulong(&ka, to.r);
		arg_ulong(&ka, to.hh);
		arg_ulong(&ka, to.aux);
		arg_mem(&ka, hd);
		arg_mem(&ka, rec_mask);
		arg_int(&ka, rec_mask != NULL);
		arg_ulong(&ka, t);
		arg_ulong(&ka, T);
		arg_ulong(&ka, H);
		arg_int(&ka, (int)p->activation);
		if (p->reset_after) {
			arg_int(&ka, (int)p->recurrent_activation);
		}
		TRY(launch(&ka, H, B, status));
	}

	if (p->return_sequences) {
		TRY(download(&call, out, 0, rows * H * es, a->outputs, status));
	} else {
		TRY(download(&call, h, 0, B * H * es, a->outputs, status));
	}
	if (a->final_state != NULL) {
		TRY(download(&call, h, 0, B * H * es, a->final_state, status));
	}
	if (training) {
		TRY(download(&call, trace, 0, to.count * es, a->trace, status));
	}
#undef TRY
done:
	return call_finish(&call, code, status);
}

/* ---- backward ------------------------------------------------------------- */

gru_status_code gru_opencl_backward(gru_opencl_context *c, const gru_problem *p, const gru_weights *w,
		const gru_backward_args *a, gru_status *status)
{
	ocl_call call;
	gru_status_code code;
	size_t B, T, I, H, G, W, rows, es, s, n_bias = 0;
	cl_mem x = NULL, kernel = NULL, rec = NULL, packed = NULL, mask = NULL, in_mask = NULL, xd = NULL;
	cl_mem rec_mask = NULL, hd = NULL, trace = NULL, dout = NULL, dh = NULL, dg = NULL, drh = NULL;
	cl_mem dk = NULL, du = NULL, db = NULL, dx = NULL, x_gemm, hp_gemm;
	size_t hp_off;
	trace_offsets to;
	int j;

	gru_status_clear(status);
	if ((code = check_call(c, p, w, a, a ? a->input_dropout : NULL, a ? a->recurrent_dropout : NULL,
			status)) != GRU_OK) {
		return code;
	}
	if (a->inputs == NULL || a->trace == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "inputs and trace must not be NULL");
	}
	if (a->d_kernel == NULL || a->d_recurrent_kernel == NULL || (p->use_bias && a->d_bias == NULL)) {
		return gru_status_set(status, GRU_E_INVALID, "d_kernel, d_recurrent_kernel and d_bias must not be NULL");
	}
	B = p->batch;
	T = p->steps;
	I = p->features;
	H = p->units;
	G = 3 * H;
	W = p->reset_after ? 4 * H : 3 * H;
	rows = B * T;
	call_init(&call, c, p->dtype);
	es = call.es;
	trace_offsets_compute(p, es, &to);
	if (p->use_bias) {
		n_bias = p->reset_after ? 2 * G : G;
	}

#define TRY(expr) do { if ((code = (expr)) != GRU_OK) { goto done; } } while (0)
	TRY(buffer(&call, rows * I, a->inputs, "the inputs", &x, status));
	TRY(buffer(&call, I * G, w->kernel, "the kernel", &kernel, status));
	TRY(buffer(&call, H * G, w->recurrent_kernel, "the recurrent kernel", &rec, status));
	if (!p->reset_after) {
		TRY(buffer(&call, 2 * H * H, NULL, "the packed recurrent kernel", &packed, status));
		TRY(pack_zr(&call, rec, packed, H, status));
	}
	if (a->mask != NULL) {
		TRY(buffer_bytes(&call, rows, "the mask", &mask, status));
		if (clEnqueueWriteBuffer(c->queue, mask, CL_FALSE, 0, rows, a->mask, 0, NULL, NULL) != CL_SUCCESS) {
			code = gru_status_set(status, GRU_E_DEVICE, "OpenCL error uploading the mask");
			goto done;
		}
	}
	TRY(buffer(&call, to.count, a->trace, "the training trace", &trace, status));
	if (a->d_outputs != NULL) {
		TRY(buffer(&call, p->return_sequences ? rows * H : B * H, a->d_outputs, "dOutputs", &dout, status));
	}
	TRY(buffer(&call, B * H, a->d_state, "the state gradient", &dh, status));
	if (a->d_state == NULL) {
		TRY(fill_zero(&call, dh, B * H, status));
	}
	if (!p->return_sequences && dout != NULL) {
		TRY(add_scaled(&call, dh, dout, NULL, B * H, status));
	}
	TRY(buffer(&call, rows * W, NULL, "the gate gradients", &dg, status));
	if (!p->reset_after || a->recurrent_dropout != NULL) {
		TRY(buffer(&call, B * H, NULL, "the reset gradient", &drh, status));
	}
	if (a->recurrent_dropout != NULL) {
		TRY(buffer(&call, B * H, a->recurrent_dropout, "the recurrent dropout mask", &rec_mask, status));
	}

	for (s = T; s-- > 0;) {
		const size_t t = p->go_backwards ? T - 1 - s : s;
		const size_t dg_off = t * W, dg_ld = T * W;
		ocl_args ka;

		args_begin(&ka, &call, K_BWD_STEP);
		arg_mem(&ka, dh);
		arg_mem(&ka, dout);
		arg_int(&ka, p->return_sequences && dout != NULL);
		arg_mem(&ka, mask);
		arg_int(&ka, mask != NULL);
		arg_mem(&ka, trace);
		arg_ulong(&ka, to.hprev);
		arg_ulong(&ka, to.z);
		arg_ulong(&ka, to.r);
		arg_ulong(&ka, to.hh);
		arg_ulong(&ka, to.aux);
		arg_mem(&ka, dg);
		arg_ulong(&ka, t);
		arg_ulong(&ka, T);
		arg_ulong(&ka, H);
		arg_int(&ka, p->reset_after);
		arg_int(&ka, (int)p->activation);
		arg_int(&ka, (int)p->recurrent_activation);
		TRY(launch(&ka, H, B, status));
		if (p->reset_after) {
			if (rec_mask == NULL) {
				/* dh += [dz | dr | dgh] U^T */
				TRY(gemm(&call, 0, 1, B, H, G, dg, dg_off, dg_ld, rec, 0, G, 1, dh, 0, H, status));
			} else {
				TRY(gemm(&call, 0, 1, B, H, G, dg, dg_off, dg_ld, rec, 0, G, 0, drh, 0, H, status));
				TRY(add_scaled(&call, dh, drh, rec_mask, B * H, status));
			}
		} else {
			TRY(gemm(&call, 0, 1, B, H, H, dg, dg_off + 2 * H, dg_ld, rec, 2 * H * H, H, 0, drh, 0, H, status));
			args_begin(&ka, &call, K_BWD_BEFORE);
			arg_mem(&ka, dh);
			arg_mem(&ka, drh);
			arg_mem(&ka, rec_mask);
			arg_int(&ka, rec_mask != NULL);
			arg_mem(&ka, mask);
			arg_int(&ka, mask != NULL);
			arg_mem(&ka, trace);
			arg_ulong(&ka, to.hprev);
			arg_ulong(&ka, to.r);
			arg_mem(&ka, dg);
			arg_ulong(&ka, t);
			arg_ulong(&ka, T);
			arg_ulong(&ka, H);
			arg_int(&ka, (int)p->recurrent_activation);
			TRY(launch(&ka, H, B, status));
			if (rec_mask == NULL) {
				TRY(gemm(&call, 0, 1, B, H, 2 * H, dg, dg_off, dg_ld, packed, 0, 2 * H, 1, dh, 0, H, status));
			} else {
				TRY(gemm(&call, 0, 1, B, H, 2 * H, dg, dg_off, dg_ld, packed, 0, 2 * H, 1, drh, 0, H, status));
				TRY(add_scaled(&call, dh, drh, rec_mask, B * H, status));
			}
		}
	}
	if (a->d_initial_state != NULL) {
		TRY(download(&call, dh, 0, B * H * es, a->d_initial_state, status));
	}

	/* the weight GEMMs read what the forward's read: inputs * m_in, hprev * m_rec */
	x_gemm = x;
	if (a->input_dropout != NULL) {
		TRY(buffer(&call, B * I, a->input_dropout, "the input dropout mask", &in_mask, status));
		TRY(buffer(&call, rows * I, NULL, "the dropped inputs", &xd, status));
		TRY(scale_rows(&call, xd, x, 0, in_mask, T, I, rows, status));
		x_gemm = xd;
	}
	hp_gemm = trace;
	hp_off = to.hprev;
	if (rec_mask != NULL) {
		TRY(buffer(&call, rows * H, NULL, "the dropped states", &hd, status));
		TRY(scale_rows(&call, hd, trace, to.hprev, rec_mask, T, H, rows, status));
		hp_gemm = hd;
		hp_off = 0;
	}
	TRY(buffer(&call, I * G, NULL, "dKernel", &dk, status));
	TRY(buffer(&call, H * G, NULL, "dRecurrentKernel", &du, status));
	if (p->use_bias) {
		TRY(buffer(&call, n_bias, NULL, "dBias", &db, status));
	}
	if (a->d_inputs != NULL) {
		TRY(buffer(&call, rows * I, NULL, "dInputs", &dx, status));
	}

	if (p->reset_after) {
		/* dg columns: [dz | dr | dgh | dxh] */
		TRY(gemm(&call, 1, 0, I, 2 * H, rows, x_gemm, 0, I, dg, 0, W, 0, dk, 0, G, status));
		TRY(gemm(&call, 1, 0, I, H, rows, x_gemm, 0, I, dg, 3 * H, W, 0, dk, 2 * H, G, status));
		TRY(gemm(&call, 1, 0, H, G, rows, hp_gemm, hp_off, H, dg, 0, W, 0, du, 0, G, status));
		if (dx != NULL) {
			TRY(gemm(&call, 0, 1, rows, I, 2 * H, dg, 0, W, kernel, 0, G, 0, dx, 0, I, status));
			TRY(gemm(&call, 0, 1, rows, I, H, dg, 3 * H, W, kernel, 2 * H, G, 1, dx, 0, I, status));
		}
		if (db != NULL) {
			TRY(column_sums(&call, db, 0, dg, 0, rows, W, 2 * H, status));
			TRY(column_sums(&call, db, 2 * H, dg, 3 * H, rows, W, H, status));
			TRY(column_sums(&call, db, G, dg, 0, rows, W, G, status));
		}
	} else {
		/* dg columns: [dz | dr | dxh]; recurrent kernel [3H, H] in row blocks */
		TRY(gemm(&call, 1, 0, I, G, rows, x_gemm, 0, I, dg, 0, W, 0, dk, 0, G, status));
		for (j = 0; j < 2; j++) {
			TRY(gemm(&call, 1, 0, H, H, rows, hp_gemm, hp_off, H, dg, j * H, W, 0, du, j * H * H, H, status));
		}
		TRY(gemm(&call, 1, 0, H, H, rows, trace, to.aux, H, dg, 2 * H, W, 0, du, 2 * H * H, H, status));
		if (dx != NULL) {
			TRY(gemm(&call, 0, 1, rows, I, G, dg, 0, W, kernel, 0, G, 0, dx, 0, I, status));
		}
		if (db != NULL) {
			TRY(column_sums(&call, db, 0, dg, 0, rows, W, G, status));
		}
	}
	if (dx != NULL && in_mask != NULL) {
		/* dX = (dG W^T) m_in */
		TRY(scale_rows(&call, dx, dx, 0, in_mask, T, I, rows, status));
	}

	TRY(download(&call, dk, 0, I * G * es, a->d_kernel, status));
	TRY(download(&call, du, 0, H * G * es, a->d_recurrent_kernel, status));
	if (db != NULL) {
		TRY(download(&call, db, 0, n_bias * es, a->d_bias, status));
	}
	if (dx != NULL) {
		TRY(download(&call, dx, 0, rows * I * es, a->d_inputs, status));
	}
#undef TRY
done:
	return call_finish(&call, code, status);
}

#else

/* ISO C wants a declaration in every translation unit. */
typedef int gru_opencl_not_built;

#endif /* HAVE_RINDOW_GRU_OPENCL */
