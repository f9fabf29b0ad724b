<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;
use RindowGRUTests\Support\MockBuffer;
use RindowGRUTests\Support\MockNDArray;
use RindowGRUTests\Support\MockOpaqueBuffer;

require_once __DIR__ . '/Support/MockNDArray.php';

/**
 * More misuse, after BadInputTest: sizes that overflow 64 bits claimed by
 * foreign arrays, dtypes a mask cannot have, arguments that are no arrays,
 * NaN/Inf through backward, and requests past memory_limit. Each must raise
 * the named class with a message naming the argument, and never reach an
 * allocation or a read of a buffer that does not hold what the shape claims.
 */
final class BadInputMoreTest extends TestCase
{
    private string $memoryLimit;

    protected function setUp(): void
    {
        $this->memoryLimit = (string)ini_get('memory_limit');
    }

    protected function tearDown(): void
    {
        ini_set('memory_limit', $this->memoryLimit);
    }

    /** A foreign array whose shape() claims $shape over a buffer of 8 float32s. */
    private static function claiming(array $shape, int $dtype = NDArray::float32): MockNDArray
    {
        return new MockNDArray(new MockBuffer(8, NDArray::float32), $dtype, $shape);
    }

    private static function trained(int $units = 2): GRU
    {
        $layer = new GRU($units);
        $layer->forward(NDArray::ones([1, 3, 4]), true);
        return $layer;
    }

    /** @return array<string, array{int[]}> */
    public static function overflowingInputShapes(): array
    {
        return [
            'elements past 2^64' => [[1 << 32, 1 << 32, 1 << 32]],
            'elements past 2^63' => [[PHP_INT_MAX, 2, 2]],
            'two dimensions past 2^64' => [[1 << 33, 1 << 33, 1]],
            'bytes past 2^64 (2^62 float32s)' => [[1 << 30, 1 << 30, 4]],
            'one dimension of 2^62' => [[1, 1, 1 << 62]],
            'one dimension of PHP_INT_MAX' => [[1, 1, PHP_INT_MAX]],
        ];
    }

