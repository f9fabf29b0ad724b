<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\Bidirectional;
use Rindow\NeuralNetworks\Layer\GRU;
use Rindow\NeuralNetworks\Layer\GRUCell;
use RindowGRUTests\Support\GradientCheck;
use RindowGRUTests\Support\Golden;
use RindowGRUTests\Support\MockNDArray;
use RindowGRUTests\Support\ReferenceGru;

/**
 * Keras's regularizers, constraints and unroll: penalties, their gradients
 * and the constraints' projections against plain-PHP computations of
 * Keras's formulas, finite differences of the total loss, the option
 * forms getConfig() gives back, and bad input.
 */
final class RegularizerTest extends TestCase
{
    private const EPSILON = 1e-7;

    // ---- plain-PHP Keras formulas -------------------------------------------

    /** l1 * sum(|w|) + l2 * sum(w^2) */
    private static function penalty(array $w, float $l1, float $l2): float
    {
        $sum = 0.0;
        foreach ($w as $v) {
            $sum += $l1 * abs($v) + $l2 * $v * $v;
        }
        return $sum;
    }

    /** scale * (l1 * sign(w) + 2 * l2 * w) */
    private static function penaltyGradient(array $w, float $l1, float $l2, float $scale = 1.0): array
    {
        return array_map(static fn ($v) => $scale * ($l1 * ($v <=> 0) + 2 * $l2 * $v), $w);
    }

    /**
     * A norm constraint on row-major [rows, cols] with the norms over $axes
     * (0: down each column, 1: along each row), by Keras's formulas.
     */
    private static function constrain(array $w, int $rows, int $cols, string $kind, array $axes, array $p = []): array
    {
        if ($kind === 'non_neg') {
            return array_map(static fn ($v) => max($v, 0.0), $w);
        }
        $byRows = in_array(0, $axes, true);
        $byCols = in_array(1, $axes, true);
        $group = static fn (int $i, int $j) => ($byRows ? 0 : $i) . ',' . ($byCols ? 0 : $j);
        $sums = [];
        for ($i = 0; $i < $rows; $i++) {
            for ($j = 0; $j < $cols; $j++) {
                $sums[$group($i, $j)] = ($sums[$group($i, $j)] ?? 0.0) + $w[$i * $cols + $j] ** 2;
            }
        }
        $out = $w;
        for ($i = 0; $i < $rows; $i++) {
            for ($j = 0; $j < $cols; $j++) {
                $n = sqrt($sums[$group($i, $j)]);
                $factor = match ($kind) {
                    'max_norm' => min($n, $p['max_value'] ?? 2.0) / (self::EPSILON + $n),
                    'unit_norm' => 1.0 / (self::EPSILON + $n),
                    'min_max_norm' => (($p['rate'] ?? 1.0) * min(max($n, $p['min_value'] ?? 0.0), $p['max_value'] ?? 1.0)
                        + (1 - ($p['rate'] ?? 1.0)) * $n) / (self::EPSILON + $n),
                };
                $out[$i * $cols + $j] = $w[$i * $cols + $j] * $factor;
            }
        }
        return $out;
    }

    private static function flat(NDArray $a): array
    {
        return Golden::flatten($a->toArray());
    }

    private static function assertClose(array $expected, array $actual, float $tolerance, string $what): void
    {
        self::assertCount(count($expected), $actual, $what);
        self::assertLessThan($tolerance, Golden::maxScaledError($expected, $actual), $what);
    }

    /**
     * Random weights for a layer: [kernel, recurrent kernel, bias] as flat
     * lists with their shapes.
     *
     * @return list<array{list<float>, list<int>}>
     */
    private static function weights(int $I, int $H, bool $resetAfter, bool $useBias, int $seed): array
    {
        $w = [
            [ReferenceGru::randomList($I * 3 * $H, $seed + 1, 0.8), [$I, 3 * $H]],
            [ReferenceGru::randomList(3 * $H * $H, $seed + 2, 0.8), $resetAfter ? [$H, 3 * $H] : [3 * $H, $H]],
        ];
        if ($useBias) {
            $w[] = [ReferenceGru::randomList(($resetAfter ? 6 : 3) * $H, $seed + 3, 0.4), $resetAfter ? [2, 3 * $H] : [3 * $H]];
        }
        return $w;
    }

