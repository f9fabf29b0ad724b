--TEST--
NDArray: reading elements and rows
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
$a = NDArray::fromArray([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], NDArray::float64);
var_dump(count($a), $a[1][0][1]);
$row = $a[1];
echo json_encode($row->shape()), ' ', $row->offset(), ' ', json_encode($row->toArray()), "\n";
var_dump($row->buffer() === $a->buffer());
$cell = $a[1][1];
echo json_encode($cell->shape()), ' ', $cell->offset(), "\n";
var_dump(isset($a[0]), isset($a[1]), isset($a[2]), isset($a[-1]), isset($a['0']));
?>
--EXPECT--
int(2)
float(6)
[2,2] 4 [[5,6],[7,8]]
bool(true)
[2] 6
bool(true)
bool(true)
bool(false)
bool(false)
bool(false)
