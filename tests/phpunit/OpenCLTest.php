<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\Bidirectional;
use Rindow\NeuralNetworks\Layer\GRU;
use Rindow\NeuralNetworks\Layer\GRUCell;
use RindowGRUTests\Support\Golden;
use RindowGRUTests\Support\ReferenceGru;

/**
 * The OpenCL backend (device: 'opencl'): every golden case forward and
 * backward, agreement with the CPU backend on random problems (masks,
 * go_backwards, dropout with the same seed, ...), device selection and
 * error mapping. Skipped when the extension was built without
 * --with-clblast or no OpenCL device can be opened.
 *
 * On PoCL (OpenCL on the CPU) the first run compiles CLBlast's and our
 * kernels (about 12 s each, cached in ~/.cache/pocl): keep these tests in
 * this one class so that they run in one process.
 */
final class OpenCLTest extends TestCase
{
    private static ?string $unavailable = null;
    private static bool $probed = false;

    private static function probe(): ?string
    {
        if (self::$probed) {
            return self::$unavailable;
        }
        self::$probed = true;
        try {
            new GRU(1, device: 'opencl');
        } catch (\DomainException $e) {
            return self::$unavailable = 'built without OpenCL (configure --with-clblast)';
        }
        try {
            $layer = new GRU(2, device: 'opencl');
            $layer->forward(NDArray::ones([1, 1, 1]));
        } catch (\RuntimeException $e) {
            return self::$unavailable = 'no OpenCL device: ' . $e->getMessage();
        }
        return null;
    }

    protected function setUp(): void
    {
        if (($why = self::probe()) !== null) {
            $this->markTestSkipped($why);
        }
    }

    protected function tearDown(): void
    {
        ini_restore('rindow_gru.opencl_platform');
        ini_restore('rindow_gru.opencl_device');
    }

    private static function hasFp64(): bool
    {
        ob_start();
        phpinfo(INFO_MODULES);
        $text = ob_get_clean();
        return (bool) preg_match('/OpenCL device \d+\.\d+ => .*fp64/', $text);
    }

    private static function hasGpu(): bool
    {
        ob_start();
        phpinfo(INFO_MODULES);
        $text = ob_get_clean();
        return (bool) preg_match('/OpenCL device \d+\.\d+ => .*\(.*, GPU,/', $text);
    }

    private static function flat(NDArray $a): array
    {
        return Golden::flatten($a->toArray());
    }

    // ---- golden cases ------------------------------------------------------

    public static function goldenCases(): array
    {
        $cases = [];
        foreach (Golden::cases() as $name => [$path]) {
            $cases["$name float32"] = [$path, NDArray::float32, 1e-4];
            $cases["$name float64"] = [$path, NDArray::float64, 1e-9];
        }
        return $cases;
    }

    /** @dataProvider goldenCases */
    public function testGoldenForwardAndBackward(string $path, int $dtype, float $tolerance): void
    {
        if ($dtype === NDArray::float64 && !self::hasFp64()) {
            $this->markTestSkipped('the OpenCL device has no cl_khr_fp64');
        }
        $case = Golden::load($path);
        $layer = Golden::layer($case, $dtype, ['device' => 'opencl']);
        $initial = $case['initial_state'] === null ? null : [Golden::array($case['initial_state'], $dtype)];
        $mask = $case['mask'] === null ? null : Golden::array($case['mask'], NDArray::bool);

        [$outputs, [$state]] = $layer->forward(Golden::array($case['inputs'], $dtype), true, $initial, $mask);
        $this->assertSame($case['outputs']['shape'], $outputs->shape());
        $this->assertLessThan($tolerance, Golden::maxScaledError($case['outputs']['data'], self::flat($outputs)), 'outputs');
        $this->assertLessThan($tolerance, Golden::maxScaledError($case['state']['data'], self::flat($state)), 'state');

        $dInputs = $layer->backward([Golden::array($case['d_outputs'], $dtype), Golden::array($case['d_state'], $dtype)]);
        $expected = $case['grads'];
        $this->assertLessThan($tolerance, Golden::maxScaledError($expected['inputs']['data'], self::flat($dInputs[0])), 'dInputs');
        if ($initial !== null) {
            $this->assertLessThan($tolerance, Golden::maxScaledError($expected['initial_state']['data'], self::flat($dInputs[1])), 'dInitialState');
        }
        $names = ['kernel', 'recurrent_kernel', 'bias'];
        foreach ($layer->getGrads() as $i => $grad) {
            $this->assertLessThan($tolerance, Golden::maxScaledError($expected[$names[$i]]['data'], self::flat($grad)), $names[$i]);
        }
    }