    private static function built(object $layer, NDArray $x, array $weights, int $dtype): object
    {
        $layer->build($x, sampleWeights: array_map(
            static fn ($w) => NDArray::fromArray($w[0], $dtype)->reshape($w[1]), $weights));
        return $layer;
    }

    public static function dtypes(): array
    {
        return ['float32' => [NDArray::float32, 2e-6], 'float64' => [NDArray::float64, 1e-13]];
    }

    // ---- weight penalties ---------------------------------------------------

    /** @dataProvider dtypes */
    public function testWeightPenaltiesMatchPlainPhp(int $dtype, float $tolerance): void
    {
        [$B, $T, $I, $H] = [2, 3, 4, 3];
        $weights = self::weights($I, $H, true, true, 10);
        $x = NDArray::fromArray(ReferenceGru::randomList($B * $T * $I, 10), $dtype)->reshape([$B, $T, $I]);
        $layer = self::built(new GRU($H, kernel_regularizer: 'l1', recurrent_regularizer: ['l2' => 0.3],
            bias_regularizer: ['l1' => 0.02, 'l2' => 0.05]), $x, $weights, $dtype);
        $expected = [
            self::penalty($weights[0][0], 0.01, 0.0),
            self::penalty($weights[1][0], 0.0, 0.3),
            self::penalty($weights[2][0], 0.02, 0.05),
        ];
        self::assertClose($expected, $layer->getLosses(), $tolerance, 'getLosses');
        $this->assertEqualsWithDelta(array_sum($expected), $layer->getRegularizationLoss(), $tolerance * array_sum($expected));
        // computed from the weights as they are now
        $buffer = $layer->getParams()[0]->buffer();
        for ($i = 0; $i < count($buffer); $i++) {
            $buffer[$i] = -0.5;
        }
        $this->assertEqualsWithDelta(0.01 * 0.5 * $I * 3 * $H, $layer->getLosses()[0], 1e-9);
    }

    public function testNamedRegularizersUseKerasFactors(): void
    {
        [$I, $H] = [3, 2];
        $weights = self::weights($I, $H, true, true, 20);
        $x = NDArray::ones([1, 2, $I], NDArray::float64);
        foreach (['l1' => [0.01, 0.0], 'L1' => [0.01, 0.0], 'l2' => [0.0, 0.01], 'L2' => [0.0, 0.01],
                'l1_l2' => [0.01, 0.01], 'L1L2' => [0.01, 0.01]] as $name => [$l1, $l2]) {
            $layer = self::built(new GRU($H, kernel_regularizer: $name, recurrent_regularizer: $name, bias_regularizer: $name),
                $x, $weights, NDArray::float64);
            $expected = array_map(static fn ($w) => self::penalty($w[0], $l1, $l2), $weights);
            self::assertClose($expected, $layer->getLosses(), 1e-14, $name);
        }
    }

    public function testNoRegularizersNoLosses(): void
    {
        $layer = new GRU(2, return_state: true);
        $layer->forward(NDArray::ones([1, 2, 3]), true);
        $this->assertSame([], $layer->getLosses());
        $this->assertSame(0.0, $layer->getRegularizationLoss());
        // before build: no weights, no weight penalties
        $this->assertSame([], (new GRU(2, kernel_regularizer: 'l2'))->getLosses());
    }

    public static function layouts(): array
    {
        return [
            'reset_after, bias' => [true, true, false],
            'reset_before, bias, go_backwards' => [false, true, true],
            'no bias' => [true, false, false],
        ];
    }

