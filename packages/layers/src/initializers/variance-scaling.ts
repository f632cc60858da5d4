import { checkNumber, checkOneOf, type Initializer, type JsonObject } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { readConfig, seedOf } from './config.js';
import { computeFans } from './fans.js';

export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';
export type Distribution = 'truncated_normal' | 'untruncated_normal' | 'uniform';

export interface VarianceScalingConfig {
  scale?: number;
  mode?: FanMode;
  distribution?: Distribution;
  seed?: number | null;
}

// stddev of a unit normal truncated to [-2, 2], as Keras divides by it.
const TRUNCATED_STD = 0.8796256610342398;

/** Keras's VarianceScaling; Glorot, He and LeCun are presets of it. */
export class VarianceScaling implements Initializer {
  readonly className: string = 'VarianceScaling';
  declare readonly scale: number;
  declare readonly mode: FanMode;
  declare readonly distribution: Distribution;
  declare readonly seed: number | null;

  constructor(config: VarianceScalingConfig = {}) {
    this.scale = checkNumber('scale', config.scale ?? 1, { min: 0, minExclusive: true });
    this.mode = checkOneOf('mode', config.mode ?? 'fan_in', ['fan_in', 'fan_out', 'fan_avg'] as const);
    this.distribution = checkOneOf('distribution', config.distribution ?? 'truncated_normal', [
      'truncated_normal',
      'untruncated_normal',
      'uniform',
    ] as const);
    this.seed = seedOf(this.className, config.seed);
  }

  apply(shape: readonly number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    const { fanIn, fanOut } = computeFans(shape);
    const n = this.mode === 'fan_in' ? fanIn : this.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, n);
    const seed = this.seed ?? undefined;
    const s = [...shape];
    if (this.distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      return tf.randomUniform(s, -limit, limit, dtype as 'float32', seed);
    }
    const std = Math.sqrt(variance);
    if (this.distribution === 'truncated_normal') return tf.truncatedNormal(s, 0, std / TRUNCATED_STD, dtype as 'float32', seed);
    return tf.randomNormal(s, 0, std, dtype as 'float32', seed);
  }

  getConfig(): JsonObject {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed };
  }

  static fromConfig(config: JsonObject | undefined): VarianceScaling {
    return new VarianceScaling(readConfig('VarianceScaling', config, ['scale', 'mode', 'distribution', 'seed']) as VarianceScalingConfig);
  }
}

/** A named preset of VarianceScaling whose config is only its seed. */
function preset(className: string, scale: number, mode: FanMode, distribution: Distribution) {
  return class extends VarianceScaling {
    override readonly className = className;
    constructor(config: { seed?: number | null } = {}) {
      super({ scale, mode, distribution, seed: readConfig(className, config as JsonObject, ['seed'])['seed'] as number | null });
    }
    override getConfig(): JsonObject {
      return { seed: this.seed };
    }
  };
}

export const GlorotUniform = /* @__PURE__ */ preset('GlorotUniform', 1, 'fan_avg', 'uniform');
export const GlorotNormal = /* @__PURE__ */ preset('GlorotNormal', 1, 'fan_avg', 'truncated_normal');
export const HeUniform = /* @__PURE__ */ preset('HeUniform', 2, 'fan_in', 'uniform');
export const HeNormal = /* @__PURE__ */ preset('HeNormal', 2, 'fan_in', 'truncated_normal');
export const LecunUniform = /* @__PURE__ */ preset('LecunUniform', 1, 'fan_in', 'uniform');
export const LecunNormal = /* @__PURE__ */ preset('LecunNormal', 1, 'fan_in', 'truncated_normal');
