<?php

/** @generate-class-entries */

namespace Rindow\GRU;

/**
 * A flat, zero-filled block of numbers of one dtype: the extension's
 * LinearBuffer. Its C layout is polite-math's
 * (include/Interop/Polite/Math/Matrix.h), so other extensions read and
 * write it in place.
 *
 * Supported dtypes: NDArray::bool (1 byte per element), NDArray::int8,
 * NDArray::int32, NDArray::uint8, NDArray::float32 and NDArray::float64.
 *
 * A clone owns a copy of the data. Buffers cannot be serialized.
 *
 * @strict-properties
 * @not-serializable
 */
final class Buffer implements \Countable, \ArrayAccess
{
    /**
     * Allocates `$size` elements of `$dtype`, all zero.
     *
     * @throws \InvalidArgumentException when the size is negative or the
     *         dtype is not supported
     * @throws \RuntimeException when the buffer would exceed memory_limit
     */
    public function __construct(int $size, int $dtype) {}

    /** The number of elements. */
    public function count(): int {}

    /** Whether `$offset` is an integer index inside the buffer. */
    public function offsetExists(mixed $offset): bool {}

    /**
     * The element at `$offset`: a bool, an int or a float by dtype.
     *
     * @throws \OutOfRangeException when the index is outside the buffer
     */
    public function offsetGet(mixed $offset): int|float|bool {}

    /**
     * Stores a number or bool at `$offset`, converted to the dtype.
     *
     * @throws \OutOfRangeException when the index is outside the buffer
     */
    public function offsetSet(mixed $offset, mixed $value): void {}

    /**
     * Always throws: elements cannot be removed.
     *
     * @throws \LogicException
     */
    public function offsetUnset(mixed $offset): void {}

    /** The dtype code (NDArray::float32, ...). */
    public function dtype(): int {}

    /** The size of one element in bytes. */
    public function value_size(): int {}

    /** The raw bytes of the buffer, count() * value_size() of them. */
    public function dump(): string {}

    /**
     * Replaces the contents with raw bytes, as dump() returns them.
     *
     * @throws \InvalidArgumentException when the length is not exactly
     *         count() * value_size()
     */
    public function load(string $data): void {}
}

/**
 * An n-dimensional array (at most 8 dimensions) over a Buffer, with the
 * API of Interop\Polite\Math\Matrix\NDArray. Views (reshape(), indexing an
 * array of 2 or more dimensions) share the buffer of the array they come
 * from; a clone owns a copy of its elements.
 *
 * Shapes appear in messages in Rindow's style: "(5,3)".
 *
 * @strict-properties
 * @not-serializable
 */
final class NDArray implements \Countable, \ArrayAccess, \IteratorAggregate
{
    /** @var int */
    public const bool = 1;
    /** @var int */
    public const int8 = 2;
    /** @var int */
    public const int16 = 3;
    /** @var int */
    public const int32 = 4;
    /** @var int */
    public const int64 = 5;
    /** @var int */
    public const uint8 = 6;
    /** @var int */
    public const uint16 = 7;
    /** @var int */
    public const uint32 = 8;
    /** @var int */
    public const uint64 = 9;
    /** @var int */
    public const float8 = 10;
    /** @var int */
    public const float16 = 11;
    /** @var int */
    public const float32 = 12;
    /** @var int */
    public const float64 = 13;

    /**
     * An array of `$shape` over `$buffer`, starting `$offset` elements in.
     *
     * @param int[] $shape
     * @throws \InvalidArgumentException when the dtype differs from the
     *         buffer's, the shape is not a list of non-negative integers, or
     *         the array does not fit in the buffer
     */
    public function __construct(Buffer $buffer, int $dtype, array $shape, int $offset = 0) {}

    /**
     * A new array holding the numbers (or bools) of nested PHP arrays.
     *
     * @throws \InvalidArgumentException when the nesting is ragged (the
     *         message gives the path) or a leaf is not a number or bool
     */
    public static function fromArray(array $array, int $dtype = NDArray::float32): NDArray {}

    /**
     * A new zero-filled array.
     *
     * @param int[] $shape
     */
    public static function zeros(array $shape, int $dtype = NDArray::float32): NDArray {}

    /**
     * A new array filled with ones (true for bool).
     *
     * @param int[] $shape
     */
    public static function ones(array $shape, int $dtype = NDArray::float32): NDArray {}

    /**
     * A copy of any NDArray-like object (shape(), dtype(), offset(),
     * buffer(), such as Rindow's arrays, or a Rindow Variable) as a
     * Rindow\GRU\NDArray.
     *
     * @throws \InvalidArgumentException when the object is not an NDArray
     *         or its buffer cannot be read
     */
    public static function from(object $array): NDArray {}

    /** @return int[] */
    public function shape(): array {}

    public function ndim(): int {}

    public function dtype(): int {}

    /** The number of elements: the product of the shape. */
    public function size(): int {}

    /** Where the array starts in its buffer, in elements. */
    public function offset(): int {}

    public function buffer(): Buffer {}

    /**
     * A view of the same elements with another shape, sharing the buffer.
     *
     * @param int[] $shape
     * @throws \InvalidArgumentException when the sizes differ
     */
    public function reshape(array $shape): NDArray {}

    /** The elements as nested PHP arrays (a scalar for 0 dimensions). */
    public function toArray(): array|int|float|bool {}

    /**
     * shape()[0].
     *
     * @throws \LogicException for an array of 0 dimensions
     */
    public function count(): int {}

    /** Whether `$offset` is an integer index in [0, count()). */
    public function offsetExists(mixed $offset): bool {}

    /**
     * Element `$offset` of a 1-dimensional array, or for more dimensions a
     * view of row `$offset` (shape()[1:]) sharing the buffer.
     *
     * @throws \OutOfRangeException when the index is negative or too large
     */
    public function offsetGet(mixed $offset): mixed {}

    /**
     * Stores a number into a 1-dimensional array, or for more dimensions
     * copies an NDArray or nested PHP array of shape shape()[1:] into row
     * `$offset`.
     *
     * @throws \OutOfRangeException when the index is negative or too large
     * @throws \InvalidArgumentException when the value's shape differs
     */
    public function offsetSet(mixed $offset, mixed $value): void {}

    /**
     * Always throws: elements cannot be removed.
     *
     * @throws \LogicException
     */
    public function offsetUnset(mixed $offset): void {}

    /** Iterates over $this[0], $this[1], ... */
    public function getIterator(): \Iterator {}
}
