--TEST--
NDArray::fromArray() and toArray() round trip: int8
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
$a = NDArray::fromArray([[-128, 127, 0], [1, -1, 42]], NDArray::int8);
echo json_encode($a->shape()), ' ', $a->dtype(), ' ', $a->buffer()->value_size(), "\n";
echo json_encode($a->toArray()), "\n";
var_dump(NDArray::fromArray($a->toArray(), NDArray::int8)->toArray() === $a->toArray());
?>
--EXPECT--
[2,3] 2 1
[[-128,127,0],[1,-1,42]]
bool(true)
