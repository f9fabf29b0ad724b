#include <cblas.h>

#include "gru_runtime.h"

/*
 * Debian's and most builds of OpenBLAS declare these in cblas.h; declare
 * them here too so the file also builds against cblas.h of other BLAS
 * packagings that ship the OpenBLAS library without its extensions header.
 */
extern char *openblas_get_config(void);
extern char *openblas_get_corename(void);
extern int openblas_get_num_threads(void);
extern void openblas_set_num_threads(int num_threads);

const char *gru_runtime_backends(void)
{
	return "cpu (OpenBLAS)";
}

const char *gru_runtime_blas_config(void)
{
	return openblas_get_config();
}

const char *gru_runtime_blas_core(void)
{
	return openblas_get_corename();
}

int gru_runtime_blas_threads(void)
{
	return openblas_get_num_threads();
}

void gru_runtime_set_blas_threads(int n)
{
	if (n >= 1) {
		openblas_set_num_threads(n);
	}
}
