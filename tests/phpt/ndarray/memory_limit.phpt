--TEST--
NDArray and Buffer: sizes past memory_limit throw RuntimeException instead of a fatal error
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--INI--
memory_limit=32M
--FILE--
<?php
use Rindow\GRU\Buffer;
use Rindow\GRU\NDArray;
foreach ([fn() => NDArray::zeros([1024, 1024, 64]), fn() => new Buffer(1 << 30, NDArray::float64),
        fn() => NDArray::ones([1 << 20, 16], NDArray::float64)] as $make) {
    try {
        $make();
        echo "no exception\n";
    } catch (RuntimeException $e) {
        echo get_class($e), ': ', $e->getMessage(), "\n";
    }
}
echo count(NDArray::zeros([1024, 1024])->buffer()), "\n";
?>
--EXPECTF--
RuntimeException: Allocating Rindow\GRU\Buffer (268435456 bytes) would exceed memory_limit (33554432 bytes, %d in use)
RuntimeException: Allocating Rindow\GRU\Buffer (8589934592 bytes) would exceed memory_limit (33554432 bytes, %d in use)
RuntimeException: Allocating Rindow\GRU\Buffer (134217728 bytes) would exceed memory_limit (33554432 bytes, %d in use)
1048576
