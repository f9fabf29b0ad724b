--TEST--
NDArray: writing elements and rows from arrays and NDArrays
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
$a = NDArray::zeros([3, 2], NDArray::float64);
$a[0][1] = 5;
$a[1] = [1, 2];
$a[2] = NDArray::fromArray([3.5, 4.5]);
echo json_encode($a->toArray()), "\n";
$a[0] = $a[2];
echo json_encode($a->toArray()), "\n";
$b = NDArray::zeros([2, 2], NDArray::int32);
$b[1] = NDArray::fromArray([7.9, -7.9], NDArray::float64);
$b[0][0] = true;
echo json_encode($b->toArray()), "\n";
?>
--EXPECT--
[[0,5],[1,2],[3.5,4.5]]
[[3.5,4.5],[1,2],[3.5,4.5]]
[[1,0],[7,-7]]
