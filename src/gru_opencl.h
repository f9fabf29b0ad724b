/*
 * rindow_gru core: the OpenCL backend (CLBlast GEMMs + OpenCL C kernels).
 *
 * Built only with ./configure --with-clblast (HAVE_RINDOW_GRU_OPENCL).
 * Like the rest of src/, it includes no PHP header and keeps no global
 * state: everything lives in a caller-owned gru_opencl_context (platform,
 * device, context, in-order queue, the programs built for it and their
 * kernels). A context is not thread-safe (its kernels' arguments are set
 * per call): use one per thread.
 *
 * The forward and backward take the CPU backend's arguments (gru.h) with
 * HOST pointers, and the same trace layout, so a trace written by one
 * backend's forward serves the other's backward. Per call they upload the
 * inputs and weights, run the whole sequence on the device (one input
 * GEMM; per step one recurrent GEMM, two for reset before, and one fused
 * gate kernel, two for reset before; the weight gradients as single GEMMs
 * over all timesteps), and download the results: every command is enqueued
 * without waiting and the host waits once, at the end. args->workspace is
 * not used (the device workspace is allocated per call) and may be NULL.
 *
 * Errors: every OpenCL or CLBlast failure is GRU_E_DEVICE with the error's
 * name in the message (CL_MEM_OBJECT_ALLOCATION_FAILURE,
 * CL_BUILD_PROGRAM_FAILURE with the head of the build log,
 * CLBlastInsufficientMemoryC, ...); float64 on a device without
 * cl_khr_fp64 is GRU_E_UNSUPPORTED. Every device object is released on
 * every path.
 */
#ifndef RINDOW_GRU_OPENCL_H
#define RINDOW_GRU_OPENCL_H

#include <stdbool.h>
#include <stddef.h>

#include "gru.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gru_opencl_context gru_opencl_context;

typedef struct {
	int platform_index;
	int device_index;           /* within its platform */
	char platform_name[128];
	char device_name[128];
	char device_version[64];    /* "OpenCL 3.0 PoCL ..." */
	bool is_gpu;
	bool has_fp64;
	unsigned long long global_mem_bytes;
	unsigned long long max_alloc_bytes;
	unsigned compute_units;
} gru_opencl_device_info;

/*
 * Lists the OpenCL devices of every platform (at most capacity of them into
 * infos, which may be NULL with capacity 0; *count gets the total). No
 * platform at all is GRU_E_DEVICE (CL_PLATFORM_NOT_FOUND_KHR).
 */
gru_status_code gru_opencl_list_devices(gru_opencl_device_info *infos, size_t capacity, size_t *count,
		gru_status *status);

/*
 * Whether there is an OpenCL GPU (platform_index/device_index < 0: any),
 * asking only for GPU devices: cheap, and it leaves CPU drivers such as
 * PoCL uninitialised. No platform is not an error here (*found = false).
 */
gru_status_code gru_opencl_has_gpu(int platform_index, int device_index, bool *found, gru_status *status);

/*
 * Opens a device. platform_index < 0: any platform; device_index < 0: any
 * device of it. Among the candidates, prefer_gpu picks the first GPU when
 * there is one, else the first device. A given index that does not exist
 * is GRU_E_DEVICE (CL_INVALID_PLATFORM / CL_DEVICE_NOT_FOUND). Programs
 * are built lazily, at the first call of each element type. Returns NULL
 * with status set on failure.
 */
gru_opencl_context *gru_opencl_context_create(int platform_index, int device_index, bool prefer_gpu,
		gru_status *status);

/* Releases everything the context holds; NULL is fine. */
void gru_opencl_context_destroy(gru_opencl_context *context);

/* The device the context runs on. */
void gru_opencl_context_info(const gru_opencl_context *context, gru_opencl_device_info *info);

/* Same contracts as gru_forward() / gru_backward(); args->workspace is ignored. */
gru_status_code gru_opencl_forward(gru_opencl_context *context, const gru_problem *problem,
		const gru_weights *weights, const gru_forward_args *args, gru_status *status);
gru_status_code gru_opencl_backward(gru_opencl_context *context, const gru_problem *problem,
		const gru_weights *weights, const gru_backward_args *args, gru_status *status);

/* "CL_INVALID_VALUE" for -30 etc.; "CL_UNKNOWN_ERROR" for codes it does not know. */
const char *gru_opencl_error_name(int code);
/* "CLBlastInsufficientMemoryC" for -1009 etc.; OpenCL codes as gru_opencl_error_name(). */
const char *gru_opencl_clblast_status_name(int code);

#ifdef __cplusplus
}
#endif

#endif /* RINDOW_GRU_OPENCL_H */
