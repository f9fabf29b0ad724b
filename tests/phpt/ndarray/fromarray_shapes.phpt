--TEST--
NDArray::fromArray(): empty arrays, 3 dimensions, string keys ignored
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
echo json_encode(NDArray::fromArray([])->shape()), "\n";
echo json_encode(NDArray::fromArray([[], []])->shape()), "\n";
$a = NDArray::fromArray([[[1], [2]], [[3], [4]], [[5], [6]]], NDArray::int32);
echo json_encode($a->shape()), ' ', json_encode($a->toArray()), "\n";
$b = NDArray::fromArray(['a' => 1, 'b' => 2], NDArray::int32);
echo json_encode($b->toArray()), "\n";
?>
--EXPECT--
[0]
[2,0]
[3,2,1] [[[1],[2]],[[3],[4]],[[5],[6]]]
[1,2]
