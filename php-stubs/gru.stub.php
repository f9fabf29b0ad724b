<?php

/** @generate-class-entries */

namespace Rindow\NeuralNetworks\Layer;

/**
 * Gated recurrent unit layer, run natively (rindow_gru extension).
 *
 * Same constructor, methods, weight layouts and numbers as Rindow's
 * Rindow\NeuralNetworks\Layer\GRU: gate order z, r, h; kernel
 * [features, 3*units]; recurrent kernel [units, 3*units] with reset_after
 * (the default) or [3*units, units] without; bias [2, 3*units] with
 * reset_after or [3*units] without.
 *
 * Two ways to construct it:
 *
 *     new GRU(256, return_sequences: true);                 // plain
 *     new GRU($backend, 256, return_sequences: true);       // Rindow's Layer Builder
 *
 * Options, positional after units or named (Rindow's names and defaults):
 *   - int        units                  (required) size of the state
 *   - ?array     input_shape = null     [timesteps, features]; timesteps may be null
 *   - ?string    activation = 'tanh'    tanh, sigmoid, hard_sigmoid, relu, linear (null = linear)
 *   - ?string    recurrent_activation = 'sigmoid'
 *   - bool       use_bias = true
 *   - string|callable kernel_initializer = 'glorot_uniform'
 *   - string|callable recurrent_initializer = 'orthogonal'
 *   - string|callable bias_initializer = 'zeros'
 *       names: zeros, ones, glorot_uniform, glorot_normal, he_uniform,
 *       he_normal, lecun_uniform, lecun_normal, orthogonal,
 *       random_uniform, random_normal; a callable gets ($shape, $nodeNum)
 *       and returns an NDArray of that shape.
 *   - bool       return_sequences = false
 *   - bool       return_state = false
 *   - bool       go_backwards = false
 *   - bool       stateful = false
 *   - bool       reset_after = true
 *   - ?string    name = null            defaults to 'gru'
 * Keras's dropout options, after Rindow's (so Rindow's positional order holds):
 *   - float      dropout = 0.0          fraction of the input features dropped, [0, 1)
 *   - float      recurrent_dropout = 0.0  fraction of the recurrent state dropped, [0, 1)
 *   - ?int       seed = null            seed of the dropout masks; null = drawn
 *                                       from mt_rand() at construction
 * This extension's, after Keras's:
 *   - ?string    device = 'auto'        'cpu' (OpenBLAS), 'opencl' (CLBlast on the
 *                                       OpenCL device named by the ini settings
 *                                       rindow_gru.opencl_platform and
 *                                       rindow_gru.opencl_device, -1 = any, a GPU
 *                                       first), or 'auto': an OpenCL GPU when there
 *                                       is one, else the CPU. 'opencl' in a build
 *                                       without --with-clblast is a DomainException;
 *                                       no OpenCL device, a RuntimeException naming
 *                                       the OpenCL error, at the first forward().
 *                                       getConfig() lists it when not 'auto'.
 *   - bool       time_major = false     inputs [timesteps, batch, features] and, with
 *                                       return_sequences, outputs [timesteps, batch,
 *                                       units] (Keras's option); masks stay
 *                                       [batch, timesteps]. Done by a transpose
 *                                       copy around the core (a core taking
 *                                       strides would avoid it). getConfig()
 *                                       lists it when true.
 * Keras's remaining options, after this extension's:
 *   - kernel_regularizer = null, recurrent_regularizer = null,
 *     bias_regularizer = null         penalties on the weights
 *   - activity_regularizer = null      penalty on the layer's outputs
 *       A regularizer is 'l1', 'l2' or 'l1_l2' (also Keras's class names
 *       'L1', 'L2', 'L1L2') with Keras's factor 0.01 for each named
 *       penalty, or the factors ['l1' => 0.001, 'l2' => 0.01] (either or
 *       both, non-negative). The penalty is Keras's:
 *       l1 * sum(|w|) + l2 * sum(w^2) (no 1/2 on l2).
 *   - kernel_constraint = null, recurrent_constraint = null,
 *     bias_constraint = null
 *       'max_norm' (max_value = 2, axis = 0), 'non_neg', 'unit_norm'
 *       (axis = 0) or 'min_max_norm' (min_value = 0, max_value = 1,
 *       rate = 1, axis = 0), with Keras's defaults; or with parameters,
 *       the name first: ['max_norm', 'max_value' => 3, 'axis' => 1].
 *       axis is 0, 1, -1, -2 or a list of them ([0, 1]: one norm over the
 *       whole weight); it must fit the weight (the bias is 1-D without
 *       reset_after). With n the L2 norms over axis and eps = 1e-7
 *       (Keras's epsilon): max_norm w * min(n, max_value) / (eps + n);
 *       unit_norm w / (eps + n); min_max_norm
 *       w * (rate * clip(n, min_value, max_value) + (1 - rate) * n) / (eps + n);
 *       non_neg max(w, 0). max_value and min_value are non-negative,
 *       min_value <= max_value, rate in [0, 1].
 *   - bool       unroll = false         accepted for Keras compatibility; no
 *                                       effect (the native loop needs no unrolling)
 *   getConfig() lists each of them when set, in the form the constructor
 *   takes (regularizers as their factors, constraints as [name, parameters]).
 *
 * Regularization, as Keras's layer.losses:
 *   - getLosses() lists the penalties: first the activity penalties of the
 *     last forward() (training or not), one for the outputs and, with
 *     return_state, one for the state (Keras penalizes every output
 *     tensor), each divided by the batch size (as Keras 2 and current
 *     Keras 3 do); then the weight penalties of the current weights, in
 *     getParams() order, one per weight that has a regularizer.
 *     getRegularizationLoss() is their sum: add it to the loss.
 *   - backward() adds the weight penalties' gradients to getGrads() after
 *     the core has written them, and adds the activity penalty's gradient
 *     to the incoming dOutputs (and dState with return_state; a missing
 *     dState counts as zeros). So getGrads() is the gradient of
 *     loss + getRegularizationLoss().
 *   - Keras's optimizers apply the constraints after each update; here
 *     call applyConstraints() after the optimizer step has updated
 *     getParams(). A Rindow integration would call it from its optimizer
 *     or training loop (Rindow's optimizers know no constraints).
 * All of it is host-side arithmetic on the params and grads, the same with
 * device 'opencl'.
 *
 * Dropout (Keras 3's GRUCell semantics): only in a forward() with training
 * true, and only for a rate in (0, 1). Each such forward() draws fresh
 * masks, Bernoulli(1 - rate) scaled by 1 / (1 - rate) (inverted dropout, so
 * the expected value is unchanged), one per sequence and reused at every
 * timestep: the input mask [batch, features] multiplies x_t before the input
 * projection (all three gates); the recurrent mask [batch, units] multiplies
 * h_prev where it meets the recurrent kernel (h.U with reset_after;
 * h.[U_z|U_r] and (r*h).U_h without), while the update
 * h' = z*h_prev + (1-z)*hh mixes in the undropped h_prev, as Keras 3 does.
 * Unlike Keras 3, which draws a separate mask per gate, one mask serves all
 * three gates. backward() uses the masks of the forward() it follows.
 * getConfig() lists dropout, recurrent_dropout and seed only when they are
 * not the defaults. A clone continues the same dropout random stream.
 *
 * An unknown option is an InvalidArgumentException that names it, as is an
 * invalid dropout rate, seed, regularizer or constraint.
 * Random initializers draw from a generator seeded by mt_rand(), so
 * mt_srand($seed) before construction makes the weights reproducible (and
 * the dropout masks, when seed is null).
 *
 * @not-serializable
 */
