<?php
namespace RindowGRUTests;

use PHPUnit\Framework\TestCase;
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\Bidirectional;
use Rindow\NeuralNetworks\Layer\GRU;
use Rindow\NeuralNetworks\Layer\GRUCell;
use RindowGRUTests\Support\Golden;

/**
 * PyTorch's torch.nn.GRU(input_size, hidden_size, num_layers=2,
 * bidirectional=True, batch_first=...) built from our layers, with the
 * weights of a real PyTorch model loaded by setPyTorchWeights(): output,
 * h_n, and every gradient (input, h_0, each weight, exported by
 * getPyTorchGrads()) against the numbers PyTorch 1.13 computed
 * (tests/data/gen_torch_gru_stack.py, float64).
 *
 * stack(), runForward() and runBackward() are the pattern the README's "Weights: Keras and
 * PyTorch" section shows.
 */
final class TorchStackTest extends TestCase
{
    /** @return array<string, array{string, int, float}> */
    public static function cases(): array
    {
        $cases = [];
        foreach (['batch_first', 'seq_first', 'no_bias'] as $name) {
            $cases["$name float64"] = ["torch_gru_stack_$name", NDArray::float64, 1e-10];
            $cases["$name float32"] = ["torch_gru_stack_$name", NDArray::float32, 1e-5];
        }
        return $cases;
    }

    private static function load(string $name): array
    {
        $path = dirname(__DIR__) . "/data/$name.json";
        return json_decode(file_get_contents($path), true, 512, JSON_THROW_ON_ERROR);
    }

    /** A {"shape","data"} entry as nested PHP arrays (what tensor.tolist() gives). */
    private static function nested(array $entry): array
    {
        $v = $entry['data'];
        foreach (array_reverse(array_slice($entry['shape'], 1)) as $d) {
            $v = array_chunk($v, $d);
        }
        return $v;
    }

    /** Slice k of a [n, batch, units] entry (h_0, h_n) as an NDArray [batch, units]. */
    private static function slice(array $entry, int $k, int $dtype): NDArray
    {
        [, $b, $h] = $entry['shape'];
        return NDArray::fromArray(array_slice($entry['data'], $k * $b * $h, $b * $h), $dtype)->reshape([$b, $h]);
    }

    /**
     * nn.GRU(I, H, num_layers, bidirectional=True, bias, batch_first) as a
     * list of Bidirectional GRUs, each returning its sequence (the next
     * layer's input) and both final states (for h_n), with the weights of
     * PyTorch's state dict: layer l reads the keys ending in _l{l} and
     * _l{l}_reverse.
     *
     * @param array $stateDict PyTorch's state dict (NDArrays or nested arrays)
     * @return list<Bidirectional>
     */
    private static function stack(array $stateDict, int $hidden, int $numLayers, bool $bias, bool $batchFirst): array
    {
        $stack = [];
        for ($l = 0; $l < $numLayers; $l++) {
            $bi = new Bidirectional(new GRU($hidden,
                return_sequences: true,
                return_state: true,
                use_bias: $bias,
                time_major: !$batchFirst,   // PyTorch's default batch_first=False is [T, B, F]
            ));
            $bi->setPyTorchWeights($stateDict, "_l$l");   // builds the layer from the weights' shapes
            $stack[] = $bi;
        }
        return $stack;
    }

    /**
     * The stack's forward: output [B, T, 2H] (or [T, B, 2H]) and h_n as
     * PyTorch orders it, [l0 forward, l0 backward, l1 forward, ...].
     *
     * @param list<NDArray> $h0 PyTorch's h_0 split on its first axis
     */
    private static function runForward(array $stack, NDArray $input, array $h0, bool $training = false): array
    {
        $x = $input;
        $hn = [];
        foreach ($stack as $l => $bi) {
            [$x, [$forward, $backward]] = $bi->forward($x, $training, [$h0[2 * $l], $h0[2 * $l + 1]]);
            $hn[] = $forward;
            $hn[] = $backward;
        }
        return [$x, $hn];
    }

    /** Backward through the stack: [dInput, dh_0 in PyTorch's order]. */
    private static function runBackward(array $stack, NDArray $dOutput, array $dHn): array
    {
        $dx = $dOutput;
        $dh0 = [];
        for ($l = count($stack) - 1; $l >= 0; $l--) {
            [$dx, $dh0[2 * $l], $dh0[2 * $l + 1]] = $stack[$l]->backward([$dx, $dHn[2 * $l], $dHn[2 * $l + 1]]);
        }
        ksort($dh0);
        return [$dx, $dh0];
    }

    private static function flat(NDArray $a): array
    {
        return Golden::flatten($a->toArray());
    }

    private function assertNumbers(array $expected, array $actual, float $tolerance, string $what): void
    {
        $this->assertCount(count($expected), $actual, $what);
        $error = Golden::maxScaledError($expected, $actual);
        $this->assertLessThanOrEqual($tolerance, $error, "$what: max scaled error $error");
    }

    /** The state dict as the test hands it: float64 NDArrays, or for float32 PyTorch's tolist() nested arrays. */
    private static function stateDict(array $case, int $dtype): array
    {
        $dict = [];
        foreach ($case['state_dict'] as $key => $entry) {
            $dict[$key] = $dtype === NDArray::float64 ? Golden::array($entry, $dtype) : self::nested($entry);
        }
        return $dict;
    }

