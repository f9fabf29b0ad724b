<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\Bidirectional;
use Rindow\NeuralNetworks\Layer\GRU;
use RindowGRUTests\Support\Golden;

/** time_major: inputs [T,B,F] give the same numbers as the batch-major layer on the transposed inputs. */
final class TimeMajorTest extends TestCase
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

    /** [d0, d1, w] nested from flat, optionally with the two leading axes swapped. */
    private static function nested(array $flat, int $d0, int $d1, int $w, bool $swap = false): array
    {
        $out = [];
        for ($i = 0; $i < ($swap ? $d1 : $d0); $i++) {
            for ($j = 0; $j < ($swap ? $d0 : $d1); $j++) {
                [$a, $b] = $swap ? [$j, $i] : [$i, $j];
                $out[$i][$j] = array_slice($flat, ($a * $d1 + $b) * $w, $w);
            }
        }
        return $out;
    }

    private static function swapped(NDArray $a): array
    {
        $out = [];
        foreach ($a->toArray() as $i => $rows) {
            foreach ($rows as $j => $row) {
                $out[$j][$i] = $row;
            }
        }
        return $out;
    }

    public static function cases(): array
    {
        return [
            'sequences' => [true, false],
            'sequences, go_backwards' => [true, true],
            'last' => [false, false],
        ];
    }

    /** @dataProvider cases */
    public function testSameAsBatchMajorOnTransposedInputs(bool $sequences, bool $goBackwards): void
    {
        [$B, $T, $I, $H] = [3, 4, 2, 5];
        $x = self::random($B * $T * $I, 1);
        $dY = self::random($B * ($sequences ? $T : 1) * $H, 2);
        $mask = NDArray::fromArray([[1, 1, 0, 1], [1, 1, 1, 1], [0, 1, 1, 1]], self::F64);
        $options = ['return_sequences' => $sequences, 'go_backwards' => $goBackwards,
            'bias_initializer' => 'random_uniform'];
        mt_srand(3);
        $ref = new GRU($H, ...$options);
        $tm = new GRU($H, ...($options + ['time_major' => true]));
        $this->assertTrue($tm->getConfig()['options']['time_major']);
        $ref->build(NDArray::zeros([$B, $T, $I], self::F64));
        $tm->build(NDArray::zeros([$T, $B, $I], self::F64), $ref->getParams());

        $yRef = $ref->forward(NDArray::fromArray(self::nested($x, $B, $T, $I), self::F64), true, null, $mask);
        $y = $tm->forward(NDArray::fromArray(self::nested($x, $B, $T, $I, true), self::F64), true, null, $mask);
        if ($sequences) {
            $this->assertSame([$T, $B, $H], $y->shape());
            $this->assertSame($yRef->toArray(), self::swapped($y));
            $dRef = NDArray::fromArray(self::nested($dY, $B, $T, $H), self::F64);
            $d = NDArray::fromArray(self::nested($dY, $B, $T, $H, true), self::F64);
        } else {
            $this->assertSame($yRef->toArray(), $y->toArray());
            $dRef = $d = NDArray::fromArray(array_chunk($dY, $H), self::F64);
        }
        [$dxRef] = $ref->backward([$dRef]);
        [$dx] = $tm->backward([$d]);
        $this->assertSame([$T, $B, $I], $dx->shape());
        $this->assertSame($dxRef->toArray(), self::swapped($dx));
        foreach ($ref->getGrads() as $k => $g) {
            $this->assertSame($g->toArray(), $tm->getGrads()[$k]->toArray());
        }
    }

    public function testBidirectionalTimeMajor(): void
    {
        [$B, $T, $I, $H] = [2, 3, 2, 4];
        $x = self::random($B * $T * $I, 7);
        mt_srand(8);
        $ref = new Bidirectional(new GRU($H, return_sequences: true));
        $ref->build(NDArray::zeros([$B, $T, $I], self::F64));
        $tm = new Bidirectional(new GRU($H, return_sequences: true, time_major: true));
        $tm->build(NDArray::zeros([$T, $B, $I], self::F64), $ref->getParams());
        $yRef = $ref->forward(NDArray::fromArray(self::nested($x, $B, $T, $I), self::F64), true);
        $y = $tm->forward(NDArray::fromArray(self::nested($x, $B, $T, $I, true), self::F64), true);
        $this->assertSame($yRef->toArray(), self::swapped($y));
        $d = self::random($B * $T * 2 * $H, 9);
        [$dxRef] = $ref->backward([NDArray::fromArray(self::nested($d, $B, $T, 2 * $H), self::F64)]);
        [$dx] = $tm->backward([NDArray::fromArray(self::nested($d, $B, $T, 2 * $H, true), self::F64)]);
        $this->assertLessThan(1e-15, Golden::maxScaledError(Golden::flatten($dxRef->toArray()),
            Golden::flatten(self::swapped($dx))));
    }

    public function testDefaultConfigHasNoTimeMajor(): void
    {
        $this->assertArrayNotHasKey('time_major', (new GRU(3))->getConfig()['options']);
    }
}
