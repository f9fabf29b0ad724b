--TEST--
Bidirectional: concat of a GRU and its go_backwards copy, both aligned with input time
--EXTENSIONS--
rindow_gru
--FILE--
<?php
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\Bidirectional;
use Rindow\NeuralNetworks\Layer\GRU;

mt_srand(9);
$bi = new Bidirectional(new GRU(3, return_sequences: true, return_state: true));
[$y, [$f, $b]] = $bi->forward(NDArray::fromArray([[[0.5, -0.1], [0.2, 0.3], [-0.4, 0.6]]]));
echo implode(',', $y->shape()), "\n";
$rows = $y->toArray()[0];
var_dump(array_slice($rows[2], 0, 3) === $f->toArray()[0], array_slice($rows[0], 3) === $b->toArray()[0]);
?>
--EXPECT--
1,3,6
bool(true)
bool(true)
