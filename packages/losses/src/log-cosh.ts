import type { JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import type { LossConfig } from './config.js';
import { LossFunction } from './loss-function.js';
import { perSampleMean } from './reduce.js';

export type LogCoshConfig = LossConfig;

/**
 * `mean(log(cosh(yPred - yTrue)))` over the features of each sample: about `e^2 / 2` for small
 * errors and `|e| - log 2` for large ones.
 */
export class LogCosh extends LossFunction {
  readonly className = 'LogCosh' as const;

  constructor(config: LogCoshConfig = {}) {
    super('LogCosh', config, []);
  }

  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
    // Keras' form, log(cosh(x)) = x + softplus(-2x) - log 2: cosh itself overflows float32 for
    // |x| > 89, this does not.
    const x = tf.sub(yPred, yTrue);
    return perSampleMean(tf.sub(tf.add(x, tf.softplus(tf.mul(x, -2))), Math.LN2));
  }

  protected options(): JsonObject {
    return {};
  }
}

export function logCosh(config?: LogCoshConfig): LogCosh {
  return new LogCosh(config);
}
