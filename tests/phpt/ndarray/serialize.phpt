--TEST--
NDArray and Buffer cannot be serialized
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\Buffer;
use Rindow\GRU\NDArray;
foreach ([NDArray::zeros([2]), new Buffer(2, NDArray::float32)] as $object) {
    try {
        serialize($object);
    } catch (Exception $e) {
        echo $e->getMessage(), "\n";
    }
}
try {
    unserialize('O:18:"Rindow\GRU\NDArray":0:{}');
} catch (Exception $e) {
    echo $e->getMessage(), "\n";
}
?>
--EXPECT--
Serialization of 'Rindow\GRU\NDArray' is not allowed
Serialization of 'Rindow\GRU\Buffer' is not allowed
Unserialization of 'Rindow\GRU\NDArray' is not allowed
