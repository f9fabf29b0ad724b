--TEST--
NDArray::fromArray() and toArray() round trip: bool
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
$a = NDArray::fromArray([[true, false, 1], [0, 2.5, false]], NDArray::bool);
echo json_encode($a->shape()), ' ', $a->dtype(), ' ', $a->buffer()->value_size(), "\n";
echo json_encode($a->toArray()), "\n";
var_dump(NDArray::fromArray($a->toArray(), NDArray::bool)->toArray() === $a->toArray());
?>
--EXPECT--
[2,3] 1 1
[[true,false,true],[false,true,false]]
bool(true)
