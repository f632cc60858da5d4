import type { L1L2Factors } from '@ridge/core';
import { tf } from './tfjs.js';
import { findFeature } from '../model/features.js';

/**
 * The value and gradient of penalties of the form `l1 * sum(|x|) + l2 * sum(x^2)` (L1, L2, L1L2:
 * every regularizer with `asL1L2`), computed for a training step with as few kernels as each
 * backend allows. The generic path (`apply` then `gradient`) costs five kernels and two freshly
 * uploaded scalars per L2 term, and its `sum` is the slowest reduction tfjs-backend-wasm has.
 *
 * - With `@ridge/layers/fused` (which `@ridge/layers` imports), one kernel on cpu, and on wasm
 *   where WebAssembly SIMD runs: see l1l2-kernel.ts.
 * - Otherwise (`@ridge/layers/base` alone, other backends, wasm without SIMD): the generic ops,
 *   with the factors as scalars kept for the fit. The same values, more kernels.
 */
/** Constants kept for the life of one fit or evaluation; `dispose` frees them all. */
export class ConstantCache {
  readonly #scalars = new Map<number, tf.Scalar>();
  readonly #vectors = new Map<string, tf.Tensor1D>();

  get(value: number): tf.Scalar {
    let s = this.#scalars.get(value);
    if (s === undefined || s.isDisposed) {
      s = tf.keep(tf.scalar(value));
      this.#scalars.set(value, s);
    }
    return s;
  }

  vector(values: readonly number[]): tf.Tensor1D {
    const key = values.join(',');
    let v = this.#vectors.get(key);
    if (v === undefined || v.isDisposed) {
      v = tf.keep(tf.tensor1d(values as number[], 'float32'));
      this.#vectors.set(key, v);
    }
    return v;
  }

  dispose(): void {
    tf.dispose([...this.#scalars.values(), ...this.#vectors.values()]);
    this.#scalars.clear();
    this.#vectors.clear();
  }
}

/**
 * A scalar on the device and a factor on the host whose product is a penalty's value. Leaving the
 * factor on the host lets a step scale all its penalty values with one kernel (see `scaledStack`).
 */
export interface ScaledValue {
  readonly value: tf.Scalar;
  readonly factor: number;
}

/** The values, each times its factor, as one vector: one stack and at most one multiplication. */
export function scaledStack(values: readonly ScaledValue[], constants: ConstantCache): tf.Tensor1D {
  const stacked = tf.stack(values.map((v) => v.value)) as tf.Tensor1D;
  if (values.every((v) => v.factor === 1)) return stacked;
  const product = tf.mul(stacked, constants.vector(values.map((v) => v.factor))) as tf.Tensor1D;
  stacked.dispose();
  return product;
}

export interface L1L2Term extends ScaledValue {
  /** `value * factor` is `valueScale * (l1 * sum(|x|) + l2 * sum(x^2))`. */
  readonly value: tf.Scalar;
  /** `g + gradScale * (l1 * sign(x) + 2 * l2 * x)`, when `g` was given. */
  readonly gradient?: tf.Tensor;
}

/**
 * One L1L2-form penalty term of `x`: its value times `valueScale`, and, given `g`, the gradient
 * `g` plus `gradScale` times the penalty's gradient. Neither is recorded for backprop.
 */
export function l1l2Term(
  x: tf.Tensor,
  factors: L1L2Factors,
  options: { gradient?: tf.Tensor; valueScale?: number; gradScale?: number; constants: ConstantCache },
): L1L2Term {
  const { l1, l2 } = factors;
  const valueScale = options.valueScale ?? 1;
  const gradScale = options.gradScale ?? 1;
  const g = options.gradient;
  // One kernel on cpu, and on wasm where the SIMD module runs, with @ridge/layers/fused.
  const fused = findFeature('fused')?.l1l2Penalty(x, { l1, l2, valueScale, gradScale }, g);
  if (fused) return { value: fused[0], factor: 1, gradient: fused[1] };
  const c = options.constants;
  let factor = 1;
  const result = tf.tidy(() => {
    const xf = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
    const sums: { partial: tf.Tensor; factor: number }[] = [];
    if (l1 !== 0) sums.push({ partial: tf.sum(tf.abs(xf)), factor: l1 * valueScale });
    if (l2 !== 0) sums.push({ partial: tf.sum(tf.square(xf)), factor: l2 * valueScale });
    let value: tf.Tensor;
    if (sums.length === 1) {
      // The usual case (L1 or L2): the factor stays on the host.
      value = sums[0]!.partial;
      factor = sums[0]!.factor;
    } else if (sums.length === 2) {
      value = tf.add(tf.mul(sums[0]!.partial, c.get(sums[0]!.factor)), tf.mul(sums[1]!.partial, c.get(sums[1]!.factor)));
    } else value = tf.zeros([]);
    if (!g) return { value: value as tf.Scalar };
    let gradient = g;
    if (l1 !== 0) gradient = tf.add(gradient, tf.mul(tf.sign(xf), c.get(gradScale * l1)));
    if (l2 !== 0) gradient = tf.add(gradient, tf.mul(xf, c.get(2 * gradScale * l2)));
    return { value: value as tf.Scalar, gradient };
  });
  return { ...result, factor };
}
