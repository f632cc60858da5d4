import type { Constraint } from '@ridge/core';
import { readConfig } from '../config.js';
import { asFloat, tf } from '../tensors.js';

/** NonNeg takes no arguments; its config is always `{}`. */
export type NonNegConfig = Record<string, never>;

/** Keras `NonNeg`: sets negative weights to 0, as `w * (w >= 0)`. */
export class NonNeg implements Constraint {
  readonly className = 'NonNeg';

  constructor(config?: NonNegConfig) {
    readConfig(this.className, config, []);
  }

  apply(w: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = asFloat(w);
      return tf.mul(x, tf.cast(tf.greaterEqual(x, 0), 'float32'));
    });
  }

  getConfig(): NonNegConfig {
    return {};
  }
}

/** A {@link NonNeg} constraint. */
export function nonNeg(): NonNeg {
  return new NonNeg();
}
