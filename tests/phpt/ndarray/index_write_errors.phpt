--TEST--
NDArray: writing rows of the wrong shape or type
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
$a = NDArray::zeros([3, 2]);
$values = [[1, 2, 3], [[1, 2]], NDArray::zeros([3]), NDArray::zeros([1, 2]), 'x', 1.0];
foreach ($values as $value) {
    try {
        $a[0] = $value;
        echo "no exception\n";
    } catch (InvalidArgumentException $e) {
        echo $e->getMessage(), "\n";
    }
}
try {
    NDArray::zeros([2])[0] = [1];
} catch (InvalidArgumentException $e) {
    echo $e->getMessage(), "\n";
}
echo json_encode($a->toArray()), "\n";
?>
--EXPECT--
Ragged array: value has 3 elements, 2 expected
Ragged array: value has 1 element, 2 expected
Cannot assign an array of shape (3) to a row of shape (2)
Cannot assign an array of shape (1,2) to a row of shape (2)
A row of shape (2) must be assigned an NDArray or a nested array, string given
A row of shape (2) must be assigned an NDArray or a nested array, float given
An element of a 1-dimensional NDArray must be a number or bool, array given
[[0,0],[0,0],[0,0]]