    // ---- CPU vs OpenCL -------------------------------------------------------

    public static function randomCases(): array
    {
        $acts = ['tanh', 'sigmoid', 'hard_sigmoid', 'relu', 'linear'];
        $cases = [];
        for ($i = 0; $i < 16; $i++) {
            $options = [
                'reset_after' => $i % 2 === 0,
                'use_bias' => $i % 3 !== 2,
                'go_backwards' => intdiv($i, 2) % 2 === 1,
                'return_sequences' => intdiv($i, 4) % 2 === 0,
                'activation' => $acts[$i % 5],
                'recurrent_activation' => $acts[(3 * $i + 2) % 5],
            ];
            if ($i % 4 === 1 || $i % 4 === 2) {
                $options['dropout'] = 0.3;
                $options['seed'] = 100 + $i;
            }
            if ($i % 4 === 2 || $i % 4 === 3) {
                $options['recurrent_dropout'] = 0.4;
                $options['seed'] = 100 + $i;
            }
            $shape = [1 + $i % 4, 1 + (5 * $i) % 7, 1 + (3 * $i) % 5, 1 + (7 * $i) % 9];
            $dtype = $i % 5 === 4 ? NDArray::float64 : NDArray::float32;
            $cases["#$i " . json_encode($options) . ' ' . implode('x', $shape)] =
                [$i, $options, $shape, $dtype, $i % 3 === 0, $i % 2 === 1];
        }
        // one medium problem, with every feature on
        $cases['medium, mask, dropout, initial state'] = [99, ['reset_after' => false, 'dropout' => 0.2,
            'recurrent_dropout' => 0.2, 'seed' => 5, 'return_sequences' => true], [8, 12, 16, 32], NDArray::float32, true, true];
        return $cases;
    }

    /** @dataProvider randomCases */
    public function testAgreesWithCpu(int $seed, array $options, array $shape, int $dtype, bool $withMask, bool $withInitial): void
    {
        if ($dtype === NDArray::float64 && !self::hasFp64()) {
            $this->markTestSkipped('the OpenCL device has no cl_khr_fp64');
        }
        [$B, $T, $I, $H] = $shape;
        $ra = $options['reset_after'];
        $x = NDArray::fromArray(ReferenceGru::randomList($B * $T * $I, $seed), $dtype)->reshape([$B, $T, $I]);
        $weights = static fn () => array_filter([
            NDArray::fromArray(ReferenceGru::randomList($I * 3 * $H, $seed + 1, 0.8), $dtype)->reshape([$I, 3 * $H]),
            NDArray::fromArray(ReferenceGru::randomList(3 * $H * $H, $seed + 2, 0.8), $dtype)->reshape($ra ? [$H, 3 * $H] : [3 * $H, $H]),
            ($options['use_bias'] ?? true)
                ? NDArray::fromArray(ReferenceGru::randomList(($ra ? 6 : 3) * $H, $seed + 3, 0.4), $dtype)->reshape($ra ? [2, 3 * $H] : [3 * $H])
                : null,
        ]);
        $mask = null;
        if ($withMask) {
            $bits = array_map(static fn ($v) => $v > -0.4, ReferenceGru::randomList($B * $T, $seed + 4));
            $mask = NDArray::fromArray($bits, NDArray::bool)->reshape([$B, $T]);
        }
        $initial = $withInitial
            ? [NDArray::fromArray(ReferenceGru::randomList($B * $H, $seed + 5), $dtype)->reshape([$B, $H])] : null;
        $outShape = ($options['return_sequences'] ?? false) ? [$B, $T, $H] : [$B, $H];
        $dOut = NDArray::fromArray(ReferenceGru::randomList(array_product($outShape), $seed + 6), $dtype)->reshape($outShape);
        $dState = NDArray::fromArray(ReferenceGru::randomList($B * $H, $seed + 7), $dtype)->reshape([$B, $H]);

        $results = [];
        foreach (['cpu', 'opencl'] as $device) {
            $layer = new GRU($H, ...($options + ['return_state' => true, 'device' => $device]));
            $layer->build($x, sampleWeights: array_values($weights()));
            $run = [];
            // inference, then training (dropout on) with its backward
            [$out] = $layer->forward($x, false, $initial, $mask);
            $run['inference'] = self::flat($out);
            [$out, [$state]] = $layer->forward($x, true, $initial, $mask);
            $run['outputs'] = self::flat($out);
            $run['state'] = self::flat($state);
            $grads = $layer->backward([$dOut, $dState]);
            $run['dInputs'] = self::flat($grads[0]);
            if ($withInitial) {
                $run['dInitialState'] = self::flat($grads[1]);
            }
            foreach ($layer->getGrads() as $i => $g) {
                $run["grad $i"] = self::flat($g);
            }
            $results[$device] = $run;
        }
        $tolerance = $dtype === NDArray::float64 ? 1e-10 : 1e-4;
        foreach ($results['cpu'] as $what => $expected) {
            $this->assertLessThan($tolerance, Golden::maxScaledError($expected, $results['opencl'][$what]), $what);
        }
    }

