import type { Regularizer } from '@ridge/core';
import { RidgeError, checkOneOf } from '@ridge/core';
import { readConfig, readFactor } from './config.js';
import { asFloat, zeroPenalty, tf } from './tensors.js';

export const ORTHOGONAL_MODES = ['rows', 'columns'] as const;
export type OrthogonalMode = (typeof ORTHOGONAL_MODES)[number];

export type OrthogonalRegularizerConfig = { factor?: number; mode?: OrthogonalMode };

const KEYS = ['factor', 'mode'] as const;

/**
 * Floor on a row's squared norm before taking `1 / sqrt` of it, as `tf.math.l2_normalize` (which
 * Keras uses) does: a zero row normalises to zero instead of NaN.
 */
const NORM_EPSILON = 1e-12;

/** Axis along which each vector lies: a row runs along axis 1, a column along axis 0. */
function vectorAxis(mode: OrthogonalMode): number {
  return mode === 'rows' ? 1 : 0;
}

/**
 * Keras `OrthogonalRegularizer`: pushes the rows (or the columns) of a matrix towards being
 * orthogonal to each other. With `N` the matrix whose rows (columns) are L2-normalised,
 * `P = N N^T` (`N^T N`) holds the cosine of every pair; the penalty is
 * `factor * 0.5 * sum(|P_ij|, i != j) / (n (n - 1) / 2)`, that is `factor` times the mean
 * |cosine| over the `n (n - 1) / 2` pairs.
 */
export class OrthogonalRegularizer implements Regularizer {
  readonly className = 'OrthogonalRegularizer';
  readonly factor: number;
  readonly mode: OrthogonalMode;

  /** `new OrthogonalRegularizer(0.1)` or `({ factor, mode })`; defaults 0.01 and `'rows'`. */
  constructor(config?: number | OrthogonalRegularizerConfig) {
    const c = readConfig(this.className, config, KEYS, 'factor');
    this.factor = readFactor(c, 'factor', 0.01);
    this.mode = c.mode === undefined ? 'rows' : checkOneOf('mode', c.mode, ORTHOGONAL_MODES);
  }

  apply(x: tf.Tensor): tf.Scalar {
    const n = this.vectorCount(x);
    return tf.tidy(() => {
      const w = asFloat(x);
      // One vector has no pair to be orthogonal to. Keras would divide 0 by 0 pairs (NaN); a
      // layer with one unit or one input should simply carry no penalty.
      if (n < 2) return zeroPenalty(w);
      const { cosines } = this.cosines(w);
      const offDiagonal = tf.mul(cosines, tf.sub(1, tf.eye(n)));
      const pairs = (n * (n - 1)) / 2;
      return tf.mul<tf.Scalar>(tf.sum(tf.abs(offDiagonal)), (this.factor * 0.5) / pairs);
    });
  }

  /**
   * Analytic gradient, rows mode (columns mode is the same on the transpose). With
   * `c = factor * 0.5 / pairs`, `G = c * sign(P)` off the diagonal and 0 on it (symmetric), the
   * penalty is `sum(G * P)` locally, so `dR/dN = 2 G N`. Each row is `N_i = W_i / r_i` with
   * `r_i = sqrt(max(|W_i|^2, eps))`; where the norm is above the floor,
   * `dR/dW_i = (dN_i - (dN_i . N_i) N_i) / r_i` (the part along `N_i` changes only the length,
   * which normalisation removes); below the floor `r_i` is a constant and `dR/dW_i = dN_i / r_i`.
   * At `P_ij = 0` this takes the subgradient 0.
   */
  gradient(x: tf.Tensor): tf.Tensor {
    const n = this.vectorCount(x);
    return tf.tidy(() => {
      const w = asFloat(x);
      if (n < 2) return tf.zerosLike(w);
      const axis = vectorAxis(this.mode);
      const { normalized, cosines, squaredNorms, inverseNorms } = this.cosines(w);
      const pairs = (n * (n - 1)) / 2;
      const g = tf.mul(tf.mul(tf.sign(cosines), tf.sub(1, tf.eye(n))), (this.factor * 0.5) / pairs);
      const dN =
        this.mode === 'rows' ? tf.mul(tf.matMul(g, normalized), 2) : tf.mul(tf.matMul(normalized, g), 2);
      const along = tf.sum(tf.mul(dN, normalized), axis, true);
      const aboveFloor = tf.cast(tf.greaterEqual(squaredNorms, NORM_EPSILON), 'float32');
      return tf.mul(tf.sub(dN, tf.mul(tf.mul(along, aboveFloor), normalized)), inverseNorms);
    });
  }

  getConfig(): Required<OrthogonalRegularizerConfig> {
    return { factor: this.factor, mode: this.mode };
  }

  /** The number of vectors compared; throws unless `x` is a matrix. */
  private vectorCount(x: tf.Tensor): number {
    if (x.rank !== 2) {
      throw new RidgeError(
        'INVALID_ARGUMENT',
        `OrthogonalRegularizer needs a rank-2 weight (a matrix, such as a Dense kernel ` +
          `[inputDim, units]); received a tensor of shape [${x.shape.join(', ')}] (rank ${x.rank}). ` +
          `Put it on 2-D kernels only, or reshape the weight to 2-D before applying it ` +
          `(a conv kernel [h, w, in, out] as [h * w * in, out]).`,
        { argument: 'x', shape: [...x.shape] },
      );
    }
    return x.shape[this.mode === 'rows' ? 0 : 1]!;
  }

  /** The normalised vectors and the matrix of their pairwise cosines. */
  private cosines(w: tf.Tensor): {
    normalized: tf.Tensor;
    cosines: tf.Tensor;
    squaredNorms: tf.Tensor;
    inverseNorms: tf.Tensor;
  } {
    const squaredNorms = tf.sum(tf.square(w), vectorAxis(this.mode), true);
    const inverseNorms = tf.rsqrt(tf.maximum(squaredNorms, NORM_EPSILON));
    const normalized = tf.mul(w, inverseNorms);
    const cosines =
      this.mode === 'rows' ? tf.matMul(normalized, normalized, false, true) : tf.matMul(normalized, normalized, true, false);
    return { normalized, cosines, squaredNorms, inverseNorms };
  }
}

/**
 * An {@link OrthogonalRegularizer}: `orthogonal(0.1)` or `orthogonal({ factor: 0.1, mode: 'columns' })`;
 * defaults 0.01 and `'rows'`.
 */
export function orthogonal(config?: number | OrthogonalRegularizerConfig): OrthogonalRegularizer {
  return new OrthogonalRegularizer(config);
}
