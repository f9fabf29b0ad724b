--TEST--
NDArray::reshape(): a view sharing the buffer
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
$a = NDArray::fromArray([[1, 2, 3], [4, 5, 6]], NDArray::int32);
$b = $a->reshape([3, 2]);
echo json_encode($b->shape()), ' ', json_encode($b->toArray()), "\n";
var_dump($a->buffer() === $b->buffer());
$b[2][1] = 60;
echo json_encode($a->toArray()), "\n";
$row = $a[1]->reshape([3, 1]);
echo $row->offset(), ' ', json_encode($row->toArray()), "\n";
unset($a);
echo json_encode($b->toArray()), "\n";
?>
--EXPECT--
[3,2] [[1,2],[3,4],[5,6]]
bool(true)
[[1,2,3],[4,5,60]]
3 [[4],[5],[60]]
[[1,2],[3,4],[5,60]]
