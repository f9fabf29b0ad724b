--TEST--
NDArray::zeros() and NDArray::ones()
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
echo json_encode(NDArray::zeros([2, 3])->toArray()), "\n";
echo json_encode(NDArray::ones([2, 2], NDArray::int32)->toArray()), "\n";
echo json_encode(NDArray::ones([3], NDArray::float64)->toArray()), "\n";
echo json_encode(NDArray::ones([2], NDArray::bool)->toArray()), "\n";
echo json_encode(NDArray::ones([2], NDArray::uint8)->toArray()), "\n";
var_dump(NDArray::zeros([])->toArray(), NDArray::zeros([0, 4])->size());
var_dump(NDArray::zeros([2])->dtype());
?>
--EXPECT--
[[0,0,0],[0,0,0]]
[[1,1],[1,1]]
[1,1,1]
[true,true]
[1,1]
float(0)
int(0)
int(12)