    /** @dataProvider layouts */
    public function testGradsAreCoreGradsPlusPenaltyGradient(bool $resetAfter, bool $useBias, bool $backwards): void
    {
        [$B, $T, $I, $H] = [3, 4, 2, 3];
        $f64 = NDArray::float64;
        $weights = self::weights($I, $H, $resetAfter, $useBias, 30);
        $x = NDArray::fromArray(ReferenceGru::randomList($B * $T * $I, 31), $f64)->reshape([$B, $T, $I]);
        $dOut = NDArray::fromArray(ReferenceGru::randomList($B * $T * $H, 32), $f64)->reshape([$B, $T, $H]);
        $factors = [[0.01, 0.0], [0.04, 0.3], [0.0, 0.2]];
        $common = ['return_sequences' => true, 'reset_after' => $resetAfter, 'use_bias' => $useBias, 'go_backwards' => $backwards];
        $run = function (array $options) use ($H, $x, $dOut, $weights, $f64) {
            $layer = self::built(new GRU($H, ...$options), $x, $weights, $f64);
            $layer->forward($x, true);
            $dIn = $layer->backward([$dOut]);
            return [self::flat($dIn[0]), array_map(self::flat(...), $layer->getGrads())];
        };
        [$dInPlain, $gradsPlain] = $run($common);
        [$dInReg, $gradsReg] = $run($common + ['kernel_regularizer' => 'l1',
            'recurrent_regularizer' => ['l1' => 0.04, 'l2' => 0.3], 'bias_regularizer' => ['l2' => 0.2]]);
        $this->assertSame($dInPlain, $dInReg, 'weight penalties leave dInputs alone');
        $this->assertCount($useBias ? 3 : 2, $gradsReg);
        foreach ($gradsReg as $i => $grad) {
            $difference = array_map(static fn ($a, $b) => $a - $b, $grad, $gradsPlain[$i]);
            $expected = self::penaltyGradient($weights[$i][0], ...$factors[$i]);
            self::assertClose($expected, $difference, 1e-12, "grad $i");
        }
    }

    public static function finiteDifferenceCases(): array
    {
        $base = ['batch' => 2, 'timesteps' => 3, 'features' => 2, 'units' => 2, 'mask' => false, 'state' => false];
        $regs = ['kernel_regularizer' => ['l1' => 0.05, 'l2' => 0.1], 'recurrent_regularizer' => 'l2',
            'bias_regularizer' => ['l1' => 0.2]];
        return [
            'weights, sequences' => [$base + ['reset_after' => true, 'use_bias' => true, 'go_backwards' => false,
                'return_sequences' => true], $regs, 41],
            'weights and activity, last output' => [$base + ['reset_after' => false, 'use_bias' => true,
                'go_backwards' => true, 'return_sequences' => false, 'state' => true],
                $regs + ['activity_regularizer' => ['l1' => 0.1, 'l2' => 0.3]], 42],
            'activity, sequences, mask' => [array_merge($base, ['reset_after' => true, 'use_bias' => false,
                'go_backwards' => false, 'return_sequences' => true, 'mask' => true]),
                ['activity_regularizer' => 'l1_l2'], 43],
        ];
    }

    /**
     * @dataProvider finiteDifferenceCases
     * The total loss (GradientCheck adds getRegularizationLoss()) against
     * getGrads() and dInputs.
     */
    public function testFiniteDifferencesOfTheTotalLoss(array $c, array $options, int $seed): void
    {
        $check = new GradientCheck($c, $seed, $options);
        foreach ($check->compare() as $name => $pairs) {
            foreach ($pairs as $i => [$numeric, $analytic]) {
                $this->assertEqualsWithDelta($numeric, $analytic, 2e-5 * max(1.0, abs($numeric)), "d{$name}[$i]");
            }
        }
    }

    // ---- activity regularizer -----------------------------------------------

    /** @dataProvider dtypes */
    public function testActivityPenaltyIsPerOutputOverBatch(int $dtype, float $tolerance): void
    {
        [$B, $T, $I, $H] = [3, 2, 2, 2];
        $weights = self::weights($I, $H, true, true, 50);
        $x = NDArray::fromArray(ReferenceGru::randomList($B * $T * $I, 50), $dtype)->reshape([$B, $T, $I]);
        $layer = self::built(new GRU($H, return_sequences: true, return_state: true,
            activity_regularizer: ['l1' => 0.1, 'l2' => 0.4], kernel_regularizer: 'l2'), $x, $weights, $dtype);
        foreach ([false, true] as $training) {
            [$out, [$state]] = $layer->forward($x, $training);
            $expected = [
                self::penalty(self::flat($out), 0.1, 0.4) / $B,
                self::penalty(self::flat($state), 0.1, 0.4) / $B,
                self::penalty($weights[0][0], 0.0, 0.01),
            ];
            self::assertClose($expected, $layer->getLosses(), $tolerance, $training ? 'training' : 'inference');
        }
        // without return_state only the outputs are penalized
        $layer = self::built(new GRU($H, activity_regularizer: 'l2'), $x, $weights, $dtype);
        $out = $layer->forward($x);
        self::assertClose([self::penalty(self::flat($out), 0.0, 0.01) / $B], $layer->getLosses(), $tolerance, 'outputs only');
    }