    /** A trace written by one backend's forward serves the other's backward (same layout). */
    public function testLayoutIsShared(): void
    {
        $x = NDArray::fromArray(ReferenceGru::randomList(2 * 3 * 4, 9), NDArray::float32)->reshape([2, 3, 4]);
        mt_srand(7);
        $ocl = new GRU(5, return_sequences: true, device: 'opencl');
        $ocl->build($x);
        $weights = $ocl->getParams();
        $cpu = new GRU(5, return_sequences: true, device: 'cpu');
        $cpu->build($x, sampleWeights: $weights);
        $a = self::flat($ocl->forward($x, true));
        $b = self::flat($cpu->forward($x, true));
        $this->assertLessThan(1e-5, Golden::maxScaledError($b, $a));
        $d = NDArray::ones([2, 3, 5]);
        $this->assertLessThan(1e-4, Golden::maxScaledError(self::flat($cpu->backward([$d])[0]), self::flat($ocl->backward([$d])[0])));
    }

    /**
     * Regularizers, the activity regularizer and constraints are host-side
     * arithmetic on params, grads and outputs: with device 'opencl' they
     * give what the CPU gives, and the penalty gradients land on top of the
     * gradients the device computed.
     */
    public function testRegularizersAndConstraintsAsOnCpu(): void
    {
        [$B, $T, $I, $H] = [2, 3, 4, 3];
        $f32 = NDArray::float32;
        $x = NDArray::fromArray(ReferenceGru::randomList($B * $T * $I, 21), $f32)->reshape([$B, $T, $I]);
        $weights = static fn () => [
            NDArray::fromArray(ReferenceGru::randomList($I * 3 * $H, 22, 0.8), $f32)->reshape([$I, 3 * $H]),
            NDArray::fromArray(ReferenceGru::randomList(3 * $H * $H, 23, 0.8), $f32)->reshape([$H, 3 * $H]),
            NDArray::fromArray(ReferenceGru::randomList(6 * $H, 24, 0.4), $f32)->reshape([2, 3 * $H]),
        ];
        $dOut = NDArray::fromArray(ReferenceGru::randomList($B * $T * $H, 25), $f32)->reshape([$B, $T, $H]);
        $weightRegularizers = ['kernel_regularizer' => ['l1' => 0.02, 'l2' => 0.1], 'recurrent_regularizer' => 'l2',
            'bias_regularizer' => 'l1'];
        $all = $weightRegularizers + ['activity_regularizer' => ['l2' => 0.05],
            'kernel_constraint' => ['max_norm', 'max_value' => 0.9], 'recurrent_constraint' => 'unit_norm',
            'bias_constraint' => 'non_neg'];
        $runs = [
            'cpu' => ['device' => 'cpu'] + $all,
            'opencl' => ['device' => 'opencl'] + $all,
            'opencl, weight regularizers' => ['device' => 'opencl'] + $weightRegularizers,
            'opencl, none' => ['device' => 'opencl'],
        ];
        $results = [];
        foreach ($runs as $run => $options) {
            $layer = new GRU($H, ...$options + ['return_sequences' => true, 'return_state' => true]);
            $layer->build($x, sampleWeights: $weights());
            $layer->forward($x, true);
            $r = ['losses' => $layer->getLosses(), 'dInputs' => self::flat($layer->backward([$dOut])[0])];
            foreach ($layer->getGrads() as $i => $g) {
                $r["grad $i"] = self::flat($g);
            }
            $layer->applyConstraints();
            foreach ($layer->getParams() as $i => $p) {
                $r["param $i"] = self::flat($p);
            }
            $results[$run] = $r;
        }
        $this->assertCount(5, $results['cpu']['losses']);
        foreach ($results['cpu'] as $what => $expected) {
            $this->assertLessThan(1e-4, Golden::maxScaledError($expected, $results['opencl'][$what]), $what);
        }
        // the weight penalties' gradients land on top of what the device computed
        $factors = [[0.02, 0.1], [0.0, 0.01], [0.01, 0.0]];
        foreach ($weights() as $i => $w) {
            $expected = array_map(static fn ($v) => $factors[$i][0] * ($v <=> 0) + 2 * $factors[$i][1] * $v, self::flat($w));
            $difference = array_map(static fn ($a, $b) => $a - $b, $results['opencl, weight regularizers']["grad $i"],
                $results['opencl, none']["grad $i"]);
            $this->assertLessThan(1e-5, Golden::maxScaledError($expected, $difference), "penalty gradient $i");
        }
    }

