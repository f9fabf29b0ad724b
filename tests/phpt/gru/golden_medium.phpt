--TEST--
GRU: forward and backward of the golden case medium.json (float32 within 2e-5)
--EXTENSIONS--
rindow_gru
--SKIPIF--
<?php
if (!is_file(__DIR__ . '/../../../../shared/golden/medium.json')) die('skip shared/golden not beside the checkout');
?>
--FILE--
<?php
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;

$case = json_decode(file_get_contents(__DIR__ . '/../../../../shared/golden/medium.json'), true);
$a = fn($e) => NDArray::fromArray($e['data'])->reshape($e['shape']);
$c = $case['config'];
$gru = new GRU($c['units'], return_sequences: true, return_state: true);
$gru->build($a($case['inputs']), sampleWeights: [$a($case['kernel']), $a($case['recurrent_kernel']), $a($case['bias'])]);
[$out, [$state]] = $gru->forward($a($case['inputs']), true, [$a($case['initial_state'])]);
$err = function (array $expected, NDArray $actual) {
    $flat = [];
    $nested = $actual->toArray();
    array_walk_recursive($nested, function ($v) use (&$flat) { $flat[] = $v; });
    $worst = 0.0;
    foreach ($expected as $i => $e) {
        $worst = max($worst, abs($flat[$i] - $e) / max(1.0, abs($e)));
    }
    return $worst;
};
var_dump($err($case['outputs']['data'], $out) < 2e-5);
var_dump($err($case['state']['data'], $state) < 2e-5);
[$dx, $dh0] = $gru->backward([$a($case['d_outputs']), $a($case['d_state'])]);
var_dump($err($case['grads']['initial_state']['data'], $dh0) < 2e-5);
var_dump($err($case['grads']['inputs']['data'], $dx) < 2e-5);
[$dW, $dU, $db] = $gru->getGrads();
var_dump($err($case['grads']['kernel']['data'], $dW) < 2e-5);
var_dump($err($case['grads']['recurrent_kernel']['data'], $dU) < 2e-5);
var_dump($err($case['grads']['bias']['data'], $db) < 2e-5);
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
