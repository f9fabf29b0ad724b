--TEST--
NDArray::fromArray() and toArray() round trip: float64
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
$a = NDArray::fromArray([[0.1, -2.5, 3], [1e300, -0.0, 7]], NDArray::float64);
echo json_encode($a->shape()), ' ', $a->dtype(), ' ', $a->buffer()->value_size(), "\n";
echo json_encode($a->toArray()), "\n";
var_dump(NDArray::fromArray($a->toArray(), NDArray::float64)->toArray() === $a->toArray());
?>
--EXPECT--
[2,3] 13 8
[[0.1,-2.5,3],[1.0e+300,-0,7]]
bool(true)
