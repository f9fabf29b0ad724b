--TEST--
GRUCell: backward([dNext_h]) returns [dInputs, [dPrev_h]] after a training forward
--EXTENSIONS--
rindow_gru
--FILE--
<?php
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRUCell;

$cell = new GRUCell(5, input_shape: [3]);
[$h] = $cell->forward(NDArray::ones([2, 3]), [NDArray::zeros([2, 5])], true);
[$dx, [$dh]] = $cell->backward([NDArray::ones([2, 5])]);
echo implode(',', $dx->shape()), ' ', implode(',', $dh->shape()), "\n";
try {
    $cell->backward([NDArray::ones([2, 5])]);
} catch (RuntimeException $e) {
    echo get_class($e), "\n";
}
?>
--EXPECT--
2,3 2,5
RuntimeException
