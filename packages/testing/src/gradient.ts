import type { Regularizer } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { ContractError } from './contract-error.js';

export interface GradientCheckOptions {
  /** Relative step of the central difference: entry i moves by `epsilon * max(1, |x_i|)`. Default `1e-2`. */
  readonly epsilon?: number;
  /** Relative tolerance, against the finite difference. Default `1e-2`. */
  readonly rtol?: number;
  /** Absolute tolerance, added to the rounding floor below. Default `0`. */
  readonly atol?: number;
}

/** float32's unit roundoff, 2^-24. */
const UNIT_ROUNDOFF = 2 ** -24;
/** How many of the worst entries a failure lists. */
const SHOWN = 5;

/** A copy of a tensor's values in float32 (a cast tensor may keep its int32 storage on cpu). */
function float32Values(x: tf.Tensor): Float32Array {
  return Float32Array.from(x.dataSync() as ArrayLike<number>);
}

function penaltyAt(regularizer: Regularizer, values: Float32Array, shape: number[]): number {
  return tf.tidy(() => {
    const p = regularizer.apply(tf.tensor(values, shape, 'float32'));
    return p.dataSync()[0]!;
  });
}

/** `[i, j, ...]` for a flat index into a tensor of this shape. */
function position(flat: number, shape: readonly number[]): string {
  const out: number[] = [];
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    out.unshift(rest % shape[d]!);
    rest = Math.floor(rest / shape[d]!);
  }
  return `[${out.join(', ')}]`;
}

const fmt = (v: number): string => (Number.isFinite(v) ? v.toPrecision(6) : String(v));

interface Reference {
  /** The central difference at each entry. */
  readonly fd: Float64Array;
  /** What each entry may be off by: atol + rtol * |fd| + the rounding floor. */
  readonly tolerance: Float64Array;
}

function centralDifferences(regularizer: Regularizer, x: tf.Tensor, epsilon: number, rtol: number, atol: number): Reference {
  const values = float32Values(x);
  const shape = [...x.shape];
  const fd = new Float64Array(values.length);
  const tolerance = new Float64Array(values.length);
  // A sum of n terms is off by at most (n - 1) roundoffs of its size, and each evaluation also
  // rounds a few elementwise ops; the difference of two evaluations doubles that.
  const roundoffs = 2 * (values.length + 8);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const h = epsilon * Math.max(1, Math.abs(v));
    // The steps actually taken are the float32 neighbours, not v +- h: divide by their distance.
    const plus = Math.fround(v + h);
    const minus = Math.fround(v - h);
    values[i] = plus;
    const up = penaltyAt(regularizer, values, shape);
    values[i] = minus;
    const down = penaltyAt(regularizer, values, shape);
    values[i] = v;
    fd[i] = (up - down) / (plus - minus);
    const roundingFloor = (roundoffs * UNIT_ROUNDOFF * Math.max(Math.abs(up), Math.abs(down))) / (plus - minus);
    tolerance[i] = atol + rtol * Math.abs(fd[i]!) + roundingFloor;
  }
  return { fd, tolerance };
}

/** Compares one gradient with the reference; returns a description of the failure, if any. */
function compare(what: string, gradient: tf.Tensor, x: tf.Tensor, ref: Reference): string | undefined {
  if (gradient.shape.join(',') !== x.shape.join(',')) {
    return `${what} has shape [${gradient.shape.join(', ')}], not the input's [${x.shape.join(', ')}]`;
  }
  const g = float32Values(gradient);
  const bad: { i: number; excess: number }[] = [];
  for (let i = 0; i < g.length; i++) {
    const diff = Math.abs(g[i]! - ref.fd[i]!);
    if (!(diff <= ref.tolerance[i]!)) bad.push({ i, excess: Number.isNaN(diff) ? Infinity : diff / ref.tolerance[i]! });
  }
  if (bad.length === 0) return undefined;
  bad.sort((a, b) => b.excess - a.excess);
  const rows = bad
    .slice(0, SHOWN)
    .map(({ i }) => `${position(i, x.shape)}: ${fmt(g[i]!)} vs ${fmt(ref.fd[i]!)} (allowed ${fmt(ref.tolerance[i]!)})`);
  return `${what} differs from the central difference at ${bad.length} of ${g.length} entries: ${rows.join('; ')}${bad.length > SHOWN ? '; ...' : ''}`;
}

