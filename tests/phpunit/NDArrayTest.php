<?php
namespace RindowGRUTests;

use InvalidArgumentException;
use LogicException;
use OutOfRangeException;
use PHPUnit\Framework\TestCase;
use Rindow\GRU\Buffer;
use Rindow\GRU\NDArray;
use RindowGRUTests\Support\MockBuffer;
use RindowGRUTests\Support\MockCounters;
use RindowGRUTests\Support\MockNDArray;
use RindowGRUTests\Support\MockOpaqueBuffer;
use RindowGRUTests\Support\MockVariable;

require_once __DIR__ . '/Support/MockNDArray.php';

/** Rindow\GRU\Buffer and Rindow\GRU\NDArray, and NDArray::from() on foreign arrays. */
class NDArrayTest extends TestCase
{
    protected function setUp(): void
    {
        MockCounters::reset();
    }

    /** @return array<string, array{int, int, array, array}> dtype, value size, values in, values out */
    public static function dtypes(): array
    {
        return [
            'bool' => [NDArray::bool, 1, [[true, false], [false, true]], [[true, false], [false, true]]],
            'int8' => [NDArray::int8, 1, [[-128, 127], [0, -1]], [[-128, 127], [0, -1]]],
            'int32' => [NDArray::int32, 4, [[-2147483648, 2147483647], [7, -7]], [[-2147483648, 2147483647], [7, -7]]],
            'uint8' => [NDArray::uint8, 1, [[0, 255], [128, 1]], [[0, 255], [128, 1]]],
            'float32' => [NDArray::float32, 4, [[0.5, -2.0], [0.1, 3]],
                [[0.5, -2.0], [(float)unpack('g', pack('g', 0.1))[1], 3.0]]],
            'float64' => [NDArray::float64, 8, [[0.5, -2.0], [0.1, 3]], [[0.5, -2.0], [0.1, 3.0]]],
        ];
    }

    public function testConstants(): void
    {
        $this->assertSame(
            [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
            [NDArray::bool, NDArray::int8, NDArray::int16, NDArray::int32, NDArray::int64, NDArray::uint8,
                NDArray::uint16, NDArray::uint32, NDArray::uint64, NDArray::float8, NDArray::float16,
                NDArray::float32, NDArray::float64]
        );
    }

    /** @dataProvider dtypes */
    public function testFromArrayRoundTrip(int $dtype, int $valueSize, array $in, array $out): void
    {
        $a = NDArray::fromArray($in, $dtype);
        $this->assertSame([2, 2], $a->shape());
        $this->assertSame(2, $a->ndim());
        $this->assertSame(4, $a->size());
        $this->assertSame($dtype, $a->dtype());
        $this->assertSame(0, $a->offset());
        $this->assertSame($valueSize, $a->buffer()->value_size());
        $this->assertSame($dtype, $a->buffer()->dtype());
        $this->assertSame($out, $a->toArray());
    }

    public function testFromArrayDefaultsToFloat32(): void
    {
        $a = NDArray::fromArray([1, 2, 3]);
        $this->assertSame(NDArray::float32, $a->dtype());
        $this->assertSame([1.0, 2.0, 3.0], $a->toArray());
    }

    public function testFromArrayShapes(): void
    {
        $this->assertSame([0], NDArray::fromArray([])->shape());
        $this->assertSame([2, 0], NDArray::fromArray([[], []])->shape());
        $a = NDArray::fromArray([[[1], [2]], [[3], [4]], [[5], [6]]]);
        $this->assertSame([3, 2, 1], $a->shape());
        $this->assertSame([[[1.0], [2.0]], [[3.0], [4.0]], [[5.0], [6.0]]], $a->toArray());
    }

    public function testFromArrayRagged(): void
    {
        try {
            NDArray::fromArray([[1, 2], [3, 4], [5]]);
            $this->fail('no exception');
        } catch (InvalidArgumentException $e) {
            $this->assertStringContainsString('array[2]', $e->getMessage());
        }
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage('array[1][0]');
        NDArray::fromArray([[1, 2], [[3], 4]]);
    }

    public function testFromArrayNonNumber(): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage('array[0][1] must be a number or bool, string given');
        NDArray::fromArray([[1, 'x']]);
    }

