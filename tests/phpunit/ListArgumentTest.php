<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\Bidirectional;
use Rindow\NeuralNetworks\Layer\GRU;
use Rindow\NeuralNetworks\Layer\GRUCell;
use RindowGRUTests\Support\Golden;

/**
 * List-shaped arguments (dOutputs, initialStates, sampleWeights, a cell's
 * states and dStates) are read by position. Arrays with string keys, gaps
 * or keys out of order used to be read in iteration order with their keys
 * ignored ([1 => $dState, 0 => $dOutputs] swapped the two); now each is an
 * InvalidArgumentException naming the method, the argument and the key,
 * and the layer is left as it was: the same call with a list then gives
 * the numbers a fresh layer gives.
 */
final class ListArgumentTest extends TestCase
{
    private const F64 = NDArray::float64;

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

    /** A GRU [2, 3, 4] -> units 5 with fixed weights, run forward for training. */
    private static function trainedGru(bool $returnState = false): GRU
    {
        $gru = new GRU(5, return_sequences: true, return_state: $returnState);
        $gru->build(NDArray::zeros([2, 3, 4], self::F64),
            [self::random([4, 15], 1), self::random([5, 15], 2), self::random([2, 15], 3)]);
        $gru->forward(self::random([2, 3, 4], 4), true, [self::random([2, 5], 5)]);
        return $gru;
    }

    /** @return array<string, array{array, string}> */
    public static function nonLists(): array
    {
        $d = fn () => self::random([2, 3, 5], 6);
        return [
            'string key' => [['a' => $d()], "/string key 'a' given/"],
            'gap' => [[1 => $d()], '/key 1 given at position 0/'],
            'out of order' => [[1 => self::random([2, 5], 7), 0 => $d()], '/key 1 given at position 0/'],
        ];
    }

    /** @dataProvider nonLists */
    public function testGruBackwardRejectsANonList(array $dOutputs, string $given): void
    {
        $gru = self::trainedGru(true);
        try {
            $gru->backward($dOutputs);
            $this->fail('backward() accepted a non-list dOutputs');
        } catch (\InvalidArgumentException $e) {
            $this->assertMatchesRegularExpression('/^Rindow\\\\NeuralNetworks\\\\Layer\\\\GRU::backward\(\): '
                . 'dOutputs must be a list \(keys 0, 1, \.\.\. in order\)/', $e->getMessage());
            $this->assertMatchesRegularExpression($given, $e->getMessage());
        }
        // The training record survives: the same gradients as a fresh layer's.
        $dY = self::random([2, 3, 5], 6);
        $dH = self::random([2, 5], 7);
        $after = $gru->backward([$dY, $dH]);
        $expected = self::trainedGru(true)->backward([$dY, $dH]);
        $this->assertSame(self::flat($expected[0]), self::flat($after[0]));
        $this->assertSame(self::flat($expected[1][0]), self::flat($after[1][0]));
        $this->assertSame(array_map([self::class, 'flat'], $gru->getGrads()),
            array_map([self::class, 'flat'], self::trainedGruGrads($dY, $dH)));
    }

    private static function trainedGruGrads(NDArray $dY, NDArray $dH): array
    {
        $gru = self::trainedGru(true);
        $gru->backward([$dY, $dH]);
        return $gru->getGrads();
    }

    public function testGruForwardRejectsInitialStatesWithAStringKey(): void
    {
        $gru = new GRU(5);
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage("GRU::forward(): initialStates must be a list (keys 0, 1, ... in order), "
            . "string key 'h' given");
        $gru->forward(NDArray::zeros([2, 3, 4]), false, ['h' => NDArray::zeros([2, 5])]);
    }

    public function testGruInvokeRejectsInitialStatesWithAGap(): void
    {
        $gru = new GRU(5);
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('GRU::__invoke(): initialStates must be a list (keys 0, 1, ... in order), '
            . 'key 3 given at position 0');
        $gru(NDArray::zeros([2, 3, 4]), false, [3 => NDArray::zeros([2, 5])]);
    }

    public function testGruBuildRejectsSampleWeightsOutOfOrderAndStaysUnbuilt(): void
    {
        $kernel = self::random([4, 15], 1);
        $recurrent = self::random([5, 15], 2);
        $bias = self::random([2, 15], 3);
        $gru = new GRU(5);
        try {
            // Read in iteration order this used to make the bias the kernel.
            $gru->build(NDArray::zeros([2, 3, 4], self::F64), [2 => $bias, 0 => $kernel, 1 => $recurrent]);
            $this->fail('build() accepted sampleWeights out of order');
        } catch (\InvalidArgumentException $e) {
            $this->assertStringContainsString('GRU::build(): sampleWeights must be a list (keys 0, 1, ... in '
                . 'order), key 2 given at position 0', $e->getMessage());
        }
        $this->assertSame([], $gru->getParams());
        $gru->build(NDArray::zeros([2, 3, 4], self::F64), [$kernel, $recurrent, $bias]);
        $this->assertSame(self::flat($kernel), self::flat($gru->getParams()[0]));
        $this->assertSame(self::flat($bias), self::flat($gru->getParams()[2]));
    }

