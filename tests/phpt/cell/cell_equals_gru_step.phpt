--TEST--
GRUCell: one step with a GRU's weights equals that GRU over one timestep
--EXTENSIONS--
rindow_gru
--FILE--
<?php
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;
use Rindow\NeuralNetworks\Layer\GRUCell;

mt_srand(3);
$gru = new GRU(4, bias_initializer: 'random_uniform');
$x = NDArray::fromArray([[[0.3, -0.2, 0.5]], [[0.1, 0.4, -0.7]]]);
$h0 = NDArray::fromArray([[0.1, 0.2, 0.3, 0.4], [-0.1, 0.0, 0.5, -0.5]]);
$y = $gru->forward($x, false, [$h0]);

$cell = new GRUCell(4);
$cell->build(NDArray::zeros([2, 3]), $gru->getParams());
$next = $cell->forward(NDArray::fromArray([[0.3, -0.2, 0.5], [0.1, 0.4, -0.7]]), [$h0]);
var_dump(count($next), $next[0]->shape(), $next[0]->toArray() === $y->toArray());
?>
--EXPECT--
int(1)
array(2) {
  [0]=>
  int(2)
  [1]=>
  int(4)
}
bool(true)
