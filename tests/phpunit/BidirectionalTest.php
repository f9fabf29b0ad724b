<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\Bidirectional;
use Rindow\NeuralNetworks\Layer\GRU;
use RindowGRUTests\Support\Golden;

/**
 * Bidirectional against two separate GRUs (one with go_backwards) with the
 * same weights, combined by hand: outputs, states and gradients, every
 * merge mode.
 */
final class BidirectionalTest extends TestCase
{
    private const F64 = NDArray::float64;
    private const B = 2;
    private const T = 4;
    private const I = 3;
    private const H = 5;

    private static function random(array $shape, int $seed): NDArray
    {
        mt_srand($seed);
        $n = array_product($shape);
        $v = [];
        for ($i = 0; $i < $n; $i++) {
            $v[] = mt_rand() / mt_getrandmax() * 2.0 - 1.0;
        }
        foreach (array_reverse(array_slice($shape, 1)) as $d) {
            $v = array_chunk($v, $d);
        }
        return NDArray::fromArray($v, self::F64);
    }

    private static function flat(NDArray $a): array
    {
        return Golden::flatten($a->toArray());
    }

    /** Two plain GRUs holding the Bidirectional's weights. */
    private static function separate(Bidirectional $bi, array $options): array
    {
        $params = $bi->getParams();
        $half = intdiv(count($params), 2);
        $f = new GRU(self::H, ...$options);
        $b = new GRU(self::H, ...($options + ['go_backwards' => true]));
        $like = NDArray::zeros([self::B, self::T, self::I], self::F64);
        $f->build($like, array_slice($params, 0, $half));
        $b->build($like, array_slice($params, $half));
        return [$f, $b];
    }

    private static function combine(?string $mode, array $f, array $b, int $width): array
    {
        $out = [];
        if ($mode === 'concat') {
            foreach (array_chunk($f, $width) as $r => $row) {
                array_push($out, ...$row, ...array_slice($b, $r * $width, $width));
            }
            return $out;
        }
        foreach ($f as $i => $v) {
            $out[] = match ($mode) {
                'sum' => $v + $b[$i],
                'mul' => $v * $b[$i],
                'ave' => ($v + $b[$i]) / 2,
            };
        }
        return $out;
    }

    public static function modes(): array
    {
        $cases = [];
        foreach (['concat', 'sum', 'mul', 'ave', null] as $mode) {
            foreach ([true, false] as $seq) {
                $cases[($mode ?? 'null') . ($seq ? ', sequences' : ', last')] = [$mode, $seq];
            }
        }
        return $cases;
    }

