#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"

#include "php_rindow_gru.h"
#include "gru_exceptions.h"
#include "gru_memory.h"
#include "gru_status.h"

#ifdef HAVE_UNISTD_H
# include <unistd.h>
#endif
#ifdef HAVE_SYS_MMAN_H
# include <sys/mman.h>
#endif

#if defined(MADV_HUGEPAGE) && !defined(ZEND_WIN32)
# define GRU_CAN_ADVISE_HUGE_PAGES 1
#endif

/* The huge page size transparent huge pages use on x86-64 and arm64 (4 KiB base pages). */
#define GRU_HUGE_PAGE_BYTES ((size_t) 2 << 20)

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

#ifdef GRU_CAN_ADVISE_HUGE_PAGES
/*
 * Advises huge pages for the 2 MiB-aligned extents wholly inside the block.
 * Only for Zend's allocator: its blocks of 2 MiB and more are mappings of
 * their own, 2 MiB-aligned, unmapped on efree, so the advice leaves with the
 * block. (With USE_ZEND_ALLOC=0 they come from malloc, whose heap the
 * advice would outlive.) Blocks below 2 MiB hold no whole extent. The
 * advice is a hint: a kernel without THP, or set to "never", refuses or
 * ignores it, and the block is as good as without.
 */
static void advise_huge_pages(void *block, size_t bytes)
{
	uintptr_t start = ((uintptr_t) block + GRU_HUGE_PAGE_BYTES - 1) & ~(uintptr_t) (GRU_HUGE_PAGE_BYTES - 1);
	uintptr_t end = ((uintptr_t) block + bytes) & ~(uintptr_t) (GRU_HUGE_PAGE_BYTES - 1);

	if (end > start && RINDOW_GRU_G(huge_pages) && is_zend_mm()) {
		(void) madvise((void *) start, end - start, MADV_HUGEPAGE);
	}
}
#endif

void *php_gru_emalloc_big(size_t bytes)
{
	void *block = emalloc(bytes);

#ifdef GRU_CAN_ADVISE_HUGE_PAGES
	if (bytes >= GRU_HUGE_PAGE_BYTES) {
		advise_huge_pages(block, bytes);
	}
#endif
	return block;
}

const char *php_gru_huge_pages_state(void)
{
#ifdef GRU_CAN_ADVISE_HUGE_PAGES
	if (!RINDOW_GRU_G(huge_pages)) {
		return "off (rindow_gru.huge_pages)";
	}
	if (!is_zend_mm()) {
		return "off (Zend's allocator is not in use: USE_ZEND_ALLOC=0)";
	}
	return "advised for blocks of 2 MiB and more";
#else
	return "not available on this platform";
#endif
}
