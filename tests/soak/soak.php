<?php
/*
 * Soak test of rindow_gru: many forward + backward calls in one process on
 * varied small shapes and options, with some misuse (exceptions) mixed in;
 * memory must stay flat after a warm-up.
 *
 *   php -d extension=modules/rindow_gru.so tests/soak/soak.php [iterations] [warmup] [--no-bounds]
 *       [--device=all|cpu|opencl]
 *
 * (defaults 10000 and 1000; --no-bounds measures and exits 0, for runs
 * under ASan or valgrind, whose own memory use the bounds do not fit).
 * --device=all (the default) soaks the CPU backend, then the OpenCL backend
 * (device: 'opencl') where the build has it and a device opens (PoCL will
 * do), with the same cycle and bounds; 'opencl' fails when none opens.
 * The OpenCL soak keeps every buffer of a call on the device side (cl_mem,
 * CLBlast's and the driver's allocations), which memory_get_usage() does
 * not see: the RSS bound is what catches a leak there. One summary line
 * per backend. After the warm-up it samples memory_get_usage()
 * (the Zend heap: every emalloc of the extension and every PHP value it
 * makes) and the resident set size (/proc/self/statm: also malloc, OpenBLAS
 * and anything else) every 500 calls, and exits 1 when, from the first
 * sample after the warm-up to the last:
 *
 *   - memory_get_usage() grew by more than 16 KiB. A leak of even one
 *     smallest Zend allocation (8 bytes) per call is 72 KB over the 9,000
 *     measured calls. Measured: +0 bytes, or well under 1 KiB once per
 *     process for run-time caches of code paths first taken after the
 *     warm-up (the samples are preallocated so they do not count).
 *   - RSS grew by more than 4 MiB. The Zend heap grows by 2 MiB chunks and
 *     glibc's arenas by similar steps, so a tighter bound would flake; a
 *     malloc leak of about 500 bytes per call or more is caught.
 *
 * The warm-up builds every layer of the cycle, so nothing after it may
 * legitimately keep memory. Prints one summary line; exits 0 when flat.
 *
 * gru_soak() is also called by tests/phpunit/SoakTest.php with fewer
 * iterations.
 */

use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;

/** Resident set size in bytes, from /proc/self/statm (0 where there is none). */
function gru_soak_rss(): int
{
    $statm = @file_get_contents('/proc/self/statm');
    if ($statm === false) {
        return 0;
    }
    $fields = explode(' ', trim($statm));
    return (int)$fields[1] * 4096;
}

/**
 * Why the OpenCL backend cannot be soaked here (no --with-clblast, no
 * device), or null when it can. Opening the device compiles its kernels
 * (PoCL: seconds, cached on disk), so this also keeps that out of the
 * soak's timings.
 */
function gru_soak_opencl_unavailable(): ?string
{
    try {
        new GRU(1, device: 'opencl');
    } catch (\DomainException $e) {
        return 'built without OpenCL (configure --with-clblast)';
    }
    try {
        (new GRU(2, device: 'opencl'))->forward(NDArray::ones([1, 1, 1]));
    } catch (\RuntimeException $e) {
        return 'no OpenCL device: ' . $e->getMessage();
    }
    return null;
}

/**
 * Runs $iterations calls; returns the figures:
 * [iterations, calls_ok, exceptions, heap_growth, rss_growth, heap_samples, rss_samples, seconds].
 * $device: the layers' device option (null: the default, 'auto'). On an
 * OpenCL device without cl_khr_fp64 the float64 layers of the cycle run in
 * float32.
 */
