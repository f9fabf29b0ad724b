--TEST--
NDArray::fromArray() and toArray() round trip: uint8
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
$a = NDArray::fromArray([[0, 255, 128], [1, 2, 3]], NDArray::uint8);
echo json_encode($a->shape()), ' ', $a->dtype(), ' ', $a->buffer()->value_size(), "\n";
echo json_encode($a->toArray()), "\n";
var_dump(NDArray::fromArray($a->toArray(), NDArray::uint8)->toArray() === $a->toArray());
?>
--EXPECT--
[2,3] 6 1
[[0,255,128],[1,2,3]]
bool(true)