    /** @dataProvider cases */
    public function testForwardAndBackwardMatchPyTorch(string $name, int $dtype, float $tolerance): void
    {
        $case = self::load($name);
        $c = $case['config'];
        // float32: plain arrays carry no dtype, so the unbuilt layers take float32, as build() does.
        $stack = self::stack(self::stateDict($case, $dtype), $c['hidden_size'], $c['num_layers'], $c['bias'],
            $c['batch_first']);
        foreach ($stack as $bi) {
            $this->assertSame($dtype, $bi->getParams()[0]->dtype());
        }
        $input = Golden::array($case['input'], $dtype);
        $h0 = [];
        for ($k = 0; $k < 2 * $c['num_layers']; $k++) {
            $h0[] = self::slice($case['h_0'], $k, $dtype);
        }

        [$output, $hn] = self::runForward($stack, $input, $h0, true);
        $this->assertSame($case['output']['shape'], $output->shape());
        $this->assertNumbers($case['output']['data'], self::flat($output), $tolerance, 'output');
        $this->assertNumbers($case['h_n']['data'], array_merge(...array_map([self::class, 'flat'], $hn)),
            $tolerance, 'h_n');

        $dHn = [];
        for ($k = 0; $k < 2 * $c['num_layers']; $k++) {
            $dHn[] = self::slice($case['d_h_n'], $k, $dtype);
        }
        [$dInput, $dh0] = self::runBackward($stack, Golden::array($case['d_output'], $dtype), $dHn);
        $this->assertSame($case['input']['shape'], $dInput->shape());
        $this->assertNumbers($case['grads']['input']['data'], self::flat($dInput), $tolerance, 'd input');
        $this->assertNumbers($case['grads']['h_0']['data'], array_merge(...array_map([self::class, 'flat'], $dh0)),
            $tolerance, 'd h_0');

        $grads = [];
        foreach ($stack as $l => $bi) {
            $grads += $bi->getPyTorchGrads("_l$l");
        }
        $this->assertSame(array_keys($case['state_dict']), array_keys($grads));
        foreach ($grads as $key => $grad) {
            $this->assertSame($case['grads'][$key]['shape'], $grad->shape(), $key);
            $this->assertNumbers($case['grads'][$key]['data'], self::flat($grad), $tolerance, "d $key");
        }
    }

    /** The weights exported again are PyTorch's, exactly, in its key order. */
    public function testExportGivesTheStateDictBack(): void
    {
        foreach (['batch_first', 'no_bias'] as $name) {
            $case = self::load("torch_gru_stack_$name");
            $c = $case['config'];
            $stack = self::stack(self::stateDict($case, NDArray::float64), $c['hidden_size'], $c['num_layers'],
                $c['bias'], $c['batch_first']);
            $exported = [];
            foreach ($stack as $l => $bi) {
                $exported += $bi->getPyTorchWeights("_l$l");
            }
            $this->assertSame(array_keys($case['state_dict']), array_keys($exported), $name);
            foreach ($exported as $key => $array) {
                $this->assertSame($case['state_dict'][$key]['shape'], $array->shape(), $key);
                $this->assertSame($case['state_dict'][$key]['data'], self::flat($array), $key);
            }
        }
    }

    /**
     * One direction of one layer in other forms: a GRU with the suffix
     * '_l0', and nn.GRUCell's form (GRUCell stepped by hand) reading the same
     * keys, both end in PyTorch's h_n[0] (layer 0, forward) and h_n[1]
     * (layer 0, backward: a go_backwards GRU with '_l0_reverse').
     */
    public function testSingleDirectionsMatchPyTorchsLayerZero(): void
    {
        $case = self::load('torch_gru_stack_batch_first');
        $c = $case['config'];
        $f64 = NDArray::float64;
        $dict = self::stateDict($case, $f64);
        $input = Golden::array($case['input'], $f64);

        $forward = new GRU($c['hidden_size'], return_state: true);
        $forward->setPyTorchWeights($dict);              // '_l0' is the default
        [, [$state]] = $forward->forward($input, false, [self::slice($case['h_0'], 0, $f64)]);
        $this->assertNumbers(self::flat(self::slice($case['h_n'], 0, $f64)), self::flat($state), 1e-10, 'l0 forward');

        $backward = new GRU($c['hidden_size'], return_state: true, go_backwards: true);
        $backward->setPyTorchWeights($dict, '_l0_reverse');
        [, [$state]] = $backward->forward($input, false, [self::slice($case['h_0'], 1, $f64)]);
        $this->assertNumbers(self::flat(self::slice($case['h_n'], 1, $f64)), self::flat($state), 1e-10, 'l0 backward');

        $cell = new GRUCell($c['hidden_size']);
        $cell->setPyTorchWeights($dict, '_l0');
        $h = self::slice($case['h_0'], 0, $f64);
        $x = $input->toArray();
        for ($t = 0; $t < $c['timesteps']; $t++) {
            $step = NDArray::fromArray(array_map(static fn($row) => $row[$t], $x), $f64);
            [$h] = $cell->forward($step, [$h]);
        }
        $this->assertNumbers(self::flat(self::slice($case['h_n'], 0, $f64)), self::flat($h), 1e-10, 'cell');
    }
}
