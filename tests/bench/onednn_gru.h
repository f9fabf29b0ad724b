/*
 * oneDNN's LBR GRU as calls (tests/bench/onednn_gru.c), for bench_core's
 * paired runs. Threads: oneDNN's OpenMP runtime (omp_set_num_threads).
 */
#ifndef RINDOW_GRU_BENCH_ONEDNN_GRU_H
#define RINDOW_GRU_BENCH_ONEDNN_GRU_H

typedef struct onednn_gru onednn_gru;

/* Forward inference, forward training and backward primitives for one shape, float32, return sequences. */
onednn_gru *onednn_gru_create(long batch, long steps, long features, long units);
/* One run, its time in ms: inference forward; training forward + backward. */
double onednn_gru_forward_ms(onednn_gru *g);
double onednn_gru_train_ms(onednn_gru *g);
/* "oneDNN x.y.z (cpu runtime N, isa N)" */
const char *onednn_gru_version(void);

#endif /* RINDOW_GRU_BENCH_ONEDNN_GRU_H */