    public static function activityGradientCases(): array
    {
        return [
            'sequences, no dState given' => [true, false, false],
            'last output, dState given' => [false, true, false],
            'time_major sequences' => [true, true, true],
        ];
    }

    /**
     * @dataProvider activityGradientCases
     * backward() of a layer with an activity regularizer is backward() of
     * one without, given dOutputs + g(outputs) and dState + g(state), with
     * g = (l1 * sign(y) + 2 * l2 * y) / batch computed here.
     */
    public function testActivityGradientIsAddedToTheIncomingGradients(bool $sequences, bool $giveState, bool $timeMajor): void
    {
        [$B, $T, $I, $H] = [3, 4, 2, 3];
        [$l1, $l2] = [0.05, 0.2];
        $f64 = NDArray::float64;
        $weights = self::weights($I, $H, true, true, 60);
        $xShape = $timeMajor ? [$T, $B, $I] : [$B, $T, $I];
        $x = NDArray::fromArray(ReferenceGru::randomList($B * $T * $I, 61), $f64)->reshape($xShape);
        $outShape = $sequences ? ($timeMajor ? [$T, $B, $H] : [$B, $T, $H]) : [$B, $H];
        $dOut = ReferenceGru::randomList(array_product($outShape), 62);
        $dState = $giveState ? ReferenceGru::randomList($B * $H, 63) : array_fill(0, $B * $H, 0.0);
        $options = ['return_sequences' => $sequences, 'return_state' => true, 'time_major' => $timeMajor];

        $reg = self::built(new GRU($H, ...$options + ['activity_regularizer' => ['l1' => $l1, 'l2' => $l2]]), $x, $weights, $f64);
        [$out, [$state]] = $reg->forward($x, true);
        $given = [NDArray::fromArray($dOut, $f64)->reshape($outShape)];
        if ($giveState) {
            $given[] = NDArray::fromArray($dState, $f64)->reshape([$B, $H]);
        }
        $dInReg = self::flat($reg->backward($given)[0]);
        $gradsReg = array_map(self::flat(...), $reg->getGrads());

        $plain = self::built(new GRU($H, ...$options), $x, $weights, $f64);
        $plain->forward($x, true);
        $adjustedOut = array_map(static fn ($d, $g) => $d + $g, $dOut, self::penaltyGradient(self::flat($out), $l1, $l2, 1 / $B));
        $adjustedState = array_map(static fn ($d, $g) => $d + $g, $dState, self::penaltyGradient(self::flat($state), $l1, $l2, 1 / $B));
        $dInPlain = self::flat($plain->backward([NDArray::fromArray($adjustedOut, $f64)->reshape($outShape),
            NDArray::fromArray($adjustedState, $f64)->reshape([$B, $H])])[0]);
        self::assertClose($dInPlain, $dInReg, 1e-12, 'dInputs');
        foreach ($plain->getGrads() as $i => $g) {
            self::assertClose(self::flat($g), $gradsReg[$i], 1e-12, "grad $i");
        }
        // the caller's dOutputs are left as they were
        $this->assertSame($dOut, self::flat($given[0]));
    }

    // ---- constraints --------------------------------------------------------

    public function testMaxNormByHand(): void
    {
        // columns of [[3, 0], [4, 1]] have norms 5 and 1
        $kernel = NDArray::fromArray([[3.0, 0.0, 0.0], [4.0, 1.0, 0.0]], NDArray::float64);
        $layer = new GRU(1, kernel_constraint: 'max_norm', use_bias: false);
        $layer->build([2, 2], sampleWeights: [$kernel, NDArray::fromArray([[0.1, 0.2, 0.3]], NDArray::float64)]);
        $layer->applyConstraints();
        $f = 2.0 / (5.0 + 1e-7);
        $g = 1.0 / (1.0 + 1e-7);
        self::assertClose([3 * $f, 0.0, 0.0, 4 * $f, $g, 0.0], self::flat($layer->getParams()[0]), 1e-15, 'kernel');
        // the recurrent kernel has no constraint
        $this->assertSame([0.1, 0.2, 0.3], self::flat($layer->getParams()[1]));
    }

