/* The device option of the GRU layer and the per-process OpenCL context. */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "ext/standard/info.h"

#include "gru.h"
#include "gru_device.h"
#include "gru_exceptions.h"
#ifdef HAVE_RINDOW_GRU_OPENCL
# include "gru_opencl.h"
#endif
#if defined(HAVE_RINDOW_GRU_OPENCL) && !defined(PHP_WIN32)
# include <pthread.h>
# include <signal.h>
#endif

#ifdef HAVE_RINDOW_GRU_OPENCL
/*
 * OpenCL drivers meddle with signals behind PHP's back, in two ways:
 * - they install handlers: PoCL's LLVM registers its own for SIGHUP,
 *   SIGINT, SIGQUIT, SIGTERM, SIGUSR1 and SIGUSR2 the first time it
 *   compiles a kernel. That silently replaces Zend's signal handling and
 *   pcntl_signal() handlers (a worker's SIGUSR1 handler would never run
 *   again; a debug PHP warns "zend_signal: handler was replaced").
 * - they start threads (PoCL's workers) that accept every signal. A
 *   signal sent to the process may then land on such a thread, where a
 *   ZTS PHP's handler finds no PHP context and takes the default action:
 *   SIGUSR1 or SIGTERM kills the process even with a pcntl handler.
 * So every call into OpenCL is bracketed by signals_save()/
 * signals_restore(): the signals Zend and pcntl users care about are
 * blocked in this thread during the call (threads it starts inherit the
 * block, so they never receive them) and the handlers PHP had are put back
 * afterwards; a signal that came during the call is delivered, to PHP's
 * handler, when the block is lifted. Handlers for faults (SIGSEGV, ...)
 * are left to the driver. sigaction() is per process: two threads of a ZTS
 * PHP opening OpenCL at the same moment could still see each other's
 * state; the first compile per process is the only moment this matters.
 */
#ifndef PHP_WIN32
static const int guarded_signals[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGPROF};
# define GUARDED_SIGNALS (sizeof(guarded_signals) / sizeof(guarded_signals[0]))
typedef struct {
	struct sigaction actions[GUARDED_SIGNALS];
	bool saved[GUARDED_SIGNALS];
	sigset_t mask;        /* this thread's mask before the call */
	bool masked;
} signal_state;

static void signals_save(signal_state *state)
{
	sigset_t block;
	size_t i;

	sigemptyset(&block);
	for (i = 0; i < GUARDED_SIGNALS; i++) {
		state->saved[i] = sigaction(guarded_signals[i], NULL, &state->actions[i]) == 0;
		sigaddset(&block, guarded_signals[i]);
	}
	state->masked = pthread_sigmask(SIG_BLOCK, &block, &state->mask) == 0;
}

static void signals_restore(const signal_state *state)
{
	struct sigaction now;
	size_t i;

	for (i = 0; i < GUARDED_SIGNALS; i++) {
		if (state->saved[i] && sigaction(guarded_signals[i], NULL, &now) == 0
				&& (now.sa_flags & SA_SIGINFO ? (void *) now.sa_sigaction : (void *) now.sa_handler)
					!= (state->actions[i].sa_flags & SA_SIGINFO
						? (void *) state->actions[i].sa_sigaction : (void *) state->actions[i].sa_handler)) {
			sigaction(guarded_signals[i], &state->actions[i], NULL);
		}
	}
	if (state->masked) {
		pthread_sigmask(SIG_SETMASK, &state->mask, NULL);
	}
}
#else
typedef struct {
	int unused;
} signal_state;
# define signals_save(state) ((void) (state))
# define signals_restore(state) ((void) (state))
#endif
#endif

bool php_gru_opencl_built(void)
{
#ifdef HAVE_RINDOW_GRU_OPENCL
	return true;
#else
	return false;
#endif
}

static const char *const device_names[] = {"auto", "cpu", "opencl"};

