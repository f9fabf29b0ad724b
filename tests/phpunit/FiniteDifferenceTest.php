<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;
use RindowGRUTests\Support\Golden;
use RindowGRUTests\Support\ReferenceGru;

/**
 * backward() against central finite differences of forward(), float64, on
 * random shapes and options: the loss is sum(outputs*dOut) + sum(state*dState),
 * so its gradient is exactly what backward([dOut, dState]) returns.
 */
final class FiniteDifferenceTest extends TestCase
{
    public static function configurations(): array
    {
        $cases = [];
        $acts = ['tanh', 'sigmoid', 'relu', 'linear', 'hard_sigmoid'];
        for ($seed = 1; $seed <= 12; $seed++) {
            $cases["seed $seed"] = [[
                'batch' => 1 + $seed % 3, 'timesteps' => 2 + $seed % 3, 'features' => 1 + $seed % 3,
                'units' => 1 + ($seed * 5) % 4, 'reset_after' => $seed % 2 === 0, 'use_bias' => $seed % 3 !== 0,
                'go_backwards' => $seed % 4 >= 2, 'return_sequences' => $seed % 5 !== 0,
                'activation' => $acts[$seed % 5], 'recurrent_activation' => $seed % 3 === 0 ? 'hard_sigmoid' : 'sigmoid',
                'mask' => $seed % 3 === 1, 'state' => $seed % 2 === 1,
            ], $seed];
        }
        return $cases;
    }

    /** @dataProvider configurations */
    public function testBackwardMatchesFiniteDifferences(array $c, int $seed): void
    {
        [$B, $T, $I, $H] = [$c['batch'], $c['timesteps'], $c['features'], $c['units']];
        $data = [
            'x' => ReferenceGru::randomList($B * $T * $I, $seed),
            'W' => ReferenceGru::randomList($I * 3 * $H, $seed + 1, 0.8),
            'U' => ReferenceGru::randomList(3 * $H * $H, $seed + 2, 0.8),
            'b' => $c['use_bias'] ? ReferenceGru::randomList(($c['reset_after'] ? 6 : 3) * $H, $seed + 3, 0.4) : null,
            'h0' => $c['state'] ? ReferenceGru::randomList($B * $H, $seed + 4) : null,
        ];
        $mask = $c['mask'] ? array_map(fn($v) => $v > -0.4, ReferenceGru::randomList($B * $T, $seed + 5)) : null;
        $outSize = $c['return_sequences'] ? $B * $T * $H : $B * $H;
        $dOut = ReferenceGru::randomList($outSize, $seed + 6);
        $dState = ReferenceGru::randomList($B * $H, $seed + 7);

        $run = function (array $d, bool $training) use ($c, $B, $T, $I, $H, $mask, $dOut, $dState) {
            $layer = new GRU($H, activation: $c['activation'], recurrent_activation: $c['recurrent_activation'],
                use_bias: $c['use_bias'], return_sequences: $c['return_sequences'], return_state: true,
                go_backwards: $c['go_backwards'], reset_after: $c['reset_after']);
            $f64 = NDArray::float64;
            $x = NDArray::fromArray($d['x'], $f64)->reshape([$B, $T, $I]);
            $weights = [NDArray::fromArray($d['W'], $f64)->reshape([$I, 3 * $H]),
                NDArray::fromArray($d['U'], $f64)->reshape($c['reset_after'] ? [$H, 3 * $H] : [3 * $H, $H])];
            if ($d['b'] !== null) {
                $weights[] = NDArray::fromArray($d['b'], $f64)->reshape($c['reset_after'] ? [2, 3 * $H] : [3 * $H]);
            }
            $layer->build($x, sampleWeights: $weights);
            $states = $d['h0'] === null ? null : [NDArray::fromArray($d['h0'], $f64)->reshape([$B, $H])];
            $m = $mask === null ? null : NDArray::fromArray($mask, NDArray::bool)->reshape([$B, $T]);
            [$out, [$state]] = $layer->forward($x, $training, $states, $m);
            $loss = 0.0;
            foreach (self::flat($out) as $i => $v) {
                $loss += $v * $dOut[$i];
            }
            foreach (self::flat($state) as $i => $v) {
                $loss += $v * $dState[$i];
            }
            if (!$training) {
                return $loss;
            }
            $shape = $c['return_sequences'] ? [$B, $T, $H] : [$B, $H];
            $dIn = $layer->backward([NDArray::fromArray($dOut, $f64)->reshape($shape), NDArray::fromArray($dState, $f64)->reshape([$B, $H])]);
            $grads = ['x' => self::flat($dIn[0])];
            $names = ['W', 'U', 'b'];
            foreach ($layer->getGrads() as $i => $g) {
                $grads[$names[$i]] = self::flat($g);
            }
            if ($d['h0'] !== null) {
                $grads['h0'] = self::flat($dIn[1]);
            }
            return $grads;
        };

        $analytic = $run($data, true);
        $eps = 1e-6;
        foreach ($data as $name => $values) {
            if ($values === null) {
                continue;
            }
            $this->assertArrayHasKey($name, $analytic);
            foreach ($values as $i => $v) {
                $plus = $data;
                $plus[$name][$i] = $v + $eps;
                $minus = $data;
                $minus[$name][$i] = $v - $eps;
                $numeric = ($run($plus, false) - $run($minus, false)) / (2 * $eps);
                // relu and hard_sigmoid have kinks; a difference straddling one is not a derivative.
                $this->assertEqualsWithDelta($numeric, $analytic[$name][$i], 2e-5 * max(1.0, abs($numeric)),
                    "d$name"."[$i]");
            }
        }
    }

    private static function flat(NDArray $a): array
    {
        return Golden::flatten($a->toArray());
    }
}
