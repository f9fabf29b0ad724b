--TEST--
NDArray::from(): copies a foreign NDArray whose buffer has dump()
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

$buffer = new DumpBuffer(pack('g6', 9, 1.5, 2.5, 3.5, 4.5, 9), NDArray::float32);
$foreign = new ForeignArray($buffer, NDArray::float32, [2, 2], 1);
$a = NDArray::from($foreign);
echo get_class($a), ' ', json_encode($a->shape()), ' ', json_encode($a->toArray()), ' dumps=', $buffer->dumps, "\n";
$b = NDArray::from(new ForeignArray(new DumpBuffer(pack('e2', 0.1, 0.2), NDArray::float64), NDArray::float64, [2]));
var_dump($b->toArray());
?>
--EXPECT--
Rindow\GRU\NDArray [2,2] [[1.5,2.5],[3.5,4.5]] dumps=1
array(2) {
  [0]=>
  float(0.1)
  [1]=>
  float(0.2)
}
