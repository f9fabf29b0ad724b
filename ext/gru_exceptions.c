#include "php.h"
#include "zend_exceptions.h"
#include "ext/spl/spl_exceptions.h"

#include "gru_exceptions.h"

#ifdef HAVE_UNISTD_H
# include <unistd.h>
#endif

static void throw_formatted(zend_class_entry *ce, const char *format, va_list args)
{
	char *message = NULL;

	zend_vspprintf(&message, 0, format, args);
	zend_throw_exception(ce, message, 0);
	efree(message);
}

void php_gru_throw_invalid(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	throw_formatted(spl_ce_InvalidArgumentException, format, args);
	va_end(args);
}

void php_gru_throw_domain(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	throw_formatted(spl_ce_DomainException, format, args);
	va_end(args);
}

void php_gru_throw_runtime(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	throw_formatted(spl_ce_RuntimeException, format, args);
	va_end(args);
}

void php_gru_throw_status(const gru_status *status)
{
	zend_class_entry *ce;

	switch (status->code) {
		case GRU_E_INVALID:
		case GRU_E_OVERFLOW:
			ce = spl_ce_InvalidArgumentException;
			break;
		case GRU_E_UNSUPPORTED:
			ce = spl_ce_DomainException;
			break;
		default:
			ce = spl_ce_RuntimeException;
			break;
	}
	zend_throw_exception(ce, status->message[0] ? status->message : "rindow_gru: unknown error", 0);
}

/* Physical memory in bytes, or 0 when the platform does not tell. */
static size_t physical_memory_bytes(void)
{
#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGESIZE)
	long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
	size_t total;

	if (pages > 0 && page_size > 0 && gru_size_mul((size_t) pages, (size_t) page_size, &total)) {
		return total;
	}
#endif
	return 0;
}

zend_result php_gru_check_memory(size_t bytes, const char *what)
{
	size_t limit = (size_t) PG(memory_limit);
	/*
	 * Zend enforces the limit on its real usage (whole chunks, huge blocks
	 * rounded up to pages), not on the bytes handed out, so compare with that
	 * and round the request up as Zend will.
	 */
	size_t used = zend_memory_usage(true);
	const size_t page = 4096;

	/*
	 * memory_limit = -1 means unlimited, but Zend's allocator still dies with
	 * a fatal error on requests beyond what it can address: refuse those too.
	 */
	if (bytes > (size_t) ZEND_LONG_MAX / 2) {
		php_gru_throw_runtime("Allocating %s (%zu bytes) is more than this process can address", what, bytes);
		return FAILURE;
	}
	if (PG(memory_limit) <= 0) {
		/*
		 * No limit: at least never ask for more than the machine has. Asking
		 * the system costs a syscall, which small per-step calls (GRUCell)
		 * should not pay: every machine PHP runs on has 64 MiB.
		 */
		size_t physical = bytes > ((size_t) 64 << 20) ? physical_memory_bytes() : 0;
		if (physical > 0 && bytes > physical) {
			php_gru_throw_runtime("Allocating %s (%zu bytes) is more than this machine's memory (%zu bytes)",
				what, bytes, physical);
			return FAILURE;
		}
		return SUCCESS;
	}
	bytes = (bytes + page - 1) & ~(page - 1);
	if (bytes > limit || used > limit - bytes) {
		php_gru_throw_runtime("Allocating %s (%zu bytes) would exceed memory_limit (%zu bytes, %zu in use)",
			what, bytes, limit, used);
		return FAILURE;
	}
	return SUCCESS;
}
