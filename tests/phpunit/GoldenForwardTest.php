<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use RindowGRUTests\Support\Golden;

/** Forward outputs and final states against every case in shared/golden. */
final class GoldenForwardTest extends TestCase
{
    public static function cases(): array
    {
        return Golden::casesInBothDtypes();
    }

    /** @dataProvider cases */
    public function testOutputsAndStateMatch(string $path, int $dtype, float $tolerance): void
    {
        $case = Golden::load($path);
        $layer = Golden::layer($case, $dtype);
        $initial = $case['initial_state'] === null ? null : [Golden::array($case['initial_state'], $dtype)];
        $mask = $case['mask'] === null ? null : Golden::array($case['mask'], NDArray::bool);

        [$outputs, $states] = $layer->forward(Golden::array($case['inputs'], $dtype), false, $initial, $mask);

        $this->assertSame($case['outputs']['shape'], $outputs->shape());
        $this->assertSame($dtype, $outputs->dtype());
        $this->assertCount(1, $states);
        $this->assertSame($case['state']['shape'], $states[0]->shape());
        $this->assertLessThan($tolerance, Golden::maxScaledError($case['outputs']['data'], Golden::flatten($outputs->toArray())), 'outputs');
        $this->assertLessThan($tolerance, Golden::maxScaledError($case['state']['data'], Golden::flatten($states[0]->toArray())), 'state');
    }

    /** The same case through training mode gives the same numbers. */
    public function testTrainingForwardEqualsInference(): void
    {
        $case = Golden::load(Golden::dir() . '/medium.json');
        $layer = Golden::layer($case, NDArray::float32);
        $x = Golden::array($case['inputs'], NDArray::float32);
        [$a] = $layer->forward($x, false);
        [$b] = $layer->forward($x, true);
        $this->assertSame($a->toArray(), $b->toArray());
    }
}