    // ---- GRUCell, Bidirectional and the weights import on the device ---------

    /** nn.GRU-style weights for one direction: weight_ih [3H, I], weight_hh [3H, H], two biases [3H]. */
    private static function torchDict(int $I, int $H, int $seed, int $dtype, string $suffix): array
    {
        $m = static fn (int $rows, int $cols, int $s, float $scale) => NDArray::fromArray(
            ReferenceGru::randomList($rows * $cols, $s, $scale), $dtype)->reshape([$rows, $cols]);
        return [
            "weight_ih$suffix" => $m(3 * $H, $I, $seed, 0.8),
            "weight_hh$suffix" => $m(3 * $H, $H, $seed + 1, 0.8),
            "bias_ih$suffix" => NDArray::fromArray(ReferenceGru::randomList(3 * $H, $seed + 2, 0.4), $dtype),
            "bias_hh$suffix" => NDArray::fromArray(ReferenceGru::randomList(3 * $H, $seed + 3, 0.4), $dtype),
        ];
    }

    private function assertRunsAgree(array $results, float $tolerance): void
    {
        $this->assertSame(array_keys($results['cpu']), array_keys($results['opencl']));
        foreach ($results['cpu'] as $what => $expected) {
            $this->assertLessThan($tolerance, Golden::maxScaledError($expected, $results['opencl'][$what]), $what);
        }
    }

    public static function cellCases(): array
    {
        return [
            'float32, reset_after, PyTorch weights' => [NDArray::float32, true, []],
            'float32, reset before, Keras weights' => [NDArray::float32, false, []],
            'float32, reset_after, dropout' => [NDArray::float32, true,
                ['dropout' => 0.3, 'recurrent_dropout' => 0.4, 'seed' => 3]],
            'float64, reset before, relu' => [NDArray::float64, false, ['activation' => 'relu']],
        ];
    }