class GRU
{
	/**
	 * @param object|int|null $backend Rindow's backend, or the units when
	 *                                 called without one.
	 */
	public function __construct(object|int|null $backend = null, mixed ...$options) {}

	/**
	 * Creates the weights. $inputs is an NDArray [batch, timesteps, features]
	 * (or a list holding one), a shape [timesteps, features], or null to use
	 * input_shape. $sampleWeights = [kernel, recurrentKernel, bias] (bias
	 * only with use_bias) sets the weights instead of the initializers.
	 *
	 * @param array|null $sampleWeights
	 */
	public function build(mixed $inputs = null, ?array $sampleWeights = null): void {}

	/**
	 * Runs the whole sequence.
	 *
	 * @param object $inputs [batch, timesteps, features]
	 * @param mixed $training true keeps what backward() needs
	 * @param array|null $initialStates [state [batch, units]]
	 * @param object|null $mask [batch, timesteps], false = skip that step
	 * @return object|array outputs ([batch, timesteps, units] with
	 *         return_sequences, else [batch, units]); with return_state
	 *         [outputs, [state]]
	 */
	public function forward(object $inputs, mixed $training = null, ?array $initialStates = null, ?object $mask = null): object|array {}

	/**
	 * Backward through time for the last forward() run with training true.
	 * Weight gradients land in getGrads() (overwritten, not accumulated),
	 * with the regularizers' gradients added.
	 *
	 * @param array $dOutputs [dOutputs] or [dOutputs, dState]
	 * @return array [dInputs], or [dInputs, dInitialState] when
	 *         forward() was given initial states
	 */
	public function backward(array $dOutputs): array {}

	/** Same as forward(). */
	public function __invoke(object $inputs, mixed $training = null, ?array $initialStates = null, ?object $mask = null): object|array {}

