/*
 * LD_PRELOAD shim for tools/sanitize.sh: PHP (built without ASan) loads
 * extensions with dlopen(..., RTLD_DEEPBIND), which the ASan runtime refuses
 * ("incompatible with sanitizer runtime", google/sanitizers#611) and aborts.
 * This shim comes before libasan in LD_PRELOAD, clears RTLD_DEEPBIND and
 * passes the call on to the next dlopen (ASan's interceptor). Test-only.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

void *dlopen(const char *file, int mode)
{
	static void *(*next)(const char *, int);

	if (next == NULL) {
		next = (void *(*)(const char *, int))dlsym(RTLD_NEXT, "dlopen");
	}
	return next(file, mode & ~RTLD_DEEPBIND);
}
