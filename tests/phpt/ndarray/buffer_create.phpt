--TEST--
Buffer: zero-filled, count, dtype, value_size
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\Buffer;
use Rindow\GRU\NDArray;
foreach ([NDArray::bool, NDArray::int8, NDArray::int32, NDArray::uint8, NDArray::float32, NDArray::float64] as $dtype) {
    $b = new Buffer(3, $dtype);
    echo $dtype, ': ', count($b), ' ', $b->dtype(), ' ', $b->value_size(), ' ', var_export($b[2], true), "\n";
}
$empty = new Buffer(0, NDArray::float32);
var_dump(count($empty), $empty->dump());
?>
--EXPECT--
1: 3 1 1 false
2: 3 2 1 0
4: 3 4 4 0
6: 3 6 1 0
12: 3 12 4 0.0
13: 3 13 8 0.0
int(0)
string(0) ""