    public static function constraintCases(): array
    {
        return [
            'max_norm default' => ['max_norm', [0], []],
            'max_norm axis 1' => [['max_norm', 'max_value' => 0.7, 'axis' => 1], [1], ['max_value' => 0.7]],
            'max_norm axis -1' => [['max_norm', 'max_value' => 0.7, 'axis' => -1], [1], ['max_value' => 0.7]],
            'max_norm whole' => [['max_norm', 'max_value' => 1.5, 'axis' => [0, 1]], [0, 1], ['max_value' => 1.5]],
            'unit_norm' => ['unit_norm', [0], []],
            'unit_norm axis -2' => [['UnitNorm', 'axis' => -2], [0], []],
            'min_max_norm default' => ['min_max_norm', [0], []],
            'min_max_norm rate' => [['min_max_norm', 'min_value' => 0.9, 'max_value' => 1.1, 'rate' => 0.4, 'axis' => 1],
                [1], ['min_value' => 0.9, 'max_value' => 1.1, 'rate' => 0.4]],
            'non_neg' => ['non_neg', [], []],
        ];
    }

    /**
     * @dataProvider constraintCases
     * The same constraint on the kernel [I, 3H], the recurrent kernel (both
     * layouts) and the bias ([2, 3H] and the 1-D [3H], where every axis
     * that fits is axis 0).
     */
    public function testConstraintsMatchPlainPhp(string|array $constraint, array $axes, array $p): void
    {
        [$I, $H] = [4, 2];
        $kind = is_array($constraint) ? $constraint[0] : $constraint;
        $kind = ['UnitNorm' => 'unit_norm'][$kind] ?? $kind;
        foreach ([NDArray::float64 => 1e-14, NDArray::float32 => 1e-6] as $dtype => $tolerance) {
            foreach ([true, false] as $resetAfter) {
                $weights = self::weights($I, $H, $resetAfter, true, 70);
                $biasConstraint = $constraint;
                if (!$resetAfter && is_array($constraint) && isset($constraint['axis'])) {
                    $biasConstraint['axis'] = 0;   // the bias is 1-D
                }
                $layer = self::built(new GRU($H, reset_after: $resetAfter, kernel_constraint: $constraint,
                    recurrent_constraint: $constraint, bias_constraint: $biasConstraint),
                    NDArray::ones([1, 1, $I], $dtype), $weights, $dtype);
                $layer->applyConstraints();
                foreach ($layer->getParams() as $i => $param) {
                    [$values, $shape] = $weights[$i];
                    $expected = count($shape) === 2
                        ? self::constrain($values, $shape[0], $shape[1], $kind, $axes, $p)
                        : self::constrain($values, $shape[0], 1, $kind, $axes === [] ? [] : [0], $p);
                    self::assertClose($expected, self::flat($param), $tolerance, "param $i, reset_after " . (int) $resetAfter);
                }
            }
        }
    }

    public function testConstraintsWriteBackIntoForeignArrays(): void
    {
        $kernel = MockNDArray::fromArray([[3.0, -1.0, 2.0], [4.0, 1.0, -2.0]], NDArray::float64);
        $recurrent = MockNDArray::fromArray([[-0.5, 0.25, 1.0]], NDArray::float64);
        $layer = new GRU(1, use_bias: false, kernel_constraint: ['unit_norm', 'axis' => 1], recurrent_constraint: 'non_neg');
        $layer->build([2, 2], sampleWeights: [$kernel, $recurrent]);
        $layer->applyConstraints();
        [$k, $r] = array_map(static fn ($p) => $p->toArray(), $layer->getParams());
        $this->assertSame($kernel, $layer->getParams()[0]);
        $n0 = sqrt(9 + 1 + 4);
        $n1 = sqrt(16 + 1 + 4);
        self::assertClose(self::constrain([3.0, -1.0, 2.0, 4.0, 1.0, -2.0], 2, 3, 'unit_norm', [1]),
            [$k[0][0], $k[0][1], $k[0][2], $k[1][0], $k[1][1], $k[1][2]], 1e-15, 'kernel');
        $this->assertEqualsWithDelta(3.0 / ($n0 + 1e-7), $k[0][0], 1e-15);
        $this->assertEqualsWithDelta(-2.0 / ($n1 + 1e-7), $k[1][2], 1e-15);
        $this->assertSame([0.0, 0.25, 1.0], [$r[0][0], $r[0][1], $r[0][2]]);
    }

