<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use RindowGRUTests\Support\Golden;

/** Gradients of every golden case: inputs, weights, bias and initial state. */
final class GoldenBackwardTest extends TestCase
{
    public static function cases(): array
    {
        return Golden::casesInBothDtypes();
    }

    /** @dataProvider cases */
    public function testGradientsMatch(string $path, int $dtype, float $tolerance): void
    {
        $case = Golden::load($path);
        $layer = Golden::layer($case, $dtype);
        $initial = $case['initial_state'] === null ? null : [Golden::array($case['initial_state'], $dtype)];
        $mask = $case['mask'] === null ? null : Golden::array($case['mask'], NDArray::bool);

        $layer->forward(Golden::array($case['inputs'], $dtype), true, $initial, $mask);
        $dInputs = $layer->backward([
            Golden::array($case['d_outputs'], $dtype),
            Golden::array($case['d_state'], $dtype),
        ]);

        $expected = $case['grads'];
        $this->assertCount($initial === null ? 1 : 2, $dInputs);
        $this->assertSame($expected['inputs']['shape'], $dInputs[0]->shape());
        $this->assertLessThan($tolerance, Golden::maxScaledError($expected['inputs']['data'], Golden::flatten($dInputs[0]->toArray())), 'dInputs');
        if ($initial !== null) {
            $this->assertLessThan($tolerance, Golden::maxScaledError($expected['initial_state']['data'], Golden::flatten($dInputs[1]->toArray())), 'dInitialState');
        }
        $names = ['kernel', 'recurrent_kernel', 'bias'];
        $grads = $layer->getGrads();
        $this->assertCount($case['config']['use_bias'] ? 3 : 2, $grads);
        foreach ($grads as $i => $grad) {
            $this->assertSame($expected[$names[$i]]['shape'], $grad->shape(), $names[$i]);
            $this->assertLessThan($tolerance, Golden::maxScaledError($expected[$names[$i]]['data'], Golden::flatten($grad->toArray())), $names[$i]);
        }
    }

    /**
     * Rindow's PHP GRU (reset_after) computes dr from r*(h·U_h+b) instead of
     * h·U_h+b: its recurrent-kernel gradient is off by about 1e-2 on this
     * case. Ours must match the true gradient, and so must differ from what
     * that bug would give by far more than our tolerance.
     */
    public function testResetGateGradientIsNotRindowsBuggyOne(): void
    {
        $case = Golden::load(Golden::dir() . '/basic_ra1_bw0_rs1_h00.json');
        $layer = Golden::layer($case, NDArray::float64);
        $layer->forward(Golden::array($case['inputs'], NDArray::float64), true);
        $layer->backward([Golden::array($case['d_outputs'], NDArray::float64), Golden::array($case['d_state'], NDArray::float64)]);
        $ours = Golden::flatten($layer->getGrads()[1]->toArray());
        $this->assertLessThan(1e-9, Golden::maxScaledError($case['grads']['recurrent_kernel']['data'], $ours));

        $buggy = self::rindowBuggyRecurrentGradient($case);
        $this->assertGreaterThan(1e-4, Golden::maxScaledError($buggy, $ours), 'the buggy formula must be distinguishable');
    }

    /**
     * Rindow's PHP GRU zeroes the state gradient at masked steps. On a case
     * whose mask has gaps, dInputs of the steps before a masked one differ
     * from that, and ours must be the true ones.
     */
    public function testGradientFlowsThroughMaskedSteps(): void
    {
        $case = Golden::load(Golden::dir() . '/mask_right_padded.json');
        $layer = Golden::layer($case, NDArray::float64);
        $mask = Golden::array($case['mask'], NDArray::bool);
        $initial = $case['initial_state'] === null ? null : [Golden::array($case['initial_state'], NDArray::float64)];
        $layer->forward(Golden::array($case['inputs'], NDArray::float64), true, $initial, $mask);
        [$dInputs] = $layer->backward([Golden::array($case['d_outputs'], NDArray::float64), Golden::array($case['d_state'], NDArray::float64)]);
        $ours = Golden::flatten($dInputs->toArray());
        $this->assertLessThan(1e-9, Golden::maxScaledError($case['grads']['inputs']['data'], $ours));

        // With the state gradient cut at masked steps, only d_outputs of real
        // steps would reach a real step; d_state, which enters at the last
        // (masked) step of padded rows, would never reach their inputs.
        [$B, $T, $I] = $case['inputs']['shape'];
        $maskData = $case['mask']['data'];
        $reached = false;
        for ($b = 0; $b < $B; $b++) {
            if (!$maskData[$b * $T + $T - 1]) {
                $reached = true;
            }
        }
        $this->assertTrue($reached, 'the case must have a row whose last step is masked');
        $layer2 = Golden::layer($case, NDArray::float64);
        $layer2->forward(Golden::array($case['inputs'], NDArray::float64), true, $initial, $mask);
        $zeroOutputs = NDArray::zeros($case['d_outputs']['shape'], NDArray::float64);
        [$dFromStateOnly] = $layer2->backward([$zeroOutputs, Golden::array($case['d_state'], NDArray::float64)]);
        $flat = Golden::flatten($dFromStateOnly->toArray());
        for ($b = 0; $b < $B; $b++) {
            if ($maskData[$b * $T + $T - 1]) {
                continue;
            }
            $norm = 0.0;
            for ($i = 0; $i < $I; $i++) {
                $norm += abs($flat[($b * $T) * $I + $i]);
            }
            $this->assertGreaterThan(1e-6, $norm, "d_state must reach the first input of padded row $b");
        }
    }

