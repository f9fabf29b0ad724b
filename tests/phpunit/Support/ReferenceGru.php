<?php
namespace RindowGRUTests\Support;

/**
 * A plain-PHP GRU written straight from the semantics in
 * shared/golden/README.md, in double precision, with no shortcut: the
 * independent reference for shapes and options the golden files do not
 * cover. Arrays are flat, row-major PHP lists.
 */
final class ReferenceGru
{
    public static function activate(?string $name, float $x): float
    {
        return match ($name) {
            'tanh' => tanh($x),
            'sigmoid' => 1.0 / (1.0 + exp(-$x)),
            'hard_sigmoid' => max(0.0, min(1.0, 0.2 * $x + 0.5)),
            'relu' => max(0.0, $x),
            'linear', null => $x,
        };
    }

    /**
     * @param array $c config: batch, timesteps, features, units, reset_after,
     *                 use_bias, go_backwards, return_sequences, activation,
     *                 recurrent_activation
     * @return array{0: array, 1: array} [outputs, state], flat
     */
    public static function forward(array $c, array $x, array $kernel, array $recurrent, ?array $bias,
        ?array $h0, ?array $mask): array
    {
        [$B, $T, $I, $H] = [$c['batch'], $c['timesteps'], $c['features'], $c['units']];
        $h = $h0 ?? array_fill(0, $B * $H, 0.0);
        $outputs = $c['return_sequences'] ? array_fill(0, $B * $T * $H, 0.0) : null;
        $order = $c['go_backwards'] ? range($T - 1, 0) : range(0, $T - 1);
        foreach ($order as $t) {
            $next = $h;
            for ($b = 0; $b < $B; $b++) {
                if ($mask !== null && !$mask[$b * $T + $t]) {
                    continue;
                }
                // x·W + b_in, gate blocks z, r, h
                $xw = array_fill(0, 3 * $H, 0.0);
                for ($j = 0; $j < 3 * $H; $j++) {
                    $s = 0.0;
                    for ($i = 0; $i < $I; $i++) {
                        $s += $x[($b * $T + $t) * $I + $i] * $kernel[$i * 3 * $H + $j];
                    }
                    if ($c['use_bias']) {
                        $s += $bias[$j];
                    }
                    $xw[$j] = $s;
                }
                $z = $r = [];
                if ($c['reset_after']) {
                    $hu = array_fill(0, 3 * $H, 0.0);
                    for ($j = 0; $j < 3 * $H; $j++) {
                        $s = 0.0;
                        for ($k = 0; $k < $H; $k++) {
                            $s += $h[$b * $H + $k] * $recurrent[$k * 3 * $H + $j];
                        }
                        if ($c['use_bias']) {
                            $s += $bias[3 * $H + $j];
                        }
                        $hu[$j] = $s;
                    }
                    for ($j = 0; $j < $H; $j++) {
                        $z[$j] = self::activate($c['recurrent_activation'], $xw[$j] + $hu[$j]);
                        $r[$j] = self::activate($c['recurrent_activation'], $xw[$H + $j] + $hu[$H + $j]);
                        $hh = self::activate($c['activation'], $xw[2 * $H + $j] + $r[$j] * $hu[2 * $H + $j]);
                        $next[$b * $H + $j] = $z[$j] * $h[$b * $H + $j] + (1 - $z[$j]) * $hh;
                    }
                } else {
                    // recurrent kernel [3H, H]: row blocks Uz, Ur, Uh
                    $dot = static function (array $v, int $block, int $j) use ($recurrent, $H): float {
                        $s = 0.0;
                        for ($k = 0; $k < $H; $k++) {
                            $s += $v[$k] * $recurrent[($block * $H + $k) * $H + $j];
                        }
                        return $s;
                    };
                    $hb = array_slice($h, $b * $H, $H);
                    for ($j = 0; $j < $H; $j++) {
                        $z[$j] = self::activate($c['recurrent_activation'], $xw[$j] + $dot($hb, 0, $j));
                        $r[$j] = self::activate($c['recurrent_activation'], $xw[$H + $j] + $dot($hb, 1, $j));
                    }
                    $rh = [];
                    for ($k = 0; $k < $H; $k++) {
                        $rh[$k] = $r[$k] * $hb[$k];
                    }
                    for ($j = 0; $j < $H; $j++) {
                        $hh = self::activate($c['activation'], $xw[2 * $H + $j] + $dot($rh, 2, $j));
                        $next[$b * $H + $j] = $z[$j] * $hb[$j] + (1 - $z[$j]) * $hh;
                    }
                }
            }
            $h = $next;
            if ($outputs !== null) {
                for ($b = 0; $b < $B; $b++) {
                    for ($j = 0; $j < $H; $j++) {
                        $outputs[($b * $T + $t) * $H + $j] = $h[$b * $H + $j];
                    }
                }
            }
        }
        return [$outputs ?? $h, $h];
    }

    /** Deterministic pseudo-random floats in [-scale, scale), independent of PHP's RNG state. */
    public static function randomList(int $n, int $seed, float $scale = 1.0): array
    {
        $out = [];
        $state = $seed * 2654435761 % 4294967296 + 1;
        for ($i = 0; $i < $n; $i++) {
            $state = (1103515245 * $state + 12345) % 2147483648;
            $out[] = ($state / 2147483648.0 * 2.0 - 1.0) * $scale;
        }
        return $out;
    }
}
