--TEST--
GRU: weights in Keras's and PyTorch's layouts (mapping, one PyTorch step by hand, round trip)
--EXTENSIONS--
rindow_gru
--FILE--
<?php
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;

// Keras, reset_after false: Keras's column block g of [H, 3H] is Rindow's row block g of [3H, H].
$gru = new GRU(2, reset_after: false);
$gru->setWeights([[[1, 2, 3, 4, 5, 6]], [[11, 12, 13, 14, 15, 16], [21, 22, 23, 24, 25, 26]], [0, 0, 0, 0, 0, 0]]);
echo json_encode($gru->getParams()[1]->toArray()), "\n";
echo json_encode($gru->getWeights()[1]->toArray()), "\n";

// PyTorch, one unit, one input: r, z, n rows; one step computed by PyTorch's formulas.
[$wr, $wz, $wn, $ur, $uz, $un] = [0.3, -0.7, 0.9, 0.4, 0.2, -0.6];
[$bir, $biz, $bin, $bhr, $bhz, $bhn] = [0.1, -0.2, 0.3, -0.4, 0.5, -0.6];
$gru = new GRU(1, return_state: true);
$gru->setPyTorchWeights([
    'weight_ih_l0' => NDArray::fromArray([[$wr], [$wz], [$wn]], NDArray::float64),
    'weight_hh_l0' => [[$ur], [$uz], [$un]],
    'bias_ih_l0' => [$bir, $biz, $bin],
    'bias_hh_l0' => [$bhr, $bhz, $bhn],
]);
echo json_encode($gru->getParams()[0]->toArray()), "\n";   // z, r, h
[$x, $h] = [0.8, -0.5];
$s = fn($v) => 1 / (1 + exp(-$v));
$r = $s($wr * $x + $bir + $ur * $h + $bhr);
$z = $s($wz * $x + $biz + $uz * $h + $bhz);
$n = tanh($wn * $x + $bin + $r * ($un * $h + $bhn));
$expected = (1 - $z) * $n + $z * $h;
[, [$state]] = $gru->forward(NDArray::fromArray([[[$x]]], NDArray::float64), false,
    [NDArray::fromArray([[$h]], NDArray::float64)]);
var_dump(abs($state->toArray()[0][0] - $expected) < 1e-15);
var_dump($gru->getPyTorchWeights()['bias_hh_l0']->toArray() === [$bhr, $bhz, $bhn]);
?>
--EXPECT--
[[11,12],[21,22],[13,14],[23,24],[15,16],[25,26]]
[[11,12,13,14,15,16],[21,22,23,24,25,26]]
[[-0.7,0.3,0.9]]
bool(true)
bool(true)
