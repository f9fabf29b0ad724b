<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;

/**
 * One misuse per test: each must raise the named exception class with a
 * message that names the argument (and the expected and given shapes).
 */
final class BadInputTest extends TestCase
{
    private function expectInvalid(string $messagePart): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage($messagePart);
    }

    public function testInputsOfWrongRank(): void
    {
        $this->expectInvalid('inputs must be a 3-D NDArray [batch, timesteps, features], (2,3) given in gru');
        (new GRU(4))->forward(NDArray::ones([2, 3]));
    }

    public function testFeaturesDisagreeWithInputShape(): void
    {
        $this->expectInvalid('Input shape is inconsistent: defined as (5,3) but (5,4) given in GRU');
        (new GRU(4, input_shape: [5, 3]))->forward(NDArray::ones([2, 5, 4]));
    }

    public function testFeaturesChangeAfterBuild(): void
    {
        $layer = new GRU(4);
        $layer->forward(NDArray::ones([2, 5, 3]));
        $this->expectInvalid('Input shape is inconsistent: defined as (5,3) but (5,2) given in GRU');
        $layer->forward(NDArray::ones([2, 5, 2]));
    }

    public function testZeroUnits(): void
    {
        $this->expectInvalid('GRU units must be a positive integer, 0 given');
        new GRU(0);
    }

    public function testNegativeUnits(): void
    {
        $this->expectInvalid('GRU units must be a positive integer, -3 given');
        new GRU(new \stdClass(), -3);
    }

    public function testUnitsWhoseSizesOverflow(): void
    {
        $layer = new GRU(PHP_INT_MAX >> 1);
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessageMatches('/overflow/i');
        $layer->build([2, 3]);
    }

    public function testUnknownActivation(): void
    {
        $this->expectInvalid("Unknown activation 'softmax' in GRU");
        new GRU(2, activation: 'softmax');
    }

    public function testUnknownRecurrentActivation(): void
    {
        $this->expectInvalid("Unknown recurrent_activation 'swish' in GRU");
        new GRU(2, recurrent_activation: 'swish');
    }

    public function testUnknownInitializer(): void
    {
        $this->expectInvalid("Unknown recurrent_initializer 'identity' in GRU");
        new GRU(2, recurrent_initializer: 'identity');
    }

    public function testUnknownOptionIsNamed(): void
    {
        $this->expectInvalid("Unknown option 'no_such_option' in GRU");
        new GRU(2, no_such_option: true);
    }

    public function testOptionGivenTwice(): void
    {
        $this->expectInvalid('GRU option units is given twice');
        new GRU(2, units: 3);
    }

    public function testOptionOfWrongType(): void
    {
        $this->expectException(\TypeError::class);
        $this->expectExceptionMessage('GRU option return_sequences must be of type ?bool, string given');
        new GRU(2, return_sequences: 'yes');
    }

    public function testMissingUnits(): void
    {
        $this->expectInvalid('GRU needs units');
        new GRU(new \stdClass());
    }

    public function testTooManyInitialStates(): void
    {
        $this->expectInvalid('initialStates must hold 1 state [batch, units] for gru, 2 given');
        (new GRU(3))->forward(NDArray::ones([2, 4, 5]), false, [NDArray::zeros([2, 3]), NDArray::zeros([2, 3])]);
    }

    public function testInitialStateOfWrongShape(): void
    {
        $this->expectInvalid('initialStates[0] must be (2,3), (2,4) given in gru');
        (new GRU(3))->forward(NDArray::ones([2, 4, 5]), false, [NDArray::zeros([2, 4])]);
    }

    public function testInitialStateOfWrongDtype(): void
    {
        $this->expectInvalid('initialStates[0] must be float32 like the weights of gru, float64 given');
        (new GRU(3))->forward(NDArray::ones([2, 4, 5]), false, [NDArray::zeros([2, 3], NDArray::float64)]);
    }

    public function testInitialStateThatIsNoArray(): void
    {
        $this->expectInvalid('initialStates[0] must be an NDArray or null, string given');
        (new GRU(3))->forward(NDArray::ones([2, 4, 5]), false, ['zeros']);
    }

    public function testMaskOfWrongShape(): void
    {
        $this->expectInvalid('mask must be (2,4), (2,3) given in gru');
        (new GRU(3))->forward(NDArray::ones([2, 4, 5]), false, null, NDArray::ones([2, 3], NDArray::bool));
    }

    public function testInputsOfIntegerDtype(): void
    {
        $this->expectInvalid('inputs must be float32 or float64, int32 given');
        (new GRU(3))->forward(NDArray::ones([2, 4, 5], NDArray::int32));
    }

    public function testInputsWhoseDtypeDiffersFromTheWeights(): void
    {
        $layer = new GRU(3);
        $layer->forward(NDArray::ones([2, 4, 5]));
        $this->expectInvalid('inputs must be float32 like the weights of gru, float64 given');
        $layer->forward(NDArray::ones([2, 4, 5], NDArray::float64));
    }

    public function testEmptyBatch(): void
    {
        $this->expectInvalid('inputs must have a positive batch size and number of timesteps, (0,4,5) given');
        (new GRU(3))->forward(NDArray::zeros([0, 4, 5]));
    }

    public function testSampleWeightsOfWrongCount(): void
    {
        $this->expectInvalid('sampleWeights must hold 3 NDArrays (kernel, recurrent_kernel, bias) for gru, 2 given');
        (new GRU(2))->build([3, 4], sampleWeights: [NDArray::zeros([4, 6]), NDArray::zeros([2, 6])]);
    }

    public function testSampleWeightsOfWrongShape(): void
    {
        $this->expectInvalid('sampleWeights[1] (recurrent_kernel) must be (2,6), (6,2) given in gru');
        (new GRU(2))->build([3, 4], sampleWeights: [NDArray::zeros([4, 6]), NDArray::zeros([6, 2]), NDArray::zeros([2, 6])]);
    }

    public function testSampleWeightsOfMixedDtypes(): void
    {
        $this->expectInvalid('sampleWeights[1] (recurrent_kernel) must be float32 like sampleWeights[0], float64 given');
        (new GRU(2))->build([3, 4], sampleWeights: [NDArray::zeros([4, 6]), NDArray::zeros([2, 6], NDArray::float64), NDArray::zeros([2, 6])]);
    }

    public function testSampleWeightThatIsNoArray(): void
    {
        $this->expectInvalid('sampleWeights[0] (kernel) must be an NDArray, array given');
        (new GRU(2))->build([3, 4], sampleWeights: [[1, 2], NDArray::zeros([2, 6]), NDArray::zeros([2, 6])]);
    }

    public function testBuildWithoutAnyShape(): void
    {
        $this->expectInvalid('gru: build() needs inputs or the input_shape option');
        (new GRU(2))->build();
    }

    public function testInitializerReturningWrongShape(): void
    {
        $this->expectInvalid('kernel must be (4,6), (6,4) given in gru');
        (new GRU(2, kernel_initializer: fn($shape) => NDArray::zeros([6, 4])))->build([3, 4]);
    }

    public function testBackwardBeforeForward(): void
    {
        $this->expectException(\RuntimeException::class);
        $this->expectExceptionMessage('gru: backward() needs a forward() with training true before it');
        $layer = new GRU(2);
        $layer->build([3, 4]);
        $layer->backward([NDArray::zeros([1, 2])]);
    }

    public function testBackwardAfterInferenceForward(): void
    {
        $layer = new GRU(2);
        $layer->forward(NDArray::ones([1, 3, 4]), false);
        $this->expectException(\RuntimeException::class);
        $this->expectExceptionMessage('backward() needs a forward() with training true');
        $layer->backward([NDArray::zeros([1, 2])]);
    }

    public function testBackwardWithWronglyShapedGradient(): void
    {
        $layer = new GRU(2, return_sequences: true);
        $layer->forward(NDArray::ones([1, 3, 4]), true);
        $this->expectInvalid('dOutputs[0] must be (1,3,2), (1,2) given in gru');
        $layer->backward([NDArray::zeros([1, 2])]);
    }

    public function testBackwardWithWronglyShapedStateGradient(): void
    {
        $layer = new GRU(2);
        $layer->forward(NDArray::ones([1, 3, 4]), true);
        $this->expectInvalid('dOutputs[1] (dState) must be (1,2), (2,2) given in gru');
        $layer->backward([NDArray::zeros([1, 2]), NDArray::zeros([2, 2])]);
    }

    public function testBackwardWithTooManyGradients(): void
    {
        $layer = new GRU(2);
        $layer->forward(NDArray::ones([1, 3, 4]), true);
        $this->expectInvalid('dOutputs must be [dOutputs] or [dOutputs, dState] for gru, 3 NDArrays given');
        $layer->backward([NDArray::zeros([1, 2]), NDArray::zeros([1, 2]), NDArray::zeros([1, 2])]);
    }

    public function testBackwardTwiceNeedsANewForward(): void
    {
        $layer = new GRU(2);
        $layer->forward(NDArray::ones([1, 3, 4]), true);
        $layer->backward([NDArray::ones([1, 2])]);
        $this->expectException(\RuntimeException::class);
        $layer->backward([NDArray::ones([1, 2])]);
    }

    public function testNanAndInfPropagateWithoutException(): void
    {
        $layer = new GRU(2, return_sequences: true);
        $out = $layer->forward(NDArray::fromArray([[[NAN, 1.0], [0.0, 0.0]], [[INF, 0.0], [0.0, 1.0]]]))->toArray();
        $this->assertNan($out[0][0][0]);
        $this->assertNan($out[0][1][1], 'NaN carries through the recurrence');
    }

    public function testLayerStillWorksAfterAnException(): void
    {
        $layer = new GRU(3);
        $x = NDArray::ones([2, 4, 5]);
        $good = $layer->forward($x)->toArray();
        try {
            $layer->forward($x, false, [NDArray::zeros([9, 9])]);
            $this->fail('expected an exception');
        } catch (\InvalidArgumentException $e) {
            $this->assertStringContainsString('initialStates[0]', $e->getMessage());
        }
        $this->assertSame($good, $layer->forward($x)->toArray());
    }

    public function testActivationObjectsAreRefusedClearly(): void
    {
        $this->expectException(\DomainException::class);
        $this->expectExceptionMessage('activation objects (stdClass) are not supported natively');
        new GRU(2, activation: new \stdClass());
    }
}