    public function testZerosAndOnes(): void
    {
        $z = NDArray::zeros([2, 3]);
        $this->assertSame([2, 3], $z->shape());
        $this->assertSame([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], $z->toArray());
        $this->assertSame([[1, 1], [1, 1]], NDArray::ones([2, 2], NDArray::int32)->toArray());
        $this->assertSame([1.0, 1.0], NDArray::ones([2], NDArray::float64)->toArray());
        $this->assertSame([true], NDArray::ones([1], NDArray::bool)->toArray());
        $this->assertSame(0.0, NDArray::zeros([])->toArray());
        $this->assertSame(0, NDArray::zeros([0, 5])->size());
    }

    public function testBadShape(): void
    {
        try {
            NDArray::zeros([2, -1]);
            $this->fail('no exception');
        } catch (InvalidArgumentException $e) {
            $this->assertStringContainsString('(2,-1)', $e->getMessage());
        }
        try {
            NDArray::zeros([2, 'a']);
            $this->fail('no exception');
        } catch (InvalidArgumentException $e) {
            $this->assertStringContainsString('string given', $e->getMessage());
        }
        try {
            NDArray::zeros([1, 1, 1, 1, 1, 1, 1, 1, 1]);
            $this->fail('no exception');
        } catch (InvalidArgumentException $e) {
            $this->assertStringContainsString('9 dimensions', $e->getMessage());
        }
        $this->expectException(InvalidArgumentException::class);
        NDArray::zeros([PHP_INT_MAX, PHP_INT_MAX]);
    }