const char *php_gru_device_name(php_gru_device device)
{
	return device_names[device];
}

zend_result php_gru_device_from_name(zend_string *name, php_gru_device *device)
{
	int i;

	for (i = 0; i < 3; i++) {
		if (zend_string_equals_cstr(name, device_names[i], strlen(device_names[i]))) {
			if (i == PHP_GRU_DEVICE_OPENCL && !php_gru_opencl_built()) {
				php_gru_throw_domain("GRU option device 'opencl': this build of rindow_gru has no OpenCL "
					"backend (build it with ./configure --with-clblast)");
				return FAILURE;
			}
			*device = (php_gru_device) i;
			return SUCCESS;
		}
	}
	php_gru_throw_invalid("Unknown device '%s' in GRU: expected auto, cpu or opencl", ZSTR_VAL(name));
	return FAILURE;
}

void php_gru_device_globals_ctor(zend_rindow_gru_globals *globals)
{
	memset(globals, 0, sizeof(*globals));
	globals->opencl_platform = -1;
	globals->opencl_device = -1;
}

void php_gru_device_globals_dtor(zend_rindow_gru_globals *globals)
{
#ifdef HAVE_RINDOW_GRU_OPENCL
	gru_opencl_context_destroy((gru_opencl_context *) globals->opencl);
#endif
	globals->opencl = NULL;
}

#ifdef HAVE_RINDOW_GRU_OPENCL
static int ini_index(zend_long value)
{
	return (value < 0 || value > INT_MAX) ? -1 : (int) value;
}

/* The context for the current ini settings, opened (or reopened) on demand. */
static gru_opencl_context *opencl_context(gru_status *status)
{
	zend_long platform = RINDOW_GRU_G(opencl_platform), device = RINDOW_GRU_G(opencl_device);

	if (RINDOW_GRU_G(opencl) != NULL
			&& (RINDOW_GRU_G(opencl_platform_opened) != platform || RINDOW_GRU_G(opencl_device_opened) != device)) {
		signal_state signals;

		signals_save(&signals);
		gru_opencl_context_destroy((gru_opencl_context *) RINDOW_GRU_G(opencl));
		signals_restore(&signals);
		RINDOW_GRU_G(opencl) = NULL;
	}
	if (RINDOW_GRU_G(opencl) == NULL) {
		signal_state signals;

		signals_save(&signals);
		RINDOW_GRU_G(opencl) = gru_opencl_context_create(ini_index(platform), ini_index(device), true, status);
		signals_restore(&signals);
		RINDOW_GRU_G(opencl_platform_opened) = platform;
		RINDOW_GRU_G(opencl_device_opened) = device;
	}
	return (gru_opencl_context *) RINDOW_GRU_G(opencl);
}

/* 'auto': is there an OpenCL GPU among the devices the ini settings allow? Probed once per setting. */
static bool auto_wants_opencl(void)
{
	zend_long platform = RINDOW_GRU_G(opencl_platform), device = RINDOW_GRU_G(opencl_device);
	gru_status status;
	signal_state signals;
	bool found = false;

	if (RINDOW_GRU_G(auto_choice) != 0
			&& RINDOW_GRU_G(auto_platform_probed) == platform && RINDOW_GRU_G(auto_device_probed) == device) {
		return RINDOW_GRU_G(auto_choice) == 2;
	}
	RINDOW_GRU_G(auto_platform_probed) = platform;
	RINDOW_GRU_G(auto_device_probed) = device;
	signals_save(&signals);
	if (gru_opencl_has_gpu(ini_index(platform), ini_index(device), &found, &status) != GRU_OK) {
		found = false;
	}
	signals_restore(&signals);
	RINDOW_GRU_G(auto_choice) = found ? 2 : 1;
	return found;
}
#endif

