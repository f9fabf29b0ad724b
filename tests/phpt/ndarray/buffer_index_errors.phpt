--TEST--
Buffer: index out of range, unset, non-int offset, non-number value
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\Buffer;
use Rindow\GRU\NDArray;
$b = new Buffer(2, NDArray::float32);
var_dump(isset($b[1]), isset($b[2]), isset($b[-1]));
foreach ([-1, 2] as $i) {
    try {
        $b[$i];
    } catch (OutOfRangeException $e) {
        echo get_class($e), ': ', $e->getMessage(), "\n";
    }
}
try {
    unset($b[0]);
} catch (LogicException $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
try {
    $b['x'] = 1;
} catch (TypeError $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
try {
    $b[0] = 'x';
} catch (InvalidArgumentException $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
?>
--EXPECT--
bool(true)
bool(false)
bool(false)
OutOfRangeException: Index -1 is out of range for a Rindow\GRU\Buffer of size 2
OutOfRangeException: Index 2 is out of range for a Rindow\GRU\Buffer of size 2
LogicException: Cannot unset an element of Rindow\GRU\Buffer
TypeError: Cannot access offset of type string on Rindow\GRU\Buffer
InvalidArgumentException: A Rindow\GRU\Buffer element must be a number or bool, string given
