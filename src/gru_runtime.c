#include <cblas.h>
#include <string.h>

#include "gru_cpu_gemm.h"
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
#ifdef HAVE_RINDOW_GRU_OPENCL
	return "cpu (OpenBLAS), opencl (CLBlast)";
#else
	return "cpu (OpenBLAS)";
#endif
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

const char *gru_runtime_cpu_kernels(void)
{
	return gru_cpu_kernel_name(gru_cpu_kernel_isa());
}

/* The CPU's vector extensions, then which of the core's own GEMM micro-kernels runs. */
const char *gru_runtime_cpu_features(void)
{
	const gru_kernel_isa kernels = gru_cpu_kernel_isa();

#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
	if (__builtin_cpu_supports("avx512f")) {
		return kernels == GRU_KERNEL_AVX512 ? "sse4.2 avx avx2 fma avx512f; gru kernels: avx512"
			: kernels == GRU_KERNEL_AVX2 ? "sse4.2 avx avx2 fma avx512f; gru kernels: avx2"
			: "sse4.2 avx avx2 fma avx512f; gru kernels: portable";
	}
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
		return kernels == GRU_KERNEL_AVX2 ? "sse4.2 avx avx2 fma; gru kernels: avx2"
			: "sse4.2 avx avx2 fma; gru kernels: portable";
	}
	if (__builtin_cpu_supports("avx")) {
		return "sse4.2 avx; gru kernels: portable";
	}
	return "sse2; gru kernels: portable";
#else
	(void)kernels;
	return "unknown; gru kernels: portable";
#endif
}

const char *gru_runtime_blas_core_warning(void)
{
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
	const char *core = openblas_get_corename();

	/* OpenBLAS's AVX-512 kernels are its SkylakeX and Cooperlake/Sapphire Rapids cores. */
	if (__builtin_cpu_supports("avx512f") && core != NULL
		&& strcmp(core, "SkylakeX") != 0 && strcmp(core, "Cooperlake") != 0
		&& strcmp(core, "SapphireRapids") != 0) {
		return "the CPU has AVX-512 but OpenBLAS runs an older core's kernels: OPENBLAS_CORETYPE names an "
			"older core, or this OpenBLAS does not recognise the CPU (it then falls back to Prescott); "
			"set OPENBLAS_CORETYPE=SkylakeX for its AVX-512 kernels";
	}
#endif
	return NULL;
}

void gru_runtime_gemm(int dtype, size_t m, size_t n, size_t k, const void *a, const void *b, void *c)
{
	if (dtype == 13) {
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint) m, (blasint) n, (blasint) k,
			1.0, a, (blasint) k, b, (blasint) n, 0.0, c, (blasint) n);
	} else {
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint) m, (blasint) n, (blasint) k,
			1.0f, a, (blasint) k, b, (blasint) n, 0.0f, c, (blasint) n);
	}
}
