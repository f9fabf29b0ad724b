--TEST--
GRU: features that disagree with input_shape give Rindow's message
--EXTENSIONS--
rindow_gru
--FILE--
<?php
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;

try {
    (new GRU(4, input_shape: [5, 3]))->forward(NDArray::ones([2, 5, 4]));
} catch (InvalidArgumentException $e) {
    echo $e->getMessage(), "\n";
}
?>
--EXPECT--
Input shape is inconsistent: defined as (5,3) but (5,4) given in GRU