    /** @dataProvider modes */
    public function testAgainstTwoSeparateGRUs(?string $mode, bool $sequences): void
    {
        $options = ['return_sequences' => $sequences, 'return_state' => true, 'bias_initializer' => 'random_uniform'];
        mt_srand(1);
        $bi = new Bidirectional(new GRU(self::H, ...$options), merge_mode: $mode);
        $x = self::random([self::B, self::T, self::I], 2);
        $h0 = [self::random([self::B, self::H], 3), self::random([self::B, self::H], 4)];
        $mask = NDArray::fromArray([[1, 1, 1, 0], [0, 1, 1, 1]], self::F64);
        [$outputs, [$fs, $bs]] = $bi->forward($x, true, $h0, $mask);

        [$f, $b] = self::separate($bi, $options);
        [$fo, [$fs2]] = $f->forward($x, true, [$h0[0]], $mask);
        [$bo, [$bs2]] = $b->forward($x, true, [$h0[1]], $mask);
        $this->assertSame(self::flat($fs2), self::flat($fs));
        $this->assertSame(self::flat($bs2), self::flat($bs));
        if ($mode === null) {
            $this->assertSame(self::flat($fo), self::flat($outputs[0]));
            $this->assertSame(self::flat($bo), self::flat($outputs[1]));
        } else {
            $expected = self::combine($mode, self::flat($fo), self::flat($bo), self::H);
            $this->assertLessThan(1e-15, Golden::maxScaledError($expected, self::flat($outputs)));
            $shape = $fo->shape();
            $shape[count($shape) - 1] *= $mode === 'concat' ? 2 : 1;
            $this->assertSame($shape, $outputs->shape());
        }

        // gradients: split the merged gradient by hand
        $oshape = $fo->shape();
        $dfs = self::random([self::B, self::H], 6);
        $dbs = self::random([self::B, self::H], 7);
        if ($mode === null) {
            $df = self::random($oshape, 8);
            $db = self::random($oshape, 9);
            $dOut = [$df, $db];
        } else {
            $mshape = $oshape;
            $mshape[count($mshape) - 1] *= $mode === 'concat' ? 2 : 1;
            $dOut = self::random($mshape, 5);
            $d = self::flat($dOut);
            $fv = self::flat($fo);
            $bv = self::flat($bo);
            $dfv = $dbv = [];
            foreach ($fv as $i => $v) {
                if ($mode === 'concat') {
                    $r = intdiv($i, self::H);
                    $c = $i % self::H;
                    $dfv[] = $d[$r * 2 * self::H + $c];
                    $dbv[] = $d[$r * 2 * self::H + self::H + $c];
                } else {
                    $dfv[] = match ($mode) {'sum' => $d[$i], 'mul' => $d[$i] * $bv[$i], 'ave' => $d[$i] / 2};
                    $dbv[] = match ($mode) {'sum' => $d[$i], 'mul' => $d[$i] * $v, 'ave' => $d[$i] / 2};
                }
            }
            $df = NDArray::fromArray(self::nestLike($dfv, $oshape), self::F64);
            $db = NDArray::fromArray(self::nestLike($dbv, $oshape), self::F64);
        }
        [$dx, $dh0f, $dh0b] = $bi->backward([$dOut, $dfs, $dbs]);
        [$dxf, $dh0f2] = $f->backward([$df, $dfs]);
        [$dxb, $dh0b2] = $b->backward([$db, $dbs]);
        $dxExpected = self::combine('sum', self::flat($dxf), self::flat($dxb), self::I);
        $this->assertLessThan(1e-15, Golden::maxScaledError($dxExpected, self::flat($dx)));
        $this->assertLessThan(1e-15, Golden::maxScaledError(self::flat($dh0f2), self::flat($dh0f)));
        $this->assertLessThan(1e-15, Golden::maxScaledError(self::flat($dh0b2), self::flat($dh0b)));
        $grads = $bi->getGrads();
        $this->assertCount(6, $grads);
        foreach (array_merge($f->getGrads(), $b->getGrads()) as $k => $g) {
            $this->assertLessThan(1e-15, Golden::maxScaledError(self::flat($g), self::flat($grads[$k])), "grad $k");
        }
    }

    public static function projectionCases(): array
    {
        $cases = [];
        foreach ([NDArray::float32, NDArray::float64] as $dtype) {
            foreach ([true, false] as $resetAfter) {
                foreach ([[], ['dropout' => 0.25, 'seed' => 11]] as $i => $extra) {
                    $name = ($dtype === NDArray::float32 ? 'float32' : 'float64')
                        . ($resetAfter ? ', reset_after' : ', reset before') . ($i ? ', dropout' : '');
                    $cases[$name] = [$dtype, $resetAfter, $extra];
                }
            }
        }
        return $cases;
    }

