<?php
// Per-call cost of GRUCell, where the fixed overhead of a call (argument
// parsing, NDArray interop, allocation) matters more than the arithmetic.
//
//   php -d extension=modules/rindow_gru.so tests/bench/bench_cell.php [--quick]
//
// B=1, I=32, H=64, float32: prints the median microseconds per forward()
// (inference) and per forward(training)+backward(), and the arithmetic's
// share: the GEMM FLOPs of one step at the rate Runtime::gemmGflops measures
// for the same GEMM shapes in this process. It never fails on time.

use Rindow\GRU\NDArray;
use Rindow\GRU\Runtime;
use Rindow\NeuralNetworks\Layer\GRUCell;

$quick = in_array('--quick', $argv, true);
[$B, $I, $H] = [1, 32, 64];
$calls = $quick ? 2000 : 20000;
$rounds = $quick ? 3 : 7;

function medianUs(callable $fn, int $calls, int $rounds): float
{
    $fn();
    $times = [];
    for ($r = 0; $r < $rounds; $r++) {
        $t = hrtime(true);
        for ($i = 0; $i < $calls; $i++) {
            $fn();
        }
        $times[] = (hrtime(true) - $t) / 1e3 / $calls;
    }
    sort($times);
    return $times[intdiv(count($times), 2)];
}

mt_srand(1);
$cell = new GRUCell($H);
$x = NDArray::ones([$B, $I]);
$h = [NDArray::zeros([$B, $H])];
$dh = [NDArray::ones([$B, $H])];
$cell->build($x);

$forwardUs = medianUs(fn () => $cell->forward($x, $h), $calls, $rounds);
$trainUs = medianUs(function () use ($cell, $x, $h, $dh) {
    $cell->forward($x, $h, true);
    $cell->backward($dh);
}, $calls, $rounds);

// GEMM FLOPs of one step: x.W [B,I]x[I,3H] and h.U [B,H]x[H,3H]; backward twice each
$inputFlops = 2.0 * $B * $I * 3 * $H;
$recurrentFlops = 2.0 * $B * $H * 3 * $H;
$rateInput = Runtime::gemmGflops($B, 3 * $H, $I, 50);
$rateRecurrent = Runtime::gemmGflops($B, 3 * $H, $H, 50);
$idealForwardUs = ($inputFlops / $rateInput + $recurrentFlops / $rateRecurrent) / 1e3;
$idealTrainUs = 3 * $idealForwardUs;

printf("GRUCell B=%d I=%d H=%d float32, %d calls x %d rounds (median)\n", $B, $I, $H, $calls, $rounds);
printf("%-22s %10s %12s %12s\n", 'call', 'us/call', 'GEMM us', 'GEMM share');
printf("%-22s %10.2f %12.3f %11.1f%%\n", 'forward', $forwardUs, $idealForwardUs, 100 * $idealForwardUs / $forwardUs);
printf("%-22s %10.2f %12.3f %11.1f%%\n", 'forward+backward', $trainUs, $idealTrainUs, 100 * $idealTrainUs / $trainUs);
printf("GEMM rates: [%d,%d]x[%d,%d] %.2f GFLOP/s, [%d,%d]x[%d,%d] %.2f GFLOP/s\n", $B, $I, $I, 3 * $H, $rateInput,
    $B, $H, $H, 3 * $H, $rateRecurrent);
