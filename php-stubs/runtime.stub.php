<?php

/** @generate-class-entries */

namespace Rindow\GRU;

/**
 * What the extension runs on: its version, the compute backends built in,
 * the OpenBLAS build and the kernel core it chose, its thread count and
 * the CPU's vector extensions.
 *
 * @not-serializable
 */
final class Runtime
{
	/**
	 * @return array keys: version, backends, blas_config, blas_core,
	 *         blas_threads, cpu_features, warning (null, or what to fix)
	 */
	public static function info(): array {}

	/**
	 * Measures the GEMM rate the core's BLAS reaches now for
	 * [m,k] x [k,n], in GFLOP/s (median of $repeats runs after a warm-up):
	 * the yardstick benchmarks compare the layer against.
	 */
	public static function gemmGflops(int $m, int $n, int $k, int $repeats = 5, int $dtype = NDArray::float32): float {}

	/** Sets the number of threads OpenBLAS uses for the GEMMs (>= 1). */
	public static function setBlasThreads(int $threads): void {}

	private function __construct() {}
}
