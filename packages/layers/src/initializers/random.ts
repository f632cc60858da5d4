import { checkNumber, type Initializer, type JsonObject } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { readConfig, seedOf } from './config.js';

export interface RandomNormalConfig {
  mean?: number;
  stddev?: number;
  seed?: number | null;
}

/** Normal values (Keras defaults: mean 0, stddev 0.05). */
export class RandomNormal implements Initializer {
  readonly className: string = 'RandomNormal';
  readonly mean: number;
  readonly stddev: number;
  readonly seed: number | null;
  constructor(config: RandomNormalConfig = {}) {
    const c = readConfig(this.className, config as JsonObject, ['mean', 'stddev', 'seed']);
    this.mean = checkNumber('mean', c['mean'] ?? 0);
    this.stddev = checkNumber('stddev', c['stddev'] ?? 0.05, { min: 0 });
    this.seed = seedOf(this.className, c['seed']);
  }
  apply(shape: readonly number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.randomNormal([...shape], this.mean, this.stddev, dtype as 'float32', this.seed ?? undefined);
  }
  getConfig(): JsonObject {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed };
  }
}

/** Normal values redrawn beyond two standard deviations (Keras defaults: mean 0, stddev 0.05). */
export class TruncatedNormal extends RandomNormal {
  override readonly className: string = 'TruncatedNormal';
  override apply(shape: readonly number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.truncatedNormal([...shape], this.mean, this.stddev, dtype as 'float32', this.seed ?? undefined);
  }
}

export interface RandomUniformConfig {
  minval?: number;
  maxval?: number;
  seed?: number | null;
}

/** Uniform values (Keras defaults: [-0.05, 0.05]). */
export class RandomUniform implements Initializer {
  readonly className = 'RandomUniform';
  readonly minval: number;
  readonly maxval: number;
  readonly seed: number | null;
  constructor(config: RandomUniformConfig = {}) {
    const c = readConfig(this.className, config as JsonObject, ['minval', 'maxval', 'seed']);
    this.minval = checkNumber('minval', c['minval'] ?? -0.05);
    this.maxval = checkNumber('maxval', c['maxval'] ?? 0.05, { min: this.minval });
    this.seed = seedOf(this.className, c['seed']);
  }
  apply(shape: readonly number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.randomUniform([...shape], this.minval, this.maxval, dtype as 'float32', this.seed ?? undefined);
  }
  getConfig(): JsonObject {
    return { minval: this.minval, maxval: this.maxval, seed: this.seed };
  }
}
