--TEST--
Buffer: unsupported dtype and negative size
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\Buffer;
foreach ([[2, 3], [2, 99], [-1, 12]] as [$size, $dtype]) {
    try {
        new Buffer($size, $dtype);
    } catch (InvalidArgumentException $e) {
        echo $e->getMessage(), "\n";
    }
}
?>
--EXPECT--
Unsupported dtype int16 (3): Rindow\GRU arrays hold bool, int8, int32, uint8, float32 or float64
Unsupported dtype 99: Rindow\GRU arrays hold bool, int8, int32, uint8, float32 or float64
Buffer size must not be negative, -1 given
