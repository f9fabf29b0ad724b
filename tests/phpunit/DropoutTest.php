<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;
use RindowGRUTests\Support\Golden;
use RindowGRUTests\Support\GradientCheck;
use RindowGRUTests\Support\ReferenceGru;

/**
 * Keras's dropout and recurrent_dropout: masks Bernoulli(1 - rate) / (1 - rate),
 * one per sequence and reused at every step, only when training; the seed
 * option makes them reproducible; backward() honours them.
 */
final class DropoutTest extends TestCase
{
    private const F64 = NDArray::float64;

    /** A random problem: the layer (built with the given weights) and its inputs. */
    private static function randomProblem(int $seed, array $options, int $B = 3, int $T = 4, int $I = 3, int $H = 4): array
    {
        $ra = $options['reset_after'] ?? true;
        $x = NDArray::fromArray(ReferenceGru::randomList($B * $T * $I, $seed), self::F64)->reshape([$B, $T, $I]);
        $weights = [
            NDArray::fromArray(ReferenceGru::randomList($I * 3 * $H, $seed + 1, 0.8), self::F64)->reshape([$I, 3 * $H]),
            NDArray::fromArray(ReferenceGru::randomList(3 * $H * $H, $seed + 2, 0.8), self::F64)
                ->reshape($ra ? [$H, 3 * $H] : [3 * $H, $H]),
        ];
        if ($options['use_bias'] ?? true) {
            $weights[] = NDArray::fromArray(ReferenceGru::randomList(($ra ? 6 : 3) * $H, $seed + 3, 0.4), self::F64)
                ->reshape($ra ? [2, 3 * $H] : [3 * $H]);
        }
        $layer = new GRU($H, ...(['return_sequences' => true] + $options));
        $layer->build($x, sampleWeights: $weights);
        return [$layer, $x, $weights];
    }

    private static function flat(NDArray $a): array
    {
        return Golden::flatten($a->toArray());
    }

    // ---- (a) training false or null: no dropout ---------------------------

    public function testInferenceIgnoresDropout(): void
    {
        foreach ([true, false] as $ra) {
            [$plain, $x] = self::randomProblem(11, ['reset_after' => $ra]);
            [$dropped] = self::randomProblem(11, ['reset_after' => $ra, 'dropout' => 0.5,
                'recurrent_dropout' => 0.5, 'seed' => 3]);
            $expected = self::flat($plain->forward($x, false));
            $this->assertSame($expected, self::flat($dropped->forward($x, false)), "training false, ra $ra");
            $this->assertSame($expected, self::flat($dropped->forward($x)), "training null, ra $ra");
            $this->assertSame($expected, self::flat($dropped->forward($x, false)), 'again, after other calls');
            // and training true does drop
            $this->assertNotSame($expected, self::flat($dropped->forward($x, true)), "training true, ra $ra");
        }
    }

    public function testTrainingWithoutDropoutIsInference(): void
    {
        [$layer, $x] = self::randomProblem(12, ['dropout' => 0.0, 'recurrent_dropout' => 0.0, 'seed' => 5]);
        $this->assertSame(self::flat($layer->forward($x, false)), self::flat($layer->forward($x, true)));
    }

    // ---- (b) statistics, (c) one mask for every step ------------------------

    /**
     * Input mask made visible: linear activations, z = 0 and r = 0 (zero
     * kernel blocks, linear gate), no recurrence, and the candidate block of
     * the kernel the identity, so with inputs of ones every output is
     * h_t = hh_t = (1 * m_in) . I = m_in, at every step t.
     */
    private static function inputMaskLayer(float $rate, int $seed, int $B, int $T, int $units): array
    {
        $W = array_fill(0, $units * 3 * $units, 0.0);
        for ($j = 0; $j < $units; $j++) {
            $W[$j * 3 * $units + 2 * $units + $j] = 1.0;
        }
        $layer = new GRU($units, activation: 'linear', recurrent_activation: 'linear', use_bias: false,
            return_sequences: true, dropout: $rate, seed: $seed);
        $x = NDArray::ones([$B, $T, $units], self::F64);
        $layer->build($x, sampleWeights: [
            NDArray::fromArray($W, self::F64)->reshape([$units, 3 * $units]),
            NDArray::zeros([$units, 3 * $units], self::F64),
        ]);
        return [$layer, $x];
    }

