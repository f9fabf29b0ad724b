<?php
namespace RindowGRUTests\Support;

/*
 * Plain-PHP stand-ins for Rindow's arrays, for interop tests: an NDArray
 * (shape/dtype/offset/buffer) over a buffer that, like Rindow's FFI
 * buffers, keeps its bytes where C cannot reach them and exposes only
 * dump()/load(); a buffer without dump(); a Variable; and a backend with
 * zeros(). All classes live in this file: load it with require_once (the
 * autoloader only finds it through MockNDArray).
 */

/** Counts the dump() and load() calls made on every MockBuffer. */
final class MockCounters
{
    public static int $dumps = 0;
    public static int $loads = 0;

    public static function reset(): void
    {
        self::$dumps = 0;
        self::$loads = 0;
    }
}

/** A LinearBuffer whose bytes sit in a PHP string, reachable only through dump()/load(). */
class MockBuffer implements \Countable, \ArrayAccess
{
    private const FORMATS = [
        1 => ['C', 1],   // bool
        2 => ['c', 1],   // int8
        4 => ['l', 4],   // int32
        6 => ['C', 1],   // uint8
        12 => ['g', 4],  // float32, little-endian
        13 => ['e', 8],  // float64, little-endian
    ];

    private string $bytes;
    private int $size;
    private int $dtype;

    public function __construct(int $size, int $dtype)
    {
        if (!isset(self::FORMATS[$dtype])) {
            throw new \InvalidArgumentException("MockBuffer: unsupported dtype $dtype");
        }
        $this->size = $size;
        $this->dtype = $dtype;
        $this->bytes = str_repeat("\0", $size * self::FORMATS[$dtype][1]);
    }

    public function count(): int
    {
        return $this->size;
    }

    public function dtype(): int
    {
        return $this->dtype;
    }

    public function value_size(): int
    {
        return self::FORMATS[$this->dtype][1];
    }

    public function dump(): string
    {
        MockCounters::$dumps++;
        return $this->bytes;
    }

    public function load(string $data): void
    {
        MockCounters::$loads++;
        if (strlen($data) !== strlen($this->bytes)) {
            throw new \InvalidArgumentException('MockBuffer::load(): ' . strlen($data) . ' bytes given, '
                . strlen($this->bytes) . ' expected');
        }
        $this->bytes = $data;
    }

    public function offsetExists(mixed $offset): bool
    {
        return is_int($offset) && $offset >= 0 && $offset < $this->size;
    }

    public function offsetGet(mixed $offset): mixed
    {
        $this->check($offset);
        [$format, $width] = self::FORMATS[$this->dtype];
        $value = unpack($format, $this->bytes, $offset * $width)[1];
        return $this->dtype === 1 ? (bool)$value : $value;
    }

    public function offsetSet(mixed $offset, mixed $value): void
    {
        $this->check($offset);
        [$format, $width] = self::FORMATS[$this->dtype];
        if ($this->dtype === 1) {
            $value = $value ? 1 : 0;
        }
        $this->bytes = substr_replace($this->bytes, pack($format, $value), $offset * $width, $width);
    }

    public function offsetUnset(mixed $offset): void
    {
        throw new \LogicException('MockBuffer: cannot unset');
    }

    private function check(mixed $offset): void
    {
        if (!$this->offsetExists($offset)) {
            throw new \OutOfRangeException("MockBuffer: index $offset out of range");
        }
    }
}

/** A buffer with elements but neither dump() nor a native layout: unreadable for C. */
class MockOpaqueBuffer implements \Countable
{
    public function __construct(private int $size, private int $dtype)
    {
    }

    public function count(): int
    {
        return $this->size;
    }

    public function dtype(): int
    {
        return $this->dtype;
    }
}

/** An NDArray (Interop\Polite\Math\Matrix\NDArray's methods) over any buffer object. */
class MockNDArray
{
    /** @param int[] $shape */
    public function __construct(
        private object $buffer,
        private int $dtype,
        private array $shape,
        private int $offset = 0,
    ) {
    }

    /**
     * A new array of $dtype holding nested $values; with $padBefore and
     * $padAfter, its buffer has that many extra elements around it (the
     * array then starts at offset $padBefore).
     */
    public static function fromArray(array $values, int $dtype = 12, int $padBefore = 0, int $padAfter = 0): self
    {
        $shape = [];
        for ($level = $values; is_array($level); $level = $level[0] ?? null) {
            $shape[] = count($level);
            if (count($level) === 0) {
                break;
            }
        }
        $flat = [];
        array_walk_recursive($values, static function ($v) use (&$flat) {
            $flat[] = $v;
        });
        $buffer = new MockBuffer($padBefore + count($flat) + $padAfter, $dtype);
        foreach ($flat as $i => $v) {
            $buffer[$padBefore + $i] = $v;
        }
        return new self($buffer, $dtype, $shape, $padBefore);
    }

    /** @param int[] $shape */
    public static function zeros(array $shape, int $dtype = 12): self
    {
        return new self(new MockBuffer((int)array_product($shape), $dtype), $dtype, $shape);
    }

    /** @return int[] */
    public function shape(): array
    {
        return $this->shape;
    }

    public function ndim(): int
    {
        return count($this->shape);
    }

    public function dtype(): int
    {
        return $this->dtype;
    }

    public function offset(): int
    {
        return $this->offset;
    }

    public function size(): int
    {
        return (int)array_product($this->shape);
    }

    public function buffer(): object
    {
        return $this->buffer;
    }

    /** The elements as nested PHP arrays. */
    public function toArray(): mixed
    {
        $position = $this->offset;
        return $this->nest($this->shape, $position);
    }

    private function nest(array $shape, int &$position): mixed
    {
        if ($shape === []) {
            return $this->buffer[$position++];
        }
        $n = array_shift($shape);
        $out = [];
        for ($i = 0; $i < $n; $i++) {
            $out[] = $this->nest($shape, $position);
        }
        return $out;
    }
}

/** Rindow's Variable: no buffer(), the array behind value(). */
class MockVariable
{
    public int $valueCalls = 0;

    public function __construct(private object $value)
    {
    }

    public function value(): object
    {
        $this->valueCalls++;
        return $this->value;
    }
}

/** A backend whose zeros() makes MockNDArrays, as Rindow's math backends make their arrays. */
class MockBackend
{
    public int $zerosCalls = 0;

    /** @param int[] $shape */
    public function zeros(array $shape, ?int $dtype = null): MockNDArray
    {
        $this->zerosCalls++;
        return MockNDArray::zeros($shape, $dtype ?? 12);
    }
}
