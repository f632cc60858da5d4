import { checkNumber, type Initializer, type JsonObject } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { readConfig, seedOf } from './config.js';

/** A (semi-)orthogonal matrix, flattened to the weight's shape; Keras's default for recurrent kernels. */
export class Orthogonal implements Initializer {
  readonly className = 'Orthogonal';
  readonly gain: number;
  readonly seed: number | null;
  constructor(config: { gain?: number; seed?: number | null } = {}) {
    const c = readConfig(this.className, config as JsonObject, ['gain', 'seed']);
    this.gain = checkNumber('gain', c['gain'] ?? 1);
    this.seed = seedOf(this.className, c['seed']);
  }
  apply(shape: readonly number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.tidy(() => {
      const cols = shape[shape.length - 1] ?? 1;
      const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const [n, m] = rows < cols ? [cols, rows] : [rows, cols];
      const a = tf.randomNormal([n, m], 0, 1, 'float32', this.seed ?? undefined) as tf.Tensor2D;
      // Gram-Schmidt gives Q with orthonormal columns; sign-fix as QR would.
      const q = tf.linalg.gramSchmidt(tf.transpose(a)) as tf.Tensor2D;
      const flat = rows < cols ? q : tf.transpose(q);
      return tf.cast(tf.reshape(tf.mul(flat, this.gain), [...shape]), dtype);
    });
  }
  getConfig(): JsonObject {
    return { gain: this.gain, seed: this.seed };
  }
}

/** The identity matrix (times `gain`) for 2-D weights. */
export class Identity implements Initializer {
  readonly className = 'Identity';
  readonly gain: number;
  constructor(config: { gain?: number } = {}) {
    this.gain = checkNumber('gain', readConfig(this.className, config as JsonObject, ['gain'])['gain'] ?? 1);
  }
  apply(shape: readonly number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.tidy(() => tf.cast(tf.mul(tf.eye(shape[0] ?? 1, shape[1]), this.gain), dtype));
  }
  getConfig(): JsonObject {
    return { gain: this.gain };
  }
}