    /**
     * Recurrent mask made visible: reset_after, linear activations, z = 0,
     * r = 1 (input bias of the r block), zero kernel and U_h the identity, so
     * from h_0 = 1: h_1 = (h_0 * m) . I = m, h_2 = (h_1 * m) . I = m^2, ...
     */
    private static function recurrentMaskLayer(float $rate, int $seed, int $B, int $T, int $units): array
    {
        $U = array_fill(0, $units * 3 * $units, 0.0);
        for ($j = 0; $j < $units; $j++) {
            $U[$j * 3 * $units + 2 * $units + $j] = 1.0;
        }
        $bias = array_fill(0, 6 * $units, 0.0);
        for ($j = 0; $j < $units; $j++) {
            $bias[$units + $j] = 1.0;
        }
        $layer = new GRU($units, activation: 'linear', recurrent_activation: 'linear', return_sequences: true,
            recurrent_dropout: $rate, seed: $seed);
        $x = NDArray::ones([$B, $T, 2], self::F64);
        $layer->build($x, sampleWeights: [
            NDArray::zeros([2, 3 * $units], self::F64),
            NDArray::fromArray($U, self::F64)->reshape([$units, 3 * $units]),
            NDArray::fromArray($bias, self::F64)->reshape([2, 3 * $units]),
        ]);
        return [$layer, $x, [NDArray::ones([$B, $units], self::F64)]];
    }

    /** Fraction dropped within 3 standard errors of the rate; the kept values 1/(1-rate); mean ~ 1. */
    private function assertMaskStatistics(array $mask, float $rate, string $what): void
    {
        $n = count($mask);
        $keep = 1.0 / (1.0 - $rate);
        $dropped = 0;
        foreach ($mask as $v) {
            if ($v == 0.0) {
                $dropped++;
            } else {
                $this->assertEqualsWithDelta($keep, $v, 1e-12, "$what: a kept value is scaled by 1/(1-rate)");
            }
        }
        $fraction = $dropped / $n;
        $se = sqrt($rate * (1 - $rate) / $n);
        $this->assertLessThan(3 * $se, abs($fraction - $rate), "$what: fraction dropped $fraction, rate $rate");
        $mean = array_sum($mask) / $n;
        $seMean = sqrt($rate / (1 - $rate) / $n);
        $this->assertLessThan(3 * $seMean, abs($mean - 1.0), "$what: mean of the scaled mask $mean");
    }

    public function testInputDropoutStatisticsAndOneMaskPerSequence(): void
    {
        [$B, $T, $H] = [2000, 3, 8];
        foreach ([[0.3, 101], [0.5, 102], [0.1, 103]] as [$rate, $seed]) {
            [$layer, $x] = self::inputMaskLayer($rate, $seed, $B, $T, $H);
            $out = $layer->forward($x, true)->toArray();
            $mask = [];
            foreach ($out as $b => $row) {
                for ($t = 1; $t < $T; $t++) {
                    // (c) the same mask at every timestep
                    $this->assertSame($row[0], $row[$t], "batch $b, step $t uses the mask of step 0");
                }
                array_push($mask, ...$row[0]);
            }
            $this->assertMaskStatistics($mask, $rate, "dropout $rate");
            // batch rows get different masks
            $this->assertNotSame($out[0][0], $out[1][0] === $out[0][0] ? $out[2][0] : $out[1][0]);
        }
    }

    public function testRecurrentDropoutStatisticsAndOneMaskPerSequence(): void
    {
        [$B, $T, $H] = [2000, 3, 8];
        foreach ([[0.3, 201], [0.5, 202]] as [$rate, $seed]) {
            [$layer, $x, $h0] = self::recurrentMaskLayer($rate, $seed, $B, $T, $H);
            $out = $layer->forward($x, true, $h0)->toArray();
            $mask = [];
            foreach ($out as $b => $row) {
                for ($t = 1; $t < $T; $t++) {
                    // (c) h_{t+1} = h_t * m with the same m: h_t = m^(t+1)
                    foreach ($row[0] as $j => $m) {
                        $this->assertEqualsWithDelta($m ** ($t + 1), $row[$t][$j], 1e-12, "batch $b, step $t, unit $j");
                    }
                }
                array_push($mask, ...$row[0]);
            }
            $this->assertMaskStatistics($mask, $rate, "recurrent_dropout $rate");
        }
    }