    public function testBadDtype(): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage('int16');
        NDArray::zeros([2], NDArray::int16);
    }

    public function testConstructOverBuffer(): void
    {
        $buffer = new Buffer(10, NDArray::float64);
        $a = new NDArray($buffer, NDArray::float64, [2, 3], 4);
        $a[1][2] = 7.5;
        $this->assertSame(7.5, $buffer[9]);
        $this->assertSame(4, $a->offset());
        $this->assertSame($buffer, $a->buffer());
    }

    public function testConstructErrors(): void
    {
        $buffer = new Buffer(6, NDArray::float32);
        foreach ([
            [NDArray::float64, [6], 0, 'dtype'],
            [NDArray::float32, [7], 0, 'does not fit'],
            [NDArray::float32, [2, 3], 1, 'does not fit'],
            [NDArray::float32, [2], -1, 'negative'],
            [NDArray::float32, [-2], 0, 'negative'],
        ] as [$dtype, $shape, $offset, $message]) {
            try {
                new NDArray($buffer, $dtype, $shape, $offset);
                $this->fail("no exception for $message");
            } catch (InvalidArgumentException $e) {
                $this->assertStringContainsString($message, $e->getMessage());
            }
        }
    }

    public function testReshapeSharesBuffer(): void
    {
        $a = NDArray::fromArray([[1, 2, 3], [4, 5, 6]]);
        $b = $a->reshape([3, 2]);
        $this->assertSame([3, 2], $b->shape());
        $this->assertSame($a->buffer(), $b->buffer());
        $b[2][1] = 60;
        $this->assertSame(60.0, $a[1][2]);
        $this->assertSame([[1.0, 2.0], [3.0, 4.0], [5.0, 60.0]], $b->toArray());
    }

    public function testReshapeSizeMismatch(): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage('(2,3)');
        NDArray::zeros([2, 3])->reshape([4, 2]);
    }

    public function testIndexRead(): void
    {
        $a = NDArray::fromArray([[1, 2, 3], [4, 5, 6]], NDArray::int32);
        $this->assertCount(2, $a);
        $this->assertSame(6, $a[1][2]);
        $row = $a[1];
        $this->assertSame([3], $row->shape());
        $this->assertSame(3, $row->offset());
        $this->assertSame($a->buffer(), $row->buffer());
        $this->assertTrue(isset($a[1]));
        $this->assertFalse(isset($a[2]));
        $this->assertFalse(isset($a[-1]));
        $rows = [];
        foreach ($a as $i => $r) {
            $rows[$i] = $r->toArray();
        }
        $this->assertSame([[1, 2, 3], [4, 5, 6]], $rows);
    }

    public function testIndexWrite(): void
    {
        $a = NDArray::zeros([3, 2]);
        $a[0] = [1, 2];
        $a[1] = NDArray::fromArray([3, 4], NDArray::float64);
        $a[2][1] = 6;
        $this->assertSame([[1.0, 2.0], [3.0, 4.0], [0.0, 6.0]], $a->toArray());
        $a[2] = $a[0];
        $this->assertSame([1.0, 2.0], $a[2]->toArray());
    }

    public function testIndexWriteShapeMismatch(): void
    {
        $a = NDArray::zeros([3, 2]);
        try {
            $a[0] = [1, 2, 3];
            $this->fail('no exception');
        } catch (InvalidArgumentException $e) {
            $this->assertStringContainsString('value', $e->getMessage());
        }
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage('(3)');
        $a[0] = NDArray::zeros([3]);
    }

    /** @return array<string, array{int}> */
    public static function badIndexes(): array
    {
        return ['negative' => [-1], 'end' => [3], 'far' => [100]];
    }

    /** @dataProvider badIndexes */
    public function testIndexOutOfRange(int $index): void
    {
        $a = NDArray::zeros([3]);
        try {
            $a[$index];
            $this->fail('no exception on read');
        } catch (OutOfRangeException $e) {
            $this->assertStringContainsString("Index $index", $e->getMessage());
        }
        $this->expectException(OutOfRangeException::class);
        $a[$index] = 1.0;
    }

    public function testUnsetThrows(): void
    {
        $this->expectException(LogicException::class);
        $a = NDArray::zeros([3]);
        unset($a[0]);
    }

    public function testZeroDim(): void
    {
        $a = NDArray::fromArray([[5]])->reshape([]);
        $this->assertSame([], $a->shape());
        $this->assertSame(5.0, $a->toArray());
        $this->expectException(LogicException::class);
        count($a);
    }

    public function testBufferBasics(): void
    {
        $b = new Buffer(3, NDArray::int32);
        $this->assertCount(3, $b);
        $this->assertSame([0, 0, 0], [$b[0], $b[1], $b[2]]);
        $b[1] = -5;
        $this->assertSame(pack('l3', 0, -5, 0), $b->dump());
        $b->load(pack('l3', 1, 2, 3));
        $this->assertSame(3, $b[2]);
        $this->assertCount(0, new Buffer(0, NDArray::float32));
        $this->assertSame('', (new Buffer(0, NDArray::float32))->dump());
    }

    public function testBufferErrors(): void
    {
        $b = new Buffer(2, NDArray::float32);
        try {
            $b->load('abc');
            $this->fail('no exception');
        } catch (InvalidArgumentException $e) {
            $this->assertStringContainsString('8 bytes', $e->getMessage());
        }
        try {
            $b[2];
            $this->fail('no exception');
        } catch (OutOfRangeException $e) {
        }
        try {
            unset($b[0]);
            $this->fail('no exception');
        } catch (LogicException $e) {
        }
        try {
            new Buffer(-1, NDArray::float32);
            $this->fail('no exception');
        } catch (InvalidArgumentException $e) {
        }
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage('uint16');
        new Buffer(2, NDArray::uint16);
    }

    public function testCloneDeepCopies(): void
    {
        $b = new Buffer(2, NDArray::float64);
        $c = clone $b;
        $c[0] = 1.0;
        $this->assertSame(0.0, $b[0]);

        $a = NDArray::fromArray([[1, 2], [3, 4]]);
        $row = clone $a[1];
        $row[0] = 30;
        $this->assertSame(3.0, $a[1][0]);
        $this->assertSame(0, $row->offset());
        $this->assertNotSame($a->buffer(), $row->buffer());
        $this->assertSame([30.0, 4.0], $row->toArray());
    }

    public function testNotSerializable(): void
    {
        foreach ([NDArray::zeros([1]), new Buffer(1, NDArray::float32)] as $object) {
            try {
                serialize($object);
                $this->fail('no exception');
            } catch (\Exception $e) {
                $this->assertStringContainsString('is not allowed', $e->getMessage());
            }
        }
    }

    public function testFromOwnNDArray(): void
    {
        $a = NDArray::fromArray([[1, 2], [3, 4]], NDArray::float64);
        $b = NDArray::from($a[1]);
        $this->assertSame([3.0, 4.0], $b->toArray());
        $this->assertNotSame($a->buffer(), $b->buffer());
        $this->assertSame(NDArray::float64, $b->dtype());
    }

    /** @dataProvider dtypes */
    public function testFromMockWithDumpBuffer(int $dtype, int $valueSize, array $in, array $out): void
    {
        $mock = MockNDArray::fromArray($in, $dtype);
        $a = NDArray::from($mock);
        $this->assertSame([2, 2], $a->shape());
        $this->assertSame($dtype, $a->dtype());
        $this->assertSame($out, $a->toArray());
        $this->assertSame(1, MockCounters::$dumps);
        $this->assertSame(0, MockCounters::$loads);
    }

    public function testFromMockWithOffset(): void
    {
        $mock = MockNDArray::fromArray([[1.5, 2.5], [3.5, 4.5]], NDArray::float32, 3, 2);
        $this->assertSame(3, $mock->offset());
        $this->assertSame([[1.5, 2.5], [3.5, 4.5]], NDArray::from($mock)->toArray());
    }

    public function testFromMockBufferTooSmall(): void
    {
        $mock = new MockNDArray(new MockBuffer(3, NDArray::float32), NDArray::float32, [2, 2]);
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage('does not fit');
        NDArray::from($mock);
    }

    public function testFromMockDtypeMismatch(): void
    {
        $mock = new MockNDArray(new MockBuffer(4, NDArray::float64), NDArray::float32, [4]);
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage('float64');
        NDArray::from($mock);
    }

    public function testFromMockOverNativeBuffer(): void
    {
        /* A foreign NDArray class over our Buffer: read in place, no dump(). */
        $buffer = new Buffer(5, NDArray::float32);
        $buffer[3] = 2.5;
        $mock = new MockNDArray($buffer, NDArray::float32, [2], 2);
        $this->assertSame([0.0, 2.5], NDArray::from($mock)->toArray());
    }

    public function testFromMockWithoutDump(): void
    {
        $mock = new MockNDArray(new MockOpaqueBuffer(4, NDArray::float32), NDArray::float32, [4]);
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage('array must be an NDArray with a readable buffer, ' . MockNDArray::class . ' given');
        NDArray::from($mock);
    }

    public function testFromVariable(): void
    {
        $variable = new MockVariable(MockNDArray::fromArray([1, 2, 3]));
        $this->assertSame([1.0, 2.0, 3.0], NDArray::from($variable)->toArray());
        $this->assertSame(1, $variable->valueCalls);

        $variable = new MockVariable(NDArray::fromArray([4, 5]));
        $this->assertSame([4.0, 5.0], NDArray::from($variable)->toArray());
    }

    public function testFromVariableOfVariableIsRejected(): void
    {
        $this->expectException(InvalidArgumentException::class);
        NDArray::from(new MockVariable(new MockVariable(NDArray::zeros([1]))));
    }

    public function testFromNonNDArray(): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage('array must be an NDArray, stdClass given');
        NDArray::from(new \stdClass());
    }

    public function testAssignRowFromMock(): void
    {
        $a = NDArray::zeros([2, 2], NDArray::float64);
        $a[1] = MockNDArray::fromArray([7, 8], NDArray::float32);
        $this->assertSame([[0.0, 0.0], [7.0, 8.0]], $a->toArray());
    }
}
