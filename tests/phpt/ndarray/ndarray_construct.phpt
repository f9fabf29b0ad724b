--TEST--
NDArray: constructed over a Buffer, at an offset
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\Buffer;
use Rindow\GRU\NDArray;
$buffer = new Buffer(8, NDArray::float32);
for ($i = 0; $i < 8; $i++) {
    $buffer[$i] = $i;
}
$a = new NDArray($buffer, NDArray::float32, [2, 3], 2);
echo json_encode($a->shape()), ' ', $a->ndim(), ' ', $a->size(), ' ', $a->dtype(), ' ', $a->offset(), "\n";
echo json_encode($a->toArray()), "\n";
var_dump($a->buffer() === $buffer);
$default = new NDArray($buffer, NDArray::float32, [8]);
var_dump($default->offset());
?>
--EXPECT--
[2,3] 2 6 12 2
[[2,3,4],[5,6,7]]
bool(true)
int(0)
