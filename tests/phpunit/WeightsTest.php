<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\Bidirectional;
use Rindow\NeuralNetworks\Layer\GRU;
use Rindow\NeuralNetworks\Layer\GRUCell;
use RindowGRUTests\Support\Golden;

/**
 * getWeights()/setWeights() (Keras's layout) and the PyTorch import/export:
 * the golden cases through Keras's layout (converted here by independent
 * code, and read back by a plain-PHP GRU written with Keras's formulas),
 * round trips, in-place updates, and bad input.
 */
final class WeightsTest extends TestCase
{
    private const F64 = NDArray::float64;

    private static function flat(NDArray $a): array
    {
        return Golden::flatten($a->toArray());
    }

    private static function random(array $shape, int $seed): array
    {
        mt_srand($seed);
        $v = [];
        for ($i = 0; $i < array_product($shape); $i++) {
            $v[] = mt_rand() / mt_getrandmax() * 2.0 - 1.0;
        }
        foreach (array_reverse(array_slice($shape, 1)) as $d) {
            $v = array_chunk($v, $d);
        }
        return $v;
    }

    private function assertNumbers(array $expected, array $actual, float $tolerance, string $what): void
    {
        $this->assertCount(count($expected), $actual, $what);
        $error = Golden::maxScaledError($expected, $actual);
        $this->assertLessThanOrEqual($tolerance, $error, "$what: max scaled error $error");
    }

    /**
     * A golden case's weights in Keras's layout, as nested arrays. Only the
     * reset_after=false recurrent kernel moves: Rindow computes h.U_g with
     * U_g the row block g of its [3H, H] kernel, Keras h @ rk[:, gH:(g+1)H]
     * of its [H, 3H] one, so Keras's column block g is Rindow's row block g.
     */
    private static function kerasWeights(array $case): array
    {
        $c = $case['config'];
        $h = $c['units'];
        $nested = static function (array $entry): array {
            $v = $entry['data'];
            foreach (array_reverse(array_slice($entry['shape'], 1)) as $d) {
                $v = array_chunk($v, $d);
            }
            return $v;
        };
        $kernel = $nested($case['kernel']);
        $rindowRecurrent = $nested($case['recurrent_kernel']);
        if ($c['reset_after']) {
            $recurrent = $rindowRecurrent;
        } else {
            $recurrent = [];
            for ($i = 0; $i < $h; $i++) {
                for ($g = 0; $g < 3; $g++) {
                    for ($j = 0; $j < $h; $j++) {
                        $recurrent[$i][$g * $h + $j] = $rindowRecurrent[$g * $h + $i][$j];
                    }
                }
            }
        }
        $weights = [$kernel, $recurrent];
        if ($c['use_bias']) {
            $weights[] = $nested($case['bias']);
        }
        return $weights;
    }

