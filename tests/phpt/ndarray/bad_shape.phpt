--TEST--
NDArray: bad shapes are rejected
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
$shapes = [[2, -1], [2, 1.5], [1, 1, 1, 1, 1, 1, 1, 1, 1], [PHP_INT_MAX, PHP_INT_MAX]];
foreach ($shapes as $shape) {
    try {
        NDArray::zeros($shape);
        echo "no exception\n";
    } catch (InvalidArgumentException $e) {
        echo $e->getMessage(), "\n";
    }
}
?>
--EXPECTF--
shape must not have negative dimensions, (2,-1) given
shape must be an array of integers, float given at position 1
shape has 9 dimensions; at most 8 are supported
shape (%d,%d) has too many elements
