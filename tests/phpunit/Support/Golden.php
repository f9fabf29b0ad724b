<?php
namespace RindowGRUTests\Support;

use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;

/**
 * The reference cases in ../shared/golden (see its README): loading them,
 * building the layer they describe, and comparing numbers.
 */
final class Golden
{
    public static function dir(): string
    {
        $dir = getenv('RINDOW_GRU_GOLDEN_DIR') ?: dirname(__DIR__, 4) . '/shared/golden';
        if (!is_dir($dir)) {
            throw new \RuntimeException("golden cases not found at $dir (set RINDOW_GRU_GOLDEN_DIR)");
        }
        return $dir;
    }

    /** @return array<string, array{string}> case name => [path] */
    public static function cases(): array
    {
        $cases = [];
        foreach (glob(self::dir() . '/*.json') as $path) {
            $cases[basename($path, '.json')] = [$path];
        }
        ksort($cases);
        return $cases;
    }

    /**
     * Every case in both dtypes with its tolerance: float32 within 2e-5,
     * float64 within 1e-9 (relative to max(1, |expected|)).
     *
     * @return array<string, array{string, int, float}> name => [path, dtype, tolerance]
     */
    public static function casesInBothDtypes(): array
    {
        $cases = [];
        foreach (self::cases() as $name => [$path]) {
            $cases["$name float32"] = [$path, NDArray::float32, 2e-5];
            $cases["$name float64"] = [$path, NDArray::float64, 1e-9];
        }
        return $cases;
    }

    public static function load(string $path): array
    {
        return json_decode(file_get_contents($path), true, 512, JSON_THROW_ON_ERROR);
    }

    /** An NDArray of the extension from a golden {"shape","data"} entry. */
    public static function array(array $entry, int $dtype): NDArray
    {
        $data = $entry['data'];
        if ($dtype === NDArray::bool) {
            $data = array_map(static fn($v) => (bool) $v, $data);
        }
        return NDArray::fromArray($data, $dtype)->reshape($entry['shape']);
    }

    public static function layer(array $case, int $dtype, array $extra = []): GRU
    {
        $c = $case['config'];
        $layer = new GRU($c['units'], ...array_merge([
            'activation' => $c['activation'],
            'recurrent_activation' => $c['recurrent_activation'],
            'use_bias' => $c['use_bias'],
            'return_sequences' => $c['return_sequences'],
            'return_state' => true,
            'go_backwards' => $c['go_backwards'],
            'reset_after' => $c['reset_after'],
        ], $extra));
        $weights = [self::array($case['kernel'], $dtype), self::array($case['recurrent_kernel'], $dtype)];
        if ($c['use_bias']) {
            $weights[] = self::array($case['bias'], $dtype);
        }
        $layer->build(self::array($case['inputs'], $dtype), sampleWeights: $weights);
        return $layer;
    }

    /** Largest |actual - expected| / max(1, |expected|) over all elements. */
    public static function maxScaledError(array $expected, array $actual): float
    {
        if (count($expected) !== count($actual)) {
            return INF;
        }
        $worst = 0.0;
        foreach ($expected as $i => $e) {
            $a = $actual[$i];
            if (is_nan($a) || is_nan($e)) {
                return INF;
            }
            $worst = max($worst, abs($a - $e) / max(1.0, abs($e)));
        }
        return $worst;
    }

    /** Flattens a nested PHP array row-major. */
    public static function flatten(mixed $value): array
    {
        if (!is_array($value)) {
            return [$value];
        }
        $flat = [];
        array_walk_recursive($value, static function ($v) use (&$flat) {
            $flat[] = $v;
        });
        return $flat;
    }
}