    /**
     * Keras's GRU (keras/src/layers/rnn/gru.py, GRUCell.call) in plain PHP,
     * with Keras's weights [kernel, recurrent_kernel(, bias)]: the final
     * state over the whole sequence, forwards, no mask, tanh and sigmoid.
     */
    private static function kerasFinalState(array $x, array $weights, bool $resetAfter, int $units, ?array $h0): array
    {
        [$kernel, $rk] = $weights;
        $bias = $weights[2] ?? null;
        $sigmoid = static fn(float $v): float => 1.0 / (1.0 + exp(-$v));
        $dot = static function (array $v, array $m, int $from, int $n): array {
            $out = array_fill(0, $n, 0.0);
            foreach ($v as $i => $vi) {
                for ($j = 0; $j < $n; $j++) {
                    $out[$j] += $vi * $m[$i][$from + $j];
                }
            }
            return $out;
        };
        $states = [];
        foreach ($x as $b => $sequence) {
            $hPrev = $h0[$b] ?? array_fill(0, $units, 0.0);
            foreach ($sequence as $xt) {
                $xw = $dot($xt, $kernel, 0, 3 * $units);
                $inputBias = $bias === null ? array_fill(0, 3 * $units, 0.0) : ($resetAfter ? $bias[0] : $bias);
                $recurrentBias = $bias !== null && $resetAfter ? $bias[1] : array_fill(0, 3 * $units, 0.0);
                if ($resetAfter) {
                    $inner = $dot($hPrev, $rk, 0, 3 * $units);
                    $next = [];
                    for ($j = 0; $j < $units; $j++) {
                        $z = $sigmoid($xw[$j] + $inputBias[$j] + $inner[$j] + $recurrentBias[$j]);
                        $r = $sigmoid($xw[$units + $j] + $inputBias[$units + $j] + $inner[$units + $j]
                            + $recurrentBias[$units + $j]);
                        $hh = tanh($xw[2 * $units + $j] + $inputBias[2 * $units + $j]
                            + $r * ($inner[2 * $units + $j] + $recurrentBias[2 * $units + $j]));
                        $next[$j] = $z * $hPrev[$j] + (1 - $z) * $hh;
                    }
                } else {
                    $recZ = $dot($hPrev, $rk, 0, $units);
                    $recR = $dot($hPrev, $rk, $units, $units);
                    $z = $r = [];
                    for ($j = 0; $j < $units; $j++) {
                        $z[$j] = $sigmoid($xw[$j] + $inputBias[$j] + $recZ[$j]);
                        $r[$j] = $sigmoid($xw[$units + $j] + $inputBias[$units + $j] + $recR[$j]);
                    }
                    $recH = $dot(array_map(static fn($rj, $hj) => $rj * $hj, $r, $hPrev), $rk, 2 * $units, $units);
                    $next = [];
                    for ($j = 0; $j < $units; $j++) {
                        $hh = tanh($xw[2 * $units + $j] + $inputBias[2 * $units + $j] + $recH[$j]);
                        $next[$j] = $z[$j] * $hPrev[$j] + (1 - $z[$j]) * $hh;
                    }
                }
                $hPrev = $next;
            }
            $states[] = $hPrev;
        }
        return Golden::flatten($states);
    }

    /** @dataProvider \RindowGRUTests\Support\Golden::casesInBothDtypes */
    public function testKerasWeightsGiveTheGoldenResults(string $path, int $dtype, float $tolerance): void
    {
        $case = Golden::load($path);
        $c = $case['config'];
        $layer = new GRU($c['units'],
            activation: $c['activation'],
            recurrent_activation: $c['recurrent_activation'],
            use_bias: $c['use_bias'],
            return_sequences: $c['return_sequences'],
            return_state: true,
            go_backwards: $c['go_backwards'],
            reset_after: $c['reset_after'],
        );
        $weights = array_map(static fn($w) => NDArray::fromArray($w, $dtype), self::kerasWeights($case));
        $layer->setWeights($weights);           // unbuilt: builds it, in the weights' dtype
        $this->assertTrue($layer->isBuilt());
        $this->assertSame([$case['inputs']['shape'][2], 3 * $c['units']], $layer->getParams()[0]->shape());

        $initial = $case['initial_state'] === null ? null : [Golden::array($case['initial_state'], $dtype)];
        $mask = $case['mask'] === null ? null : Golden::array($case['mask'], NDArray::bool);
        [$outputs, [$state]] = $layer->forward(Golden::array($case['inputs'], $dtype), false, $initial, $mask);
        $this->assertNumbers($case['outputs']['data'], self::flat($outputs), $tolerance, 'outputs');
        $this->assertNumbers($case['state']['data'], self::flat($state), $tolerance, 'state');

        // getParams() keeps Rindow's layout: the golden case's own arrays.
        $params = $layer->getParams();
        $this->assertNumbers($case['recurrent_kernel']['data'], self::flat($params[1]),
            $dtype === self::F64 ? 0.0 : 1e-7, 'recurrent kernel in Rindow layout');
    }

    /** The golden cases the plain Keras reference covers: forwards, unmasked, tanh and sigmoid. */
    public static function kerasReferenceCases(): array
    {
        return array_filter(Golden::cases(), static function (array $args): bool {
            $case = Golden::load($args[0]);
            $c = $case['config'];
            return !$c['go_backwards'] && $case['mask'] === null && $c['activation'] === 'tanh'
                && $c['recurrent_activation'] === 'sigmoid';
        });
    }

