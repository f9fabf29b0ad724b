--TEST--
NDArray: unsupported dtypes are rejected
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
foreach ([NDArray::int16, NDArray::float16, 0, 42] as $dtype) {
    try {
        NDArray::zeros([2], $dtype);
    } catch (InvalidArgumentException $e) {
        echo $e->getMessage(), "\n";
    }
}
try {
    NDArray::fromArray([1], NDArray::int64);
} catch (InvalidArgumentException $e) {
    echo $e->getMessage(), "\n";
}
?>
--EXPECT--
Unsupported dtype int16 (3): Rindow\GRU arrays hold bool, int8, int32, uint8, float32 or float64
Unsupported dtype float16 (11): Rindow\GRU arrays hold bool, int8, int32, uint8, float32 or float64
Unsupported dtype 0: Rindow\GRU arrays hold bool, int8, int32, uint8, float32 or float64
Unsupported dtype 42: Rindow\GRU arrays hold bool, int8, int32, uint8, float32 or float64
Unsupported dtype int64 (5): Rindow\GRU arrays hold bool, int8, int32, uint8, float32 or float64
