<?php
// Benchmark of the GRU layer through PHP, the way users call it.
//
//   php -d extension=modules/rindow_gru.so tests/bench/bench_forward.php [--quick]
//
// For each shape and for 1 and 2 OpenBLAS threads it prints the median time
// of forward (inference) and of forward(training)+backward, their GFLOP/s
// (GEMM FLOPs only), and the ratio to the ideal time: the same GEMM FLOPs at
// the sgemm rate OpenBLAS reaches on the same GEMM shapes, measured in the
// same process right before each of our runs; the ratio is the median of
// those paired ratios (this host's speed drifts by tens of percent within
// seconds; a rate measured once before all runs moved the ratio with it).
// It never fails on time.

use Rindow\GRU\NDArray;
use Rindow\GRU\Runtime;
use Rindow\NeuralNetworks\Layer\GRU;

$quick = in_array('--quick', $argv, true);
$shapes = $quick
    ? [['B' => 8, 'T' => 16, 'I' => 32, 'H' => 64]]
    : [
        ['B' => 64, 'T' => 32, 'I' => 128, 'H' => 256],   // the seed example
        ['B' => 64, 'T' => 100, 'I' => 256, 'H' => 512],
        ['B' => 8, 'T' => 16, 'I' => 32, 'H' => 64],
        ['B' => 1, 'T' => 100, 'I' => 64, 'H' => 128],
    ];
$repeats = $quick ? 3 : 9;

function median(array $xs): float
{
    sort($xs);
    return $xs[intdiv(count($xs), 2)];
}

/*
 * Runs $fn $repeats times (after one warm-up), each run right after $ideal()
 * has timed the GEMMs alone; returns the median time (ms) and the median of
 * the paired ratios time / ideal time.
 */
function timePaired(callable $fn, callable $ideal, int $repeats): array
{
    $fn(); // warm-up
    $times = [];
    $ratios = [];
    for ($i = 0; $i < $repeats; $i++) {
        $idealMs = $ideal();
        $t = hrtime(true);
        $fn();
        $times[] = (hrtime(true) - $t) / 1e6;
        $ratios[] = end($times) / $idealMs;
    }
    return [median($times), median($ratios)];
}

$info = Runtime::info();
printf("rindow_gru %s | OpenBLAS core: %s | CPU: %s | OPENBLAS_CORETYPE=%s\n", $info['version'],
    $info['blas_core'], $info['cpu_features'], getenv('OPENBLAS_CORETYPE') === false ? '(unset)' : getenv('OPENBLAS_CORETYPE'));
if ($info['warning'] !== null) {
    printf("warning: %s\n", $info['warning']);
}
printf("%-16s %3s | %8s %7s %7s | %8s %6s %7s | %8s %8s %8s %8s\n", 'shape B,T,I,H', 'thr', 'fwd ms', 'GFLOP/s', 'x ideal',
    'f+b ms', 'x fwd', 'x ideal', 'inf kept', 'inf peak', 'trn kept', 'trn peak');

foreach ($shapes as $s) {
    ['B' => $B, 'T' => $T, 'I' => $I, 'H' => $H] = $s;
    $inputFlops = 2.0 * $B * $T * $I * 3 * $H;
    $recurrentFlops = 2.0 * $T * $B * $H * 3 * $H;
    $forwardFlops = $inputFlops + $recurrentFlops;
    // backward: dX = dG·Wᵀ and dW = Xᵀ·dG (2 input-sized GEMMs), dU = Hᵀ·dG and per-step dG·Uᵀ (2 recurrent-sized)
    $backwardFlops = 2 * $inputFlops + 2 * $recurrentFlops;

    mt_srand(1);
    $layer = new GRU($H, return_sequences: true, return_state: true);
    $x = NDArray::ones([$B, $T, $I]);
    $h0 = [NDArray::zeros([$B, $H])];
    $dOut = NDArray::ones([$B, $T, $H]);
    $layer->build($x);

    foreach ([1, 2] as $threads) {
        Runtime::setBlasThreads($threads);
        // the ideal's time (ms) for $times input-sized and recurrent-sized GEMM FLOPs, at the rates of this moment
        $ideal = fn(float $times) => $times * ($inputFlops / Runtime::gemmGflops($B * $T, 3 * $H, $I, 1)
            + $recurrentFlops / Runtime::gemmGflops($B, 3 * $H, $H, 5)) / 1e6;

        [$fwd, $fwdIdeal] = timePaired(fn() => $layer->forward($x, false, $h0), fn() => $ideal(1.0), $repeats);
        [$trn, $trnIdeal] = timePaired(function () use ($layer, $x, $h0, $dOut) {
            $layer->forward($x, true, $h0);
            $layer->backward([$dOut]);
        }, fn() => $ideal(3.0), $repeats);

        // Memory, on a layer that has not run yet (a layer keeps its
        // workspace, and its spent training record's block, for its next
        // call): what a first inference call leaves held (outputs, state and
        // the kept workspace) and its peak; then what a training forward
        // adds (its outputs and the trace for backward), and the peak
        // through the backward after it.
        $probe = new GRU($H, return_sequences: true, return_state: true);
        $probe->build($x);
        memory_reset_peak_usage();
        $base = memory_get_usage();
        $r = $probe->forward($x, false, $h0);
        $keptInference = memory_get_usage() - $base;
        $peakInference = memory_get_peak_usage() - $base;
        unset($r);
        memory_reset_peak_usage();
        $base = memory_get_usage();
        $r = $probe->forward($x, true, $h0);
        $keptTraining = memory_get_usage() - $base;
        $probe->backward([$dOut]);
        $peakTraining = memory_get_peak_usage() - $base;
        unset($r, $probe);

        printf("%-16s %3d | %8.2f %7.1f %7.2f | %8.2f %6.2f %7.2f | %6.1fMB %6.1fMB %6.1fMB %6.1fMB\n",
            "$B,$T,$I,$H", $threads, $fwd, $forwardFlops / $fwd / 1e6, $fwdIdeal,
            $trn, $trn / $fwd, $trnIdeal, $keptInference / 1048576, $peakInference / 1048576,
            $keptTraining / 1048576, $peakTraining / 1048576);
    }
}
echo "x ideal: median of time / (GEMM FLOPs at the sgemm rate measured right before each run, same shapes).\n";
echo "kept: memory held after a layer's first call (outputs, state and the workspace the layer keeps; training: what\n"
    . "its forward adds, the trace for backward included); peak: during it (training: through the backward).\n";
