<?php

/** @generate-class-entries */

namespace Rindow\NeuralNetworks\Layer;

/**
 * Bidirectional wrapper of a GRU, as Keras's Bidirectional, run natively
 * (rindow_gru extension).
 *
 *     new Bidirectional(new GRU(64, return_sequences: true));
 *     new Bidirectional($gru, merge_mode: 'sum', backward_layer: $other);
 *     new Bidirectional($backend, $gru, ...);          // Rindow's builder
 *
 * The given layer is the forward direction itself (its weights are the
 * first half of getParams()). The backward direction is backward_layer
 * when given (a GRU whose go_backwards is the opposite of the layer's and
 * whose return_sequences and return_state match), else a fresh copy of the
 * layer's configuration with go_backwards flipped and new weights.
 *
 * Outputs as Keras's: the backward direction's sequence is aligned with
 * input time (outputs[:, t] of both directions belong to input step t), and
 * merged by merge_mode: 'concat' (the default, on the last axis: forward
 * units first), 'sum', 'mul', 'ave', or null for the list [forward,
 * backward]. With return_state: [outputs, [forwardState, backwardState]].
 * A mask applies to both directions.
 *
 * Regularizers and constraints are the GRU's options: the backward
 * direction made here copies the layer's configuration, so it has the
 * same. getLosses() lists the forward layer's penalties, then the backward
 * layer's (each as GRU::getLosses()); applyConstraints() applies both
 * layers' constraints.
 *
 * On the CPU both directions' input projections run as one GEMM,
 * [batch*timesteps, features] x [features, 6*units] (the two kernels side
 * by side), and each direction reads its half. Each direction projects for
 * itself, to the same numbers, with time_major, on OpenCL (where the
 * projection stays on the device), for directions of different units, and
 * in training with dropout (each direction draws its own input mask).
 *
 * @not-serializable
 */
class Bidirectional
{
	/**
	 * @param object $layer the GRU, or Rindow's backend followed by the GRU
	 */
	public function __construct(object $layer, mixed ...$options) {}

	/**
	 * Builds both directions. $sampleWeights: the forward layer's weights,
	 * then the backward layer's (as getParams() lists them).
	 *
	 * @param array|null $sampleWeights
	 */
	public function build(mixed $inputs = null, ?array $sampleWeights = null): void {}

	/**
	 * @param object $inputs [batch, timesteps, features]
	 * @param mixed $training true keeps what backward() needs
	 * @param array|null $initialStates [forwardState, backwardState]
	 * @param object|null $mask [batch, timesteps], false = skip that step
	 * @return object|array merged outputs (a list [forward, backward] for a
	 *         null merge_mode); with return_state
	 *         [outputs, [forwardState, backwardState]]
	 */
	public function forward(object $inputs, mixed $training = null, ?array $initialStates = null, ?object $mask = null): object|array {}

	/**
	 * @param array $dOutputs [dOutputs] or [dOutputs, dForwardState,
	 *        dBackwardState]; dOutputs is a list [dForward, dBackward] for a
	 *        null merge_mode
	 * @return array [dInputs], or [dInputs, dForwardInitialState,
	 *         dBackwardInitialState] when forward() was given initial states
	 */
	public function backward(array $dOutputs): array {}

	/** Same as forward(). */
	public function __invoke(object $inputs, mixed $training = null, ?array $initialStates = null, ?object $mask = null): object|array {}

	/** @return array the forward layer's params, then the backward layer's */
	public function getParams(): array {}

	/** @return array gradients of the params, same order and shapes */
	public function getGrads(): array {}

	/**
	 * The forward layer's getWeights(), then the backward layer's, as
	 * Keras's Bidirectional lists them.
	 *
	 * @return array
	 */
	public function getWeights(): array {}

	/**
	 * The forward layer's weights, then the backward layer's, each as
	 * GRU::setWeights() takes them. Both are checked before either changes.
	 *
	 * @param array $weights
	 */
	public function setWeights(array $weights): void {}

	/**
	 * The forward layer's entries with $suffix and the backward layer's
	 * with $suffix.'_reverse', as nn.GRU(bidirectional=True) names them.
	 *
	 * @return array
	 */
	public function getPyTorchWeights(string $suffix = '_l0'): array {}

	/**
	 * getGrads() in PyTorch's layout and names (see getPyTorchWeights()).
	 *
	 * @return array
	 */
	public function getPyTorchGrads(string $suffix = '_l0'): array {}

	/**
	 * GRU::setPyTorchWeights() for the forward layer with $suffix and the
	 * backward layer with $suffix.'_reverse'. Both are checked before either
	 * changes.
	 *
	 * @param array $stateDict key => NDArray or nested array
	 */
	public function setPyTorchWeights(array $stateDict, string $suffix = '_l0'): void {}

	/** @return array the layer's output shape, last axis doubled for concat */
	public function outputShape(): array {}

	/** @return array ['merge_mode' => ..., 'layer' => config, 'backward_layer' => config] */
	public function getConfig(): array {}

	/**
	 * The forward layer's penalties, then the backward layer's.
	 *
	 * @return array<int, float>
	 */
	public function getLosses(): array {}

	/** The sum of getLosses(). */
	public function getRegularizationLoss(): float {}

	/** Applies both layers' weight constraints in place (after each optimizer step). */
	public function applyConstraints(): void {}

	public function getForwardLayer(): GRU {}

	public function getBackwardLayer(): GRU {}

	public function name(): string {}

	public function isBuilt(): bool {}
}