    public function testCellRejectsNonListStatesDStatesAndSampleWeights(): void
    {
        $cell = new GRUCell(3);
        $cell->build([4], [self::random([4, 9], 1), self::random([3, 9], 2), self::random([2, 9], 3)]);
        $x = self::random([2, 4], 4);
        $h = self::random([2, 3], 5);
        try {
            $cell->forward($x, ['h' => $h], true);
            $this->fail('GRUCell::forward() accepted states with a string key');
        } catch (\InvalidArgumentException $e) {
            $this->assertStringContainsString("GRUCell::forward(): states must be a list (keys 0, 1, ... in "
                . "order), string key 'h' given", $e->getMessage());
        }
        $next = $cell->forward($x, [$h], true);
        try {
            $cell->backward([1 => $h]);
            $this->fail('GRUCell::backward() accepted dStates with a gap');
        } catch (\InvalidArgumentException $e) {
            $this->assertStringContainsString('GRUCell::backward(): dStates must be a list (keys 0, 1, ... in '
                . 'order), key 1 given at position 0', $e->getMessage());
        }
        try {
            $cell->build([4], ['kernel' => self::random([4, 9], 1)]);
            $this->fail('GRUCell::build() accepted sampleWeights with a string key');
        } catch (\InvalidArgumentException $e) {
            $this->assertStringContainsString("GRUCell::build(): sampleWeights must be a list (keys 0, 1, ... in "
                . "order), string key 'kernel' given", $e->getMessage());
        }
        // The rejected build() changed nothing: the step's backward still
        // matches a fresh cell's with the same weights and step.
        [$dX] = $cell->backward([$h]);
        $fresh = new GRUCell(3);
        $fresh->build([4], [self::random([4, 9], 1), self::random([3, 9], 2), self::random([2, 9], 3)]);
        $this->assertSame(self::flat($fresh->forward($x, [$h], true)[0]), self::flat($next[0]));
        [$dXFresh] = $fresh->backward([$h]);
        $this->assertSame(self::flat($dXFresh), self::flat($dX));
    }

    private static function bidirectional(?string $mode = 'concat'): Bidirectional
    {
        $bi = new Bidirectional(new GRU(5, return_sequences: true), merge_mode: $mode);
        $bi->build(NDArray::zeros([2, 3, 4], self::F64), [
            self::random([4, 15], 1), self::random([5, 15], 2), self::random([2, 15], 3),
            self::random([4, 15], 4), self::random([5, 15], 5), self::random([2, 15], 6),
        ]);
        return $bi;
    }

    public function testBidirectionalRejectsNonListsAndStillComputesTheSame(): void
    {
        $x = self::random([2, 3, 4], 7);
        $dY = self::random([2, 3, 10], 8);
        $bi = self::bidirectional();
        foreach ([
            'sampleWeights' => fn () => $bi->build(NDArray::zeros([2, 3, 4], self::F64), ['k' => $x]),
            'initialStates' => fn () => $bi->forward($x, true, [1 => self::random([2, 5], 9),
                0 => self::random([2, 5], 10)]),
        ] as $what => $call) {
            try {
                $call();
                $this->fail("Bidirectional accepted a non-list $what");
            } catch (\InvalidArgumentException $e) {
                $this->assertMatchesRegularExpression('/^Rindow\\\\NeuralNetworks\\\\Layer\\\\Bidirectional::'
                    . '(build|forward)\(\): ' . $what . ' must be a list/', $e->getMessage());
            }
        }
        $out = $bi->forward($x, true);
        try {
            $bi->backward(['d' => $dY]);
            $this->fail('Bidirectional accepted a non-list dOutputs');
        } catch (\InvalidArgumentException $e) {
            $this->assertStringContainsString("Bidirectional::backward(): dOutputs must be a list (keys 0, 1, ... "
                . "in order), string key 'd' given", $e->getMessage());
        }
        $dX = $bi->backward([$dY]);

        $fresh = self::bidirectional();
        $this->assertSame(self::flat($fresh->forward($x, true)), self::flat($out));
        $this->assertSame(self::flat($fresh->backward([$dY])[0]), self::flat($dX[0]));
    }

    public function testBidirectionalWithoutMergeRejectsANonListPair(): void
    {
        $bi = self::bidirectional(null);
        $bi->forward(self::random([2, 3, 4], 7), true);
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('Bidirectional::backward(): dOutputs[0] must be a list (keys 0, 1, ... in '
            . 'order), key 1 given at position 0');
        $bi->backward([[1 => self::random([2, 3, 5], 8), 0 => self::random([2, 3, 5], 9)]]);
    }
}
