--TEST--
NDArray: a clone owns a copy of its elements
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
$a = NDArray::fromArray([[1, 2], [3, 4]]);
$b = clone $a;
$b[0][0] = 10;
$row = clone $a[1];
$row[1] = 40;
echo json_encode($a->toArray()), ' ', json_encode($b->toArray()), ' ', json_encode($row->toArray()), "\n";
var_dump($b->buffer() === $a->buffer(), $row->offset(), count($row->buffer()));
?>
--EXPECT--
[[1,2],[3,4]] [[10,2],[3,4]] [3,40]
bool(false)
int(0)
int(2)
