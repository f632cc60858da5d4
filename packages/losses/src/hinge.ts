import type { JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import type { LossConfig } from './config.js';
import { LossFunction } from './loss-function.js';
import { perSampleMean } from './reduce.js';

export type HingeConfig = LossConfig;

/**
 * `mean(max(1 - yTrue * yPred, 0))` over the features of each sample. yTrue is expected in
 * {-1, 1}; as in Keras, when every label of the batch is 0 or 1 they are read as -1 and 1.
 */
export class Hinge extends LossFunction {
  readonly className = 'Hinge' as const;

  constructor(config: HingeConfig = {}) {
    super('Hinge', config, []);
  }

  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
    return perSampleMean(hingeMargins(yTrue, yPred));
  }

  protected options(): JsonObject {
    return {};
  }
}

/**
 * `max(1 - y * yPred, 0)` per element, with labels in {0, 1} read as -1 and 1 when every label of
 * the batch is 0 or 1 (Keras' `convert_binary_labels_to_hinge`). Shared with SquaredHinge.
 */
export function hingeMargins(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  // Decided on the device (no read back): binary is 1 when all labels are 0 or 1, else 0,
  // and y + binary * (y - 1) is 2y - 1 for binary labels and y otherwise.
  const binary = tf.cast(tf.all(tf.logicalOr(tf.equal(yTrue, 0), tf.equal(yTrue, 1))), 'float32');
  const signed = tf.add(yTrue, tf.mul(binary, tf.sub(yTrue, 1)));
  return tf.relu(tf.sub(1, tf.mul(signed, yPred)));
}

export function hinge(config?: HingeConfig): Hinge {
  return new Hinge(config);
}
