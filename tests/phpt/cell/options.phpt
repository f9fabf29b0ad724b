--TEST--
GRUCell: Rindow's constructor forms; GRU-only options are unknown
--EXTENSIONS--
rindow_gru
--FILE--
<?php
use Rindow\NeuralNetworks\Layer\GRUCell;

$a = new GRUCell(new stdClass, 6, [3], 'tanh', 'sigmoid', true, 'glorot_uniform', 'orthogonal', 'zeros', false);
$b = new GRUCell(6, input_shape: [3], reset_after: false);
var_dump($a->getConfig() === $b->getConfig());
echo implode(',', $a->outputShape()), ' ', $a->name(), "\n";
try {
    new GRUCell(5, go_backwards: true);
} catch (InvalidArgumentException $e) {
    echo get_class($e), ': ', strstr($e->getMessage(), ":", true), "\n";
}
?>
--EXPECT--
bool(true)
6 grucell
InvalidArgumentException: Unknown option 'go_backwards' in GRUCell
