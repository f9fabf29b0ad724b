--TEST--
NDArray: a 0-dimensional array is a scalar; count() and indexing throw
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
$a = NDArray::fromArray([2.5])->reshape([]);
var_dump($a->shape(), $a->ndim(), $a->size(), $a->toArray());
try {
    count($a);
} catch (LogicException $e) {
    echo $e->getMessage(), "\n";
}
try {
    $a[0];
} catch (LogicException $e) {
    echo $e->getMessage(), "\n";
}
?>
--EXPECT--
array(0) {
}
int(0)
int(1)
float(2.5)
Cannot count the elements of a 0-dimensional Rindow\GRU\NDArray
Cannot index a 0-dimensional Rindow\GRU\NDArray