    /** @dataProvider overflowingInputShapes */
    public function testInputsWhoseShapeOverflowsReachingForward(array $shape): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessageMatches('/^inputs\b.*too many elements/');
        (new GRU(4))->forward(self::claiming($shape));
    }

    public function testInputsClaimingMoreThanTheirBufferHolds(): void
    {
        // 2^40 elements fit in 64 bits, but the buffer holds 8: no read past it.
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessageMatches('/^inputs does not fit in its buffer/');
        (new GRU(4))->forward(self::claiming([1 << 20, 1 << 18, 4]));
    }

    public function testInputsOverAnOpaqueBufferWithAHugeShape(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessageMatches('/^inputs\b/');
        (new GRU(4))->forward(new MockNDArray(new MockOpaqueBuffer(24, NDArray::float32), NDArray::float32,
            [1 << 40, 1 << 40, 1 << 40]));
    }

    public function testInputsWithANegativeOffset(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('inputs has a negative offset (-1)');
        (new GRU(4))->forward(new MockNDArray(new MockBuffer(24, NDArray::float32), NDArray::float32, [2, 3, 4], -1));
    }

    public function testInputsWhoseOffsetRunsPastTheBuffer(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessageMatches('/^inputs does not fit in its buffer: offset 10 \+ size 24/');
        (new GRU(4))->forward(new MockNDArray(new MockBuffer(24, NDArray::float32), NDArray::float32, [2, 3, 4], 10));
    }

    public function testInputsWhoseShapeHoldsANonInteger(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('inputs->shape() must be an array of integers, float given at position 1');
        (new GRU(4))->forward(self::claiming([1, 2.5, 2]));
    }

    public function testMaskWhoseShapeOverflows(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessageMatches('/^mask\b.*too many elements/');
        (new GRU(3))->forward(NDArray::ones([2, 4, 5]), false, null, self::claiming([1 << 40, 1 << 40], NDArray::bool));
    }

    public function testInitialStateWhoseShapeOverflows(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessageMatches('/^initialStates\[0\].*too many elements/');
        (new GRU(3))->forward(NDArray::ones([2, 4, 5]), false, [self::claiming([1 << 40, 1 << 40])]);
    }

    public function testGradientWhoseShapeOverflows(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessageMatches('/^dOutputs\[0\].*too many elements/');
        self::trained()->backward([self::claiming([1 << 40, 1 << 40])]);
    }

    public function testStateGradientWhoseShapeOverflows(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessageMatches('/^dOutputs\[1\] \(dState\).*too many elements/');
        self::trained()->backward([NDArray::ones([1, 2]), self::claiming([1 << 40, 1 << 40])]);
    }

    public function testSampleWeightWhoseShapeOverflows(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessageMatches('/^sampleWeights\[0\] \(kernel\).*too many elements/');
        (new GRU(2))->build([3, 4], sampleWeights: [self::claiming([1 << 40, 1 << 40]), NDArray::zeros([2, 6]),
            NDArray::zeros([2, 6])]);
    }

    public function testBuildWithFeaturesThatOverflow(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessageMatches('/overflow.*features 9223372036854775807/');
        (new GRU(2))->build([3, PHP_INT_MAX]);
    }

    public function testMaskOfFloat16(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessageMatches('/^mask must have dtype .*float16 \(11\) given/');
        (new GRU(3))->forward(NDArray::ones([2, 4, 5]), false, null,
            new MockNDArray(new MockBuffer(8, NDArray::float32), 11, [2, 4]));
    }

    public function testMaskWhoseDtypeDisagreesWithItsBuffer(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('mask has dtype bool but its buffer holds float32');
        (new GRU(3))->forward(NDArray::ones([2, 4, 5]), false, null, self::claiming([2, 4], NDArray::bool));
    }

    public function testInputsOfFloat16(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessageMatches('/^inputs must have dtype .*float16 \(11\) given/');
        (new GRU(3))->forward(new MockNDArray(new MockBuffer(40, NDArray::float32), 11, [2, 4, 5]));
    }

    public function testGradientOfFloat16(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessageMatches('/^dOutputs\[0\] must have dtype .*float16 \(11\) given/');
        self::trained()->backward([new MockNDArray(new MockBuffer(2, NDArray::float32), 11, [1, 2])]);
    }

    public function testMaskThatIsNoNDArray(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('mask must be an NDArray, stdClass given');
        (new GRU(3))->forward(NDArray::ones([2, 4, 5]), false, null, new \stdClass());
    }

    public function testInputsThatAreNoNDArray(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('inputs must be an NDArray, stdClass given');
        (new GRU(3))->forward(new \stdClass());
    }

    public function testInputsThatAreAPhpArray(): void
    {
        $this->expectException(\TypeError::class);
        $this->expectExceptionMessageMatches('/Argument #1 \(\$inputs\) must be of type object, array given/');
        (new GRU(3))->forward([[[1.0]]]);
    }

    public function testInitialStatesThatAreNoArray(): void
    {
        $this->expectException(\TypeError::class);
        $this->expectExceptionMessageMatches('/Argument #3 \(\$initialStates\) must be of type \?array, string given/');
        (new GRU(3))->forward(NDArray::ones([2, 4, 5]), false, 'zeros');
    }

    public function testInitialStateThatIsAnObjectButNoNDArray(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('initialStates[0] must be an NDArray, stdClass given');
        (new GRU(3))->forward(NDArray::ones([2, 4, 5]), false, [new \stdClass()]);
    }

    public function testGradientsThatAreNoArray(): void
    {
        $this->expectException(\TypeError::class);
        $this->expectExceptionMessageMatches('/Argument #1 \(\$dOutputs\) must be of type array, string given/');
        self::trained()->backward('ones');
    }

    /** @return array<string, array{mixed, string}> */
    public static function gradientsThatAreNoNDArrays(): array
    {
        return [
            'string' => ['ones', 'string'],
            'null' => [null, 'null'],
            'object' => [new \stdClass(), 'stdClass'],
            'PHP array' => [[[1.0, 1.0]], 'array'],
        ];
    }

    /** @dataProvider gradientsThatAreNoNDArrays */
    public function testGradientThatIsNoNDArray(mixed $gradient, string $type): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage("dOutputs[0] must be an NDArray, $type given");
        self::trained()->backward([$gradient]);
    }

    public function testSampleWeightsThatAreNoArray(): void
    {
        $this->expectException(\TypeError::class);
        $this->expectExceptionMessageMatches('/Argument #2 \(\$sampleWeights\) must be of type \?array, string given/');
        (new GRU(2))->build([3, 4], sampleWeights: 'glorot');
    }

    public function testBuildWithAString(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('gru: build() takes an NDArray, a list holding one, a shape or null, string given');
        (new GRU(2))->build('inputs');
    }

    public function testNanAndInfFlowThroughBackwardWithoutException(): void
    {
        $layer = new GRU(2, return_sequences: true);
        $x = NDArray::fromArray([[[NAN, 1.0], [0.0, 0.0]], [[INF, 0.0], [0.0, -INF]]]);
        $outputs = $layer->forward($x, true);
        [$dInputs] = $layer->backward([NDArray::ones($outputs->shape())]);
        [$dKernel, $dRecurrent, $dBias] = $layer->getGrads();
        $this->assertSame([2, 2, 2], $dInputs->shape());
        $this->assertNan($dInputs->toArray()[0][0][0], 'NaN reaches the gradient of its own input');
        $this->assertTrue($this->anyNan($dKernel->toArray()), 'NaN reaches dKernel = X^T dG');
        $this->assertTrue($this->anyNan($dRecurrent->toArray()) || $this->anyNan($dBias->toArray()),
            'NaN reaches the recurrent or bias gradient');
    }

    public function testNanGradientFlowsThroughBackwardWithoutException(): void
    {
        $layer = new GRU(3);
        $layer->forward(NDArray::ones([2, 4, 5]), true, [NDArray::zeros([2, 3])]);
        [$dInputs, $dState] = $layer->backward([NDArray::fromArray([[NAN, 0.0, 0.0], [0.0, INF, 0.0]])]);
        $this->assertTrue($this->anyNan($dInputs->toArray()));
        $this->assertTrue($this->anyNan($dState->toArray()) || $this->anyInf($dState->toArray()));
        $this->assertTrue($this->anyNan($layer->getGrads()[0]->toArray()));
    }

    /** A limit this much above what is in use: the needs below are larger. */
    private function limitMemory(int $headroom = 8 << 20): void
    {
        $this->assertNotFalse(ini_set('memory_limit', (string)(memory_get_usage() + $headroom)));
    }

    /** The message names what needed the memory, how many bytes, and memory_limit. */
    private function expectMemoryLimit(string $what = '(GRU [a-z ]+)'): void
    {
        $this->expectException(\RuntimeException::class);
        $this->expectExceptionMessageMatches(self::memoryLimitPattern($what));
    }

    private static function memoryLimitPattern(string $what): string
    {
        return '/\b' . $what . '\b.*\b\d+ bytes\b.*\bmemory_limit \(\d+ bytes, \d+ in use\)/';
    }

    /**
     * A built layer whose initializers cost nothing (the tests are about the workspaces), on the
     * CPU: there the workspaces are PHP's memory and count against memory_limit; on an OpenCL
     * device ('auto' picks a GPU where there is one) they are the device's.
     */
    private static function cheapLayer(int $units, array $inputShape, mixed ...$options): GRU
    {
        $layer = new GRU($units, ...['kernel_initializer' => 'zeros', 'recurrent_initializer' => 'zeros', 'device' => 'cpu'], ...$options);
        $layer->build($inputShape);
        return $layer;
    }

    public function testInferenceForwardPastMemoryLimit(): void
    {
        // fewer than 16 rows: the inputs' projection of all steps, about 12.6 MB (128 KiB of inputs)
        $layer = self::cheapLayer(64, [2048, 2]);
        $x = NDArray::zeros([8, 2048, 2]);
        $this->limitMemory();
        $this->expectMemoryLimit('GRU forward workspace');
        $layer->forward($x);
    }

    public function testTrainingForwardPastMemoryLimit(): void
    {
        $layer = self::cheapLayer(32, [256, 1]);
        $x = NDArray::zeros([64, 256, 1]);   // training record about 10.5 MB
        $this->limitMemory();
        $this->expectMemoryLimit('GRU (training record|forward workspace)');
        $layer->forward($x, true);
    }

    public function testForwardWithLongSequencesPastMemoryLimit(): void
    {
        $layer = self::cheapLayer(128, [2048, 1], return_sequences: true);
        $x = NDArray::zeros([8, 2048, 1]);   // outputs 8.4 MB, workspace about 25 MB (8 rows: all steps projected)
        $this->limitMemory();
        $this->expectMemoryLimit();
        $layer->forward($x);
    }

    public function testLayerWorksAgainAfterTheMemoryLimitIsRaised(): void
    {
        $layer = self::cheapLayer(64, [2048, 2]);
        $x = NDArray::zeros([8, 2048, 2]);
        $this->limitMemory();
        try {
            $layer->forward($x);
            $this->fail('expected a RuntimeException');
        } catch (\RuntimeException $e) {
            $this->assertMatchesRegularExpression(self::memoryLimitPattern('GRU forward workspace'), $e->getMessage());
        }
        ini_set('memory_limit', $this->memoryLimit);
        $this->assertSame([8, 64], $layer->forward($x)->shape());
    }

    public function testBuildWithHugeUnitsPastMemoryLimit(): void
    {
        $layer = new GRU(1 << 14);   // weights about 6.4 GB
        $this->limitMemory();
        $this->expectMemoryLimit('GRU weights');
        $layer->build([3, 4]);
    }

    public function testBuildWithHugeFeaturesPastMemoryLimit(): void
    {
        $layer = new GRU(4);
        $this->limitMemory();
        $this->expectMemoryLimit('GRU weights');
        $layer->build([3, 1 << 24]);
    }

    public function testBuildPastMemoryLimitLeavesTheLayerUnbuilt(): void
    {
        $layer = new GRU(1 << 14);
        $this->limitMemory();
        try {
            $layer->build([3, 4]);
            $this->fail('expected a RuntimeException');
        } catch (\RuntimeException $e) {
            $this->assertMatchesRegularExpression(self::memoryLimitPattern('GRU weights'), $e->getMessage());
        }
        $this->assertFalse($layer->isBuilt());
    }

    private function anyNan(mixed $v): bool
    {
        if (is_array($v)) {
            foreach ($v as $e) {
                if ($this->anyNan($e)) {
                    return true;
                }
            }
            return false;
        }
        return is_float($v) && is_nan($v);
    }

    private function anyInf(mixed $v): bool
    {
        if (is_array($v)) {
            foreach ($v as $e) {
                if ($this->anyInf($e)) {
                    return true;
                }
            }
            return false;
        }
        return is_float($v) && is_infinite($v);
    }
}
