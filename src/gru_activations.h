/*
 * Activations of the GRU and their derivatives, float and double.
 *
 * Derivatives are expressed through the activation's OUTPUT y, which is what
 * the training trace keeps:
 *   linear        y = x                     dy/dx = 1
 *   tanh          y = tanh(x)               dy/dx = 1 - y^2
 *   sigmoid       y = 1 / (1 + e^-x)        dy/dx = y (1 - y)
 *   hard_sigmoid  y = clip(0.2x + 0.5, 0, 1) dy/dx = 0.2 where 0 < y < 1, else 0
 *   relu          y = max(x, 0)             dy/dx = 1 where y > 0, else 0
 *
 * float uses the vectorisable approximations of gru_fast_math.h; double
 * uses libm. Besides the scalar functions, each type gets two row helpers
 * with the switch outside the loop, so that every loop is a plain
 * element-wise loop gcc can vectorise:
 *   gru_apply_activation_<sfx>(act, x, n)    x[i] = act(x[i]), in place
 *   gru_mul_activation_grad_<sfx>(act, y, g, n)   g[i] *= act'(through y[i])
 */
#ifndef RINDOW_GRU_ACTIVATIONS_H
#define RINDOW_GRU_ACTIVATIONS_H

#include <math.h>
#include <stddef.h>

#include "gru.h"
#include "gru_fast_math.h"

/*
 * Forced inlining: the CPU backend compiles its passes for two instruction
 * sets (see gru_cpu_internal.h); an out-of-line copy of a helper would be
 * built for the baseline only and called from both.
 */
#ifndef GRU_INLINE
# if defined(__GNUC__)
#  define GRU_INLINE static inline __attribute__((always_inline))
# else
#  define GRU_INLINE static inline
# endif
#endif

#define GRU_ACT_REAL float
#define GRU_ACT_SFX(name) name##_f32
#define GRU_ACT_EXP(x) gru_fast_expf(x)
#define GRU_ACT_TANH(x) gru_fast_tanhf(x)
#include "gru_activations_tmpl.h"
#undef GRU_ACT_REAL
#undef GRU_ACT_SFX
#undef GRU_ACT_EXP
#undef GRU_ACT_TANH

#define GRU_ACT_REAL double
#define GRU_ACT_SFX(name) name##_f64
#define GRU_ACT_EXP(x) exp(x)
#define GRU_ACT_TANH(x) tanh(x)
#include "gru_activations_tmpl.h"
#undef GRU_ACT_REAL
#undef GRU_ACT_SFX
#undef GRU_ACT_EXP
#undef GRU_ACT_TANH

#endif /* RINDOW_GRU_ACTIVATIONS_H */
