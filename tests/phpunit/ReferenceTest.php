<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;
use RindowGRUTests\Support\Golden;
use RindowGRUTests\Support\ReferenceGru;

/**
 * Every option combination on odd shapes, against the plain-PHP reference
 * (tests/phpunit/Support/ReferenceGru.php), in float32 and float64.
 */
final class ReferenceTest extends TestCase
{
    public static function combinations(): array
    {
        $cases = [];
        $activations = ['tanh', 'sigmoid', 'hard_sigmoid', 'relu', 'linear', null];
        $seed = 1;
        foreach ([true, false] as $resetAfter) {
            foreach ([true, false] as $useBias) {
                foreach ([false, true] as $goBackwards) {
                    foreach ([true, false] as $returnSequences) {
                        foreach (['none', 'state', 'mask'] as $extra) {
                            $act = $activations[$seed % count($activations)];
                            $rec = $activations[($seed + 2) % count($activations)];
                            $name = sprintf('ra%d bias%d bw%d rs%d %s %s/%s', $resetAfter, $useBias, $goBackwards,
                                $returnSequences, $extra, $act ?? 'null', $rec ?? 'null');
                            $cases[$name] = [[
                                'batch' => 1 + $seed % 3, 'timesteps' => 1 + $seed % 5, 'features' => 1 + $seed % 4,
                                'units' => 1 + ($seed * 7) % 6, 'reset_after' => $resetAfter, 'use_bias' => $useBias,
                                'go_backwards' => $goBackwards, 'return_sequences' => $returnSequences,
                                'activation' => $act, 'recurrent_activation' => $rec,
                            ], $extra, $seed];
                            $seed++;
                        }
                    }
                }
            }
        }
        return $cases;
    }

    /** @dataProvider combinations */
    public function testMatchesReference(array $c, string $extra, int $seed): void
    {
        [$B, $T, $I, $H] = [$c['batch'], $c['timesteps'], $c['features'], $c['units']];
        $x = ReferenceGru::randomList($B * $T * $I, $seed);
        $W = ReferenceGru::randomList($I * 3 * $H, $seed + 100, 0.7);
        $U = ReferenceGru::randomList(3 * $H * $H, $seed + 200, 0.7);
        $bias = $c['use_bias'] ? ReferenceGru::randomList(($c['reset_after'] ? 2 : 1) * 3 * $H, $seed + 300, 0.5) : null;
        $h0 = $extra === 'state' ? ReferenceGru::randomList($B * $H, $seed + 400) : null;
        $mask = null;
        if ($extra === 'mask') {
            // an arbitrary pattern, holes in the middle and at both ends
            $mask = array_map(static fn($v) => $v > -0.3, ReferenceGru::randomList($B * $T, $seed + 500));
        }
        [$expectedOut, $expectedState] = ReferenceGru::forward($c, $x, $W, $U, $bias, $h0, $mask);

        foreach ([NDArray::float32 => 2e-5, NDArray::float64 => 1e-10] as $dtype => $tol) {
            $layer = new GRU($H, activation: $c['activation'], recurrent_activation: $c['recurrent_activation'],
                use_bias: $c['use_bias'], return_sequences: $c['return_sequences'], return_state: true,
                go_backwards: $c['go_backwards'], reset_after: $c['reset_after']);
            $kernelShape = [$I, 3 * $H];
            $recShape = $c['reset_after'] ? [$H, 3 * $H] : [3 * $H, $H];
            $weights = [NDArray::fromArray($W, $dtype)->reshape($kernelShape), NDArray::fromArray($U, $dtype)->reshape($recShape)];
            if ($bias !== null) {
                $weights[] = NDArray::fromArray($bias, $dtype)->reshape($c['reset_after'] ? [2, 3 * $H] : [3 * $H]);
            }
            $inputs = NDArray::fromArray($x, $dtype)->reshape([$B, $T, $I]);
            $layer->build($inputs, sampleWeights: $weights);
            $states = $h0 === null ? null : [NDArray::fromArray($h0, $dtype)->reshape([$B, $H])];
            $maskArray = $mask === null ? null : NDArray::fromArray($mask, NDArray::bool)->reshape([$B, $T]);
            [$out, [$state]] = $layer->forward($inputs, false, $states, $maskArray);
            $this->assertSame($c['return_sequences'] ? [$B, $T, $H] : [$B, $H], $out->shape());
            $this->assertLessThan($tol, Golden::maxScaledError($expectedOut, Golden::flatten($out->toArray())), "outputs, dtype $dtype");
            $this->assertLessThan($tol, Golden::maxScaledError($expectedState, Golden::flatten($state->toArray())), "state, dtype $dtype");
        }
    }
}
