<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;
use RindowGRUTests\Support\Golden;

/** Constructor forms, options, accessors and state handling, as Rindow has them. */
final class LayerApiTest extends TestCase
{
    public function testDefaultsInGetConfig(): void
    {
        $layer = new GRU(16);
        $this->assertSame([
            'units' => 16,
            'options' => [
                'input_shape' => null,
                'use_bias' => true,
                'activation' => 'tanh',
                'recurrent_activation' => 'sigmoid',
                'kernel_initializer' => 'glorot_uniform',
                'recurrent_initializer' => 'orthogonal',
                'bias_initializer' => 'zeros',
                'return_sequences' => false,
                'return_state' => false,
                'go_backwards' => false,
                'stateful' => false,
                'reset_after' => true,
            ],
        ], $layer->getConfig());
        $this->assertSame('gru', $layer->name());
        $this->assertFalse($layer->isBuilt());
        $this->assertSame([[16]], $layer->statesShapes());
    }

    public function testPositionalOptionsFollowRindowsOrder(): void
    {
        $backend = new \stdClass();
        $layer = new GRU($backend, 8, [5, 3], 'relu', 'hard_sigmoid', false, 'he_uniform', 'glorot_normal', 'ones',
            true, true, true, false, false, 'enc');
        $config = $layer->getConfig();
        $this->assertSame(8, $config['units']);
        $this->assertSame([5, 3], $config['options']['input_shape']);
        $this->assertSame('relu', $config['options']['activation']);
        $this->assertSame('hard_sigmoid', $config['options']['recurrent_activation']);
        $this->assertFalse($config['options']['use_bias']);
        $this->assertSame('he_uniform', $config['options']['kernel_initializer']);
        $this->assertSame('glorot_normal', $config['options']['recurrent_initializer']);
        $this->assertSame('ones', $config['options']['bias_initializer']);
        $this->assertTrue($config['options']['return_sequences']);
        $this->assertTrue($config['options']['return_state']);
        $this->assertTrue($config['options']['go_backwards']);
        $this->assertFalse($config['options']['stateful']);
        $this->assertFalse($config['options']['reset_after']);
        $this->assertSame('enc', $layer->name());
        $this->assertSame([5, 8], $layer->outputShape());
    }

    public function testBuilderSpreadOfNamedOptions(): void
    {
        // What Rindow's Layer Builder does: new GRU($backend, $units, ...$options)
        $options = ['return_sequences' => true, 'go_backwards' => true, 'name' => 'g1'];
        $layer = new GRU(new \stdClass(), 4, ...$options);
        $this->assertTrue($layer->getConfig()['options']['return_sequences']);
        $this->assertTrue($layer->getConfig()['options']['go_backwards']);
        $this->assertSame('g1', $layer->name());
        $named = new GRU(units: 3, reset_after: false);
        $this->assertSame(3, $named->getConfig()['units']);
        $this->assertFalse($named->getConfig()['options']['reset_after']);
    }

    public function testNullActivationMeansLinear(): void
    {
        $case = Golden::load(Golden::dir() . '/no_bias.json');
        $x = NDArray::fromArray([[[0.5, -1.0, 2.0]]]);
        $a = new GRU(2, activation: null);
        $b = new GRU(2, activation: 'linear');
        $w = [NDArray::fromArray([[0.1, 0.2, -0.3, 0.4, 0.5, -0.6], [0.7, -0.8, 0.9, 1.0, -1.1, 1.2], [0.3, 0.2, 0.1, 0.0, -0.1, -0.2]]),
            NDArray::fromArray([[0.1, -0.2, 0.3, 0.4, 0.5, 0.6], [-0.6, 0.5, 0.4, -0.3, 0.2, 0.1]]),
            NDArray::zeros([2, 6])];
        $a->build($x, sampleWeights: $w);
        $b->build($x, sampleWeights: $w);
        $this->assertSame($b->forward($x)->toArray(), $a->forward($x)->toArray());
        $this->assertNull($a->getConfig()['options']['activation']);
        $this->assertNotEmpty($case);
    }

    public function testParamShapesForBothResetModes(): void
    {
        $after = new GRU(6);
        $after->build([4, 3]);
        $this->assertSame([[3, 18], [6, 18], [2, 18]], array_map(fn($p) => $p->shape(), $after->getParams()));
        $this->assertSame([[3, 18], [6, 18], [2, 18]], array_map(fn($p) => $p->shape(), $after->getGrads()));
        $before = new GRU(6, reset_after: false, use_bias: true);
        $before->build([4, 3]);
        $this->assertSame([[3, 18], [18, 6], [18]], array_map(fn($p) => $p->shape(), $before->getParams()));
        $noBias = new GRU(6, use_bias: false);
        $noBias->build([4, 3]);
        $this->assertCount(2, $noBias->getParams());
        $this->assertTrue($noBias->isBuilt());
        $this->assertSame([4, 3], $noBias->inputShape());
        $this->assertSame([6], $noBias->outputShape());
    }

    public function testParamsAreLiveReferences(): void
    {
        // Optimizers update getParams() in place; forward must see it.
        $layer = new GRU(2, bias_initializer: 'zeros');
        $x = NDArray::ones([1, 2, 2]);
        $before = $layer->forward($x)->toArray();
        [$kernel] = $layer->getParams();
        $kernel[0][0] = $kernel[0][0] + 1.0;
        $after = $layer->forward($x)->toArray();
        $this->assertNotEquals($before, $after);
    }

