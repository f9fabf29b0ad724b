--TEST--
Buffer: a clone owns a copy of the data
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\Buffer;
use Rindow\GRU\NDArray;
$b = new Buffer(2, NDArray::float64);
$b[0] = 1.5;
$c = clone $b;
$c[0] = 2.5;
$c[1] = 3.5;
var_dump($b[0], $b[1], $c[0], $c[1], $c->dtype(), count($c));
?>
--EXPECT--
float(1.5)
float(0)
float(2.5)
float(3.5)
int(13)
int(2)
