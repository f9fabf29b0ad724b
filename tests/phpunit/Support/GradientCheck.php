<?php
namespace RindowGRUTests\Support;

use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;

/**
 * Central finite differences of a GRU layer's forward against its
 * backward, in float64. The loss is sum(outputs*dOut) + sum(state*dState)
 * + getRegularizationLoss() (0 without regularizers), whose gradient is
 * exactly what backward([dOut, dState]) returns. Every
 * evaluation builds a fresh layer with the same options (a `seed` option
 * then gives every training forward the same dropout masks).
 */
final class GradientCheck
{
    /** @var array<string, list<float>|null> x, W, U, b, h0 */
    public array $data;
    private ?array $mask;
    private array $dOut;
    private array $dState;

    /**
     * @param array $c batch, timesteps, features, units, reset_after, use_bias,
     *                 go_backwards, return_sequences, mask (bool), state (bool),
     *                 and optionally activation, recurrent_activation
     * @param array $options more constructor options (dropout, seed, ...)
     */
    public function __construct(private array $c, int $seed, private array $options = [])
    {
        [$B, $T, $I, $H] = [$c['batch'], $c['timesteps'], $c['features'], $c['units']];
        $this->data = [
            'x' => ReferenceGru::randomList($B * $T * $I, $seed),
            'W' => ReferenceGru::randomList($I * 3 * $H, $seed + 1, 0.8),
            'U' => ReferenceGru::randomList(3 * $H * $H, $seed + 2, 0.8),
            'b' => $c['use_bias'] ? ReferenceGru::randomList(($c['reset_after'] ? 6 : 3) * $H, $seed + 3, 0.4) : null,
            'h0' => $c['state'] ? ReferenceGru::randomList($B * $H, $seed + 4) : null,
        ];
        $this->mask = $c['mask'] ? array_map(fn($v) => $v > -0.4, ReferenceGru::randomList($B * $T, $seed + 5)) : null;
        $this->dOut = ReferenceGru::randomList($c['return_sequences'] ? $B * $T * $H : $B * $H, $seed + 6);
        $this->dState = ReferenceGru::randomList($B * $H, $seed + 7);
    }

    /** The loss for $d, or with $backward the gradients by name (x, W, U, b, h0). */
    public function run(array $d, bool $backward): float|array
    {
        $c = $this->c;
        [$B, $T, $I, $H] = [$c['batch'], $c['timesteps'], $c['features'], $c['units']];
        $f64 = NDArray::float64;
        $layer = new GRU($H, ...array_merge([
            'activation' => $c['activation'] ?? 'tanh',
            'recurrent_activation' => $c['recurrent_activation'] ?? 'sigmoid',
            'use_bias' => $c['use_bias'], 'return_sequences' => $c['return_sequences'], 'return_state' => true,
            'go_backwards' => $c['go_backwards'], 'reset_after' => $c['reset_after'],
        ], $this->options));
        $x = NDArray::fromArray($d['x'], $f64)->reshape([$B, $T, $I]);
        $weights = [NDArray::fromArray($d['W'], $f64)->reshape([$I, 3 * $H]),
            NDArray::fromArray($d['U'], $f64)->reshape($c['reset_after'] ? [$H, 3 * $H] : [3 * $H, $H])];
        if ($d['b'] !== null) {
            $weights[] = NDArray::fromArray($d['b'], $f64)->reshape($c['reset_after'] ? [2, 3 * $H] : [3 * $H]);
        }
        $layer->build($x, sampleWeights: $weights);
        $states = $d['h0'] === null ? null : [NDArray::fromArray($d['h0'], $f64)->reshape([$B, $H])];
        $mask = $this->mask === null ? null : NDArray::fromArray($this->mask, NDArray::bool)->reshape([$B, $T]);
        // training true in both modes, so that dropout (if any) is applied alike
        [$out, [$state]] = $layer->forward($x, true, $states, $mask);
        if (!$backward) {
            $loss = 0.0;
            foreach (Golden::flatten($out->toArray()) as $i => $v) {
                $loss += $v * $this->dOut[$i];
            }
            foreach (Golden::flatten($state->toArray()) as $i => $v) {
                $loss += $v * $this->dState[$i];
            }
            // the penalties of this forward's outputs and of these weights
            return $loss + $layer->getRegularizationLoss();
        }
        $shape = $c['return_sequences'] ? [$B, $T, $H] : [$B, $H];
        $dIn = $layer->backward([NDArray::fromArray($this->dOut, $f64)->reshape($shape),
            NDArray::fromArray($this->dState, $f64)->reshape([$B, $H])]);
        $grads = ['x' => Golden::flatten($dIn[0]->toArray())];
        $names = ['W', 'U', 'b'];
        foreach ($layer->getGrads() as $i => $g) {
            $grads[$names[$i]] = Golden::flatten($g->toArray());
        }
        if ($d['h0'] !== null) {
            $grads['h0'] = Golden::flatten($dIn[1]->toArray());
        }
        return $grads;
    }

    /**
     * Every element's [numeric, analytic] derivative, by name.
     *
     * @return array<string, list<array{float, float}>>
     */
    public function compare(float $eps = 1e-6): array
    {
        $analytic = $this->run($this->data, true);
        $pairs = [];
        foreach ($this->data as $name => $values) {
            if ($values === null) {
                continue;
            }
            foreach ($values as $i => $v) {
                $plus = $this->data;
                $plus[$name][$i] = $v + $eps;
                $minus = $this->data;
                $minus[$name][$i] = $v - $eps;
                $numeric = ($this->run($plus, false) - $this->run($minus, false)) / (2 * $eps);
                $pairs[$name][] = [$numeric, $analytic[$name][$i] ?? NAN];
            }
        }
        return $pairs;
    }
}