    /**
     * GRUCell with device 'opencl' as on the CPU: three steps as Rindow's
     * RNN runs them (each training forward with its calcState), backward
     * through them in reverse; weights set through setPyTorchWeights() or
     * setWeights() before the cell is built.
     *
     * @dataProvider cellCases
     */
    public function testGRUCellAsOnCpu(int $dtype, bool $resetAfter, array $options): void
    {
        if ($dtype === NDArray::float64 && !self::hasFp64()) {
            $this->markTestSkipped('the OpenCL device has no cl_khr_fp64');
        }
        [$B, $T, $I, $H] = [3, 3, 4, 5];
        $xs = $dhs = [];
        for ($t = 0; $t < $T; $t++) {
            $xs[] = NDArray::fromArray(ReferenceGru::randomList($B * $I, 40 + $t), $dtype)->reshape([$B, $I]);
            $dhs[] = NDArray::fromArray(ReferenceGru::randomList($B * $H, 50 + $t), $dtype)->reshape([$B, $H]);
        }
        $h0 = NDArray::fromArray(ReferenceGru::randomList($B * $H, 60), $dtype)->reshape([$B, $H]);
        $results = [];
        foreach (['cpu', 'opencl'] as $device) {
            $cell = new GRUCell($H, ...($options + ['reset_after' => $resetAfter, 'device' => $device]));
            if ($resetAfter) {
                $cell->setPyTorchWeights(self::torchDict($I, $H, 70, $dtype, ''));
            } else {
                $cell->setWeights([
                    NDArray::fromArray(ReferenceGru::randomList($I * 3 * $H, 71, 0.8), $dtype)->reshape([$I, 3 * $H]),
                    // Keras's layout: [H, 3H] also without reset_after
                    NDArray::fromArray(ReferenceGru::randomList(3 * $H * $H, 72, 0.8), $dtype)->reshape([$H, 3 * $H]),
                    NDArray::fromArray(ReferenceGru::randomList(3 * $H, 73, 0.4), $dtype),
                ]);
            }
            $run = [];
            [$h] = $cell->forward($xs[0], [$h0]);
            $run['inference'] = self::flat($h);
            $h = $h0;
            $calc = [];
            for ($t = 0; $t < $T; $t++) {
                $calc[$t] = new \stdClass();
                [$h] = $cell->forward($xs[$t], [$h], true, $calc[$t]);
                $run["h$t"] = self::flat($h);
            }
            $dh = $dhs[$T - 1];
            for ($t = $T - 1; $t >= 0; $t--) {
                [$dx, [$dPrev]] = $cell->backward([$dh], $calc[$t]);
                $run["dx$t"] = self::flat($dx);
                $run["dh$t"] = self::flat($dPrev);
                if ($t > 0) {
                    $dh = NDArray::fromArray(array_map(static fn ($a, $b) => $a + $b, self::flat($dPrev),
                        self::flat($dhs[$t - 1])), $dtype)->reshape([$B, $H]);
                }
                // Rindow accumulates the weight gradients of the steps itself: the cell's are the last step's
                foreach ($cell->getGrads() as $i => $g) {
                    $run["grad $i, step $t"] = self::flat($g);
                }
            }
            if ($resetAfter) {
                foreach ($cell->getPyTorchGrads() as $key => $g) {
                    $run["torch $key"] = self::flat($g);
                }
            }
            $results[$device] = $run;
        }
        $this->assertRunsAgree($results, $dtype === NDArray::float64 ? 1e-10 : 1e-5);
    }

    public static function bidirectionalCases(): array
    {
        return [
            'concat, sequences, mask' => [NDArray::float32, 'concat', ['return_sequences' => true], true],
            'mul, last' => [NDArray::float32, 'mul', [], false],
            'sum, time_major, reset before' => [NDArray::float32, 'sum',
                ['return_sequences' => true, 'time_major' => true, 'reset_after' => false], false],
            'ave, dropout, mask' => [NDArray::float32, 'ave',
                ['return_sequences' => true, 'dropout' => 0.25, 'recurrent_dropout' => 0.25, 'seed' => 9], true],
            'concat, float64' => [NDArray::float64, 'concat', ['return_sequences' => true], true],
        ];
    }