function autodiff(regularizer: Regularizer, x: tf.Tensor): tf.Tensor | string {
  try {
    return tf.grad((t: tf.Tensor) => regularizer.apply(t))(x);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = /gradient function not found/i.test(message)
      ? " tfjs-core registers no gradients by itself: import '@ridge/backend' (or call its initBackend()) before the check."
      : '';
    return `tf.grad of ${regularizer.className}.apply threw: ${message}.${hint}`;
  }
}

/**
 * Checks the gradient of `regularizer.apply` at `x` against central finite differences,
 * `(R(x + h e_i) - R(x - h e_i)) / 2h`, for both the analytic `gradient(x)` (when the regularizer
 * has one) and autodiff (`tf.grad` of `apply`). Throws a `ContractError` listing the worst
 * entries. Each entry costs two `apply` calls: use small tensors, away from kinks (`|x| = 0`
 * for L1-like penalties), where no derivative exists.
 *
 * Why these defaults. Penalties are computed in float32, whose unit roundoff is u = 2^-24
 * (about 6e-8). A central difference with step h has a truncation error of about
 * h^2 |R'''| / 6 and a rounding error of about u |R| / h; the two balance near h = u^(1/3),
 * about 4e-3, for a penalty of unit scale. The default step, 1e-2 (times |x_i| when that
 * exceeds 1), keeps the truncation error near 2e-5 |R'''| and the rounding error near 3e-6 |R|;
 * the 1e-6 usual in float64 would leave nothing but rounding noise. So the tolerance is loose
 * and has three parts: `rtol` (1e-2) of the finite difference, for the truncation error;
 * a rounding floor of 2 (n + 8) u max(|R(x+)|, |R(x-)|) / 2h, the most two float32 evaluations
 * of a sum of n terms can differ by, carried through the division by the step; and `atol`
 * (0), for what a caller knows more about. That still fails a missing factor 2, a wrong sign,
 * a wrong axis or a dropped term, which are off by far more than 1%. The floor grows with n and
 * with 1/h: keep tensors small (tens of entries) and the step near its default.
 */
export function expectGradientMatchesFiniteDifference(
  regularizer: Regularizer,
  x: tf.Tensor,
  options: GradientCheckOptions = {},
): void {
  const { epsilon = 1e-2, rtol = 1e-2, atol = 0 } = options;
  for (const [name, value] of [['epsilon', epsilon], ['rtol', rtol], ['atol', atol]] as const) {
    if (!(Number.isFinite(value) && value >= 0) || (name === 'epsilon' && value === 0)) {
      throw new ContractError(`expectGradientMatchesFiniteDifference: ${name} must be a finite number ${name === 'epsilon' ? '> 0' : '>= 0'}; received ${value}.`);
    }
  }
  const ref = centralDifferences(regularizer, x, epsilon, rtol, atol);
  const problems: string[] = [];
  const label = regularizer.className;
  const xf = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
  try {
    if (typeof regularizer.gradient === 'function') {
      const analytic = regularizer.gradient(xf);
      try {
        const problem = compare(`${label}.gradient(x)`, analytic, xf, ref);
        if (problem) problems.push(problem);
      } finally {
        analytic.dispose();
      }
    }
    const auto = autodiff(regularizer, xf);
    if (typeof auto === 'string') problems.push(auto);
    else {
      try {
        const problem = compare(`tf.grad of ${label}.apply`, auto, xf, ref);
        if (problem) problems.push(problem);
      } finally {
        auto.dispose();
      }
    }
  } finally {
    if (xf !== x) xf.dispose();
  }
  if (problems.length > 0) {
    throw new ContractError(
      `${label}: the gradient at an input of shape [${x.shape.join(', ')}] does not match finite differences ` +
        `(epsilon ${epsilon}, rtol ${rtol}, atol ${atol}).\n- ${problems.join('\n- ')}`,
    );
  }
}
