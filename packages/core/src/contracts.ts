import type { DataType, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { JsonObject } from './json.js';

/** Every serializable plugin object: a class name and a JSON-only config. */
export interface Configurable {
  /** Keras class name for built-ins (`'L2'`), `'package>Name'` for third parties. */
  readonly className: string;
  /** JSON-only config; `create(getConfig())` rebuilds an equal object. */
  getConfig(): JsonObject;
}

/** A weight penalty. `apply` returns the penalty as a scalar (the term added to the loss). */
export interface Regularizer extends Configurable {
  apply(x: Tensor): Scalar;
  /** Optional analytic gradient of `apply` with respect to `x`: a fast path for training. */
  gradient?(x: Tensor): Tensor;
  /**
   * Optional: this penalty written as L1L2 factors, when it is exactly
   * `l1 * sum(|x|) + l2 * sum(x^2)` for every `x` (L1, L2 and L1L2 are). A training step then
   * computes the value and the gradient of many such terms in a few fused kernels, instead of
   * calling `apply` and `gradient` once per weight. Its answer must agree with `apply`.
   */
  asL1L2?(): L1L2Factors;
}

/** The factors of a penalty `l1 * sum(|x|) + l2 * sum(x^2)`. */
export interface L1L2Factors {
  readonly l1: number;
  readonly l2: number;
}

/** A projection applied to a weight after each optimizer step. */
export interface Constraint extends Configurable {
  apply(w: Tensor): Tensor;
}

/** Produces a weight's initial value. */
export interface Initializer extends Configurable {
  apply(shape: readonly number[], dtype?: DataType): Tensor;
}

export type LossReduction = 'mean' | 'sum' | 'none';

/**
 * A data loss. `apply` returns the reduced loss (a scalar for `'mean'`/`'sum'`, one value per
 * sample for `'none'`). `sampleWeight` has one weight per sample.
 */
export interface Loss extends Configurable {
  readonly reduction: LossReduction;
  apply(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): Tensor;
}

/** The role a weight plays in its layer. Selectors match on it. */
export type WeightRole =
  | 'kernel'
  | 'bias'
  | 'recurrentKernel'
  | 'embeddings'
  | 'depthwiseKernel'
  | 'pointwiseKernel'
  | 'gamma'
  | 'beta'
  | 'movingMean'
  | 'movingVariance'
  | (string & {});

/** What every consumer (optimizers, model-level rules, reports) knows about a weight. */
export interface WeightInfo {
  /** `layer/weight`, for example `dense_1/kernel`. */
  readonly path: string;
  readonly role: WeightRole;
  readonly trainable: boolean;
  readonly variable: Variable;
}

/** A weight together with its gradient for one step. */
export interface WeightGradient {
  readonly weight: WeightInfo;
  readonly gradient: Tensor;
}

/** Updates weights from their gradients. Implementations own their slot variables. */
export interface Optimizer extends Configurable {
  /**
   * The step size of the following steps (Keras: `optimizer.learning_rate`). Settable between
   * steps: `reduceLROnPlateau`, `learningRateScheduler` and your own callbacks set it. The setter
   * refuses a value that is not a finite number >= 0 with a `RidgeError` (`INVALID_ARGUMENT`,
   * naming `learningRate` and the value) and keeps the rate it had.
   */
  learningRate: number;
  /** Applies one step. Does not dispose the given gradients. */
  applyGradients(gradients: readonly WeightGradient[]): void;
  /** Number of steps applied so far. */
  readonly iterations: number;
  /** Frees slot variables. */
  dispose(): void;
}

/** What @ridge/core knows of a layer: enough to serialize it. @ridge/layers defines the rest. */
export interface LayerInstance extends Configurable {
  readonly name: string;
}

export type RuntimeEnvironment = 'node' | 'browser' | 'worker';

export interface BackendStartOptions {
  /** Number of threads, where the backend supports it. */
  readonly threads?: number;
  /** Where the backend's binary files (.wasm) are served from. */
  readonly wasmPaths?: string;
}

/** A tensor backend that @ridge/backend can start. */
export interface BackendEntry {
  readonly kind: 'backend';
  /** The tfjs backend name: `'wasm'`, `'cpu'`, `'webgl'`, `'webgpu'`. */
  readonly name: string;
  readonly aliases?: readonly string[];
  /** The package (or sub-entry) that registers it. */
  readonly package: string;
  /** Where it can run. */
  readonly environments: readonly RuntimeEnvironment[];
  /**
   * Starts the backend and makes it current. Resolves with a short description of the
   * configuration (threads, SIMD); rejects with the reason it cannot start.
   */
  start(options: BackendStartOptions): Promise<{ readonly details: string; readonly threads?: number }>;
  readonly manifest?: PluginManifest;
}

/** Who published an entry and which @ridge/core versions it supports. */
export interface PluginManifest {
  readonly name: string;
  readonly version: string;
  /** A semver range of @ridge/core versions, for example `^0.1.0`. */
  readonly core: string;
}