    /**
     * Bidirectional with device 'opencl' as on the CPU: outputs, both final
     * states, dInputs, the initial states' gradients and every weight
     * gradient; weights through setPyTorchWeights() (reset_after) or
     * setWeights().
     *
     * @dataProvider bidirectionalCases
     */
    public function testBidirectionalAsOnCpu(int $dtype, string $mode, array $options, bool $withMask): void
    {
        if ($dtype === NDArray::float64 && !self::hasFp64()) {
            $this->markTestSkipped('the OpenCL device has no cl_khr_fp64');
        }
        [$B, $T, $I, $H] = [3, 6, 4, 5];
        $timeMajor = $options['time_major'] ?? false;
        $resetAfter = $options['reset_after'] ?? true;
        $sequences = $options['return_sequences'] ?? false;
        $inShape = $timeMajor ? [$T, $B, $I] : [$B, $T, $I];
        $x = NDArray::fromArray(ReferenceGru::randomList($B * $T * $I, 80), $dtype)->reshape($inShape);
        $h0 = [NDArray::fromArray(ReferenceGru::randomList($B * $H, 81), $dtype)->reshape([$B, $H]),
            NDArray::fromArray(ReferenceGru::randomList($B * $H, 82), $dtype)->reshape([$B, $H])];
        $mask = $withMask ? NDArray::fromArray(array_map(static fn ($v) => $v > -0.4,
            ReferenceGru::randomList($B * $T, 83)), NDArray::bool)->reshape([$B, $T]) : null;
        $width = $mode === 'concat' ? 2 * $H : $H;
        $outShape = $sequences ? ($timeMajor ? [$T, $B, $width] : [$B, $T, $width]) : [$B, $width];
        $dOut = NDArray::fromArray(ReferenceGru::randomList(array_product($outShape), 84), $dtype)->reshape($outShape);
        $dStates = [NDArray::fromArray(ReferenceGru::randomList($B * $H, 85), $dtype)->reshape([$B, $H]),
            NDArray::fromArray(ReferenceGru::randomList($B * $H, 86), $dtype)->reshape([$B, $H])];
        $results = [];
        foreach (['cpu', 'opencl'] as $device) {
            $bi = new Bidirectional(new GRU($H, ...($options + ['return_state' => true, 'device' => $device])), $mode);
            if ($resetAfter) {
                $bi->setPyTorchWeights(self::torchDict($I, $H, 90, $dtype, '_l0')
                    + self::torchDict($I, $H, 94, $dtype, '_l0_reverse'));
            } else {
                $w = [];
                foreach ([90, 94] as $seed) {
                    $w[] = NDArray::fromArray(ReferenceGru::randomList($I * 3 * $H, $seed, 0.8), $dtype)->reshape([$I, 3 * $H]);
                    $w[] = NDArray::fromArray(ReferenceGru::randomList(3 * $H * $H, $seed + 1, 0.8), $dtype)->reshape([$H, 3 * $H]);
                    $w[] = NDArray::fromArray(ReferenceGru::randomList(3 * $H, $seed + 2, 0.4), $dtype);
                }
                $bi->setWeights($w);
            }
            $run = [];
            [$out] = $bi->forward($x, false, $h0, $mask);
            $run['inference'] = self::flat($out);
            [$out, [$fs, $bs]] = $bi->forward($x, true, $h0, $mask);
            $run['outputs'] = self::flat($out);
            $run['forward state'] = self::flat($fs);
            $run['backward state'] = self::flat($bs);
            [$dx, $dh0f, $dh0b] = $bi->backward([$dOut, $dStates[0], $dStates[1]]);
            $run['dInputs'] = self::flat($dx);
            $run['dForwardState'] = self::flat($dh0f);
            $run['dBackwardState'] = self::flat($dh0b);
            foreach ($bi->getGrads() as $i => $g) {
                $run["grad $i"] = self::flat($g);
            }
            if ($resetAfter) {
                foreach ($bi->getPyTorchGrads() as $key => $g) {
                    $run["torch $key"] = self::flat($g);
                }
            }
            $results[$device] = $run;
        }
        $this->assertRunsAgree($results, $dtype === NDArray::float64 ? 1e-10 : 1e-5);
    }

    // ---- device selection ----------------------------------------------------

    public function testDeviceOptionInConfig(): void
    {
        $this->assertArrayNotHasKey('device', (new GRU(3))->getConfig()['options']);
        $this->assertArrayNotHasKey('device', (new GRU(3, device: 'auto'))->getConfig()['options']);
        $this->assertSame('cpu', (new GRU(3, device: 'cpu'))->getConfig()['options']['device']);
        $this->assertSame('opencl', (new GRU(3, device: 'opencl'))->getConfig()['options']['device']);
    }

    public function testCpuNeverOpensOpenCL(): void
    {
        ini_set('rindow_gru.opencl_platform', '99');
        $x = NDArray::ones([2, 3, 4]);
        $layer = new GRU(3, device: 'cpu');
        $this->assertSame([2, 3], $layer->forward($x, true)->shape());
        $this->assertCount(1, $layer->backward([NDArray::ones([2, 3])]));
    }

