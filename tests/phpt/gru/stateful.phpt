--TEST--
GRU: stateful carries the final state into the next forward until resetStates()
--EXTENSIONS--
rindow_gru
--FILE--
<?php
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;

mt_srand(5);
$gru = new GRU(3, stateful: true);
$x = NDArray::fromArray([[[0.3, -0.2], [0.1, 0.4]]]);
$a = $gru->forward($x)->toArray();
$b = $gru->forward($x)->toArray();
$gru->resetStates();
$c = $gru->forward($x)->toArray();
var_dump($a !== $b, $a === $c);
?>
--EXPECT--
bool(true)
bool(true)