    /**
     * Both directions' input projections come from one GEMM (the shared
     * path; with dropout in training each direction projects its own
     * dropped inputs): the numbers must be those of two separate GRUs.
     * Here the forward layer runs backwards, the backward layer is given
     * (other activations, no bias), with masks, initial states and
     * return_state, and B*T large enough for every GEMM path.
     *
     * @dataProvider projectionCases
     */
    public function testSharedProjectionAgainstTwoSeparateGRUs(int $dtype, bool $resetAfter, array $extra): void
    {
        [$B, $T, $I, $H] = [5, 7, 3, 4];
        $tol = $dtype === NDArray::float32 ? 1e-6 : 1e-13;
        $fOptions = ['return_sequences' => true, 'return_state' => true, 'go_backwards' => true,
            'reset_after' => $resetAfter, 'bias_initializer' => 'random_uniform'] + $extra;
        $bOptions = ['return_sequences' => true, 'return_state' => true, 'go_backwards' => false,
            'reset_after' => $resetAfter, 'use_bias' => false, 'activation' => 'relu',
            'recurrent_activation' => 'hard_sigmoid'] + $extra;
        $cast = fn (NDArray $a) => NDArray::fromArray($a->toArray(), $dtype);
        mt_srand(21);
        $bi = new Bidirectional(new GRU($H, ...$fOptions), 'concat', new GRU($H, ...$bOptions));
        $x = $cast(self::random([$B, $T, $I], 22));
        $h0 = [$cast(self::random([$B, $H], 23)), $cast(self::random([$B, $H], 24))];
        $mask = NDArray::fromArray([[1, 1, 1, 0, 1, 1, 1], [0, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 0],
            [1, 0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1]], $dtype);
        [$outputs, [$fs, $bs]] = $bi->forward($x, true, $h0, $mask);

        $params = $bi->getParams();
        $f = new GRU($H, ...$fOptions);
        $b = new GRU($H, ...$bOptions);
        $f->build($x, array_slice($params, 0, 3));
        $b->build($x, array_slice($params, 3));
        [$fo, [$fs2]] = $f->forward($x, true, [$h0[0]], $mask);
        [$bo, [$bs2]] = $b->forward($x, true, [$h0[1]], $mask);
        $this->assertLessThan($tol, Golden::maxScaledError(self::flat($fs2), self::flat($fs)));
        $this->assertLessThan($tol, Golden::maxScaledError(self::flat($bs2), self::flat($bs)));
        $expected = self::combine('concat', self::flat($fo), self::flat($bo), $H);
        $this->assertLessThan($tol, Golden::maxScaledError($expected, self::flat($outputs)));
        $this->assertGreaterThan(0.05, max(array_map('abs', $expected)), 'the case must not be trivial');

        $dOut = $cast(self::random([$B, $T, 2 * $H], 25));
        $dfs = $cast(self::random([$B, $H], 26));
        $dbs = $cast(self::random([$B, $H], 27));
        $d = self::flat($dOut);
        $dfv = $dbv = [];
        for ($r = 0; $r < $B * $T; $r++) {
            array_push($dfv, ...array_slice($d, 2 * $r * $H, $H));
            array_push($dbv, ...array_slice($d, (2 * $r + 1) * $H, $H));
        }
        [$dx, $dh0f, $dh0b] = $bi->backward([$dOut, $dfs, $dbs]);
        [$dxf, $dh0f2] = $f->backward([NDArray::fromArray(self::nestLike($dfv, [$B, $T, $H]), $dtype), $dfs]);
        [$dxb, $dh0b2] = $b->backward([NDArray::fromArray(self::nestLike($dbv, [$B, $T, $H]), $dtype), $dbs]);
        $dxExpected = self::combine('sum', self::flat($dxf), self::flat($dxb), $I);
        $this->assertLessThan(10 * $tol, Golden::maxScaledError($dxExpected, self::flat($dx)));
        $this->assertLessThan(10 * $tol, Golden::maxScaledError(self::flat($dh0f2), self::flat($dh0f)));
        $this->assertLessThan(10 * $tol, Golden::maxScaledError(self::flat($dh0b2), self::flat($dh0b)));
        $grads = $bi->getGrads();
        foreach (array_merge($f->getGrads(), $b->getGrads()) as $k => $g) {
            $this->assertLessThan(10 * $tol, Golden::maxScaledError(self::flat($g), self::flat($grads[$k])),
                "grad $k");
        }

        // inference (no dropout: the shared projection) after the training forward
        [$outputs] = $bi->forward($x, false, $h0, $mask);
        [$fo] = $f->forward($x, false, [$h0[0]], $mask);
        [$bo] = $b->forward($x, false, [$h0[1]], $mask);
        $expected = self::combine('concat', self::flat($fo), self::flat($bo), $H);
        $this->assertLessThan($tol, Golden::maxScaledError($expected, self::flat($outputs)));
    }

