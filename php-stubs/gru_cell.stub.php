<?php

/** @generate-class-entries */

namespace Rindow\NeuralNetworks\Layer;

/**
 * One step of a gated recurrent unit, run natively (rindow_gru extension):
 * Rindow's Rindow\NeuralNetworks\Layer\GRUCell.
 *
 * The weights have GRU's layout (kernel [features, 3*units], recurrent
 * kernel [units, 3*units] with reset_after or [3*units, units] without,
 * bias [2, 3*units] or [3*units]), so they move between GRU and GRUCell
 * unchanged: T forward() calls of a GRUCell give what one GRU gives over
 * T timesteps. It runs the GRU's core with one timestep.
 *
 *     new GRUCell(64);
 *     new GRUCell($backend, 64, input_shape: [32]);   // Rindow's builder
 *
 * Options, positional after units (Rindow's GRUCell order) or named:
 *   - int        units                  (required)
 *   - ?array     input_shape = null     [features]
 *   - ?string    activation = 'tanh'
 *   - ?string    recurrent_activation = 'sigmoid'
 *   - bool       use_bias = true
 *   - string|callable kernel_initializer = 'glorot_uniform'
 *   - string|callable recurrent_initializer = 'orthogonal'
 *   - string|callable bias_initializer = 'zeros'
 *   - bool       reset_after = true
 *   - float      dropout = 0.0, float recurrent_dropout = 0.0, ?int seed = null
 *                (as GRU's, with masks drawn afresh at each training forward())
 *   - ?string    name = null            defaults to 'grucell'
 *   - ?string    device = 'auto'        as GRU's
 *   - kernel_regularizer, recurrent_regularizer, bias_regularizer,
 *     kernel_constraint, recurrent_constraint, bias_constraint = null
 *                as GRU's (Keras's GRUCell takes these; activity_regularizer
 *                and unroll are the GRU layer's). getLosses(),
 *                getRegularizationLoss() and applyConstraints() as GRU's.
 *                Each backward() adds the weight penalties' gradients to
 *                getGrads() once: a loop that sums getGrads() over the steps
 *                of a sequence counts them once per step, so add them once
 *                per sequence instead (or regularize the GRU layer).
 *
 * backward() follows the last forward() run with training true, or, as
 * Rindow's RNN layers call cells, the forward() that was given the same
 * $calcState object: a training forward() with a $calcState keeps what its
 * backward() needs in that object (two properties named rindow_gru_step*),
 * so the steps of a sequence can be differentiated in reverse order.
 *
 * @not-serializable
 */
class GRUCell
{
	/**
	 * @param object|int|null $backend Rindow's backend, or the units when
	 *                                 called without one.
	 */
	public function __construct(object|int|null $backend = null, mixed ...$options) {}

	/**
	 * Creates the weights. $inputs is an NDArray [batch, features], a shape
	 * [features], or null to use input_shape. $sampleWeights as GRU's.
	 *
	 * @param array|null $sampleWeights
	 */
	public function build(mixed $inputs = null, ?array $sampleWeights = null): void {}

	/**
	 * One step.
	 *
	 * @param object $inputs [batch, features]
	 * @param array $states [h [batch, units]]
	 * @param mixed $training true keeps what backward() needs
	 * @param object|null $calcState Rindow's per-step state object; a
	 *        training forward() keeps its record there for backward()
	 * @return array [next_h [batch, units]]
	 */
	public function forward(object $inputs, array $states, mixed $training = null, ?object $calcState = null): array {}

	/**
	 * Gradients of the last forward() run with training true. Weight
	 * gradients land in getGrads() (overwritten, not accumulated), with the
	 * regularizers' gradients added.
	 *
	 * @param array $dStates [dNext_h [batch, units]]
	 * @param object|null $calcState the object given to that step's forward()
	 * @return array [dInputs [batch, features], [dPrev_h [batch, units]]]
	 */
	public function backward(array $dStates, ?object $calcState = null): array {}

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
	 * nn.GRUCell's keys have no suffix (the default); '_l0' etc. reads
	 * one layer of an nn.GRU.
	 * Copies, of the params' array family. Only reset_after true has
	 * PyTorch's semantics: reset_after false is a DomainException. An
	 * unbuilt layer is a RuntimeException.
	 *
	 * @return array
	 */
	public function getPyTorchWeights(string $suffix = ''): array {}

	/**
	 * getGrads() in PyTorch's layout and names (see getPyTorchWeights()):
	 * what the weights' .grad would hold after the same backward.
	 *
	 * @return array
	 */
	public function getPyTorchGrads(string $suffix = ''): array {}

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
	public function setPyTorchWeights(array $stateDict, string $suffix = ''): void {}

	/** @return array [units] */
	public function outputShape(): array {}

	/** @return array|null [features] */
	public function inputShape(): ?array {}

	/** @return array */
	public function getConfig(): array {}

	/**
	 * The weight penalties (kernel, recurrent kernel, bias; each that has a
	 * regularizer), computed now, as Keras's layer.losses.
	 *
	 * @return array<int, float>
	 */
	public function getLosses(): array {}

	/** The sum of getLosses(). */
	public function getRegularizationLoss(): float {}

	/** Applies the weight constraints to getParams() in place (after each optimizer step). */
	public function applyConstraints(): void {}

	public function name(): string {}

	public function isBuilt(): bool {}
}
