--TEST--
NDArray::fromArray(): ragged arrays are rejected with the path
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
$cases = [
    [[1, 2], [3]],
    [[1, 2], 3],
    [[[1, 2], [3, 4]], [[5, 6], [7]]],
    [[1, 2], [[3], 4]],
    [[[]], [1]],
];
foreach ($cases as $case) {
    try {
        NDArray::fromArray($case);
        echo "no exception\n";
    } catch (InvalidArgumentException $e) {
        echo $e->getMessage(), "\n";
    }
}
?>
--EXPECT--
Ragged array: array[1] has 1 element, 2 expected
Ragged array: array[1] must be an array of 2 elements, int given
Ragged array: array[1][1] has 1 element, 2 expected
Ragged array: array[1][0] is an array where a number is expected
Ragged array: array[1][0] must be an array of 0 elements, int given