    private static function nestLike(array $flat, array $shape): array
    {
        foreach (array_reverse(array_slice($shape, 1)) as $d) {
            $flat = array_chunk($flat, $d);
        }
        return $flat;
    }

    public function testBackwardSequenceIsAlignedWithInputTimeAsKeras(): void
    {
        // Keras reverses the go_backwards sequence back: the backward half at
        // t = 0 is the backward direction's final state (it consumed x_0 last)
        $bi = new Bidirectional(new GRU(self::H, return_sequences: true, return_state: true));
        $x = self::random([self::B, self::T, self::I], 12);
        [$out, [$fs, $bs]] = $bi->forward($x);
        $o = $out->toArray();
        for ($b = 0; $b < self::B; $b++) {
            $this->assertSame($bs->toArray()[$b], array_slice($o[$b][0], self::H));
            $this->assertSame($fs->toArray()[$b], array_slice($o[$b][self::T - 1], 0, self::H));
        }
    }

    public function testDefaultsAndAccessors(): void
    {
        $gru = new GRU(self::H, input_shape: [self::T, self::I], return_sequences: true);
        $bi = new Bidirectional(new \stdClass(), $gru);
        $this->assertSame($gru, $bi->getForwardLayer());
        $this->assertNotSame($gru, $bi->getBackwardLayer());
        $config = $bi->getConfig();
        $this->assertSame('concat', $config['merge_mode']);
        $this->assertFalse($config['layer']['options']['go_backwards']);
        $this->assertTrue($config['backward_layer']['options']['go_backwards']);
        $this->assertSame([self::T, 2 * self::H], $bi->outputShape());
        $this->assertFalse($bi->isBuilt());
        $bi->build();
        $this->assertTrue($bi->isBuilt());
        $params = $bi->getParams();
        $this->assertCount(6, $params);
        $this->assertNotEquals($params[0]->toArray(), $params[3]->toArray(), 'each direction has its own weights');
        $out = $bi->forward(NDArray::ones([self::B, self::T, self::I]));
        $this->assertSame([self::B, self::T, 2 * self::H], $out->shape());
    }

    public function testBackwardLayerIsChecked(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        new Bidirectional(new GRU(3), backward_layer: new GRU(3));
    }

    public function testGivenBackwardLayerIsUsed(): void
    {
        $back = new GRU(3, go_backwards: true);
        $bi = new Bidirectional(new GRU(3), 'sum', $back);
        $this->assertSame($back, $bi->getBackwardLayer());
    }

    public function testUnknownMergeMode(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        new Bidirectional(new GRU(3), merge_mode: 'max');
    }

    public function testBackwardNeedsATrainingForward(): void
    {
        $bi = new Bidirectional(new GRU(3));
        $bi->forward(NDArray::ones([1, 2, 2]));
        $this->expectException(\RuntimeException::class);
        $bi->backward([NDArray::ones([1, 6])]);
    }

    public function testCloneIsDeep(): void
    {
        $bi = new Bidirectional(new GRU(3));
        $bi->build([2, 2]);
        $copy = clone $bi;
        $this->assertNotSame($bi->getForwardLayer(), $copy->getForwardLayer());
        $this->assertSame($bi->getParams()[3]->toArray(), $copy->getParams()[3]->toArray());
    }
}
