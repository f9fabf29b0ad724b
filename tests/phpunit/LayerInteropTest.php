<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;
use RindowGRUTests\Support\Golden;
use RindowGRUTests\Support\MockBackend;
use RindowGRUTests\Support\MockCounters;
use RindowGRUTests\Support\MockNDArray;
use RindowGRUTests\Support\MockVariable;

require_once __DIR__ . '/Support/MockNDArray.php';

/**
 * The layer on arrays of another family: plain-PHP stand-ins for Rindow's
 * arrays whose buffers, like Rindow's FFI buffers, are reachable only
 * through dump()/load(). Numbers must equal those on the extension's own
 * arrays, outputs must be of the inputs' family (made by the backend's
 * zeros()), and each buffer is copied once in and once out.
 */
final class LayerInteropTest extends TestCase
{
    private static function toMock(NDArray $a, int $padBefore = 0): MockNDArray
    {
        return MockNDArray::fromArray($a->toArray(), $a->dtype(), $padBefore, 1);
    }

    public function testGoldenCaseOnForeignArraysThroughTheBackend(): void
    {
        $case = Golden::load(Golden::dir() . '/basic_ra1_bw0_rs1_h01.json');
        $f32 = NDArray::float32;
        $x = Golden::array($case['inputs'], $f32);
        $h0 = Golden::array($case['initial_state'], $f32);
        $weights = [Golden::array($case['kernel'], $f32), Golden::array($case['recurrent_kernel'], $f32),
            Golden::array($case['bias'], $f32)];

        $ours = Golden::layer($case, $f32);
        [$expectedOut, [$expectedState]] = $ours->forward($x, true, [$h0]);
        $ours->backward([Golden::array($case['d_outputs'], $f32), Golden::array($case['d_state'], $f32)]);

        $backend = new MockBackend();
        $c = $case['config'];
        $layer = new GRU($backend, $c['units'], return_sequences: true, return_state: true);
        // foreign weights too, at an offset inside a padded buffer
        $layer->build(self::toMock($x), sampleWeights: array_map(fn($w) => self::toMock($w, 2), $weights));
        MockCounters::reset();
        [$out, [$state]] = $layer->forward(self::toMock($x, 3), new MockVariable(new \stdClass()), [self::toMock($h0)]);

        $this->assertInstanceOf(MockNDArray::class, $out, 'outputs are of the inputs\' family');
        $this->assertInstanceOf(MockNDArray::class, $state);
        $this->assertSame(2, $backend->zerosCalls, 'outputs and state made by the backend');
        $this->assertSame($expectedOut->toArray(), $out->toArray());
        $this->assertSame($expectedState->toArray(), $state->toArray());
        // inputs, state and 3 weights read once each; outputs and state written once each
        $this->assertSame(5, MockCounters::$dumps);
        $this->assertSame(2, MockCounters::$loads);

        [$dx, $dh0] = $layer->backward([self::toMock(Golden::array($case['d_outputs'], $f32)),
            self::toMock(Golden::array($case['d_state'], $f32))]);
        $this->assertInstanceOf(MockNDArray::class, $dx);
        $this->assertLessThan(2e-5, Golden::maxScaledError($case['grads']['inputs']['data'], Golden::flatten($dx->toArray())));
        $this->assertLessThan(2e-5, Golden::maxScaledError($case['grads']['initial_state']['data'], Golden::flatten($dh0->toArray())));
        foreach ($layer->getGrads() as $i => $g) {
            $this->assertSame($ours->getGrads()[$i]->toArray(), $g->toArray());
        }
    }

    public function testVariablesAreReadByTheirValue(): void
    {
        $layer = new GRU(3, return_sequences: true);
        $x = NDArray::fromArray([[[0.1, 0.2], [0.3, 0.4]]]);
        $expected = $layer->forward($x)->toArray();
        $variable = new MockVariable($x);
        $this->assertSame($expected, $layer->forward($variable)->toArray());
        $this->assertSame(1, $variable->valueCalls);
    }

    public function testForeignInputsWithoutBackendComeBackAsOurArrays(): void
    {
        $layer = new GRU(2);
        $out = $layer->forward(MockNDArray::fromArray([[[1.0], [2.0]]]));
        $this->assertInstanceOf(NDArray::class, $out);
        $this->assertSame([1, 2], $out->shape());
    }

    public function testUnreadableBufferIsAClearError(): void
    {
        $x = new MockNDArray(new \RindowGRUTests\Support\MockOpaqueBuffer(4, 12), 12, [1, 2, 2]);
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('inputs must be an NDArray with a readable buffer');
        (new GRU(2))->forward($x);
    }
}
