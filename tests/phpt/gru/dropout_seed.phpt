--TEST--
GRU: dropout and recurrent_dropout with a seed are reproducible, and only act when training
--EXTENSIONS--
rindow_gru
--FILE--
<?php
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;

function run(int $seed, bool $training): array {
    mt_srand(3);   // same initial weights for every layer
    $gru = new GRU(4, return_sequences: true, dropout: 0.5, recurrent_dropout: 0.3, seed: $seed);
    $x = NDArray::ones([2, 5, 3], NDArray::float64);
    return $gru->forward($x, $training)->toArray();
}
var_dump(run(42, true) === run(42, true));
var_dump(run(42, true) !== run(43, true));
var_dump(run(42, false) === run(43, false));
var_dump(run(42, true) !== run(42, false));
$config = (new GRU(4, dropout: 0.5, seed: 42))->getConfig()['options'];
echo $config['dropout'], ' ', $config['seed'], ' ', isset($config['recurrent_dropout']) ? 'set' : 'unset', "\n";
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
0.5 42 unset
