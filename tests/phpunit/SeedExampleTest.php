<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;
use RindowGRUTests\Support\Golden;
use RindowGRUTests\Support\ReferenceGru;

/** The product's seed example: [64,32,128] -> [64,32,256] and [[64,256]]. */
final class SeedExampleTest extends TestCase
{
    public function testSeedExampleShapesAndNumbers(): void
    {
        mt_srand(7);
        $layer = new GRU(256, return_sequences: true, return_state: true);
        $inputs = NDArray::ones([64, 32, 128]);
        $initialStates = [NDArray::zeros([64, 256])];
        [$outputs, $states] = $layer->forward($inputs, true, $initialStates);

        $this->assertSame([64, 32, 256], $outputs->shape());
        $this->assertCount(1, $states);
        $this->assertSame([64, 256], $states[0]->shape());
        $this->assertSame(NDArray::float32, $outputs->dtype());

        // The numbers, not only the shapes: batch row 0 and 63 (identical
        // inputs, so identical rows) against the plain-PHP reference run on
        // the layer's own (randomly initialised) weights, for 3 timesteps.
        [$W, $U, $b] = array_map(static fn($p) => Golden::flatten($p->toArray()), $layer->getParams());
        $config = ['batch' => 1, 'timesteps' => 3, 'features' => 128, 'units' => 256, 'reset_after' => true,
            'use_bias' => true, 'go_backwards' => false, 'return_sequences' => true,
            'activation' => 'tanh', 'recurrent_activation' => 'sigmoid'];
        [$expected] = ReferenceGru::forward($config, array_fill(0, 3 * 128, 1.0), $W, $U, $b, null, null);
        $rows = $outputs->toArray();
        foreach ([0, 63] as $row) {
            $actual = Golden::flatten(array_slice($rows[$row], 0, 3));
            $this->assertLessThan(2e-5, Golden::maxScaledError($expected, $actual), "row $row");
        }
        // The final state is the last output.
        $this->assertSame($rows[5][31], $states[0]->toArray()[5]);
    }

    public function testLayerBuilderCallShape(): void
    {
        $backend = new \stdClass(); // Rindow's Layer Builder passes its backend first
        $layer = new GRU($backend, 256, return_sequences: true, return_state: true);
        [$outputs, $states] = $layer->forward(NDArray::ones([2, 4, 8]), false, [NDArray::zeros([2, 256])]);
        $this->assertSame([2, 4, 256], $outputs->shape());
        $this->assertSame([2, 256], $states[0]->shape());
    }
}
