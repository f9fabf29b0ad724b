<?php
// The seed example: Rindow's GRU documentation example, run natively.
// inputs [64,32,128], 256 units, return_sequences and return_state, one
// initial state [64,256] -> outputs [64,32,256] and states [[64,256]].
//
//   php -d extension=modules/rindow_gru.so examples/seed_example.php

use Rindow\GRU\NDArray;
use Rindow\NeuralNetworks\Layer\GRU;

$gru = new GRU(256, return_sequences: true, return_state: true);

$inputs = NDArray::ones([64, 32, 128]);
$initialStates = [NDArray::zeros([64, 256])];

$start = hrtime(true);
[$outputs, $states] = $gru->forward($inputs, true, $initialStates);
$ms = (hrtime(true) - $start) / 1e6;

printf("outputs: [%s]\n", implode(',', $outputs->shape()));
printf("states:  [[%s]]\n", implode(',', $states[0]->shape()));
printf("outputs[0][31][0..3]: %s\n", implode(', ', array_map(
    fn($v) => sprintf('%.6f', $v), array_slice($outputs[0][31]->toArray(), 0, 4))));
printf("forward (training) took %.1f ms on %s\n", $ms, Rindow\GRU\Runtime::info()["blas_core"]);
