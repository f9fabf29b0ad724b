--TEST--
GRU: serialize() is refused with a clear exception; clone deep-copies the weights
--EXTENSIONS--
rindow_gru
--FILE--
<?php
use Rindow\NeuralNetworks\Layer\GRU;

$gru = new GRU(2);
$gru->build([3, 4]);
try {
    serialize($gru);
} catch (Exception $e) {
    echo $e->getMessage(), "\n";
}
$copy = clone $gru;
$k = $gru->getParams()[0];
$before = $copy->getParams()[0][0][0];
$k[0][0] = 7.0;
var_dump($copy->getParams()[0][0][0] === $before, $gru->getParams()[0][0][0]);
?>
--EXPECT--
Serialization of 'Rindow\NeuralNetworks\Layer\GRU' is not allowed
bool(true)
float(7)
