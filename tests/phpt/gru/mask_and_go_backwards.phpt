--TEST--
GRU: a masked step carries the state; go_backwards keeps outputs aligned with input time
--EXTENSIONS--
rindow_gru
--FILE--
<?php
use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;

mt_srand(1);
$x = NDArray::fromArray([[[0.5], [-1.0], [2.0]]]);
$fwd = new GRU(2, return_sequences: true);
$out = $fwd->forward($x, false, null, NDArray::fromArray([[true, false, true]], NDArray::bool))->toArray();
var_dump($out[0][0] === $out[0][1]);   // step 1 is masked: same state as after step 0

$bwd = new GRU(2, return_sequences: true, go_backwards: true, return_state: true);
$bwd->build($x, sampleWeights: $fwd->getParams());
[$o, [$s]] = $bwd->forward($x);
$o = $o->toArray();
// Backwards, the last step run is input step 0: the final state is outputs[:,0].
var_dump($o[0][0] === $s->toArray()[0]);
// Reversing the input and running forwards gives the same states, mirrored in time.
$rev = NDArray::fromArray([[[2.0], [-1.0], [0.5]]]);
$r = $fwd->forward($rev)->toArray();
var_dump(abs($r[0][2][0] - $o[0][0][0]) < 1e-6 && abs($r[0][0][1] - $o[0][2][1]) < 1e-6);
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
