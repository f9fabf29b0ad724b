--TEST--
GRU: Rindow's Layer Builder call new GRU($backend, $units, ...$options) and the plain one agree
--EXTENSIONS--
rindow_gru
--FILE--
<?php
use Rindow\NeuralNetworks\Layer\GRU;

$options = ['return_sequences' => true, 'input_shape' => [4, 3]];
$a = new GRU(new stdClass, 5, ...$options);
$b = new GRU(5, return_sequences: true, input_shape: [4, 3]);
var_dump($a->getConfig() === $b->getConfig());
echo implode(',', $a->outputShape()), "\n";
try {
    new GRU(5, no_such_option: true);
} catch (InvalidArgumentException $e) {
    echo get_class($e), ': ', substr($e->getMessage(), 0, 30), "\n";
}
?>
--EXPECT--
bool(true)
4,5
InvalidArgumentException: Unknown option 'no_such_option