    /**
     * getWeights() read with Keras's own formulas reproduces the layer: the
     * export is Keras's layout, not merely the inverse of the import.
     *
     * @dataProvider kerasReferenceCases
     */
    public function testGetWeightsIsWhatKerasComputesWith(string $path): void
    {
        $case = Golden::load($path);
        $c = $case['config'];
        $layer = Golden::layer($case, self::F64);          // built from Rindow's layout
        $weights = array_map(static fn(NDArray $w) => $w->toArray(), $layer->getWeights());
        $this->assertCount($c['use_bias'] ? 3 : 2, $weights);
        $this->assertSame([$c['units'], 3 * $c['units']], [count($weights[1]), count($weights[1][0])]);
        $h0 = $case['initial_state'] === null ? null : Golden::array($case['initial_state'], self::F64)->toArray();
        $state = self::kerasFinalState(Golden::array($case['inputs'], self::F64)->toArray(), $weights,
            $c['reset_after'], $c['units'], $h0);
        $this->assertNumbers($case['state']['data'], $state, 1e-10, 'Keras formulas on getWeights()');
    }

    /** @return array<string, array{bool, bool}> */
    public static function variants(): array
    {
        return [
            'reset_after, bias' => [true, true],
            'reset_after, no bias' => [true, false],
            'reset_before, bias' => [false, true],
            'reset_before, no bias' => [false, false],
        ];
    }

    /** @dataProvider variants */
    public function testKerasRoundTrip(bool $resetAfter, bool $useBias): void
    {
        $h = 3;
        $keras = [self::random([4, 3 * $h], 1), self::random([$h, 3 * $h], 2)];
        if ($useBias) {
            $keras[] = self::random($resetAfter ? [2, 3 * $h] : [3 * $h], 3);
        }
        $layer = new GRU($h, reset_after: $resetAfter, use_bias: $useBias);
        $layer->build(NDArray::zeros([1, 2, 4], self::F64));
        $layer->setWeights(array_map(static fn($w) => NDArray::fromArray($w, self::F64), $keras));
        $back = array_map(static fn(NDArray $w) => $w->toArray(), $layer->getWeights());
        $this->assertSame($keras, $back);

        // The cell and the Bidirectional hold the same layout.
        $cell = new GRUCell($h, reset_after: $resetAfter, use_bias: $useBias);
        $cell->setWeights($keras);     // plain arrays: float32, exact for these after a round trip through float32
        $this->assertSame(self::flat(NDArray::fromArray(Golden::flatten($keras))),
            Golden::flatten(array_map(static fn(NDArray $w) => $w->toArray(), $cell->getWeights())));
        $this->assertSame(NDArray::float32, $cell->getParams()[0]->dtype());

        $bi = new Bidirectional(new GRU($h, reset_after: $resetAfter, use_bias: $useBias));
        $backward = array_map(static fn($w) => array_map(static fn($v) => is_array($v)
            ? array_map(static fn($u) => -$u, $v) : -$v, $w), $keras);
        $bi->setWeights(array_map(static fn($w) => NDArray::fromArray($w, self::F64),
            array_merge($keras, $backward)));
        $this->assertSame(array_merge($keras, $backward),
            array_map(static fn(NDArray $w) => $w->toArray(), $bi->getWeights()));
        $this->assertSame(self::flat($layer->getParams()[1]), self::flat($bi->getForwardLayer()->getParams()[1]));
    }

