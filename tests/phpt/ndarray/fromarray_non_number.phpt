--TEST--
NDArray::fromArray(): leaves must be numbers or bools
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
foreach (['x', null, new stdClass()] as $leaf) {
    try {
        NDArray::fromArray([[1, 2], [3, $leaf]]);
    } catch (InvalidArgumentException $e) {
        echo $e->getMessage(), "\n";
    }
}
?>
--EXPECT--
array[1][1] must be a number or bool, string given
array[1][1] must be a number or bool, null given
array[1][1] must be a number or bool, stdClass given
