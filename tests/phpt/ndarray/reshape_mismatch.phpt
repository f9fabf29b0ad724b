--TEST--
NDArray::reshape(): the sizes must match
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
try {
    NDArray::zeros([2, 3])->reshape([4, 2]);
} catch (InvalidArgumentException $e) {
    echo $e->getMessage(), "\n";
}
?>
--EXPECT--
Cannot reshape an array of shape (2,3) (6 elements) to (4,2) (8 elements)