function gru_soak(int $iterations, int $warmup, int $every = 500, ?string $device = null): array
{
    mt_srand(12345);
    $dropout = true;
    try {
        new GRU(2, dropout: 0.5, recurrent_dropout: 0.5);
    } catch (\Throwable $e) {
        $dropout = false;   // the core has dropout masks; the layer may not take the options yet
    }
    $float64 = true;
    if ($device !== null) {
        try {
            (new GRU(1, device: $device))->forward(NDArray::ones([1, 1, 1], NDArray::float64));
        } catch (\DomainException $e) {
            $float64 = false;   // an OpenCL device without fp64
        }
    }

    // The cycle of layers: options x dtype; features fixed per layer.
    $acts = ['tanh', 'sigmoid', 'hard_sigmoid', 'relu', 'linear', null];
    $configs = [];
    for ($c = 0; $c < 24; $c++) {
        $options = [
            'return_sequences' => (bool)($c & 1),
            'return_state' => (bool)($c & 2),
            'go_backwards' => (bool)($c & 4),
            'reset_after' => ($c % 3) !== 0,
            'use_bias' => ($c % 5) !== 0,
            'activation' => $acts[$c % 6],
            'recurrent_activation' => $acts[($c + 2) % 5],
        ];
        if ($dropout && $c % 4 === 3) {
            $options['dropout'] = 0.25;
            $options['recurrent_dropout'] = 0.25;
        }
        if ($device !== null) {
            $options['device'] = $device;
        }
        $configs[] = [
            'units' => 1 + ($c * 7) % 9,
            'features' => 1 + ($c * 5) % 6,
            'dtype' => $c % 7 === 6 && $float64 ? NDArray::float64 : NDArray::float32,
            'options' => $options,
        ];
    }
    $layers = [];

    $ok = 0;
    $exceptions = 0;
    // Preallocated, so that the samples themselves do not grow the heap.
    $samples = 0;
    $slots = intdiv(max(0, $iterations - $warmup), $every) + 2;
    $heap = array_fill(0, $slots, 0);
    $rss = array_fill(0, $slots, 0);
    $start = microtime(true);
    for ($i = 0; $i < $iterations; $i++) {
        $ci = $i % count($configs);
        $cfg = $configs[$ci];
        // Every 50th call a fresh layer (construct, build, free); else the cycle's.
        if ($i % 50 === 49) {
            $layer = new GRU($cfg['units'], ...$cfg['options']);
        } else {
            $layer = $layers[$ci] ??= new GRU($cfg['units'], ...$cfg['options']);
        }
        $batch = 1 + ($i * 13) % 4;
        $steps = 1 + ($i * 7) % 6;
        $units = $cfg['units'];
        $dt = $cfg['dtype'];
        $x = NDArray::zeros([$batch, $steps, $cfg['features']], $dt);
        for ($j = 0, $n = min(8, $batch * $steps); $j < $n; $j++) {
            $x[intdiv($j, $steps)][$j % $steps][$j % $cfg['features']] = sin($i + $j);
        }
        $initial = ($i % 3 === 0) ? [NDArray::ones([$batch, $units], $dt)] : null;
        $mask = null;
        if ($i % 4 === 1) {
            $m = [];
            for ($b = 0; $b < $batch; $b++) {
                for ($t = 0; $t < $steps; $t++) {
                    $m[$b][$t] = (($b + $t + $i) % 3) !== 0;
                }
            }
            $mask = NDArray::fromArray($m, NDArray::bool);
        }

        try {
            if ($i % 97 === 5) {
                // misuse: the wrong state shape, then a backward without a training forward
                try {
                    $layer->forward($x, true, [NDArray::zeros([$batch + 1, $units], $dt)]);
                } catch (\InvalidArgumentException $e) {
                    $exceptions++;
                }
                try {
                    $layer->forward($x, false);
                    $layer->backward([NDArray::zeros([1, 1], $dt)]);
                } catch (\RuntimeException $e) {
                    $exceptions++;
                }
            }
            $result = $layer->forward($x, true, $initial, $mask);
            $outputs = $cfg['options']['return_state'] ? $result[0] : $result;
            $dOut = [NDArray::ones($outputs->shape(), $dt)];
            if ($cfg['options']['return_state']) {
                $dOut[] = NDArray::ones([$batch, $units], $dt);
            }
            $grads = $layer->backward($dOut);
            if (count($grads) !== ($initial === null ? 1 : 2)) {
                throw new \LogicException('backward returned ' . count($grads) . ' arrays');
            }
            $layer->getGrads();
            if ($i % 10 === 0) {
                $clone = clone $layer;
                $clone->forward($x, false, $initial, $mask);
                unset($clone);
            }
            $ok++;
        } catch (\InvalidArgumentException | \DomainException $e) {
            $exceptions++;   // an option the layer refuses (reported by the caller as a failure)
            throw $e;
        }
        unset($layer, $result, $outputs, $dOut, $grads, $x, $initial, $mask, $m);

        if ($i + 1 >= $warmup && ($i + 1 - $warmup) % $every === 0) {
            gc_collect_cycles();
            $heap[$samples] = memory_get_usage();
            $rss[$samples++] = gru_soak_rss();
        }
    }
    gc_collect_cycles();
    $heap[$samples] = memory_get_usage();
    $rss[$samples++] = gru_soak_rss();
    $heap = array_slice($heap, 0, $samples);
    $rss = array_slice($rss, 0, $samples);
    return [
        'iterations' => $iterations,
        'calls_ok' => $ok,
        'exceptions' => $exceptions,
        'heap_growth' => end($heap) - $heap[0],
        'rss_growth' => end($rss) - $rss[0],
        'heap_max_growth' => max($heap) - $heap[0],
        'rss_max_growth' => max($rss) - $rss[0],
        'heap_first' => $heap[0],
        'rss_first' => $rss[0],
        'samples' => $samples,
        'seconds' => microtime(true) - $start,
        'dropout' => $dropout,
        'float64' => $float64,
    ];
}

