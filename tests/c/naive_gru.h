/*
 * A naive GRU in plain double loops, no BLAS, written from the semantics of
 * shared/golden/README.md independently of src/. The C tests use it as the
 * oracle for the forward and, through central finite differences, for the
 * gradients.
 */
#ifndef RINDOW_GRU_NAIVE_H
#define RINDOW_GRU_NAIVE_H

#include <stddef.h>
#include <stdint.h>

#include "gru.h"

double naive_activation(gru_activation act, double x);

/*
 * outputs: return_sequences ? [B, T, H] : [B, H]; state: [B, H].
 * kink_margin (may be NULL): the smallest distance of any pre-activation
 * fed to relu or hard_sigmoid from that function's kinks (a large number
 * when no such activation is used).
 */
void naive_gru_forward(const gru_problem *p, const double *inputs, const double *kernel,
		const double *recurrent, const double *bias, const double *initial_state,
		const uint8_t *mask, double *outputs, double *state, double *kink_margin);

/*
 * The same with dropout masks (each may be NULL): input_dropout [B, I]
 * multiplies x_t before the input projection; recurrent_dropout [B, H]
 * multiplies h_prev where it meets the recurrent kernel (h.U for all gates
 * when reset_after; h.[U_z|U_r] and (r*h).U_h otherwise); the update
 * z*h + (1-z)*hh uses the undropped h (Keras 3's GRUCell).
 */
void naive_gru_forward_dropout(const gru_problem *p, const double *inputs, const double *kernel,
		const double *recurrent, const double *bias, const double *initial_state,
		const uint8_t *mask, const double *input_dropout, const double *recurrent_dropout,
		double *outputs, double *state, double *kink_margin);

#endif
