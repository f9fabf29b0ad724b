--TEST--
NDArray::fromArray() and toArray() round trip: float32 values are rounded to float32
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
$a = NDArray::fromArray([[0.1, 0.5, -3], [1.0e-3, 16777217, 2.0]]);
echo json_encode($a->shape()), ' ', $a->dtype(), ' ', $a->buffer()->value_size(), "\n";
var_dump($a->toArray());
var_dump(NDArray::fromArray($a->toArray())->toArray() === $a->toArray());
?>
--EXPECT--
[2,3] 12 4
array(2) {
  [0]=>
  array(3) {
    [0]=>
    float(0.10000000149011612)
    [1]=>
    float(0.5)
    [2]=>
    float(-3)
  }
  [1]=>
  array(3) {
    [0]=>
    float(0.0010000000474974513)
    [1]=>
    float(16777216)
    [2]=>
    float(2)
  }
}
bool(true)
