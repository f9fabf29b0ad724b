--TEST--
NDArray::from(): a Variable is read by its value, once
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;
class Variable
{
    public int $calls = 0;
    public function __construct(private object $value) {}
    public function value(): object { $this->calls++; return $this->value; }
}
$v = new Variable(NDArray::fromArray([1, 2]));
echo json_encode(NDArray::from($v)->toArray()), ' calls=', $v->calls, "\n";
$temporary = new class {
    public function value(): object { return NDArray::fromArray([3, 4]); }
};
echo json_encode(NDArray::from($temporary)->toArray()), "\n";
try {
    NDArray::from(new Variable(new Variable(NDArray::zeros([1]))));
} catch (InvalidArgumentException $e) {
    echo $e->getMessage(), "\n";
}
?>
--EXPECT--
[1,2] calls=1
[3,4]
array must be an NDArray, Variable given