    public function testApplyConstraintsWithoutConstraintsOrWeights(): void
    {
        $layer = new GRU(2, kernel_constraint: 'non_neg');
        $layer->applyConstraints();     // not built: nothing to do
        $this->assertFalse($layer->isBuilt());
        $weights = self::weights(2, 2, true, true, 80);
        $plain = self::built(new GRU(2), NDArray::ones([1, 1, 2], NDArray::float64), $weights, NDArray::float64);
        $plain->applyConstraints();
        foreach ($plain->getParams() as $i => $param) {
            $this->assertSame($weights[$i][0], self::flat($param));
        }
    }

    // ---- GRUCell and Bidirectional --------------------------------------------

    public function testCellPenaltiesAndConstraints(): void
    {
        [$B, $I, $H] = [2, 3, 2];
        $f64 = NDArray::float64;
        $weights = self::weights($I, $H, true, true, 90);
        $x = NDArray::fromArray(ReferenceGru::randomList($B * $I, 91), $f64)->reshape([$B, $I]);
        $h = NDArray::fromArray(ReferenceGru::randomList($B * $H, 92), $f64)->reshape([$B, $H]);
        $d = NDArray::fromArray(ReferenceGru::randomList($B * $H, 93), $f64)->reshape([$B, $H]);
        $run = function (array $options) use ($H, $x, $h, $d, $weights, $f64) {
            $cell = self::built(new GRUCell($H, ...$options), $x, $weights, $f64);
            $cell->forward($x, [$h], true);
            $cell->backward([$d]);
            return $cell;
        };
        $plain = $run([]);
        $reg = $run(['kernel_regularizer' => ['l2' => 0.1], 'bias_regularizer' => 'l1']);
        $this->assertSame([], $plain->getLosses());
        self::assertClose([self::penalty($weights[0][0], 0, 0.1), self::penalty($weights[2][0], 0.01, 0)],
            $reg->getLosses(), 1e-14, 'losses');
        $factors = [[0.0, 0.1], [0.0, 0.0], [0.01, 0.0]];
        foreach ($reg->getGrads() as $i => $grad) {
            $difference = array_map(static fn ($a, $b) => $a - $b, self::flat($grad), self::flat($plain->getGrads()[$i]));
            self::assertClose(self::penaltyGradient($weights[$i][0], ...$factors[$i]), $difference, 1e-12, "grad $i");
        }
        $cell = self::built(new GRUCell($H, recurrent_constraint: ['max_norm', 'max_value' => 0.5]), $x, $weights, $f64);
        $cell->applyConstraints();
        self::assertClose(self::constrain($weights[1][0], $H, 3 * $H, 'max_norm', [0], ['max_value' => 0.5]),
            self::flat($cell->getParams()[1]), 1e-14, 'recurrent kernel');
        $this->assertSame(['l2' => 0.1], $reg->getConfig()['options']['kernel_regularizer']);
        $this->assertSame(['l1' => 0.01], $reg->getConfig()['options']['bias_regularizer']);
    }

    public function testBidirectionalGivesBothDirectionsOptionsAndLosses(): void
    {
        [$B, $T, $I, $H] = [2, 3, 2, 2];
        $f64 = NDArray::float64;
        $x = NDArray::fromArray(ReferenceGru::randomList($B * $T * $I, 100), $f64)->reshape([$B, $T, $I]);
        $bi = new Bidirectional(new GRU($H, return_sequences: true, kernel_regularizer: 'l2',
            activity_regularizer: ['l1' => 0.1], kernel_constraint: 'non_neg'));
        $bi->build($x, array_merge(...array_map(
            static fn ($seed) => array_map(static fn ($w) => NDArray::fromArray($w[0], $f64)->reshape($w[1]),
                self::weights($I, $H, true, true, $seed)), [101, 102])));
        $config = $bi->getConfig();
        $this->assertSame(['l2' => 0.01], $config['backward_layer']['options']['kernel_regularizer']);
        $this->assertSame(['l1' => 0.1], $config['backward_layer']['options']['activity_regularizer']);
        $this->assertSame(['non_neg'], $config['backward_layer']['options']['kernel_constraint']);

        $bi->forward($x, true);
        $expected = [];
        foreach ([$bi->getForwardLayer(), $bi->getBackwardLayer()] as $layer) {
            $out = $layer->forward($x, false);
            $expected[] = self::penalty(self::flat($out), 0.1, 0) / $B;
            $expected[] = self::penalty(self::flat($layer->getParams()[0]), 0, 0.01);
        }
        self::assertClose($expected, $bi->getLosses(), 1e-13, 'losses');
        $this->assertEqualsWithDelta(array_sum($expected), $bi->getRegularizationLoss(), 1e-13);

        $kernels = array_map(static fn ($l) => self::flat($l->getParams()[0]),
            [$bi->getForwardLayer(), $bi->getBackwardLayer()]);
        $bi->applyConstraints();
        foreach ([$bi->getForwardLayer(), $bi->getBackwardLayer()] as $d => $layer) {
            $this->assertSame(self::constrain($kernels[$d], 0, 0, 'non_neg', []), self::flat($layer->getParams()[0]));
        }
    }

