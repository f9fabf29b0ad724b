--TEST--
NDArray: negative or too large indexes
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
$a = NDArray::zeros([3, 2]);
foreach ([-1, 3, PHP_INT_MAX] as $i) {
    try {
        $a[$i];
    } catch (OutOfRangeException $e) {
        echo $e->getMessage(), "\n";
    }
    try {
        $a[$i] = [1, 2];
    } catch (OutOfRangeException $e) {
        echo $e->getMessage(), "\n";
    }
}
try {
    $a[1][2];
} catch (OutOfRangeException $e) {
    echo $e->getMessage(), "\n";
}
try {
    $a['1'];
} catch (TypeError $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
?>
--EXPECTF--
Index -1 is out of range for an NDArray of shape (3,2)
Index -1 is out of range for an NDArray of shape (3,2)
Index 3 is out of range for an NDArray of shape (3,2)
Index 3 is out of range for an NDArray of shape (3,2)
Index %d is out of range for an NDArray of shape (3,2)
Index %d is out of range for an NDArray of shape (3,2)
Index 2 is out of range for an NDArray of shape (2)
TypeError: Cannot access offset of type string on Rindow\GRU\NDArray