    /**
     * The carried state is the undropped one (Keras 3): with z = 1 the state
     * passes through unchanged whatever the mask; were the dropped state
     * carried, h' = z * (h * m) would zero or scale it.
     */
    public function testCarriedStateIsNotDropped(): void
    {
        $H = 5;
        $bias = array_fill(0, 6 * $H, 0.0);
        for ($j = 0; $j < $H; $j++) {
            $bias[$j] = 1.0;                 // z = 1 (linear gate)
        }
        $U = ReferenceGru::randomList($H * 3 * $H, 32);
        for ($k = 0; $k < $H; $k++) {
            for ($j = 0; $j < $H; $j++) {
                $U[$k * 3 * $H + $j] = 0.0;      // U_z = 0: z = 1 whatever the dropped state
            }
        }
        $layer = new GRU($H, recurrent_activation: 'linear', return_sequences: true, recurrent_dropout: 0.5, seed: 9);
        $x = NDArray::fromArray(ReferenceGru::randomList(4 * 3 * 2, 31), self::F64)->reshape([4, 3, 2]);
        $layer->build($x, sampleWeights: [
            NDArray::fromArray(array_fill(0, 2 * 3 * $H, 0.0), self::F64)->reshape([2, 3 * $H]),
            NDArray::fromArray($U, self::F64)->reshape([$H, 3 * $H]),
            NDArray::fromArray($bias, self::F64)->reshape([2, 3 * $H]),
        ]);
        $h0 = ReferenceGru::randomList(4 * $H, 33);
        $out = $layer->forward($x, true, [NDArray::fromArray($h0, self::F64)->reshape([4, $H])])->toArray();
        foreach ($out as $b => $row) {
            foreach ($row as $t => $h) {
                // h' = hh + z (h - hh) rounds; a dropped state would be off by far more
                $this->assertEqualsWithDelta(array_slice($h0, $b * $H, $H), $h, 1e-12, "batch $b, step $t");
            }
        }
    }

    // ---- (d) seeds ----------------------------------------------------------

    public function testSameSeedSameMasksDifferentSeedDifferentMasks(): void
    {
        $options = ['dropout' => 0.4, 'recurrent_dropout' => 0.3];
        [$a, $x] = self::randomProblem(21, $options + ['seed' => 1234]);
        [$b] = self::randomProblem(21, $options + ['seed' => 1234]);
        [$c] = self::randomProblem(21, $options + ['seed' => 1235]);
        $first = self::flat($a->forward($x, true));
        $this->assertSame($first, self::flat($b->forward($x, true)), 'same seed');
        $this->assertNotSame($first, self::flat($c->forward($x, true)), 'different seed');
        // each training forward draws fresh masks, in the same sequence for the same seed
        $second = self::flat($a->forward($x, true));
        $this->assertNotSame($first, $second, 'fresh masks per forward');
        $this->assertSame($second, self::flat($b->forward($x, true)), 'same seed, second forward');
        // a clone continues the stream from the same point
        $copy = clone $a;
        $this->assertSame(self::flat($a->forward($x, true)), self::flat($copy->forward($x, true)), 'clone');
        // inference calls draw nothing: a and b are at the same point again after b's third draw
        $b->forward($x, true);
        $a->forward($x, false);
        $a->forward($x);
        $this->assertSame(self::flat($a->forward($x, true)), self::flat($b->forward($x, true)), 'inference draws no masks');
    }

    public function testNullSeedFollowsMtSrand(): void
    {
        $run = function (): array {
            mt_srand(77);
            [$layer, $x] = self::randomProblem(22, ['dropout' => 0.4, 'recurrent_dropout' => 0.4]);
            return self::flat($layer->forward($x, true));
        };
        $this->assertSame($run(), $run());
        // and a null seed does not move mt_rand() further than a layer without dropout does
        mt_srand(78);
        new GRU(3);
        $after = mt_rand();
        mt_srand(78);
        new GRU(3, dropout: 0.5);
        $this->assertSame($after, mt_rand());
    }

    public function testBatchSizeMayChange(): void
    {
        [$layer] = self::randomProblem(23, ['dropout' => 0.3, 'recurrent_dropout' => 0.3, 'seed' => 4]);
        foreach ([1, 5, 2] as $B) {
            $x = NDArray::fromArray(ReferenceGru::randomList($B * 4 * 3, 24 + $B), self::F64)->reshape([$B, 4, 3]);
            $out = $layer->forward($x, true);
            $this->assertSame([$B, 4, 4], $out->shape());
            [$dx] = $layer->backward([NDArray::ones([$B, 4, 4], self::F64)]);
            $this->assertSame([$B, 4, 3], $dx->shape());
        }
    }

    // ---- (e) backward honours the masks -------------------------------------

    public static function configurations(): array
    {
        $cases = [];
        foreach ([true, false] as $ra) {
            foreach ([true, false] as $bias) {
                foreach ([false, true] as $bw) {
                    $seed = count($cases) + 1;
                    $cases[sprintf('ra%d bias%d bw%d', $ra, $bias, $bw)] = [[
                        'reset_after' => $ra, 'use_bias' => $bias, 'go_backwards' => $bw,
                        'mask' => $seed % 2 === 0, 'state' => $seed % 3 !== 0, 'return_sequences' => $seed % 4 !== 3,
                    ], $seed];
                }
            }
        }
        return $cases;
    }