    // ---- unroll and getConfig -------------------------------------------------

    public function testUnrollIsAcceptedAndChangesNothing(): void
    {
        [$B, $T, $I, $H] = [2, 3, 2, 2];
        $f64 = NDArray::float64;
        $weights = self::weights($I, $H, true, true, 110);
        $x = NDArray::fromArray(ReferenceGru::randomList($B * $T * $I, 111), $f64)->reshape([$B, $T, $I]);
        $a = self::built(new GRU($H, return_sequences: true), $x, $weights, $f64);
        $b = self::built(new GRU($H, return_sequences: true, unroll: true), $x, $weights, $f64);
        $this->assertSame(self::flat($a->forward($x)), self::flat($b->forward($x)));
        $this->assertTrue($b->getConfig()['options']['unroll']);
        $this->assertArrayNotHasKey('unroll', $a->getConfig()['options']);
        $this->assertArrayNotHasKey('unroll', (new GRU(2, unroll: false))->getConfig()['options']);
    }

    public function testGetConfigGivesBackWhatTheConstructorTakes(): void
    {
        $layer = new GRU(3, kernel_regularizer: 'l1_l2', recurrent_regularizer: ['l2' => 0.25],
            bias_regularizer: ['l1' => 1], activity_regularizer: 'L2',
            kernel_constraint: ['min_max_norm', 'rate' => 0.5, 'axis' => [1, 0]],
            recurrent_constraint: 'MaxNorm', bias_constraint: ['unit_norm', 'axis' => -1], unroll: true);
        $options = $layer->getConfig()['options'];
        $this->assertSame(['l1' => 0.01, 'l2' => 0.01], $options['kernel_regularizer']);
        $this->assertSame(['l2' => 0.25], $options['recurrent_regularizer']);
        $this->assertSame(['l1' => 1.0], $options['bias_regularizer']);
        $this->assertSame(['l2' => 0.01], $options['activity_regularizer']);
        $this->assertSame(['min_max_norm', 'min_value' => 0.0, 'max_value' => 1.0, 'rate' => 0.5, 'axis' => [1, 0]],
            $options['kernel_constraint']);
        $this->assertSame(['max_norm', 'max_value' => 2.0, 'axis' => 0], $options['recurrent_constraint']);
        $this->assertSame(['unit_norm', 'axis' => -1], $options['bias_constraint']);
        $copy = new GRU(3, ...$options);
        $this->assertSame($layer->getConfig(), $copy->getConfig());
        // positional: after time_major (Rindow's 14, Keras's 3, ours 2)
        $positional = new GRU(3, null, 'tanh', 'sigmoid', true, 'glorot_uniform', 'orthogonal', 'zeros', false, false,
            false, false, true, null, 0.0, 0.0, null, null, false, 'l1', null, null, null, 'non_neg', null, null, true);
        $options = $positional->getConfig()['options'];
        $this->assertSame(['l1' => 0.01], $options['kernel_regularizer']);
        $this->assertSame(['non_neg'], $options['kernel_constraint']);
        $this->assertTrue($options['unroll']);
    }

    // ---- bad input ------------------------------------------------------------

