<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;
use Rindow\NeuralNetworks\Layer\GRUCell;
use RindowGRUTests\Support\Golden;

/**
 * GRUCell: Rindow's constructor and accessors, and the weights moving
 * unchanged between GRU and GRUCell: T cell steps are one GRU over T
 * timesteps, forward and gradients (backpropagated through the steps by
 * hand).
 */
final class GRUCellTest extends TestCase
{
    private const F64 = NDArray::float64;

    private static function random(int $n, int $seed): array
    {
        mt_srand($seed);
        $v = [];
        for ($i = 0; $i < $n; $i++) {
            $v[] = mt_rand() / mt_getrandmax() * 2.0 - 1.0;
        }
        return $v;
    }

    /** Rows of a flat [B,T,X] array at step t, as [B,X] nested. */
    private static function step(array $flat, int $B, int $T, int $X, int $t): array
    {
        $rows = [];
        for ($b = 0; $b < $B; $b++) {
            $rows[] = array_slice($flat, ($b * $T + $t) * $X, $X);
        }
        return $rows;
    }

    private static function nest(array $flat, int $cols): array
    {
        return array_chunk($flat, $cols);
    }

    public function testDefaultsInGetConfig(): void
    {
        $cell = new GRUCell(16);
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
                'reset_after' => true,
            ],
        ], $cell->getConfig());
        $this->assertSame('grucell', $cell->name());
        $this->assertFalse($cell->isBuilt());
        $this->assertSame([16], $cell->outputShape());
        $this->assertNull($cell->inputShape());
    }

    public function testPositionalOptionsFollowRindowsGRUCellOrder(): void
    {
        $cell = new GRUCell(new \stdClass(), 8, [5], 'relu', 'hard_sigmoid', false, 'he_uniform', 'glorot_normal',
            'ones', false, 0.25, 0.5, 7);
        $o = $cell->getConfig()['options'];
        $this->assertSame([5], $o['input_shape']);
        $this->assertSame('relu', $o['activation']);
        $this->assertSame('hard_sigmoid', $o['recurrent_activation']);
        $this->assertFalse($o['use_bias']);
        $this->assertSame('ones', $o['bias_initializer']);
        $this->assertFalse($o['reset_after']);
        $this->assertSame(0.25, $o['dropout']);
        $this->assertSame(0.5, $o['recurrent_dropout']);
        $this->assertSame(7, $o['seed']);
        $this->assertSame([5], $cell->inputShape());
        $cell->build();
        $this->assertSame([[5, 24], [24, 8]], array_map(fn ($p) => $p->shape(), $cell->getParams()));
    }

    public function testGRUOnlyOptionsAreUnknown(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage("Unknown option 'return_sequences' in GRUCell");
        new GRUCell(4, return_sequences: true);
    }

    public function testInputsMustBeTwoDimensional(): void
    {
        $cell = new GRUCell(3);
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('inputs must be a 2-D NDArray [batch, features]');
        $cell->forward(NDArray::zeros([2, 1, 4]), [NDArray::zeros([2, 3])]);
    }

    public function testInputShapeIsEnforced(): void
    {
        $cell = new GRUCell(3, input_shape: [4]);
        $this->expectException(\InvalidArgumentException::class);
        $cell->forward(NDArray::zeros([2, 5]), [NDArray::zeros([2, 3])]);
    }

    public function testBackwardNeedsATrainingForward(): void
    {
        $cell = new GRUCell(3);
        $cell->forward(NDArray::zeros([2, 4]), [NDArray::zeros([2, 3])]);
        $this->expectException(\RuntimeException::class);
        $cell->backward([NDArray::zeros([2, 3])]);
    }

    public function testStepShapesAndReturnForms(): void
    {
        $cell = new GRUCell(3);
        $next = $cell->forward(NDArray::ones([2, 4]), [NDArray::zeros([2, 3])], true);
        $this->assertCount(1, $next);
        $this->assertSame([2, 3], $next[0]->shape());
        [$dInputs, $dStates] = $cell->backward([NDArray::ones([2, 3])]);
        $this->assertSame([2, 4], $dInputs->shape());
        $this->assertCount(1, $dStates);
        $this->assertSame([2, 3], $dStates[0]->shape());
        $this->assertSame([[4, 9], [3, 9], [2, 9]], array_map(fn ($p) => $p->shape(), $cell->getGrads()));
    }

    public function testCloneOwnsItsWeights(): void
    {
        $cell = new GRUCell(3, input_shape: [2]);
        $cell->build();
        $copy = clone $cell;
        $this->assertNotSame($cell->getParams()[0], $copy->getParams()[0]);
        $this->assertSame($cell->getParams()[0]->toArray(), $copy->getParams()[0]->toArray());
        $this->assertSame('grucell', $copy->name());
    }

    public static function configurations(): array
    {
        return [
            'reset_after, bias' => [true, true, 'tanh'],
            'reset_after, no bias' => [true, false, 'tanh'],
            'reset before, bias' => [false, true, 'tanh'],
            'reset before, no bias, relu' => [false, false, 'relu'],
        ];
    }

    /** @dataProvider configurations */
    public function testStepsEqualOneGRUForwardAndBackward(bool $resetAfter, bool $useBias, string $act): void
    {
        [$B, $T, $I, $H] = [3, 5, 4, 6];
        $options = ['reset_after' => $resetAfter, 'use_bias' => $useBias, 'activation' => $act,
            'bias_initializer' => 'random_uniform'];
        $x = self::random($B * $T * $I, 11);
        $h0 = self::random($B * $H, 12);
        $dY = self::random($B * $T * $H, 13);

        mt_srand(5);
        $gru = new GRU($H, ...($options + ['return_sequences' => true]));
        $outputs = $gru->forward(NDArray::fromArray(self::nest(array_chunk($x, $I), $T), self::F64), true,
            [NDArray::fromArray(self::nest($h0, $H), self::F64)]);
        [$gdx, $gdh0] = $gru->backward([NDArray::fromArray(self::nest(array_chunk($dY, $H), $T), self::F64)]);
        $expectedOut = Golden::flatten($outputs->toArray());

        // the GRU's weights, unchanged, in the cell
        $cell = new GRUCell($H, ...$options);
        $cell->build(NDArray::zeros([$B, $I], self::F64), $gru->getParams());
        $states = [self::nest($h0, $H)];
        $out = array_fill(0, $B * $T * $H, 0.0);
        for ($t = 0; $t < $T; $t++) {
            [$h] = $cell->forward(NDArray::fromArray(self::step($x, $B, $T, $I, $t), self::F64),
                [NDArray::fromArray($states[$t], self::F64)]);
            $states[] = $h->toArray();
            foreach ($states[$t + 1] as $b => $row) {
                foreach ($row as $j => $v) {
                    $out[($b * $T + $t) * $H + $j] = $v;
                }
            }
        }
        $this->assertLessThan(1e-12, Golden::maxScaledError($expectedOut, $out));

        // backpropagation through the steps: one training forward and one backward per step
        $dh = array_fill(0, $B, array_fill(0, $H, 0.0));
        $dx = array_fill(0, $B * $T * $I, 0.0);
        $grads = null;
        for ($t = $T - 1; $t >= 0; $t--) {
            $cell->forward(NDArray::fromArray(self::step($x, $B, $T, $I, $t), self::F64),
                [NDArray::fromArray($states[$t], self::F64)], true);
            $up = self::step($dY, $B, $T, $H, $t);
            foreach ($up as $b => $row) {
                foreach ($row as $j => $v) {
                    $up[$b][$j] += $dh[$b][$j];
                }
            }
            [$dxt, [$dPrev]] = $cell->backward([NDArray::fromArray($up, self::F64)]);
            foreach ($dxt->toArray() as $b => $row) {
                foreach ($row as $i => $v) {
                    $dx[($b * $T + $t) * $I + $i] = $v;
                }
            }
            $dh = $dPrev->toArray();
            $stepGrads = array_map(fn ($g) => Golden::flatten($g->toArray()), $cell->getGrads());
            if ($grads === null) {
                $grads = $stepGrads;
            } else {
                foreach ($stepGrads as $k => $g) {
                    foreach ($g as $i => $v) {
                        $grads[$k][$i] += $v;
                    }
                }
            }
        }
        $this->assertLessThan(1e-12, Golden::maxScaledError(Golden::flatten($gdx->toArray()), $dx), 'dInputs');
        $this->assertLessThan(1e-12, Golden::maxScaledError(Golden::flatten($gdh0->toArray()), Golden::flatten($dh)),
            'dInitialState');
        foreach ($gru->getGrads() as $k => $g) {
            $this->assertLessThan(1e-12, Golden::maxScaledError(Golden::flatten($g->toArray()), $grads[$k]),
                "grad $k");
        }
    }

    /** Rindow's RNN calls: every step's forward with its own calcState, then backward in reverse. */
    public function testCalcStateKeepsEachStepForBackward(): void
    {
        [$B, $T, $I, $H] = [2, 4, 3, 5];
        $x = self::random($B * $T * $I, 41);
        $dY = self::random($B * $T * $H, 42);
        mt_srand(6);
        $gru = new GRU($H, return_sequences: true, bias_initializer: 'random_uniform');
        $gru->forward(NDArray::fromArray(self::nest(array_chunk($x, $I), $T), self::F64), true,
            [NDArray::zeros([$B, $H], self::F64)]);
        [$gdx, $gdh0] = $gru->backward([NDArray::fromArray(self::nest(array_chunk($dY, $H), $T), self::F64)]);

        $cell = new GRUCell($H);
        $cell->build([$I], $gru->getParams());
        $h = NDArray::zeros([$B, $H], self::F64);
        $calcStates = [];
        for ($t = 0; $t < $T; $t++) {
            $calcStates[$t] = new \stdClass();
            [$h] = $cell->forward(NDArray::fromArray(self::step($x, $B, $T, $I, $t), self::F64), [$h], true,
                $calcStates[$t]);
        }
        $dh = array_fill(0, $B, array_fill(0, $H, 0.0));
        $dx = array_fill(0, $B * $T * $I, 0.0);
        $grads = array_map(fn ($g) => array_fill(0, $g->size(), 0.0), $gru->getGrads());
        for ($t = $T - 1; $t >= 0; $t--) {
            $up = self::step($dY, $B, $T, $H, $t);
            foreach ($up as $b => $row) {
                foreach ($row as $j => $v) {
                    $up[$b][$j] += $dh[$b][$j];
                }
            }
            [$dxt, [$dPrev]] = $cell->backward([NDArray::fromArray($up, self::F64)], $calcStates[$t]);
            foreach ($dxt->toArray() as $b => $row) {
                foreach ($row as $i => $v) {
                    $dx[($b * $T + $t) * $I + $i] = $v;
                }
            }
            $dh = $dPrev->toArray();
            foreach ($cell->getGrads() as $k => $g) {
                foreach (Golden::flatten($g->toArray()) as $i => $v) {
                    $grads[$k][$i] += $v;
                }
            }
        }
        $this->assertLessThan(1e-12, Golden::maxScaledError(Golden::flatten($gdx->toArray()), $dx));
        $this->assertLessThan(1e-12, Golden::maxScaledError(Golden::flatten($gdh0->toArray()), Golden::flatten($dh)));
        foreach ($gru->getGrads() as $k => $g) {
            $this->assertLessThan(1e-12, Golden::maxScaledError(Golden::flatten($g->toArray()), $grads[$k]));
        }
    }

    public function testCalcStateOfAnotherLayerIsRefused(): void
    {
        $a = new GRUCell(3);
        $b = new GRUCell(4);
        $state = new \stdClass();
        $a->forward(NDArray::ones([1, 2]), [NDArray::zeros([1, 3])], true, $state);
        $b->forward(NDArray::ones([1, 2]), [NDArray::zeros([1, 4])]);
        $this->expectException(\RuntimeException::class);
        $b->backward([NDArray::ones([1, 4])], $state);
    }

    public function testCellWeightsWorkInAGRU(): void
    {
        [$B, $I, $H] = [2, 3, 4];
        $cell = new GRUCell($H, bias_initializer: 'random_normal');
        $x = self::nest(self::random($B * $I, 21), $I);
        $h0 = self::nest(self::random($B * $H, 22), $H);
        [$h] = $cell->forward(NDArray::fromArray($x, self::F64), [NDArray::fromArray($h0, self::F64)]);
        $gru = new GRU($H);
        $gru->build(NDArray::zeros([$B, 1, $I], self::F64), $cell->getParams());
        $out = $gru->forward(NDArray::fromArray(array_map(fn ($r) => [$r], $x), self::F64), false,
            [NDArray::fromArray($h0, self::F64)]);
        $this->assertSame(Golden::flatten($h->toArray()), Golden::flatten($out->toArray()));
    }

    public function testFloat32Step(): void
    {
        $cell = new GRUCell(5);
        [$h] = $cell->forward(NDArray::ones([2, 3]), [NDArray::zeros([2, 5])]);
        $this->assertSame(NDArray::float32, $h->dtype());
        $this->assertSame([2, 5], $h->shape());
    }

    public function testDropoutOnlyWhenTraining(): void
    {
        $cell = new GRUCell(4, dropout: 0.5, recurrent_dropout: 0.5, seed: 3);
        $x = NDArray::fromArray(self::nest(self::random(2 * 6, 31), 6), self::F64);
        $h0 = NDArray::fromArray(self::nest(self::random(2 * 4, 32), 4), self::F64);
        [$a] = $cell->forward($x, [$h0]);
        [$b] = $cell->forward($x, [$h0], false);
        [$c] = $cell->forward($x, [$h0], true);
        $this->assertSame($a->toArray(), $b->toArray());
        $this->assertNotEquals($a->toArray(), $c->toArray());
    }
}
