--TEST--
GRU: the seed example, [64,32,128] -> [64,32,256] and [[64,256]], first output checked by hand
--EXTENSIONS--
rindow_gru
--FILE--
<?php
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;

$gru = new GRU(256, return_sequences: true, return_state: true,
    kernel_initializer: fn($s) => NDArray::fromArray(array_fill(0, $s[0] * $s[1], 0.001))->reshape($s),
    recurrent_initializer: 'zeros');
[$outputs, $states] = $gru->forward(NDArray::ones([64, 32, 128]), true, [NDArray::zeros([64, 256])]);
echo implode(',', $outputs->shape()), "\n";
echo count($states), ' ', implode(',', $states[0]->shape()), "\n";
// With U = 0, b = 0 and every kernel entry 0.001, each pre-activation is
// 128 * 0.001 = 0.128 at the first step: h1 = (1 - s(0.128)) * tanh(0.128).
$expected = (1 - 1 / (1 + exp(-0.128))) * tanh(0.128);
// printed to 5 digits (float32 sums may round the 7th either way); the 1e-6 check follows
printf("%.5f %.5f\n", $expected, $outputs[0][0][0]);
var_dump(abs($outputs[63][0][255] - $expected) < 1e-6);
?>
--EXPECT--
64,32,256
1 64,256
0.05958 0.05958
bool(true)
