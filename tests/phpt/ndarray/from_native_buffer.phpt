--TEST--
NDArray::from(): a foreign NDArray over a Rindow\GRU\Buffer is read in place
--SKIPIF--
<?php if (!extension_loaded('rindow_gru')) die('skip rindow_gru not loaded'); ?>
--FILE--
<?php
use Rindow\GRU\Buffer;
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

$buffer = new Buffer(4, NDArray::int32);
$buffer[2] = 7;
$buffer[3] = 8;
echo json_encode(NDArray::from(new ForeignArray($buffer, NDArray::int32, [2], 2))->toArray()), "\n";
try {
    NDArray::from(new ForeignArray($buffer, NDArray::int32, [2], 3));
} catch (InvalidArgumentException $e) {
    echo $e->getMessage(), "\n";
}
try {
    NDArray::from(new ForeignArray($buffer, NDArray::float32, [2]));
} catch (InvalidArgumentException $e) {
    echo $e->getMessage(), "\n";
}
?>
--EXPECT--
[7,8]
array does not fit in its buffer: offset 3 + size 2 > buffer size 4
array has dtype float32 but its buffer holds int32 (4 bytes per value)
