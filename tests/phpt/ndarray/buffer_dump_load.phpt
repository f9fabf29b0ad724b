--TEST--
Buffer: dump() and load() move raw bytes
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\Buffer;
use Rindow\GRU\NDArray;
$b = new Buffer(3, NDArray::int32);
$b[0] = 1;
$b[2] = -2;
var_dump($b->dump() === pack('l3', 1, 0, -2));
$b->load(pack('l3', 7, 8, 9));
var_dump($b[0], $b[1], $b[2]);
$f = new Buffer(2, NDArray::float64);
$f->load(pack('e2', 0.25, -1.5));
var_dump($f[0], $f[1]);
?>
--EXPECT--
bool(true)
int(7)
int(8)
int(9)
float(0.25)
float(-1.5)
