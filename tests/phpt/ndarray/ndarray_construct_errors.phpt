--TEST--
NDArray: constructor validates dtype, shape and offset
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\Buffer;
use Rindow\GRU\NDArray;
$buffer = new Buffer(6, NDArray::float32);
$cases = [
    [NDArray::float64, [6], 0],
    [NDArray::float32, [7], 0],
    [NDArray::float32, [2, 3], 1],
    [NDArray::float32, [2], -1],
    [NDArray::float32, [2, -3], 0],
    [NDArray::float32, [2, 'x'], 0],
];
foreach ($cases as [$dtype, $shape, $offset]) {
    try {
        new NDArray($buffer, $dtype, $shape, $offset);
        echo "no exception\n";
    } catch (InvalidArgumentException $e) {
        echo $e->getMessage(), "\n";
    }
}
?>
--EXPECT--
dtype float64 does not match the buffer's dtype float32
An array of shape (7) at offset 0 does not fit in a buffer of size 6
An array of shape (2,3) at offset 1 does not fit in a buffer of size 6
offset must not be negative, -1 given
shape must not have negative dimensions, (2,-3) given
shape must be an array of integers, string given at position 1
