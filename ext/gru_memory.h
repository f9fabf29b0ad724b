/*
 * Request memory for big blocks: array data, workspaces and training
 * records. Checked against memory_limit before they are asked for (Zend's
 * own out-of-memory error is fatal and cannot be caught), and allocated
 * with transparent huge pages advised where the system lets a process
 * choose them (ini rindow_gru.huge_pages).
 */
#ifndef PHP_GRU_MEMORY_H
#define PHP_GRU_MEMORY_H

#include "php.h"

/*
 * Fails with a RuntimeException, before anything is allocated, when
 * `bytes` more would take the request past memory_limit.
 */
zend_result php_gru_check_memory(size_t bytes, const char *what);

/*
 * emalloc(bytes) for a block that will be written whole (array data, a
 * workspace): from 2 MiB on, Zend maps each such block fresh and unmaps it
 * when freed, so every call that makes one pays a page fault per 4 KiB
 * page (512 for a 2 MiB output, ~1.2 ms on a virtual machine, more than
 * 10% of the seed example's forward). Advising huge pages for the 2 MiB
 * extents that lie wholly inside the block turns those into one fault
 * each. The caller has checked the size (php_gru_check_memory()).
 */
void *php_gru_emalloc_big(size_t bytes);

/* "madvise" or why huge pages are not advised, for phpinfo(). */
const char *php_gru_huge_pages_state(void);

#endif /* PHP_GRU_MEMORY_H */
