--TEST--
NDArray: unset() of an element throws LogicException
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
$a = NDArray::zeros([2]);
try {
    unset($a[0]);
} catch (LogicException $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
?>
--EXPECT--
LogicException: Cannot unset an element of Rindow\GRU\NDArray