    /** dU as Rindow's PHP GRU computes it (dr uses r*(h·U_h+b)), in plain PHP. */
    private static function rindowBuggyRecurrentGradient(array $case): array
    {
        $c = $case['config'];
        [$B, $T, $I, $H] = [$c['batch'], $c['timesteps'], $c['features'], $c['units']];
        $x = $case['inputs']['data'];
        $W = $case['kernel']['data'];
        $U = $case['recurrent_kernel']['data'];
        $bias = $case['bias']['data'];
        $sig = static fn($v) => 1 / (1 + exp(-$v));
        $h = array_fill(0, $B * $H, 0.0);
        $steps = [];
        for ($t = 0; $t < $T; $t++) {
            $st = ['h' => $h];
            $next = $h;
            for ($b = 0; $b < $B; $b++) {
                for ($j = 0; $j < $H; $j++) {
                    $g = [];
                    for ($q = 0; $q < 3; $q++) {
                        $xs = $bias[$q * $H + $j];
                        for ($i = 0; $i < $I; $i++) {
                            $xs += $x[($b * $T + $t) * $I + $i] * $W[$i * 3 * $H + $q * $H + $j];
                        }
                        $hs = $bias[3 * $H + $q * $H + $j];
                        for ($k = 0; $k < $H; $k++) {
                            $hs += $h[$b * $H + $k] * $U[$k * 3 * $H + $q * $H + $j];
                        }
                        $g[$q] = [$xs, $hs];
                    }
                    $z = $sig($g[0][0] + $g[0][1]);
                    $r = $sig($g[1][0] + $g[1][1]);
                    $ih = $r * $g[2][1];           // Rindow keeps r*(h·U_h+b) as internal_hh
                    $hh = tanh($g[2][0] + $ih);
                    $st['z'][$b][$j] = $z;
                    $st['r'][$b][$j] = $r;
                    $st['hh'][$b][$j] = $hh;
                    $st['ih'][$b][$j] = $ih;
                    $next[$b * $H + $j] = $z * $h[$b * $H + $j] + (1 - $z) * $hh;
                }
            }
            $steps[$t] = $st;
            $h = $next;
        }
        $dU = array_fill(0, $H * 3 * $H, 0.0);
        $dh = $case['d_state']['data'];
        for ($t = $T - 1; $t >= 0; $t--) {
            $st = $steps[$t];
            for ($b = 0; $b < $B; $b++) {
                for ($j = 0; $j < $H; $j++) {
                    $dh[$b * $H + $j] += $case['d_outputs']['data'][($b * $T + $t) * $H + $j];
                }
            }
            $dprev = array_fill(0, $B * $H, 0.0);
            for ($b = 0; $b < $B; $b++) {
                $dg = [];
                for ($j = 0; $j < $H; $j++) {
                    $z = $st['z'][$b][$j];
                    $r = $st['r'][$b][$j];
                    $hh = $st['hh'][$b][$j];
                    $d = $dh[$b * $H + $j];
                    $dhh = $d * (1 - $z) * (1 - $hh * $hh);
                    $dz = $d * ($st['h'][$b * $H + $j] - $hh) * $z * (1 - $z);
                    $dr = $dhh * $st['ih'][$b][$j] * $r * (1 - $r);
                    $dg[$j] = $dz;
                    $dg[$H + $j] = $dr;
                    $dg[2 * $H + $j] = $dhh * $r;
                    $dprev[$b * $H + $j] += $d * $z;
                }
                for ($k = 0; $k < $H; $k++) {
                    for ($q = 0; $q < 3 * $H; $q++) {
                        $dU[$k * 3 * $H + $q] += $st['h'][$b * $H + $k] * $dg[$q];
                        $dprev[$b * $H + $k] += $dg[$q] * $U[$k * 3 * $H + $q];
                    }
                }
            }
            $dh = $dprev;
        }
        return $dU;
    }
}