const GRU_SOAK_HEAP_BOUND = 16 * 1024;
const GRU_SOAK_RSS_BOUND = 4 * 1024 * 1024;

if (PHP_SAPI === 'cli' && isset($argv[0]) && realpath($argv[0]) === __FILE__) {
    if (!extension_loaded('rindow_gru')) {
        fwrite(STDERR, "soak: rindow_gru is not loaded (php -d extension=modules/rindow_gru.so ...)\n");
        exit(2);
    }
    $args = array_values(array_filter(array_slice($argv, 1), fn ($a) => !str_starts_with($a, '--')));
    $iterations = (int)($args[0] ?? 10000);
    $warmup = (int)($args[1] ?? 1000);
    $bounds = !in_array('--no-bounds', $argv, true);
    $which = 'all';
    foreach ($argv as $a) {
        if (str_starts_with($a, '--device=')) {
            $which = substr($a, strlen('--device='));
        }
    }
    if (!in_array($which, ['all', 'cpu', 'opencl'], true)) {
        fwrite(STDERR, "soak: --device must be all, cpu or opencl, '$which' given\n");
        exit(2);
    }
    $devices = $which === 'all' ? ['cpu', 'opencl'] : [$which];
    $status = 0;
    foreach ($devices as $device) {
        if ($device === 'opencl' && ($why = gru_soak_opencl_unavailable()) !== null) {
            printf("soak: %s [opencl]: %s\n", $which === 'opencl' ? 'FAILED' : 'skipped', $why);
            $status = $which === 'opencl' ? 1 : $status;
            continue;
        }
        $r = gru_soak($iterations, $warmup, 500, $device);
        $flat = $r['heap_max_growth'] <= GRU_SOAK_HEAP_BOUND && $r['rss_max_growth'] <= GRU_SOAK_RSS_BOUND;
        printf("soak: %s [%s]: %d forward+backward calls (%d exceptions by design) in %.1f s; after %d warm-up calls, "
            . "%d samples: heap %+d bytes (max %+d, bound %d) from %d, RSS %+d bytes (max %+d, bound %d) from %d%s%s\n",
            $bounds ? ($flat ? 'OK' : 'FAILED') : 'measured (no bounds)', $device, $r['calls_ok'], $r['exceptions'],
            $r['seconds'], $warmup, $r['samples'],
            $r['heap_growth'], $r['heap_max_growth'], GRU_SOAK_HEAP_BOUND, $r['heap_first'],
            $r['rss_growth'], $r['rss_max_growth'], GRU_SOAK_RSS_BOUND, $r['rss_first'],
            $r['dropout'] ? ', with dropout' : '', $r['float64'] ? '' : ', float64 as float32 (no fp64)');
        if ($bounds && !$flat) {
            $status = 1;
        }
    }
    exit($status);
}
