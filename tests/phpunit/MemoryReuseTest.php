<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;
use RindowGRUTests\Support\MockBackend;
use RindowGRUTests\Support\MockNDArray;

/**
 * A layer keeps its workspace and the block of its last training record
 * between calls (php_gru_layer in ext/gru_layer_internal.h): calls of other
 * batch sizes on the same layer, larger and smaller, in any order, give the
 * bits of a fresh layer with the same weights, and the memory a layer keeps
 * stops growing once its largest call has run.
 */
final class MemoryReuseTest extends TestCase
{
    /** Batch sizes in an order that grows, shrinks and grows past the first (40 and 64 take the K-sliced backward). */
    private const BATCHES = [40, 3, 64, 17, 40, 1, 64];

    private static function inputs(int $batch, int $steps, int $features, float $phase): NDArray
    {
        $x = [];
        for ($b = 0; $b < $batch; $b++) {
            for ($t = 0; $t < $steps; $t++) {
                for ($i = 0; $i < $features; $i++) {
                    $x[$b][$t][$i] = sin(0.37 * $b + 0.11 * $t + 0.53 * $i + $phase);
                }
            }
        }
        return NDArray::fromArray($x);
    }

    /** @return array<string, mixed> forward and backward results of one training step, as PHP arrays */
    private static function step(GRU $layer, int $batch): array
    {
        $x = self::inputs($batch, 6, 5, 0.0);
        $h0 = self::inputs($batch, 1, 32, 1.0)->reshape([$batch, 32]);
        [$outputs, $states] = $layer->forward($x, true, [$h0]);
        $dOutputs = self::inputs($batch, 6, 32, 2.0);
        [$dInputs, $dStates] = $layer->backward([$dOutputs, NDArray::ones([$batch, 32])]);
        return [
            'outputs' => $outputs->toArray(),
            'state' => $states[0]->toArray(),
            'inference' => $layer->forward($x, false, [$h0])[0]->toArray(),
            'dInputs' => $dInputs->toArray(),
            'dState' => $dStates[0]->toArray(),
            'grads' => array_map(static fn(NDArray $g) => $g->toArray(), $layer->getGrads()),
        ];
    }

    /** @return list<array{bool}> */
    public static function resetModes(): array
    {
        return [[true], [false]];
    }

    /** @dataProvider resetModes */
    public function testOtherBatchSizesOnOneLayerGiveAFreshLayersBits(bool $resetAfter): void
    {
        $layer = new GRU(32, return_sequences: true, return_state: true, reset_after: $resetAfter);
        $layer->build([6, 5]);
        $weights = $layer->getWeights();
        foreach (self::BATCHES as $batch) {
            $fresh = new GRU(32, return_sequences: true, return_state: true, reset_after: $resetAfter);
            $fresh->setWeights($weights);
            $this->assertSame(self::step($fresh, $batch), self::step($layer, $batch), "batch $batch");
        }
    }

    /**
     * A backend whose zeros() runs $backend->inside (once) before it makes
     * the array (user code in the middle of a call), a layer on it and a
     * fresh layer with the same weights.
     *
     * @return array{MockBackend, GRU, GRU}
     */
    private static function layerOnReentrantBackend(): array
    {
        $backend = new class extends MockBackend {
            public ?\Closure $inside = null;

            public function zeros(array $shape, ?int $dtype = null): MockNDArray
            {
                if ($this->inside !== null) {
                    $inside = $this->inside;
                    $this->inside = null;
                    $inside();
                }
                return parent::zeros($shape, $dtype);
            }
        };
        $layer = new GRU($backend, 32, return_sequences: true);
        $layer->build([6, 5]);
        $fresh = new GRU(32, return_sequences: true);
        $fresh->setWeights($layer->getWeights());
        return [$backend, $layer, $fresh];
    }