    public static function badOptions(): array
    {
        return [
            'unknown regularizer' => [['kernel_regularizer' => 'l3'], 'kernel_regularizer'],
            'negative factor' => [['recurrent_regularizer' => ['l2' => -0.1]], 'recurrent_regularizer: l2'],
            'infinite factor' => [['bias_regularizer' => ['l1' => INF]], 'bias_regularizer: l1'],
            'string factor' => [['bias_regularizer' => ['l1' => '0.1']], 'bias_regularizer: l1'],
            'unknown factor' => [['activity_regularizer' => ['l3' => 0.1]], "activity_regularizer: unknown key 'l3'"],
            'list of factors' => [['kernel_regularizer' => [0.1]], 'kernel_regularizer: unknown key 0'],
            'empty factors' => [['kernel_regularizer' => []], 'kernel_regularizer must be'],
            'int regularizer' => [['kernel_regularizer' => 2], 'kernel_regularizer must be'],
            'callable regularizer' => [['kernel_regularizer' => fn ($w) => 0.0], 'kernel_regularizer must be'],
            'unknown constraint' => [['kernel_constraint' => 'max_norms'], 'kernel_constraint must be'],
            'no constraint name' => [['kernel_constraint' => ['axis' => 0]], 'kernel_constraint must be [name'],
            'bad constraint name' => [['kernel_constraint' => ['l2']], 'kernel_constraint: name'],
            'axis 2' => [['kernel_constraint' => ['max_norm', 'axis' => 2]], 'kernel_constraint: axis'],
            'axis -3' => [['recurrent_constraint' => ['unit_norm', 'axis' => -3]], 'recurrent_constraint: axis'],
            'axis string' => [['kernel_constraint' => ['max_norm', 'axis' => '0']], 'kernel_constraint: axis'],
            'axis twice' => [['kernel_constraint' => ['max_norm', 'axis' => [1, -1]]], 'kernel_constraint: axis names the same axis twice'],
            'axis 1 of the 1-D bias' => [['bias_constraint' => ['max_norm', 'axis' => 1], 'reset_after' => false],
                'bias_constraint: axis 1 is out of range for its 1-D weight'],
            'parameter of another constraint' => [['kernel_constraint' => ['max_norm', 'rate' => 0.5]],
                'kernel_constraint: max_norm takes max_value and axis'],
            'non_neg takes none' => [['bias_constraint' => ['non_neg', 'axis' => 0]], 'bias_constraint: non_neg takes no parameters'],
            'positional parameter' => [['kernel_constraint' => ['max_norm', 3.0]], 'kernel_constraint: unexpected value at index 1'],
            'negative max_value' => [['kernel_constraint' => ['max_norm', 'max_value' => -1]], 'kernel_constraint: max_value'],
            'min above max' => [['kernel_constraint' => ['min_max_norm', 'min_value' => 2.0]], 'kernel_constraint: min_value (2) must not exceed max_value (1)'],
            'rate above 1' => [['kernel_constraint' => ['min_max_norm', 'rate' => 1.5]], 'kernel_constraint: rate must be a float in [0, 1], 1.5 given'],
        ];
    }

    /** @dataProvider badOptions */
    public function testBadOptionsAreNamed(array $options, string $message): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage($message);
        new GRU(2, ...$options);
    }

    public function testCellTakesNoActivityRegularizerOrUnroll(): void
    {
        foreach (['activity_regularizer' => 'l2', 'unroll' => true] as $option => $value) {
            try {
                new GRUCell(2, ...[$option => $value]);
                $this->fail("GRUCell took $option");
            } catch (\InvalidArgumentException $e) {
                $this->assertStringContainsString("Unknown option '$option' in GRUCell", $e->getMessage());
            }
        }
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('kernel_constraint: axis');
        new GRUCell(2, kernel_constraint: ['max_norm', 'axis' => 5]);
    }

    public function testBiasOptionsWithoutBiasAreAcceptedAndIgnored(): void
    {
        $layer = new GRU(2, use_bias: false, reset_after: false, bias_regularizer: 'l2',
            bias_constraint: ['max_norm', 'axis' => 1]);
        $weights = self::weights(2, 2, false, false, 120);
        self::built($layer, NDArray::ones([1, 1, 2], NDArray::float64), $weights, NDArray::float64);
        $this->assertSame([], $layer->getLosses());
        $layer->applyConstraints();
        $this->assertSame($weights[0][0], self::flat($layer->getParams()[0]));
        $this->assertSame(['l2' => 0.01], $layer->getConfig()['options']['bias_regularizer']);
    }

    public function testUnrollMustBeBool(): void
    {
        $this->expectException(\TypeError::class);
        $this->expectExceptionMessage('unroll');
        new GRU(2, unroll: 'yes');
    }
}
