--TEST--
Buffer: load() needs exactly size * value_size bytes
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\Buffer;
use Rindow\GRU\NDArray;
$b = new Buffer(2, NDArray::float32);
foreach (['abc', str_repeat("\0", 9), ''] as $bytes) {
    try {
        $b->load($bytes);
    } catch (InvalidArgumentException $e) {
        echo $e->getMessage(), "\n";
    }
}
?>
--EXPECT--
Rindow\GRU\Buffer::load() needs exactly 8 bytes (2 float32 values), 3 given
Rindow\GRU\Buffer::load() needs exactly 8 bytes (2 float32 values), 9 given
Rindow\GRU\Buffer::load() needs exactly 8 bytes (2 float32 values), 0 given
