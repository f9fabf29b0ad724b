--TEST--
NDArray::from(): unreadable buffers and non-arrays
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\NDArray;

class DumpBuffer
{
    public int $dumps = 0;
    public function __construct(private string $bytes, private int $dtype) {}
    public function dtype(): int { return $this->dtype; }
    public function dump(): string { $this->dumps++; return $this->bytes; }
    public function load(string $bytes): void { $this->bytes = $bytes; }
}
class OpaqueBuffer
{
    public function dtype(): int { return 12; }
}
class ForeignArray
{
    public function __construct(private object $buffer, private int $dtype, private array $shape, private int $offset = 0) {}
    public function shape(): array { return $this->shape; }
    public function dtype(): int { return $this->dtype; }
    public function offset(): int { return $this->offset; }
    public function buffer(): object { return $this->buffer; }
}

$cases = [
    new ForeignArray(new OpaqueBuffer(), NDArray::float32, [2]),
    new ForeignArray(new DumpBuffer(pack('g3', 1, 2, 3), NDArray::float32), NDArray::float32, [2, 2]),
    new ForeignArray(new DumpBuffer(pack('g2', 1, 2), NDArray::float32), NDArray::float64, [1]),
    new ForeignArray(new DumpBuffer('', NDArray::float32), NDArray::int16, [0]),
    new ForeignArray(new DumpBuffer(pack('g2', 1, 2), NDArray::float32), NDArray::float32, [2, -1]),
    new stdClass(),
];
foreach ($cases as $case) {
    try {
        NDArray::from($case);
        echo "no exception\n";
    } catch (InvalidArgumentException $e) {
        echo $e->getMessage(), "\n";
    }
}
?>
--EXPECT--
array must be an NDArray with a readable buffer, ForeignArray given (its buffer, OpaqueBuffer, has neither the polite-math LinearBuffer layout nor dump())
array does not fit in its buffer: offset 0 + size 4 values of 4 bytes, but DumpBuffer::dump() gave 12 bytes
array has dtype float64 but its buffer holds float32
array must have dtype bool, int8, int32, uint8, float32 or float64, int16 (3) given
array->shape() must not have negative dimensions, (2,-1) given
array must be an NDArray, stdClass given
