/* Rindow\GRU\Runtime: the core's runtime facts for PHP code. */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "ext/standard/hrtime.h"

#include "php_rindow_gru.h"
#include "gru_exceptions.h"
#include "gru_memory.h"
#include "gru_runtime.h"
#include "gru_runtime_class.h"
#include "runtime_arginfo.h"

zend_class_entry *php_gru_runtime_ce;

PHP_METHOD(Rindow_GRU_Runtime, info)
{
	const char *warning = gru_runtime_blas_core_warning();

	ZEND_PARSE_PARAMETERS_NONE();
	array_init(return_value);
	add_assoc_string(return_value, "version", PHP_RINDOW_GRU_VERSION);
	add_assoc_string(return_value, "backends", (char *) gru_runtime_backends());
	add_assoc_string(return_value, "blas_config", (char *) gru_runtime_blas_config());
	add_assoc_string(return_value, "blas_core", (char *) gru_runtime_blas_core());
	add_assoc_long(return_value, "blas_threads", gru_runtime_blas_threads());
	add_assoc_string(return_value, "cpu_features", (char *) gru_runtime_cpu_features());
	if (warning) {
		add_assoc_string(return_value, "warning", (char *) warning);
	} else {
		add_assoc_null(return_value, "warning");
	}
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;
	return x < y ? -1 : x > y;
}

PHP_METHOD(Rindow_GRU_Runtime, gemmGflops)
{
	zend_long m, n, k, repeats = 5, dtype = 12;
	size_t value_size, a_size, b_size, c_size, bytes, i;
	char *block;
	double *seconds;

	ZEND_PARSE_PARAMETERS_START(3, 5)
		Z_PARAM_LONG(m)
		Z_PARAM_LONG(n)
		Z_PARAM_LONG(k)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(repeats)
		Z_PARAM_LONG(dtype)
	ZEND_PARSE_PARAMETERS_END();

	if (m < 1 || n < 1 || k < 1 || m > 65536 || n > 65536 || k > 65536) {
		php_gru_throw_invalid("m, n and k must be between 1 and 65536, (" ZEND_LONG_FMT "," ZEND_LONG_FMT ","
			ZEND_LONG_FMT ") given", m, n, k);
		RETURN_THROWS();
	}
	if (repeats < 1 || repeats > 1000) {
		php_gru_throw_invalid("repeats must be between 1 and 1000, " ZEND_LONG_FMT " given", repeats);
		RETURN_THROWS();
	}
	if (dtype != 12 && dtype != 13) {
		php_gru_throw_invalid("dtype must be NDArray::float32 or NDArray::float64, " ZEND_LONG_FMT " given", dtype);
		RETURN_THROWS();
	}
	value_size = dtype == 13 ? sizeof(double) : sizeof(float);
	a_size = (size_t) m * (size_t) k;
	b_size = (size_t) k * (size_t) n;
	c_size = (size_t) m * (size_t) n;
	bytes = (a_size + b_size + c_size) * value_size;
	if (php_gru_check_memory(bytes, "Runtime::gemmGflops()") == FAILURE) {
		RETURN_THROWS();
	}
	block = emalloc(bytes);
	/* Small values: no denormals or overflow to slow the GEMM down. */
	for (i = 0; i < a_size + b_size; i++) {
		double v = (double) (i % 17) / 17.0 - 0.5;
		if (dtype == 13) {
			((double *) block)[i] = v;
		} else {
			((float *) block)[i] = (float) v;
		}
	}
	seconds = safe_emalloc((size_t) repeats, sizeof(double), 0);
	gru_runtime_gemm((int) dtype, (size_t) m, (size_t) n, (size_t) k, block, block + a_size * value_size,
		block + (a_size + b_size) * value_size);
	for (i = 0; i < (size_t) repeats; i++) {
		php_hrtime_t start = php_hrtime_current();
		gru_runtime_gemm((int) dtype, (size_t) m, (size_t) n, (size_t) k, block, block + a_size * value_size,
			block + (a_size + b_size) * value_size);
		seconds[i] = (double) (php_hrtime_current() - start) / 1e9;
	}
	qsort(seconds, (size_t) repeats, sizeof(double), compare_doubles);
	RETVAL_DOUBLE(2.0 * (double) m * (double) n * (double) k / seconds[repeats / 2] / 1e9);
	efree(seconds);
	efree(block);
}

PHP_METHOD(Rindow_GRU_Runtime, setBlasThreads)
{
	zend_long threads;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_LONG(threads)
	ZEND_PARSE_PARAMETERS_END();
	if (threads < 1 || threads > 1024) {
		php_gru_throw_invalid("threads must be between 1 and 1024, " ZEND_LONG_FMT " given", threads);
		RETURN_THROWS();
	}
	gru_runtime_set_blas_threads((int) threads);
}

PHP_METHOD(Rindow_GRU_Runtime, __construct)
{
	ZEND_PARSE_PARAMETERS_NONE();
}

void php_gru_register_runtime_class(void)
{
	php_gru_runtime_ce = register_class_Rindow_GRU_Runtime();
}