	/** @return array [kernel, recurrentKernel, bias] (bias only with use_bias) */
	public function getParams(): array {}

	/** @return array gradients of the params, same order and shapes */
	public function getGrads(): array {}

	/**
	 * The weights in Keras's layout, as Keras's get_weights() lists them:
	 * [kernel [features, 3*units], recurrent_kernel [units, 3*units],
	 * bias ([2, 3*units] with reset_after, [3*units] without; only with
	 * use_bias)], gates z, r, h. They are copies, of the params' array
	 * family. Only the recurrent kernel of reset_after false differs from
	 * getParams(): Keras's column block g is Rindow's row block g. An
	 * unbuilt layer has none: [].
	 *
	 * @return array
	 */
	public function getWeights(): array {}

	/**
	 * Sets the weights from Keras's layout (see getWeights()), as Keras's
	 * set_weights(): both reset_after variants load as Keras saved them.
	 * Values are copied into the params in place (whoever holds
	 * getParams(), such as an optimizer, sees them) and converted to the
	 * layer's dtype. An unbuilt layer is built from them (unlike Keras,
	 * which needs a built layer): features from the kernel's shape, dtype
	 * that of the first NDArray given (float32 for PHP arrays). Each
	 * weight is an NDArray-like object (float32 or float64) or nested PHP
	 * arrays of numbers. A wrong count, shape or dtype is an
	 * InvalidArgumentException naming the weight, and changes nothing.
	 *
	 * @param array $weights [kernel, recurrent_kernel(, bias)]
	 */
	public function setWeights(array $weights): void {}

	/**
	 * The weights as PyTorch's (and OneFlow's) nn.GRU state dict has them,
	 * for the layer $suffix names: ['weight_ih'.$suffix [3*units, features],
	 * 'weight_hh'.$suffix [3*units, units], 'bias_ih'.$suffix [3*units],
	 * 'bias_hh'.$suffix [3*units]] (the biases only with use_bias). Gate
	 * blocks r, z, n (Rindow's r, z, h); each matrix is the transpose of
	 * Rindow's block, bias_ih is Rindow's bias row 0 and bias_hh row 1.
	 * Suffixes as PyTorch names its layers: '_l0', '_l1', ...,
	 * '_l0_reverse' for the backward direction of a bidirectional layer.
	 * Copies, of the params' array family. Only reset_after true has
	 * PyTorch's semantics: reset_after false is a DomainException. An
	 * unbuilt layer is a RuntimeException.
	 *
	 * @return array
	 */
	public function getPyTorchWeights(string $suffix = '_l0'): array {}

	/**
	 * getGrads() in PyTorch's layout and names (see getPyTorchWeights()):
	 * what the weights' .grad would hold after the same backward.
	 *
	 * @return array
	 */
	public function getPyTorchGrads(string $suffix = '_l0'): array {}

	/**
	 * Sets the weights from a PyTorch (or OneFlow) nn.GRU state dict: takes
	 * the keys with $suffix (see getPyTorchWeights()) and ignores the
	 * others, so a whole multi-layer state dict can be handed to each layer
	 * with its suffix. Values are NDArray-like objects or nested PHP arrays
	 * of numbers (tensor.tolist()). PyTorch's bias=False is use_bias false.
	 * A missing key, a bias key for a layer without use_bias, or a wrong
	 * shape is an InvalidArgumentException naming the key (and the shapes)
	 * that changes nothing; reset_after false is a DomainException. Copies
	 * and builds as setWeights().
	 *
	 * @param array $stateDict key => NDArray or nested array
	 */
	public function setPyTorchWeights(array $stateDict, string $suffix = '_l0'): void {}

	/** @return array [timesteps, units] or [units] */
	public function outputShape(): array {}

	/** @return array|null [timesteps, features] */
	public function inputShape(): ?array {}

	/** @return array [[units]] */
	public function statesShapes(): array {}

	/** @return array */
	public function getConfig(): array {}

	/**
	 * The regularization penalties, as Keras's layer.losses: the activity
	 * penalties of the last forward() (outputs, then state with
	 * return_state), then those of the weights that have a regularizer
	 * (kernel, recurrent kernel, bias), computed now. Empty without
	 * regularizers.
	 *
	 * @return array<int, float>
	 */
	public function getLosses(): array {}

	/** The sum of getLosses(), 0.0 without regularizers. */
	public function getRegularizationLoss(): float {}

	/**
	 * Applies the weight constraints to getParams() in place; call it after
	 * each optimizer step, as Keras's optimizers do. Does nothing without
	 * constraints or before build.
	 */
	public function applyConstraints(): void {}

	public function name(): string {}

	public function setName(string $name): void {}

	public function isBuilt(): bool {}

	/** Forgets the state a stateful layer carries between forward() calls. */
	public function resetStates(): void {}
}