    /** @dataProvider configurations */
    public function testBackwardMatchesFiniteDifferencesWithDropout(array $c, int $seed): void
    {
        // Every evaluation builds a new layer from the same seed, so every
        // training forward draws the same masks: the loss is a fixed function of the data.
        $check = new GradientCheck(['batch' => 3, 'timesteps' => 3, 'features' => 4, 'units' => 3] + $c, 300 + $seed,
            ['dropout' => 0.4, 'recurrent_dropout' => 0.35, 'seed' => 4000 + $seed]);
        $zeroInputGrads = 0;
        foreach ($check->compare() as $name => $pairs) {
            foreach ($pairs as $i => [$numeric, $analytic]) {
                $this->assertEqualsWithDelta($numeric, $analytic, 2e-6 * max(1.0, abs($numeric)), "d{$name}[$i]");
                if ($name === 'x' && $analytic == 0.0) {
                    $zeroInputGrads++;
                }
            }
        }
        // dropped input features have exactly zero gradient: the masks are really in play
        $this->assertGreaterThan(0, $zeroInputGrads, 'some input features dropped');
    }

    // ---- (f) validation, (g) getConfig --------------------------------------

    public static function invalidOptions(): array
    {
        return [
            'dropout 1.0' => ['dropout', 1.0, 'GRU option dropout must be a float in [0, 1), 1.0 given'],
            'dropout -0.1' => ['dropout', -0.1, 'GRU option dropout must be a float in [0, 1), -0.1 given'],
            'dropout string' => ['dropout', 'half', "GRU option dropout must be a float in [0, 1), 'half' given"],
            'dropout NAN' => ['dropout', NAN, 'GRU option dropout must be a float in [0, 1), NAN given'],
            'recurrent_dropout 1' => ['recurrent_dropout', 1, 'GRU option recurrent_dropout must be a float in [0, 1), 1 given'],
            'recurrent_dropout -0.1' => ['recurrent_dropout', -0.1,
                'GRU option recurrent_dropout must be a float in [0, 1), -0.1 given'],
            'recurrent_dropout array' => ['recurrent_dropout', [0.1],
                'GRU option recurrent_dropout must be a float in [0, 1), array given'],
            'seed float' => ['seed', 1.5, 'GRU option seed must be an int or null, 1.5 given'],
            'seed string' => ['seed', '7', "GRU option seed must be an int or null, '7' given"],
        ];
    }

    /** @dataProvider invalidOptions */
    public function testInvalidOptionsAreNamed(string $option, mixed $value, string $message): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage($message);
        new GRU(3, ...[$option => $value]);
    }

    public function testOptionsArePositionalAfterRindows(): void
    {
        $layer = new GRU(4, null, 'tanh', 'sigmoid', true, 'glorot_uniform', 'orthogonal', 'zeros',
            false, false, false, false, true, 'g', 0.25, 0.5, 7);
        $options = $layer->getConfig()['options'];
        $this->assertSame(0.25, $options['dropout']);
        $this->assertSame(0.5, $options['recurrent_dropout']);
        $this->assertSame(7, $options['seed']);
        $this->assertSame('g', $layer->name());
    }

    public function testGetConfigListsDropoutOnlyWhenSet(): void
    {
        $plain = (new GRU(3))->getConfig();
        $this->assertSame($plain, (new GRU(3, dropout: 0.0, recurrent_dropout: 0, seed: null))->getConfig());
        foreach (['dropout', 'recurrent_dropout', 'seed'] as $key) {
            $this->assertArrayNotHasKey($key, $plain['options']);
        }
        $options = (new GRU(3, dropout: 0.2))->getConfig()['options'];
        $this->assertSame(0.2, $options['dropout']);
        $this->assertArrayNotHasKey('recurrent_dropout', $options);
        $this->assertArrayNotHasKey('seed', $options);
        $options = (new GRU(3, recurrent_dropout: 0.3, seed: 0))->getConfig()['options'];
        $this->assertSame(['recurrent_dropout' => 0.3, 'seed' => 0],
            array_intersect_key($options, ['dropout' => 1, 'recurrent_dropout' => 1, 'seed' => 1]));
        // a config round-trips through the constructor
        $config = (new GRU(3, dropout: 0.1, recurrent_dropout: 0.2, seed: 5))->getConfig();
        $options = $config['options'];
        unset($options['input_shape']);
        $this->assertSame($config, (new GRU($config['units'], ...$options))->getConfig());
    }
}