zend_result php_gru_device_resolve(php_gru_device device, void **opencl)
{
	*opencl = NULL;
#ifdef HAVE_RINDOW_GRU_OPENCL
	if (device == PHP_GRU_DEVICE_CPU) {
		return SUCCESS;
	}
	if (device == PHP_GRU_DEVICE_AUTO) {
		gru_status status;

		if (auto_wants_opencl()) {
			*opencl = opencl_context(&status);
			if (*opencl == NULL) {
				/* a GPU is listed but cannot be opened: the CPU, without asking again */
				RINDOW_GRU_G(auto_choice) = 1;
			}
		}
		return SUCCESS;
	} else {
		gru_status status;
		gru_opencl_context *context = opencl_context(&status);

		if (context == NULL) {
			php_gru_throw_runtime("GRU device 'opencl': %s (ini rindow_gru.opencl_platform=" ZEND_LONG_FMT
				", rindow_gru.opencl_device=" ZEND_LONG_FMT ")", status.message, RINDOW_GRU_G(opencl_platform),
				RINDOW_GRU_G(opencl_device));
			return FAILURE;
		}
		*opencl = context;
	}
	return SUCCESS;
#else
	if (device == PHP_GRU_DEVICE_OPENCL) {
		php_gru_throw_domain("GRU device 'opencl': this build of rindow_gru has no OpenCL backend "
			"(build it with ./configure --with-clblast)");
		return FAILURE;
	}
	return SUCCESS;
#endif
}

gru_status_code php_gru_device_forward(void *opencl, const gru_problem *problem, const gru_weights *weights,
		const gru_forward_args *args, gru_status *status)
{
#ifdef HAVE_RINDOW_GRU_OPENCL
	if (opencl != NULL) {
		signal_state signals;
		gru_status_code code;

		signals_save(&signals);
		code = gru_opencl_forward((gru_opencl_context *) opencl, problem, weights, args, status);
		signals_restore(&signals);
		return code;
	}
#endif
	return gru_forward(problem, weights, args, status);
}

gru_status_code php_gru_device_backward(void *opencl, const gru_problem *problem, const gru_weights *weights,
		const gru_backward_args *args, gru_status *status)
{
#ifdef HAVE_RINDOW_GRU_OPENCL
	if (opencl != NULL) {
		signal_state signals;
		gru_status_code code;

		signals_save(&signals);
		code = gru_opencl_backward((gru_opencl_context *) opencl, problem, weights, args, status);
		signals_restore(&signals);
		return code;
	}
#endif
	return gru_backward(problem, weights, args, status);
}

void php_gru_device_minfo(void)
{
#ifdef HAVE_RINDOW_GRU_OPENCL
	gru_opencl_device_info infos[16];
	size_t count = 0, i;
	gru_status status;
	char label[64], text[512];
	signal_state signals;
	gru_status_code code;

	php_info_print_table_row(2, "OpenCL (CLBlast)", "built");
	signals_save(&signals);
	code = gru_opencl_list_devices(infos, sizeof(infos) / sizeof(infos[0]), &count, &status);
	signals_restore(&signals);
	if (code != GRU_OK) {
		php_info_print_table_row(2, "OpenCL devices", status.message);
		return;
	}
	for (i = 0; i < count && i < sizeof(infos) / sizeof(infos[0]); i++) {
		snprintf(label, sizeof(label), "OpenCL device %d.%d", infos[i].platform_index, infos[i].device_index);
		snprintf(text, sizeof(text), "%s / %s (%s, %s, %u compute units, %llu MiB, max buffer %llu MiB%s)",
			infos[i].platform_name, infos[i].device_name, infos[i].device_version,
			infos[i].is_gpu ? "GPU" : "not a GPU", infos[i].compute_units, infos[i].global_mem_bytes >> 20,
			infos[i].max_alloc_bytes >> 20, infos[i].has_fp64 ? ", fp64" : "");
		php_info_print_table_row(2, label, text);
	}
#else
	php_info_print_table_row(2, "OpenCL (CLBlast)", "not built (configure --with-clblast)");
#endif
}