    public function testPyTorchRoundTrip(): void
    {
        $h = 3;
        $dict = [
            'weight_ih_l1' => self::random([3 * $h, 4], 4),
            'weight_hh_l1' => self::random([3 * $h, $h], 5),
            'bias_ih_l1' => self::random([3 * $h], 6),
            'bias_hh_l1' => self::random([3 * $h], 7),
        ];
        $layer = new GRU($h);
        $layer->setPyTorchWeights(array_map(static fn($w) => NDArray::fromArray($w, self::F64), $dict), '_l1');
        $back = array_map(static fn(NDArray $w) => $w->toArray(), $layer->getPyTorchWeights('_l1'));
        $this->assertSame($dict, $back);

        // Rindow's layout: kernel = W_ih^T with the gate blocks z, r, h from PyTorch's r, z, n.
        $kernel = $layer->getParams()[0]->toArray();
        foreach ([0 => 1, 1 => 0, 2 => 2] as $gate => $torchGate) {
            for ($j = 0; $j < $h; $j++) {
                for ($i = 0; $i < 4; $i++) {
                    $this->assertSame($dict['weight_ih_l1'][$torchGate * $h + $j][$i], $kernel[$i][$gate * $h + $j]);
                }
                $this->assertSame($dict['bias_hh_l1'][$torchGate * $h + $j],
                    $layer->getParams()[2]->toArray()[1][$gate * $h + $j]);
            }
        }

        // Keys of other layers are left alone; nn.GRUCell's have no suffix.
        $cell = new GRUCell($h);
        $cell->setPyTorchWeights([
            'weight_ih' => $dict['weight_ih_l1'], 'weight_hh' => $dict['weight_hh_l1'],
            'bias_ih' => $dict['bias_ih_l1'], 'bias_hh' => $dict['bias_hh_l1'], 'weight_ih_l0' => 'unused',
        ]);
        $this->assertSame(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'], array_keys($cell->getPyTorchWeights()));
        $this->assertSame(self::flat(NDArray::fromArray(Golden::flatten($layer->getParams()[1]->toArray()))),
            self::flat($cell->getParams()[1]));
    }

    /** A built layer's params are overwritten in place (in its dtype), so references to them see the change. */
    public function testSetWeightsWritesIntoTheParamsInPlace(): void
    {
        $layer = new GRU(2, reset_after: false);
        $layer->build([3, 1]);                       // float32
        [$kernel, $recurrent, $bias] = $layer->getParams();
        $keras = [[[1, 2, 3, 4, 5, 6]], self::random([2, 6], 8), [0.5, 0, 0, 0, 0, -0.5]];
        $layer->setWeights([NDArray::fromArray($keras[0], self::F64), $keras[1], $keras[2]]);
        $this->assertSame(NDArray::float32, $kernel->dtype());
        $this->assertSame([[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]], $kernel->toArray());
        $this->assertSame([0.5, 0.0, 0.0, 0.0, 0.0, -0.5], $bias->toArray());
        $this->assertSame($kernel, $layer->getParams()[0]);
        // Rindow's [3H, H] row blocks: row block g of ours is Keras's column block g.
        $this->assertEqualsWithDelta([
            array_slice($keras[1][0], 0, 2), array_slice($keras[1][1], 0, 2),
            array_slice($keras[1][0], 2, 2), array_slice($keras[1][1], 2, 2),
            array_slice($keras[1][0], 4, 2), array_slice($keras[1][1], 4, 2),
        ], $recurrent->toArray(), 1e-7);
    }

    public function testUnbuiltLayers(): void
    {
        $layer = new GRU(3);
        $this->assertSame([], $layer->getWeights());
        $this->expectException(\RuntimeException::class);
        $this->expectExceptionMessage('not built');
        $layer->getPyTorchWeights();
    }

    public function testInputShapeOptionIsChecked(): void
    {
        $layer = new GRU(1, input_shape: [2, 5]);
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('Input shape is inconsistent');
        $layer->setWeights([[[0, 0, 0]], [[0, 0, 0]], [[0, 0, 0], [0, 0, 0]]]);
    }

    /** @return array<string, array{callable, string, string}> */
    public static function badInputs(): array
    {
        $torch = static function (int $h, int $i, bool $bias = true, string $suffix = '_l0'): array {
            $dict = [
                "weight_ih$suffix" => array_fill(0, 3 * $h, array_fill(0, $i, 0.1)),
                "weight_hh$suffix" => array_fill(0, 3 * $h, array_fill(0, $h, 0.1)),
            ];
            if ($bias) {
                $dict["bias_ih$suffix"] = array_fill(0, 3 * $h, 0.1);
                $dict["bias_hh$suffix"] = array_fill(0, 3 * $h, 0.1);
            }
            return $dict;
        };
        $invalid = \InvalidArgumentException::class;
        return [
            'missing key' => [static function () use ($torch) {
                $d = $torch(3, 2);
                unset($d['bias_hh_l0']);
                (new GRU(3))->setPyTorchWeights($d);
            }, $invalid, 'the state dict has no bias_hh_l0 for gru, which needs weight_ih_l0, weight_hh_l0, '
                . 'bias_ih_l0, bias_hh_l0'],
            'wrong suffix' => [static fn() => (new GRU(3))->setPyTorchWeights($torch(3, 2), '_l1'), $invalid,
                'no weight_ih_l1 for gru, which needs weight_ih_l1, weight_hh_l1, bias_ih_l1, bias_hh_l1 (PyTorch\'s '
                . 'bias=False is use_bias false); keys given: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0'],
            'bias key without use_bias' => [static fn() => (new GRU(3, use_bias: false))->setPyTorchWeights(
                $torch(3, 2)), $invalid, 'the state dict has bias_ih_l0, but gru has use_bias false'],
            'no bias keys with use_bias' => [static fn() => (new GRU(3))->setPyTorchWeights($torch(3, 2, false)),
                $invalid, 'the state dict has no bias_ih_l0'],
            'wrong weight_hh shape' => [static function () use ($torch) {
                $d = $torch(3, 2);
                $d['weight_hh_l0'] = array_fill(0, 3, array_fill(0, 9, 0.1));
                (new GRU(3))->setPyTorchWeights($d);
            }, $invalid, 'weight_hh_l0 must be (9,3), (3,9) given in gru'],
            'wrong input size for a built layer' => [static function () use ($torch) {
                $gru = new GRU(3);
                $gru->build([4, 5]);
                $gru->setPyTorchWeights($torch(3, 2));
            }, $invalid, 'weight_ih_l0 must be (9,5), (9,2) given in gru'],
            'wrong bias shape' => [static function () use ($torch) {
                $d = $torch(3, 2);
                $d['bias_ih_l0'] = [[0.1, 0.2]];
                (new GRU(3))->setPyTorchWeights($d);
            }, $invalid, 'bias_ih_l0 must be (9), (1,2) given in gru'],
            'ragged array' => [static function () use ($torch) {
                $d = $torch(3, 2);
                $d['weight_hh_l0'][4] = [0.1, 0.2];
                (new GRU(3))->setPyTorchWeights($d);
            }, $invalid, 'weight_hh_l0 is not a rectangular array of shape (9,3)'],
            'not numbers' => [static function () use ($torch) {
                $d = $torch(3, 2);
                $d['bias_hh_l0'][2] = '0.5';
                (new GRU(3))->setPyTorchWeights($d);
            }, $invalid, 'bias_hh_l0 must hold numbers (int or float), string found'],
            'reset_after false, import' => [static fn() => (new GRU(3, reset_after: false))->setPyTorchWeights(
                $torch(3, 2)), \DomainException::class, 'gru has reset_after false, which PyTorch\'s GRU cannot express'],
            'reset_after false, export' => [static function () {
                $gru = new GRU(3, reset_after: false);
                $gru->build([4, 2]);
                $gru->getPyTorchWeights();
            }, \DomainException::class, 'reset_after false'],
            'Keras count' => [static fn() => (new GRU(3))->setWeights([[[0.1]]]), $invalid,
                'weights must hold 3 arrays (kernel, recurrent_kernel, bias) for gru, 1 given'],
            'Keras recurrent shape, reset_after false' => [static fn() => (new GRU(2, reset_after: false))->setWeights(
                [[array_fill(0, 6, 0.1)], array_fill(0, 6, [0.1, 0.2]), array_fill(0, 6, 0.0)]), $invalid,
                'weights[1] (recurrent_kernel) must be (2,6), (6,2) given in gru'],
            'Keras bias shape' => [static fn() => (new GRU(2))->setWeights(
                [[array_fill(0, 6, 0.1)], array_fill(0, 2, array_fill(0, 6, 0.1)), array_fill(0, 6, 0.0)]), $invalid,
                'weights[2] (bias) must be (2,6), (6) given in gru'],
            'Keras dtype' => [static fn() => (new GRU(1))->setWeights([NDArray::fromArray([[1, 2, 3]], NDArray::int32),
                [[0, 0, 0]], [[0, 0, 0], [0, 0, 0]]]), $invalid, 'weights[0] (kernel) must be float32 or float64, int32 given'],
            'Keras value type' => [static fn() => (new GRU(1))->setWeights([[[1, 2, 3]], 'x', [[0, 0, 0], [0, 0, 0]]]),
                $invalid, 'weights[1] (recurrent_kernel) must be an NDArray or an array of numbers, string given'],
            'Bidirectional count' => [static fn() => (new Bidirectional(new GRU(1)))->setWeights([]), $invalid,
                'weights must hold the forward layer\'s 3 arrays, then the backward layer\'s 3, 0 given'],
            'Bidirectional input sizes differ' => [static fn() => (new Bidirectional(new GRU(1)))->setWeights(
                [[[0, 0, 0]], [[0, 0, 0]], [[0, 0, 0], [0, 0, 0]], [[0, 0, 0], [0, 0, 0]], [[0, 0, 0]],
                [[0, 0, 0], [0, 0, 0]]]), $invalid,
                'the forward layer\'s weights are for 1 input features but the backward layer\'s for 2'],
            'Bidirectional reverse key' => [static fn() => (new Bidirectional(new GRU(3)))->setPyTorchWeights(
                $torch(3, 2)), $invalid, 'no weight_ih_l0_reverse'],
        ];
    }

    /** @dataProvider badInputs */
    public function testBadInput(callable $call, string $class, string $message): void
    {
        $this->expectException($class);
        $this->expectExceptionMessage($message);
        $call();
    }

    /** A failed import changes nothing, in either direction of a Bidirectional. */
    public function testFailedImportChangesNothing(): void
    {
        $bi = new Bidirectional(new GRU(2));
        $bi->build(NDArray::zeros([1, 3, 1], self::F64));
        $before = array_map([self::class, 'flat'], $bi->getParams());
        $dict = [];
        foreach (['_l0', '_l0_reverse'] as $suffix) {
            $dict["weight_ih$suffix"] = self::random([6, 1], 9);
            $dict["weight_hh$suffix"] = self::random([6, 2], 10);
            $dict["bias_ih$suffix"] = self::random([6], 11);
            $dict["bias_hh$suffix"] = self::random([6], 12);
        }
        $dict['bias_hh_l0_reverse'] = [1.0];
        try {
            $bi->setPyTorchWeights($dict);
            $this->fail('a wrong shape was taken');
        } catch (\InvalidArgumentException $e) {
            $this->assertStringContainsString('bias_hh_l0_reverse must be (6), (1) given', $e->getMessage());
        }
        $this->assertSame($before, array_map([self::class, 'flat'], $bi->getParams()));

        // An unbuilt Bidirectional: the backward layer takes the forward layer's dtype.
        $bi = new Bidirectional(new GRU(2));
        $dict['bias_hh_l0_reverse'] = self::random([6], 13);
        $dict['weight_ih_l0'] = NDArray::fromArray($dict['weight_ih_l0'], self::F64);
        $bi->setPyTorchWeights($dict);
        $this->assertSame(self::F64, $bi->getBackwardLayer()->getParams()[0]->dtype());

        $layer = new GRU(2);
        try {
            $layer->setWeights([[[0.1]], [[0.1]], [[0.1]]]);
            $this->fail('a wrong shape was taken');
        } catch (\InvalidArgumentException) {
        }
        $this->assertFalse($layer->isBuilt());
    }
}
