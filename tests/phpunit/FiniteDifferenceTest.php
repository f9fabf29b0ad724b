<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use RindowGRUTests\Support\GradientCheck;

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
        foreach ((new GradientCheck($c, $seed))->compare() as $name => $pairs) {
            foreach ($pairs as $i => [$numeric, $analytic]) {
                $this->assertEqualsWithDelta($numeric, $analytic, 2e-5 * max(1.0, abs($numeric)), "d{$name}[$i]");
            }
        }
    }
}
