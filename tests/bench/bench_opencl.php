<?php
// Benchmark of the OpenCL backend (device: 'opencl') against the CPU
// backend (device: 'cpu'), through PHP, in the same process.
//
//   php -d extension=modules/rindow_gru.so tests/bench/bench_opencl.php [--quick]
//
// For each shape it prints the median time of forward (inference) and of
// forward(training)+backward on both backends, their GFLOP/s (GEMM FLOPs
// only) and the ratio OpenCL / CPU (below 1: OpenCL is faster). The times
// include the uploads and downloads of each call. On PoCL (OpenCL on the
// CPU) this measures the backend's overhead, not a GPU. It never fails on time.

use Rindow\GRU\NDArray;
use Rindow\GRU\Runtime;
use Rindow\NeuralNetworks\Layer\GRU;

$quick = in_array('--quick', $argv, true);
$shapes = $quick
    ? [['B' => 8, 'T' => 16, 'I' => 32, 'H' => 64]]
    : [
        ['B' => 64, 'T' => 32, 'I' => 128, 'H' => 256],
        ['B' => 64, 'T' => 100, 'I' => 256, 'H' => 512],
    ];
$repeats = $quick ? 3 : 5;

function median(array $xs): float
{
    sort($xs);
    return $xs[intdiv(count($xs), 2)];
}

function timeMs(callable $fn, int $repeats): float
{
    $fn(); // warm-up (on OpenCL: builds the kernels, or loads them from the driver's cache)
    $times = [];
    for ($i = 0; $i < $repeats; $i++) {
        $t = hrtime(true);
        $fn();
        $times[] = (hrtime(true) - $t) / 1e6;
    }
    return median($times);
}

try {
    $probe = new GRU(2, device: 'opencl');
    $probe->forward(NDArray::ones([1, 1, 1]));
} catch (Throwable $e) {
    printf("OpenCL backend not available: %s\n", $e->getMessage());
    exit(0);
}
ob_start();
phpinfo(INFO_MODULES);
preg_match_all('/^OpenCL device [^\n]*/m', ob_get_clean(), $devices);
$info = Runtime::info();
printf("rindow_gru %s | OpenBLAS core: %s, %d threads\n", $info['version'], $info['blas_core'], $info['blas_threads']);
foreach ($devices[0] as $line) {
    echo $line, "\n";
}
printf("ini rindow_gru.opencl_platform=%s rindow_gru.opencl_device=%s\n",
    ini_get('rindow_gru.opencl_platform'), ini_get('rindow_gru.opencl_device'));
printf("%-16s | %9s %9s %7s | %9s %9s %7s | %8s %8s\n", 'shape B,T,I,H', 'cpu fwd', 'ocl fwd', 'ocl/cpu',
    'cpu f+b', 'ocl f+b', 'ocl/cpu', 'cpu GF/s', 'ocl GF/s');

foreach ($shapes as $s) {
    ['B' => $B, 'T' => $T, 'I' => $I, 'H' => $H] = $s;
    $forwardFlops = 2.0 * $B * $T * $I * 3 * $H + 2.0 * $T * $B * $H * 3 * $H;
    $x = NDArray::ones([$B, $T, $I]);
    $dOut = NDArray::ones([$B, $T, $H]);
    $times = [];
    $weights = null;
    foreach (['cpu', 'opencl'] as $device) {
        mt_srand(1);
        $layer = new GRU($H, return_sequences: true, device: $device);
        $layer->build($x, sampleWeights: $weights);
        $weights ??= $layer->getParams();
        $times[$device]['fwd'] = timeMs(fn() => $layer->forward($x, false), $repeats);
        $times[$device]['trn'] = timeMs(function () use ($layer, $x, $dOut) {
            $layer->forward($x, true);
            $layer->backward([$dOut]);
        }, $repeats);
    }
    printf("%-16s | %9.1f %9.1f %7.2f | %9.1f %9.1f %7.2f | %8.1f %8.1f\n", "$B,$T,$I,$H",
        $times['cpu']['fwd'], $times['opencl']['fwd'], $times['opencl']['fwd'] / $times['cpu']['fwd'],
        $times['cpu']['trn'], $times['opencl']['trn'], $times['opencl']['trn'] / $times['cpu']['trn'],
        $forwardFlops / $times['cpu']['fwd'] / 1e6, $forwardFlops / $times['opencl']['fwd'] / 1e6);
}
echo "times in ms, medians of $repeats; GF/s: forward GEMM FLOPs / forward time\n";