    /** 'auto' takes a GPU only: PoCL (a CPU device) leaves it on the CPU backend, bit for bit. */
    public function testAutoPicksCpuWithoutGpu(): void
    {
        if (self::hasGpu()) {
            $this->markTestSkipped('an OpenCL GPU is present: auto uses it');
        }
        $x = NDArray::fromArray(ReferenceGru::randomList(3 * 5 * 4, 21), NDArray::float32)->reshape([3, 5, 4]);
        $out = [];
        foreach (['auto', 'cpu', 'opencl'] as $device) {
            mt_srand(5);
            $layer = new GRU(6, return_sequences: true, device: $device);
            $out[$device] = self::flat($layer->forward($x));
        }
        $this->assertSame($out['cpu'], $out['auto']);
        $this->assertNotSame($out['cpu'], $out['opencl'], 'the OpenCL results differ in the last bits');
        $this->assertLessThan(1e-5, Golden::maxScaledError($out['cpu'], $out['opencl']));

        // and a bad ini does not make 'auto' fail
        ini_set('rindow_gru.opencl_platform', '99');
        mt_srand(5);
        $this->assertSame($out['cpu'], self::flat((new GRU(6, return_sequences: true, device: 'auto'))->forward($x)));
    }

    public function testBadPlatformIndex(): void
    {
        ini_set('rindow_gru.opencl_platform', '99');
        $layer = new GRU(3, device: 'opencl');
        $this->expectException(\RuntimeException::class);
        $this->expectExceptionMessageMatches('/CL_INVALID_PLATFORM.*rindow_gru\.opencl_platform=99/');
        $layer->forward(NDArray::ones([1, 2, 2]));
    }

    public function testBadDeviceIndex(): void
    {
        ini_set('rindow_gru.opencl_platform', '0');
        ini_set('rindow_gru.opencl_device', '42');
        $layer = new GRU(3, device: 'opencl');
        $this->expectException(\RuntimeException::class);
        $this->expectExceptionMessageMatches('/CL_DEVICE_NOT_FOUND.*rindow_gru\.opencl_device=42/');
        $layer->forward(NDArray::ones([1, 2, 2]));
    }

    public function testIniChangeReopensTheDevice(): void
    {
        $x = NDArray::ones([1, 2, 2]);
        $layer = new GRU(3, device: 'opencl');
        $layer->forward($x);
        ini_set('rindow_gru.opencl_platform', '99');
        try {
            $layer->forward($x);
            $this->fail('expected the bad platform to be reported');
        } catch (\RuntimeException $e) {
            $this->assertStringContainsString('CL_INVALID_PLATFORM', $e->getMessage());
        }
        ini_set('rindow_gru.opencl_platform', '0');
        $this->assertSame([1, 3], $layer->forward($x)->shape());
    }

    /**
     * A buffer larger than the device allows is reported by name, before anything runs: over
     * CL_DEVICE_MAX_MEM_ALLOC_SIZE (PoCL: 2 GiB), or, where the device allows more than 2^31 - 1
     * floats in one buffer (NVIDIA's H100: 20 GiB), over what CLBlast's 32-bit indices reach
     * (there, before that check, such a buffer was allocated and the GEMM faulted).
     */
    public function testDeviceAllocationErrorIsNamed(): void
    {
        ob_start();
        phpinfo(INFO_MODULES);
        if (!preg_match('/OpenCL device \d+\.\d+ => .*max buffer (\d+) MiB/', ob_get_clean(), $m)) {
            $this->markTestSkipped('phpinfo() lists no OpenCL device');
        }
        // input projections [rows, 3*256] float32 just over the smaller limit (phpinfo rounds MiB down)
        $H = 256;
        $maxFloats = intdiv(((int) $m[1] + 1) * 1048576, 4);
        $indexLimited = $maxFloats > 2147483647;
        $rows = intdiv($indexLimited ? 2147483647 : $maxFloats, 3 * $H) + 1;
        $old = ini_set('memory_limit', '-1');
        try {
            (new GRU($H, device: 'opencl'))->forward(NDArray::zeros([1, $rows, 1]));
            $this->fail('expected the device to refuse the buffer');
        } catch (\RuntimeException $e) {
            $this->assertMatchesRegularExpression($indexLimited
                ? '/the input projections needs? ' . ($rows * 3 * $H) . ' elements, more than the 2147483647 that CLBlast/'
                : '/OpenCL error CL_INVALID_BUFFER_SIZE .*the input projections/', $e->getMessage());
        } finally {
            ini_set('memory_limit', $old);
        }
        // and the context still works
        $this->assertSame([1, $H], (new GRU($H, device: 'opencl'))->forward(NDArray::zeros([1, 2, 1]))->shape());
    }
}
