<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;

/**
 * End to end: a GRU and a linear read-out, trained with plain SGD written
 * here, learn to count the ones in a short bit sequence.
 */
final class LearningTest extends TestCase
{
    public function testLearnsToCountBits(): void
    {
        mt_srand(2024);
        [$B, $T, $H] = [32, 6, 8];
        $gru = new GRU($H);
        $v = array_map(fn() => (mt_rand() / mt_getrandmax() - 0.5) * 0.5, range(1, $H));
        $c = 0.0;
        $lr = 0.5;

        $batch = function () use ($B, $T) {
            $x = [];
            $y = [];
            for ($b = 0; $b < $B; $b++) {
                $bits = array_map(fn() => mt_rand(0, 1), range(1, $T));
                $x[] = array_map(fn($bit) => [(float) $bit], $bits);
                $y[] = array_sum($bits) / $T;
            }
            return [NDArray::fromArray($x), $y];
        };
        $loss = function (array $h, array $y) use (&$v, &$c) {
            $sum = 0.0;
            foreach ($h as $b => $row) {
                $pred = $c;
                foreach ($row as $j => $hj) {
                    $pred += $hj * $v[$j];
                }
                $sum += ($pred - $y[$b]) ** 2;
            }
            return $sum / count($h);
        };

        [$xTest, $yTest] = $batch();
        $initial = $loss($gru->forward($xTest)->toArray(), $yTest);

        for ($step = 0; $step < 400; $step++) {
            [$x, $y] = $batch();
            $h = $gru->forward($x, true)->toArray();
            $dh = [];
            $dv = array_fill(0, $H, 0.0);
            $dc = 0.0;
            foreach ($h as $b => $row) {
                $pred = $c;
                foreach ($row as $j => $hj) {
                    $pred += $hj * $v[$j];
                }
                $err = 2 * ($pred - $y[$b]) / $B;
                $dc += $err;
                foreach ($row as $j => $hj) {
                    $dv[$j] += $err * $hj;
                    $dh[$b][$j] = $err * $v[$j];
                }
            }
            $gru->backward([NDArray::fromArray($dh)]);
            foreach ($gru->getParams() as $i => $param) {
                $p = $param->toArray();
                $g = $gru->getGrads()[$i]->toArray();
                foreach ($p as $r => $row) {
                    $param[$r] = array_map(fn($pv, $gv) => $pv - $lr * $gv, $row, $g[$r]);
                }
            }
            foreach ($v as $j => $vj) {
                $v[$j] = $vj - $lr * $dv[$j];
            }
            $c -= $lr * $dc;
        }

        $final = $loss($gru->forward($xTest)->toArray(), $yTest);
        // The variance of the target is 1/24 ~ 0.042; predicting the mean scores that.
        $this->assertGreaterThan(0.02, $initial, 'the task is not solved before training');
        $this->assertLessThan(0.004, $final, "loss fell from $initial to $final");
    }
}
