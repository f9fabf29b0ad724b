--TEST--
NDArray: foreach yields elements or row views
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
foreach (NDArray::fromArray([1, 2], NDArray::int8) as $i => $v) {
    echo $i, '=', $v, "\n";
}
$a = NDArray::zeros([2, 2]);
foreach ($a as $i => $row) {
    $row[1] = $i + 1;
}
echo json_encode($a->toArray()), "\n";
?>
--EXPECT--
0=1
1=2
[[0,1],[0,2]]