    /**
     * Outputs of foreign inputs come from the layer's backend, after the
     * forward took the layer's workspace: a backend that runs the same
     * layer on other inputs from there makes a nested call, which must not
     * take (or grow, and so move) the workspace the outer call holds.
     */
    public function testACallNestedInAnotherOnTheSameLayerLeavesItsWorkspaceAlone(): void
    {
        [$backend, $layer, $fresh] = self::layerOnReentrantBackend();
        $outer = self::inputs(17, 6, 5, 0.0);
        $inner = self::inputs(64, 6, 5, 0.5);   // a larger workspace than the outer call's
        $nested = null;
        $backend->inside = function () use ($layer, $inner, &$nested) {
            $nested = $layer->forward($inner, false)->toArray();
        };
        $outputs = $layer->forward(MockNDArray::fromArray($outer->toArray()), false);
        $this->assertInstanceOf(MockNDArray::class, $outputs);
        $this->assertNotNull($nested, 'the backend ran the nested call');
        $this->assertSame($fresh->forward($inner, false)->toArray(), $nested);
        $this->assertSame($fresh->forward($outer, false)->toArray(), $outputs->toArray());
        $this->assertSame($fresh->forward($inner, false)->toArray(), $layer->forward($inner, false)->toArray());
    }

    /**
     * backward() calls the backend for dInputs (foreign inputs) after it
     * took the training record: a training forward on the same layer from
     * there makes a newer record, which must neither change this backward's
     * results nor be lost; a backward from there finds no record to spend.
     */
    public function testATrainingForwardNestedInABackwardLeavesItsRecordAlone(): void
    {
        [$backend, $layer, $fresh] = self::layerOnReentrantBackend();
        $outer = self::inputs(17, 6, 5, 0.0);
        $inner = self::inputs(40, 6, 5, 0.5);   // a larger trace than the outer call's
        $dOuter = self::inputs(17, 6, 32, 2.0);
        $dInner = self::inputs(40, 6, 32, 3.0);
        $grads = static fn(GRU $l) => array_map(static fn($g) => $g->toArray(), $l->getGrads());

        $expectedOuter = $fresh->forward($outer, true)->toArray();
        $expectedDOuter = $fresh->backward([$dOuter])[0]->toArray();
        $expectedOuterGrads = $grads($fresh);
        $expectedInner = $fresh->forward($inner, true)->toArray();
        $expectedDInner = $fresh->backward([$dInner])[0]->toArray();
        $expectedInnerGrads = $grads($fresh);

        $outputs = $layer->forward(MockNDArray::fromArray($outer->toArray()), true);
        $this->assertSame($expectedOuter, $outputs->toArray());
        $nested = null;
        $nestedError = null;
        $backend->inside = function () use ($layer, $inner, $dInner, &$nested, &$nestedError) {
            try {
                $layer->backward([$dInner]);
            } catch (\RuntimeException $e) {
                $nestedError = $e->getMessage();
            }
            $nested = $layer->forward($inner, true)->toArray();
        };
        $dInputs = $layer->backward([MockNDArray::fromArray($dOuter->toArray())])[0];
        $this->assertNotNull($nested, 'the backend ran the nested calls');
        $this->assertStringContainsString('backward() needs a forward() with training true', (string) $nestedError);
        $this->assertSame($expectedInner, $nested);
        $this->assertSame($expectedDOuter, $dInputs->toArray());
        $this->assertSame($expectedOuterGrads, $grads($layer));
        // the nested forward's record is the layer's now
        $this->assertSame($expectedDInner, $layer->backward([$dInner])[0]->toArray());
        $this->assertSame($expectedInnerGrads, $grads($layer));
    }

    public function testMemoryKeptStopsGrowingAfterTheLargestCall(): void
    {
        $layer = new GRU(32, return_sequences: true, return_state: true);
        $layer->build([6, 5]);
        self::step($layer, max(self::BATCHES));
        $kept = [0, 0, 0];   // allocated before the first sample, so that it does not count
        for ($round = 0; $round < 3; $round++) {
            foreach (self::BATCHES as $batch) {
                self::step($layer, $batch);
            }
            $kept[$round] = memory_get_usage();
        }
        /*
         * within 16 KiB, as tests/soak/soak.php: PHPUnit's own bookkeeping moves
         * it by a few hundred bytes; a block kept twice would be 240 KiB (the
         * record of the 64 rows) or more
         */
        $this->assertLessThan(16384, abs($kept[2] - $kept[0]), 'memory_get_usage() after each round of the same calls');
    }
}
