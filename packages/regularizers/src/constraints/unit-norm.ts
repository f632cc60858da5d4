import type { Constraint } from '@ridge/core';
import { readConfig } from '../config.js';
import { asFloat, tf } from '../tensors.js';
import { NORM_EPSILON, checkAxis, copyAxis, norms, resolveAxes, type Axis } from './norms.js';

export type UnitNormConfig = { axis?: Axis };

const KEYS = ['axis'] as const;

/** Keras `UnitNorm`: divides every slice by its norm over `axis`, `w / (epsilon + norms)`. Default `axis = 0`. */
export class UnitNorm implements Constraint {
  readonly className = 'UnitNorm';
  readonly axis: Axis;

  constructor(config?: UnitNormConfig) {
    const c = readConfig(this.className, config, KEYS);
    this.axis = c.axis === undefined ? 0 : checkAxis(c.axis);
  }

  apply(w: tf.Tensor): tf.Tensor {
    const axes = resolveAxes(this.className, this.axis, w.shape);
    return tf.tidy(() => {
      const x = asFloat(w);
      return tf.div(x, tf.add(norms(x, axes), NORM_EPSILON));
    });
  }

  getConfig(): Required<UnitNormConfig> {
    return { axis: copyAxis(this.axis) };
  }
}

/** A {@link UnitNorm} constraint: `unitNorm()` or `unitNorm({ axis: [0, 1, 2] })`. */
export function unitNorm(config?: UnitNormConfig): UnitNorm {
  return new UnitNorm(config);
}