    public function testReturnStateFalseReturnsOnlyOutputs(): void
    {
        $layer = new GRU(3, return_sequences: true);
        $out = $layer->forward(NDArray::ones([2, 4, 5]));
        $this->assertInstanceOf(NDArray::class, $out);
        $this->assertSame([2, 4, 3], $out->shape());
        $this->assertSame([4, 3], $layer->outputShape());
    }

    public function testInvokeIsForward(): void
    {
        $layer = new GRU(3, return_state: true);
        $x = NDArray::ones([2, 4, 5]);
        [$a] = $layer->forward($x);
        [$b] = $layer($x);
        $this->assertSame($a->toArray(), $b->toArray());
    }

    public function testStatefulCarriesStateUntilReset(): void
    {
        mt_srand(3);
        $layer = new GRU(4, stateful: true, return_sequences: false);
        $x = NDArray::fromArray([[[0.1, 0.2], [0.3, -0.4], [0.5, 0.1]], [[-0.2, 0.7], [0.0, 0.3], [0.9, -0.1]]]);
        $first = $layer->forward($x)->toArray();
        $second = $layer->forward($x)->toArray();
        $this->assertNotEquals($first, $second, 'the second call starts from the carried state');

        // The carried state equals passing the first final state explicitly.
        $plain = clone $layer;
        $plain->resetStates();
        $plain->forward($x);
        $layer->resetStates();
        $this->assertSame($first, $layer->forward($x)->toArray(), 'resetStates starts from zeros again');

        $explicit = new GRU(4, return_sequences: false);
        $explicit->build($x, sampleWeights: $layer->getParams());
        $this->assertSame($second, $explicit->forward($x, false, [NDArray::fromArray($first)])->toArray());
    }

    public function testCloneDeepCopiesWeights(): void
    {
        $layer = new GRU(3);
        $layer->build([2, 2]);
        $copy = clone $layer;
        $kernel = $layer->getParams()[0];
        $before = $copy->getParams()[0]->toArray();
        $kernel[0][0] = 42.0;
        $this->assertSame($before, $copy->getParams()[0]->toArray());
        $this->assertNotSame($kernel, $copy->getParams()[0]);
        $this->assertSame(42.0, $layer->getParams()[0][0][0]);
    }

    public function testSerializationIsRefusedClearly(): void
    {
        $this->expectException(\Exception::class);
        $this->expectExceptionMessage("Serialization of 'Rindow\\NeuralNetworks\\Layer\\GRU' is not allowed");
        serialize(new GRU(2));
    }

    public function testMtSrandMakesWeightsReproducible(): void
    {
        mt_srand(11);
        $a = new GRU(5);
        $a->build([3, 4]);
        mt_srand(11);
        $b = new GRU(5);
        $b->build([3, 4]);
        mt_srand(12);
        $c = new GRU(5);
        $c->build([3, 4]);
        $this->assertSame($a->getParams()[0]->toArray(), $b->getParams()[0]->toArray());
        $this->assertNotSame($a->getParams()[0]->toArray(), $c->getParams()[0]->toArray());
    }

    public function testCallableInitializer(): void
    {
        $calls = [];
        $init = static function (array $shape, ?array $nodeNum = null) use (&$calls) {
            $calls[] = [$shape, $nodeNum];
            return NDArray::ones($shape);
        };
        $layer = new GRU(2, kernel_initializer: $init);
        $layer->build([3, 4]);
        $this->assertSame([[[4, 6], [4, 6]]], $calls);
        $this->assertSame(array_fill(0, 4, array_fill(0, 6, 1.0)), $layer->getParams()[0]->toArray());
        $this->assertSame('Closure', $layer->getConfig()['options']['kernel_initializer']);
    }

    public function testVariableTimestepsWithNullInInputShape(): void
    {
        $layer = new GRU(2, input_shape: [null, 3], return_sequences: true);
        $this->assertSame([2, 5, 2], $layer->forward(NDArray::ones([2, 5, 3]))->shape());
        $this->assertSame([2, 7, 2], $layer->forward(NDArray::ones([2, 7, 3]))->shape());
        $this->assertSame([null, 2], $layer->outputShape());
    }

    public function testBatchMayChangeBetweenCalls(): void
    {
        $layer = new GRU(2);
        $this->assertSame([3, 2], $layer->forward(NDArray::ones([3, 4, 1]))->shape());
        $this->assertSame([1, 2], $layer->forward(NDArray::ones([1, 4, 1]))->shape());
    }

    public function testMaskAcceptsNumericDtypes(): void
    {
        $layer = new GRU(3, return_sequences: true);
        $x = NDArray::fromArray([[[1.0], [2.0], [3.0]], [[0.5], [0.1], [-1.0]]]);
        $bool = NDArray::fromArray([[true, false, true], [false, true, true]], NDArray::bool);
        $float = NDArray::fromArray([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]);
        $int = NDArray::fromArray([[1, 0, 1], [0, 1, 1]], NDArray::int32);
        $expected = $layer->forward($x, false, null, $bool)->toArray();
        $this->assertSame($expected, $layer->forward($x, false, null, $float)->toArray());
        $this->assertSame($expected, $layer->forward($x, false, null, $int)->toArray());
        // A masked first step outputs the (zero) initial state.
        $this->assertSame([0.0, 0.0, 0.0], $expected[1][0]);
        // A masked middle step repeats the previous output.
        $this->assertSame($expected[0][0], $expected[0][1]);
    }
}
